"""Keep phone numbers, references and postcodes left to right inside rich text.

In a right-to-left paragraph the groups of a phone number swap places: "03069 990214" comes out
as "990214 03069" in Urdu, because the space between two runs of digits takes the direction of
the Urdu around it. Templates wrap the numbers they print with the `ltr` filter; the words
editors write (rich text) go through `isolate_ltr`, which wraps UK phone numbers, enquiry and
booking references and postcodes in `<bdi dir="ltr">`. It does so on every page (an isolate
changes nothing in left-to-right text), so a cached fragment is the same in every language.

Only text between tags is touched, never an attribute, and nothing already inside a `<bdi>`.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.utils.html import escape
from django.utils.safestring import SafeData, SafeString, mark_safe

TAG = re.compile(r"(<[^>]*>)")
# A UK number: 0 or +44, then three groups (e.g. 0300 123 4567, 03069 990214, 07700 900456,
# +44 115 496 0000); the digits are counted below (10 or 11 after a 0).
PHONE = r"(?:\+44[ ]?(?:\(0\)[ ]?)?|\(?0)\d{2,4}\)?(?:[ -]?\d{3,4}){2}"
POSTCODE = r"[A-Z]{1,2}\d[A-Z\d]?[ ]?\d[A-Z]{2}"
BOOKING = r"EVT-\d{6,}"
SKIP_INSIDE = {"bdi", "script", "style", "code", "pre"}


def _reference() -> str:
    prefix = re.escape(getattr(settings, "ENQUIRY_REFERENCE_PREFIX", "HUB"))
    return rf"{prefix}-\d{{4}}-\d{{6,}}"


def _pattern() -> re.Pattern:
    return re.compile(
        rf"(?<![\w+/.-])(?:(?P<phone>{PHONE})|{_reference()}|{BOOKING}|{POSTCODE})(?![\w/-])"
    )


def _is_phone(text: str) -> bool:
    digits = re.sub(r"\D", "", text)
    if text.startswith("+44"):
        return len(digits) in (11, 12)
    return len(digits) in (10, 11)


def _wrap(match: re.Match) -> str:
    text = match.group(0)
    if match.group("phone") and not _is_phone(text):
        return text
    return f'<bdi dir="ltr">{text}</bdi>'


def isolate_ltr(html: str) -> SafeString:
    """`html` with its phone numbers, references and postcodes in `<bdi dir="ltr">`."""
    if not html:
        return mark_safe("")
    if not isinstance(html, SafeData):
        html = escape(html)  # plain text: escaped, so only the <bdi> added is markup
    pattern = _pattern()
    parts = TAG.split(str(html))
    inside: list[str] = []
    for index, part in enumerate(parts):
        if index % 2:  # a tag
            name = re.match(r"</?\s*([a-zA-Z0-9]+)", part)
            if name and name.group(1).lower() in SKIP_INSIDE:
                tag = name.group(1).lower()
                if part.startswith("</"):
                    if tag in inside:
                        inside.remove(tag)
                elif not part.endswith("/>"):
                    inside.append(tag)
        elif part and not inside:
            parts[index] = pattern.sub(_wrap, part)
    # The input was safe HTML; only <bdi> elements are added.
    return mark_safe("".join(parts))
