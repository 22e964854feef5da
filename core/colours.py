"""Brand colours must stay readable: WCAG 2.2 contrast checks for the admin's colour fields."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


def relative_luminance(hex_colour: str) -> float:
    """WCAG relative luminance of a #rrggbb colour."""
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(first: str, second: str) -> float:
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def validate_hex_colour(value: str) -> None:
    if not HEX_COLOUR.match(value or ""):
        raise ValidationError(
            _("Use a six-digit hex colour such as #1d4f91."), code="invalid_colour"
        )


def validate_readable_on_white(value: str) -> None:
    """Text and buttons in this colour sit on white: require the 4.5:1 AA contrast ratio."""
    validate_hex_colour(value)
    ratio = contrast_ratio(value, "#ffffff")
    if ratio < 4.5:
        raise ValidationError(
            _(
                "This colour has a contrast ratio of %(ratio).1f:1 against white; text needs at "
                "least 4.5:1 to be readable. Choose a darker shade."
            ),
            params={"ratio": ratio},
            code="low_contrast",
        )


def validate_readable_under_black(value: str) -> None:
    """Highlight colours sit behind black text (focus states): require 4.5:1 with black."""
    validate_hex_colour(value)
    ratio = contrast_ratio(value, "#000000")
    if ratio < 4.5:
        raise ValidationError(
            _(
                "Black text on this colour has a contrast ratio of %(ratio).1f:1; it needs at "
                "least 4.5:1. Choose a lighter shade."
            ),
            params={"ratio": ratio},
            code="low_contrast",
        )
