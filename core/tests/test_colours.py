"""Brand colours chosen in the admin keep text readable (WCAG 2.2 AA contrast, 4.5:1)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from core.colours import (
    contrast_ratio,
    relative_luminance,
    validate_hex_colour,
    validate_readable_on_white,
    validate_readable_under_black,
)
from councils.models import HubSettings


@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [
        ("#000000", "#ffffff", 21.0),
        ("#ffffff", "#000000", 21.0),  # order does not matter
        ("#767676", "#ffffff", 4.54),  # the classic lightest AA grey on white
        ("#777777", "#ffffff", 4.48),  # one step lighter fails AA
        ("#0000ff", "#ffffff", 8.59),
        ("#ff0000", "#ffffff", 4.0),
        ("#1d70b8", "#ffffff", 5.17),  # GOV.UK link blue
        ("#ffdd00", "#000000", 15.6),  # GOV.UK focus yellow behind black text
        ("#123456", "#123456", 1.0),
    ],
)
def test_contrast_ratio_matches_wcag(first, second, expected):
    assert contrast_ratio(first, second) == pytest.approx(expected, abs=0.01)


def test_relative_luminance_ends():
    assert relative_luminance("#000000") == 0
    assert relative_luminance("#FFFFFF") == pytest.approx(1)


@pytest.mark.parametrize("colour", ["#1d4f91", "#767676", "#000000", "#0B0C0C"])
def test_dark_enough_primary_colours_are_accepted(colour):
    validate_readable_on_white(colour)


@pytest.mark.parametrize(
    ("colour", "ratio"), [("#777777", "4.5"), ("#ffdd00", "1.3"), ("#ff0000", "4.0")]
)
def test_low_contrast_primary_is_refused_with_its_ratio(colour, ratio):
    with pytest.raises(ValidationError) as caught:
        validate_readable_on_white(colour)
    error = caught.value.error_list[0]
    assert error.code == "low_contrast"
    message = error.message % error.params
    assert f"contrast ratio of {ratio}:1 against white" in message
    assert "at least 4.5:1" in message


@pytest.mark.parametrize("colour", ["#ffdd00", "#ffffff", "#00ff00"])
def test_light_enough_accent_colours_are_accepted(colour):
    validate_readable_under_black(colour)


def test_dark_accent_is_refused_with_its_ratio():
    with pytest.raises(ValidationError) as caught:
        validate_readable_under_black("#1d4f91")
    error = caught.value.error_list[0]
    assert error.code == "low_contrast"
    assert "contrast ratio of 2.6:1" in error.message % error.params


@pytest.mark.parametrize("value", ["1d4f91", "#1d4f9", "#1d4f911", "#gggggg", "blue", "", None])
def test_colours_must_be_six_digit_hex(value):
    with pytest.raises(ValidationError) as caught:
        validate_hex_colour(value)
    assert caught.value.error_list[0].code == "invalid_colour"
    with pytest.raises(ValidationError):
        validate_readable_on_white(value)


@pytest.mark.django_db
def test_hub_settings_refuse_an_unreadable_brand(home):
    from wagtail.models import Site

    hub = HubSettings.for_site(Site.objects.get(is_default_site=True))
    hub.full_clean()  # the defaults are readable
    hub.primary_colour = "#ffdd00"
    hub.accent_colour = "#1d4f91"
    with pytest.raises(ValidationError) as caught:
        hub.full_clean()
    assert set(caught.value.message_dict) == {"primary_colour", "accent_colour"}
