"""UK postcodes: read what people type ("de1 2ab", "DE12AB ") into one form ("DE1 2AB"), and
their district (outward code), which decides the council and is all reports keep."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

DISTRICT_RE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?$")
POSTCODE_RE = re.compile(r"^(GIR0AA|[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][ABD-HJLNP-UW-Z]{2})$")


def normalise_postcode(text: str) -> str:
    """Return the postcode in capitals with one space before the last three characters.

    Raises ValidationError when it is not a UK postcode, so the form can say so.
    """
    compact = re.sub(r"[\s\-]+", "", text or "").upper()
    if not POSTCODE_RE.match(compact):
        raise ValidationError(
            _("Enter a real postcode, like DE1 2AB"),
            code="invalid_postcode",
        )
    return f"{compact[:-3]} {compact[-3:]}"


def outward_code(postcode: str) -> str:
    """The district part of a UK postcode ('de1 2ab' -> 'DE1'); '' when it cannot be read."""
    compact = re.sub(r"\s+", "", postcode or "").upper()
    if len(compact) < 5:
        return ""
    district = compact[:-3]
    return district if DISTRICT_RE.match(district) else ""
