"""The attribution held about a person, in plain words an officer can hand over.

Subject access (`enquiry.data_protection`, and the bookings' section in
`events.data_protection`) must show everything held about someone, and what attribution holds is
opaque as stored: touch dicts, channel codes, a campaign's id, a rule name. This turns it into
sentences ("Came from: facebook (paid social), campaign 'Spring 2026', landing page /fostering/,
tags utm_source=facebook ..."). It reads only the attribution fields enquiries and bookings both
carry (`attribution.attribute.ATTRIBUTION_FIELDS`), so the two cannot be described differently.

Like the rest of the export the words are English: the officer's language, not the interface's.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils import timezone

from .classification import TAG_PARAMETERS, Channel
from .touches import AT, when

NOTHING = "Nothing recorded"
# What `describe_touch` names in its own words; anything else a touch holds is listed as it is.
WORDED = frozenset(
    {
        *TAG_PARAMETERS,
        "referrer_domain",
        "landing_path",
        "had_ad_click_id",
        "ad_click_platform",
        "via_short_link",
        "entered_by_staff",
        "staff_channel",
        AT,
    }
)


def channel_label(value: str) -> str:
    """A stored channel group ("paid-social") as reports name it ("Paid social")."""
    if not value:
        return ""
    try:
        return Channel(value).label
    except ValueError:
        return value


def _tags(touch: Mapping) -> list[str]:
    return [f"{name}={touch[name]}" for name in TAG_PARAMETERS if touch.get(name)]


def _moment(touch: Mapping) -> str:
    moment = when(touch)
    if moment is None:
        return ""
    local = timezone.localtime(moment)
    return f"{local.day} {local:%B %Y} at {local:%H:%M} (UK time)"


def describe_touch(touch: Mapping | None) -> str:
    """One stored touch in words: landing page, referrer, tags, how it came, when."""
    if not isinstance(touch, Mapping) or not touch:
        return NOTHING
    parts = []
    if touch.get("landing_path"):
        parts.append(f"landing page {touch['landing_path']}")
    if touch.get("referrer_domain"):
        parts.append(f"referred by {touch['referrer_domain']}")
    if tags := _tags(touch):
        parts.append("tags " + ", ".join(tags))
    if touch.get("had_ad_click_id"):
        platform = touch.get("ad_click_platform")
        about = f"{platform}; " if platform else ""
        parts.append(f"clicked an advert ({about}its click id was not kept)")
    if touch.get("via_short_link"):
        parts.append("came through one of our short links or QR codes")
    if touch.get("entered_by_staff"):
        channel = channel_label(touch.get("staff_channel", ""))
        parts.append("recorded by staff" + (f" as {channel}" if channel else ""))
    # Anything a later version of the touch may hold, so nothing is left out.
    for name, value in touch.items():
        if name not in WORDED and value:
            parts.append(f"{name.replace('_', ' ')}: {value}")
    if moment := _moment(touch):
        parts.append(moment)
    text = "; ".join(parts) or "a visit with nothing to say where it came from"
    return text[0].upper() + text[1:]


def owner_label(row: Any) -> str:
    """Whose campaign brought the row: the hub's (regional) or a council's (local)."""
    if row.owner == "regional":
        return "The hub (regional)"
    if row.owner == "local":
        council = row.owner_council.name if row.owner_council_id else "a council"
        return f"{council} (local)"
    return row.owner or ""


def came_from(row: Any) -> str:
    """One sentence: where the row came from, by the touch that decided its channel."""
    touch = row.last_touch or row.first_touch or {}
    parts = []
    source = touch.get("utm_source") or touch.get("referrer_domain") or ""
    channel = channel_label(row.channel)
    if source and channel:
        parts.append(f"{source} ({channel[0].lower()}{channel[1:]})")
    elif source or channel:
        parts.append(source or channel)
    if row.campaign_id:
        parts.append(f"campaign '{row.campaign.name}'")
    if touch.get("landing_path"):
        parts.append(f"landing page {touch['landing_path']}")
    if tags := _tags(touch):
        parts.append("tags " + ", ".join(tags))
    return "Came from: " + ", ".join(parts) if parts else NOTHING


def describe_attribution(row: Any) -> dict[str, str]:
    """The attribution of an enquiry or a booking as export columns, in words.

    `row` has the attribution fields (first_touch, last_touch, campaign, owner, owner_council,
    channel, first_channel, first_campaign, channel_rule, ruleset_version); select the
    campaigns and the owning council with it.
    """
    decided_by = ""
    if row.channel_rule:
        decided_by = f"Classification rule {row.channel_rule}"
        if row.ruleset_version:
            decided_by += f" (rules of version {row.ruleset_version})"
    return {
        "came_from": came_from(row),
        "first_touch": describe_touch(row.first_touch),
        "last_touch": describe_touch(row.last_touch),
        "marketing_channel": channel_label(row.channel),
        "first_touch_channel": channel_label(row.first_channel),
        "campaign": row.campaign.name if row.campaign_id else "",
        "first_touch_campaign": row.first_campaign.name if row.first_campaign_id else "",
        "campaign_owner": owner_label(row),
        "channel_decided_by": decided_by,
    }


# What a queryset of enquiries or bookings should select_related for `describe_attribution`.
ATTRIBUTION_RELATED = ("campaign", "first_campaign", "owner_council")
# Each attribution column of an enquiry or a booking, and the key that puts it in words.
ATTRIBUTION_COLUMNS = {
    "first_touch": "first_touch",
    "last_touch": "last_touch",
    "campaign": "campaign",
    "owner": "campaign_owner",
    "owner_council": "campaign_owner",
    "channel": "marketing_channel",
    "first_channel": "first_touch_channel",
    "first_campaign": "first_touch_campaign",
    "channel_rule": "channel_decided_by",
    "ruleset_version": "channel_decided_by",
}
