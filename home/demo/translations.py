"""Demo translations, made through wagtail-localize exactly as a translator's work would be.

For each demo page below and each language with a file in `translations/` (English text ->
translation, one entry per wagtail-localize segment), the loader records the translated strings
in wagtail-localize's translation memory and publishes the translated page, which replaces the
English alias in that language's tree. The translation editor then shows them as a translator
left them, and "Sync translated pages" updates them when the English changes.

Idempotent and careful: a page that is already translated (by the loader or by a person) is left
alone, and a language without a file is skipped.
"""

from __future__ import annotations

import json
from pathlib import Path

from wagtail.models import Locale, Page
from wagtail_localize.models import StringSegment, StringTranslation, Translation, TranslationSource

DIRECTORY = Path(__file__).parent / "translations"

# The pages the demo ships translated: the home page, every council page, two types of
# fostering, the enquiry page and an event (paths under the home page); and the answers to
# "How did you hear about us?" that the files translate.
TRANSLATED_PAGES = [
    "",
    "councils/derby/",
    "councils/derbyshire/",
    "councils/nottingham/",
    "councils/nottinghamshire/",
    "types-of-fostering/short-term/",
    "types-of-fostering/long-term/",
    "enquire/",
    "events/derby-information-evening/",
]


def catalogue(language_code: str) -> dict[str, str]:
    path = DIRECTORY / f"{language_code}.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def translate_page(page, locale: Locale, strings: dict[str, str]) -> bool:
    """Translate one page or translatable snippet into `locale` from `strings`; False when it
    was translated already (by the loader or a person)."""
    existing = page.get_translation_or_none(locale)
    if existing is not None and getattr(existing, "alias_of_id", None) is None:
        return False
    source, _created = TranslationSource.update_or_create_from_instance(page)
    segments = StringSegment.objects.filter(source=source).select_related("string", "context")
    for segment in segments:
        text = strings.get(segment.string.data)
        if text:
            StringTranslation.objects.update_or_create(
                translation_of=segment.string,
                locale=locale,
                context=segment.context,
                defaults={"data": text},
            )
    translation, _created = Translation.objects.get_or_create(
        source=source, target_locale=locale, defaults={"enabled": True}
    )
    # Untranslated strings fall back to the English, as "Sync translated pages" does.
    translation.save_target(publish=True)
    return True


def load_demo_translations(loader) -> None:
    from enquiry.models import HearAboutOption

    home = loader.home
    english = home.locale
    for locale in Locale.objects.exclude(pk=english.pk).order_by("language_code"):
        strings = catalogue(locale.language_code)
        if not strings:
            continue
        for path in TRANSLATED_PAGES:
            url_path = home.url_path + path
            page = Page.objects.filter(url_path=url_path, locale=english).first()
            if page is None:
                continue
            if translate_page(page.specific, locale, strings):
                loader.created("translation", f"{url_path} ({locale.language_code})")
        # The "How did you hear about us?" answers (translatable snippets).
        for option in HearAboutOption.objects.originals().filter(label__in=strings):
            if translate_page(option, locale, strings):
                loader.created("translation", f"answer {option.label!r} ({locale.language_code})")
