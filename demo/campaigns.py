"""Demo campaigns: two regional (hub) campaigns and three councils' local ones, with spend.

Written in our own words; every name, code and figure is invented. Loading twice changes nothing:
a campaign is found by its code, and its spend entries are added only when it has none.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from attribution.classification import Touch
from attribution.models import Campaign, SpendEntry
from attribution.touches import to_dict
from councils.models import Council
from enquiry.models import HearAboutOption
from fostering_types.models import FosteringTypePage

# (code, name, council short name or None, channel, source, medium, landing path, short code,
#  audience (fostering type slugs), days since it started, monthly spend in pounds)
CAMPAIGNS = [
    (
        "every-teen-counts",
        "Every teenager counts",
        None,
        "paid-social",
        "facebook",
        "paid-social",
        "/types-of-fostering/teenagers/",
        None,
        ["teenagers"],
        200,
        Decimal("1200.00"),
    ),
    (
        "bus-tour-2026",
        "Fostering bus tour",
        None,
        "offline",
        "bus-side",
        "outdoor",
        "/",
        "bus26",
        [],
        120,
        Decimal("2500.00"),
    ),
    (
        "derby-coffee-mornings",
        "Derby coffee mornings",
        "derby",
        "offline",
        "leaflet",
        "print",
        "/enquire/",
        "derbycoffee",
        [],
        150,
        Decimal("150.00"),
    ),
    (
        "nottingham-radio-spring",
        "Nottingham radio adverts",
        "nottingham",
        "audio",
        "city-radio",
        "radio",
        "/",
        "notts-radio",
        ["short-breaks"],
        180,
        Decimal("900.00"),
    ),
    (
        "derbyshire-search",
        "Derbyshire search adverts",
        "derbyshire",
        "paid-search",
        "google",
        "cpc",
        "/types-of-fostering/",
        None,
        ["sibling-groups", "parent-and-child"],
        100,
        Decimal("400.00"),
    ),
    (
        "notts-county-newsletter",
        "Nottinghamshire residents' newsletter",
        "nottinghamshire",
        "email",
        "county-newsletter",
        "email",
        "/how-to-foster/",
        None,
        [],
        240,
        Decimal("80.00"),
    ),
]

# The demo enquirers (by first name) who came through a campaign or a tracked visit:
# first name -> (first touch tags, last touch tags); a tag dict may also say "referrer".
TOUCHES = {
    "Aisha": (
        {
            "utm_source": "facebook",
            "utm_medium": "paid-social",
            "utm_campaign": "every-teen-counts",
        },
        None,
    ),
    "Tom": (
        {"referrer": "www.google.com"},
        {
            "utm_source": "bus-side",
            "utm_medium": "outdoor",
            "utm_campaign": "bus-tour-2026",
            "short": "1",
        },
    ),
    "Priya": ({"referrer": "www.derby.gov.uk"}, None),
    "Joanne": (
        {"utm_source": "google", "utm_medium": "cpc", "utm_campaign": "derbyshire-search"},
        None,
    ),
    "Kwame": (
        {"utm_source": "google", "utm_medium": "cpc", "utm_campaign": "derbyshire-search"},
        {
            "utm_source": "facebook",
            "utm_medium": "paid-social",
            "utm_campaign": "every-teen-counts",
        },
    ),
    "Hannah": ({"referrer": "www.bing.com"}, None),
    "Ewa": (
        {
            "utm_source": "city-radio",
            "utm_medium": "radio",
            "utm_campaign": "nottingham-radio-spring",
            "short": "1",
        },
        None,
    ),
    "Marcus": (
        {
            "utm_source": "facebook",
            "utm_medium": "paid-social",
            "utm_campaign": "every-teen-counts",
        },
        None,
    ),
    "Imran": (
        {
            "utm_source": "bus-side",
            "utm_medium": "outdoor",
            "utm_campaign": "bus-tour-2026",
            "short": "1",
        },
        None,
    ),
    "Lucy": ({"referrer": "www.nottinghamshire.gov.uk"}, None),
    "Dean": ({"referrer": "l.facebook.com"}, None),
    "Chris": (
        {
            "utm_source": "leaflet",
            "utm_medium": "print",
            "utm_campaign": "derby-coffee-mornings",
            "short": "1",
        },
        None,
    ),
}

# Which tracked channels each "How did you hear about us?" answer agrees with.
ANSWER_CHANNELS = {
    "Social media": ["paid-social", "organic-social"],
    "Search engine (for example Google)": ["paid-search", "organic-search"],
    "Radio": ["audio"],
    "Poster, leaflet or newspaper": ["offline", "display"],
    "Bus, billboard or other outdoor advert": ["offline"],
    "An information event or stall": ["offline"],
    "My council's website": ["partner-council"],
    "Through my work or employer": ["partner-organisation"],
}


def load_demo_campaigns(loader) -> None:
    """Create the demo campaigns that do not exist yet, with a spend entry per month so far."""

    today = timezone.localdate()
    for (
        code,
        name,
        council,
        channel,
        source,
        medium,
        landing,
        short_code,
        audience,
        days,
        monthly,
    ) in CAMPAIGNS:
        if Campaign.objects.filter(code=code).exists():
            continue
        try:
            landing_page = loader.page(landing) if landing != "/" else loader.home
        except LookupError:
            landing_page = None
        campaign = Campaign.objects.create(
            code=code,
            name=name,
            council=Council.objects.filter(short_name=council).first() if council else None,
            channel=channel,
            source=source,
            medium=medium,
            landing_page=landing_page,
            short_code=short_code,
            start_date=today - timedelta(days=days),
            notes="Demo campaign: the figures are invented.",
        )
        campaign.audience_focus.set(
            FosteringTypePage.objects.filter(
                slug__in=audience, locale__language_code=settings.LANGUAGE_CODE
            )
        )
        for month_start in _month_starts(campaign.start_date, today):
            SpendEntry.objects.create(
                campaign=campaign,
                spent_on=month_start,
                amount=monthly,
                description="Monthly spend (demo)",
            )
        loader.created("campaign", name)
    for label, channels in ANSWER_CHANNELS.items():
        HearAboutOption.objects.originals().filter(label=label, matching_channels=[]).update(
            matching_channels=channels
        )


def demo_touches(first_name: str) -> tuple[dict | None, dict | None]:
    """The stored (first, last) touches of a demo enquirer, as capture would have kept them."""

    def touch(tags: dict | None) -> dict | None:
        if not tags:
            return None
        tags = dict(tags)
        referrer = tags.pop("referrer", "")
        short = bool(tags.pop("short", ""))
        return to_dict(
            Touch.from_query(
                tags,
                referrer=f"https://{referrer}/" if referrer else "",
                landing_path="/",
                via_short_link=short,
            )
        )

    first, last = TOUCHES.get(first_name, (None, None))
    return touch(first), touch(last) or touch(first)


def _month_starts(start: date, end: date) -> list[date]:
    months, day = [], start
    while day <= end:
        months.append(day)
        day = (day.replace(day=1) + timedelta(days=32)).replace(day=1)
    return months
