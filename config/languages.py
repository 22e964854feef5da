"""The site's languages as configuration: English plus the content languages a hub chooses.

Kept free of Django imports that need settings, so the settings modules can call it.
"""

from __future__ import annotations

from django.conf.locale import LANG_INFO
from django.core.exceptions import ImproperlyConfigured


def content_languages(default: str, extra: str) -> list[tuple[str, str]]:
    """LANGUAGES for Django and Wagtail: the default first, then each code in `extra`
    (comma-separated), each named in its own language ("Polski", "اردو") as the language
    switcher shows it. An unknown code stops the site starting rather than serving a language
    Django cannot format dates or plurals for."""
    codes = [default]
    for raw in extra.split(","):
        code = raw.strip().lower()
        if not code or code in codes:
            continue
        if code not in LANG_INFO or "name_local" not in LANG_INFO[code]:
            raise ImproperlyConfigured(
                f"CONTENT_LANGUAGES has {code!r}, which is not a language code Django knows "
                "(for example pl, ur, ro, pa, bn)."
            )
        codes.append(code)
    names = {default: "English"}
    for code in codes[1:]:
        local = LANG_INFO[code]["name_local"]
        names[code] = local[:1].upper() + local[1:]  # "polski" -> "Polski" (a menu entry)
    return [(code, names[code]) for code in codes]
