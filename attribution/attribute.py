"""Attributing an enquiry when it is saved: its touches, campaign, owner and channel group.

The channel comes from the last non-direct touch (or the first, when there is no other), the
campaign from that touch's utm_campaign matched against the campaign codes, and the owner from
the campaign: "regional" for a hub campaign, "local" (with the council) for a council's.
Enquiries staff enter by hand are "staff-entered" unless staff picked a channel. The person's
own answer to "How did you hear about us?" is kept as they gave it, never overwritten.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.utils import timezone

from .classification import RULESET_VERSION, Channel, Classification, Context, Touch, classify
from .models import Campaign
from .touches import classification_context, from_dict, to_dict

ATTRIBUTION_FIELDS = (
    "first_touch",
    "last_touch",
    "campaign",
    "owner",
    "owner_council",
    "channel",
    "channel_rule",
    "ruleset_version",
    "first_channel",
    "first_campaign",
)
STAFF_PICKED_RULE = "staff_picked"
# A hub enquiry officer corrected the channel or campaign afterwards: reclassifying leaves it.
STAFF_CORRECTED_RULE = "staff_corrected"


def deciding_touch(first: Mapping | None, last: Mapping | None) -> Touch:
    """The touch that decides the channel: the last non-direct one, else the first, else a
    direct visit with nothing to say."""
    return from_dict(last) or from_dict(first) or Touch()


def classify_touches(
    first: Mapping | None, last: Mapping | None, context: Context
) -> Classification:
    """The channel group for a pair of stored touches; a staff-picked channel stands as picked."""
    touch = deciding_touch(first, last)
    if touch.entered_by_staff and touch.staff_channel:
        try:
            channel = Channel(touch.staff_channel)
        except ValueError:
            channel = None
        if channel is not None and channel is not Channel.STAFF_ENTERED:
            return Classification(channel=channel, rule=STAFF_PICKED_RULE)
    return classify(touch, context)


def first_touch_channel(
    first: Mapping | None, last: Mapping | None, context: Context
) -> Classification:
    """The channel group of the first touch on its own (the last one when there is no first),
    for the first-versus-last-touch report."""
    return classify_touches(first or last, None, context)


def match_campaign(code: str) -> Campaign | None:
    """The campaign whose code is this utm_campaign (case-insensitive), or None."""
    if not code:
        return None
    return Campaign.objects.select_related("council").filter(code__iexact=code).first()


def campaign_owner(campaign: Campaign | None) -> dict[str, Any]:
    """The owner fields a campaign gives an enquiry: "regional" for a hub campaign, "local"
    with its council for a council's, nothing without a campaign."""
    if campaign is None:
        return {"owner": "", "owner_council": None}
    if campaign.council_id is None:
        return {"owner": "regional", "owner_council": None}
    return {"owner": "local", "owner_council": campaign.council}


def attribution_fields(
    first: Mapping | None,
    last: Mapping | None,
    *,
    entered_by_staff: bool = False,
    staff_channel: str = "",
    staff_campaign: Campaign | None = None,
    context: Context | None = None,
    at: datetime | None = None,
) -> dict[str, Any]:
    """The Enquiry field values for these touches (or for a staff-entered enquiry, whose one
    touch is the contact staff took, dated `at`: now unless they say when it came in)."""
    if entered_by_staff:
        staff_touch = Touch.for_staff(
            channel=staff_channel, campaign=staff_campaign.code if staff_campaign else ""
        )
        first = last = to_dict(staff_touch, at or timezone.now())
    context = context or classification_context()
    result = classify_touches(first, last, context)
    first_result = first_touch_channel(first, last, context)
    if entered_by_staff:
        campaign = first_campaign = staff_campaign
    else:
        campaign = match_campaign(deciding_touch(first, last).utm_campaign)
        first_campaign = match_campaign(
            (from_dict(first) or deciding_touch(None, last)).utm_campaign
        )
    return {
        "first_touch": dict(first or {}),
        "last_touch": dict(last or {}),
        "campaign": campaign,
        **campaign_owner(campaign),
        "channel": result.channel.value,
        "channel_rule": result.rule,
        "ruleset_version": result.ruleset_version or RULESET_VERSION,
        "first_channel": first_result.channel.value,
        "first_campaign": first_campaign,
    }


def attribute(enquiry, first: Mapping | None, last: Mapping | None, **options) -> list[str]:
    """Set an enquiry's attribution fields (without saving); returns the field names set.

    Options as for `attribution_fields` (entered_by_staff, staff_channel, staff_campaign,
    context). `record_enquiry` calls this inside its transaction.
    """
    for name, value in attribution_fields(first, last, **options).items():
        setattr(enquiry, name, value)
    return list(ATTRIBUTION_FIELDS)
