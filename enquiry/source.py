"""Where an enquiry came from, in the words officers read on its page and in the export.

An enquiry stores its channel group, campaign and owner (what the reports count) and the two
touches they were worked out from (`attribution`): plain dicts of tags, a referrer domain, a
landing path and a time. These functions say them in words, reading only the enquiry and the
campaigns already joined to it (`campaign`, `first_campaign`, `owner_council`), so a page or an
export of any length costs no extra query.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext

from attribution.classification import CHANNEL_LABELS, Channel
from attribution.touches import from_dict, when

from .models import Enquiry


def channel_label(value: str) -> str:
    """A stored channel value in words ("Not classified" for an empty or retired one)."""
    try:
        return CHANNEL_LABELS[Channel(value)]
    except ValueError:
        return gettext("Not classified")


def campaign_label(campaign) -> str:
    return campaign.name if campaign is not None else gettext("None")


def owner_label(enquiry: Enquiry) -> str:
    """Whose campaign brought the enquiry: the hub's (regional), a council's, or nobody's."""
    if enquiry.owner == "regional":
        return gettext("The hub (regional)")
    if enquiry.owner == "local" and enquiry.owner_council_id:
        return enquiry.owner_council.name
    return gettext("No campaign")


def _campaign_named(code: str, enquiry: Enquiry) -> str:
    """A touch's campaign code under the name of the campaign it matched, where it did."""
    for campaign in (enquiry.first_campaign, enquiry.campaign):
        if campaign is not None and campaign.code.lower() == code.lower():
            return campaign.name
    return f"“{code}”"


def touch_words(data: Mapping | None, enquiry: Enquiry, *, channel: str = "") -> str:
    """One stored touch in words, after its `channel` where given: how the visit came (or
    that staff took the contact), its tags, where it landed and when. "None" for no touch."""
    touch = from_dict(data)
    if touch is None:
        return gettext("None")
    parts = []
    if touch.entered_by_staff and channel != Channel.STAFF_ENTERED:
        parts.append(gettext("taken by staff"))
    if touch.via_short_link:
        parts.append(gettext("through a short link or QR code"))
    if touch.referrer_domain:
        parts.append(gettext("from %(domain)s") % {"domain": touch.referrer_domain})
    if touch.had_ad_click_id:
        parts.append(gettext("after clicking an advert"))
    if touch.utm_campaign:
        parts.append(
            gettext("campaign %(campaign)s")
            % {"campaign": _campaign_named(touch.utm_campaign, enquiry)}
        )
    if touch.utm_source:
        parts.append(gettext("source “%(value)s”") % {"value": touch.utm_source})
    if touch.utm_medium:
        parts.append(gettext("medium “%(value)s”") % {"value": touch.utm_medium})
    if not parts and not touch.entered_by_staff:
        parts.append(gettext("a direct visit"))
    if touch.landing_path:
        parts.append(gettext("landed on %(path)s") % {"path": touch.landing_path})
    if moment := when(data):
        parts.append(
            gettext("on %(date)s") % {"date": date_format(timezone.localtime(moment), "j F Y, H:i")}
        )
    words = ", ".join(parts)
    if not channel:
        return capfirst(words)
    return gettext("%(channel)s: %(touch)s") % {"channel": channel_label(channel), "touch": words}


def first_touch_words(enquiry: Enquiry) -> str:
    """The first touch, after the channel it was classified as on its own."""
    return touch_words(
        enquiry.first_touch, enquiry, channel=enquiry.first_channel or enquiry.channel
    )


def last_touch_words(enquiry: Enquiry) -> str:
    """The last non-direct touch: the one that decided the channel (unless staff corrected it)."""
    return touch_words(enquiry.last_touch, enquiry)


def source_rows(enquiry: Enquiry) -> list[tuple[str, str]]:
    """The detail page's "Where they came from"."""
    return [
        (gettext("Channel"), channel_label(enquiry.channel)),
        (gettext("Campaign"), campaign_label(enquiry.campaign)),
        (gettext("Campaign owner"), owner_label(enquiry)),
        (gettext("First touch"), first_touch_words(enquiry)),
        (gettext("Last touch"), last_touch_words(enquiry)),
    ]
