"""Where an enquiry came from, as officers see and correct it: channel, campaign, owner and the
first and last touches on the detail page, the edit page and in the export; and hub enquiry
officers correcting the channel or campaign, with the reason, in the enquiry's dated history and
in the reports (which read the enquiry's channel, campaign and owner)."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from attribution.classification import Touch
from attribution.models import Campaign
from attribution.touches import to_dict
from enquiry.models import Enquiry, EnquiryHistory, ReceivedVia
from enquiry.services import record_enquiry
from enquiry.tests.factories import EnquiryFactory
from reporting.reports.base import ReportFilters
from reporting.reports.regional import regional_vs_local
from testkit.admin import assert_refused, index_url, read_csv
from testkit.html import parse

pytestmark = pytest.mark.django_db

LANDED = datetime.datetime(2026, 11, 3, 19, 5, tzinfo=datetime.UTC)


@pytest.fixture
def bus(db) -> Campaign:
    return Campaign.objects.create(
        name="Hub bus sides",
        code="hub-bus-2026",
        channel="offline",
        source="bus-side",
        medium="outdoor",
        start_date=datetime.date(2026, 9, 1),
    )


@pytest.fixture
def derby_teens(councils) -> Campaign:
    return Campaign.objects.create(
        name="Derby teenagers winter 2026",
        code="derby-teens-2026",
        council=councils["derby"],
        channel="paid-social",
        source="facebook",
        medium="paid-social",
        start_date=datetime.date(2026, 10, 1),
    )


def touch(at: datetime.datetime, referrer: str = "", short: bool = False, **tags) -> dict:
    return to_dict(
        Touch.from_query(tags, referrer=referrer, landing_path="/fostering/", via_short_link=short),
        at,
    )


@pytest.fixture
def toured(councils, bus, derby_teens) -> Enquiry:
    """Derby's Facebook advert introduced the person; the hub's bus brought them back."""
    first = touch(
        LANDED - datetime.timedelta(days=9),
        referrer="https://m.facebook.com/",
        utm_source="facebook",
        utm_medium="paid-social",
        utm_campaign="derby-teens-2026",
    )
    last = touch(
        LANDED, short=True, utm_source="bus-side", utm_medium="outdoor", utm_campaign="hub-bus-2026"
    )
    enquiry, _created = record_enquiry(
        EnquiryFactory.build(council=councils["derby"], email="toured@example.org"),
        touches=(first, last),
    )
    return enquiry


@pytest.fixture
def phoned(people, councils) -> Enquiry:
    """An enquiry taken by phone: staff-entered, no campaign."""
    return EnquiryFactory(
        council=councils["derby"], received_via=ReceivedVia.PHONE, entered_by=people["derby"]
    )


def inspect(enquiry: Enquiry) -> str:
    return reverse("enquiries:inspect", args=[enquiry.pk])


def correct(enquiry: Enquiry) -> str:
    return reverse("enquiries:source", args=[enquiry.pk])


# --- Seeing it -----------------------------------------------------------------------------------


def test_the_detail_shows_channel_campaign_owner_and_both_touches(people, toured, client):
    client.force_login(people["derby"])
    page = parse(client.get(inspect(toured)))
    for text in (
        "Where they came from",
        "Channel",
        "Offline: print, outdoor and events",
        "Campaign",
        "Hub bus sides",
        "Campaign owner",
        "The hub (regional)",
        # The first touch, in words: its channel, where it came from, its tags and when.
        "First touch",
        "Paid social",
        "facebook.com",
        "Derby teenagers winter 2026",
        "25 October 2026",
        # The last touch: through the short link or QR code, on the bus campaign.
        "Last touch",
        "short link or QR code",
        "3 November 2026",
    ):
        assert page.has_text(text), text


def test_a_local_campaigns_owner_is_its_council(people, councils, derby_teens, client):
    enquiry, _created = record_enquiry(
        EnquiryFactory.build(council=councils["derby"]),
        touches=(
            None,
            touch(
                LANDED,
                utm_source="facebook",
                utm_medium="paid-social",
                utm_campaign="derby-teens-2026",
            ),
        ),
    )
    client.force_login(people["hub"])
    page = parse(client.get(inspect(enquiry)))
    assert page.has_text("Campaign owner Derby City Council")
    assert page.has_text("Derby teenagers winter 2026")


def test_a_staff_entered_enquiry_says_so(people, phoned, client):
    client.force_login(people["hub"])
    page = parse(client.get(inspect(phoned)))
    assert page.has_text("Entered by staff")
    assert page.has_text("Campaign None")
    assert page.has_text("Campaign owner No campaign")


def test_the_edit_page_shows_the_channel_and_campaign(people, toured, client):
    client.force_login(people["hub"])
    page = parse(client.get(reverse("enquiries:edit", args=[toured.pk])))
    assert page.has_text("Offline: print, outdoor and events")
    assert page.has_text("Hub bus sides")
    assert page.links_to(correct(toured))


@pytest.mark.parametrize("export", ["csv", "xlsx"])
def test_the_export_has_channel_campaign_owner_and_touches(export, people, toured, client):
    client.force_login(people["hub"])
    response = client.get(index_url(export=export))
    if export == "csv":
        [row] = read_csv(response)
    else:
        sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
        rows = list(sheet.iter_rows(values_only=True))
        [row] = [dict(zip(rows[0], values, strict=True)) for values in rows[1:]]
    assert row["Channel"] == "Offline: print, outdoor and events"
    assert row["Campaign"] == "Hub bus sides"
    assert row["Campaign owner"] == "The hub (regional)"
    assert "Paid social" in row["First touch"]
    assert "Derby teenagers winter 2026" in row["First touch"]
    assert "short link or QR code" in row["Last touch"]


# --- Correcting it -------------------------------------------------------------------------------


def test_a_hub_officer_corrects_the_channel_and_campaign_with_a_reason(people, phoned, bus, client):
    client.force_login(people["hub"])
    page = parse(client.get(inspect(phoned)))
    assert page.links_to(correct(phoned))
    assert parse(client.get(correct(phoned))).has_text("Why are you correcting it?")

    response = client.post(
        correct(phoned),
        {"channel": "offline", "campaign": bus.pk, "reason": "She said she saw the bus."},
    )
    assert response.status_code == 302
    assert response.url == inspect(phoned)
    phoned.refresh_from_db()
    assert (phoned.channel, phoned.campaign, phoned.owner, phoned.owner_council) == (
        "offline",
        bus,
        "regional",
        None,
    )
    # Taken by phone, the first touch is the same call: it is corrected with it.
    assert (phoned.first_channel, phoned.first_campaign) == ("offline", bus)

    channel, campaign = phoned.history.filter(
        action__in=[EnquiryHistory.Action.CHANNEL, EnquiryHistory.Action.CAMPAIGN]
    ).order_by("pk")
    assert (channel.from_value, channel.to_value) == (
        "Entered by staff",
        "Offline: print, outdoor and events",
    )
    assert (campaign.from_value, campaign.to_value) == ("No campaign", "Hub bus sides")
    for entry in (channel, campaign):
        assert entry.by == people["hub"]
        assert entry.note == "She said she saw the bus."
        assert entry.effective_on == timezone.localdate()

    page = parse(client.get(inspect(phoned)))
    assert page.has_text("Channel corrected: Entered by staff → Offline: print, outdoor and events")
    assert page.has_text("Campaign corrected: No campaign → Hub bus sides")
    assert page.has_text("She said she saw the bus.")


def test_the_reports_count_the_corrected_channel_and_campaign(people, phoned, bus, client):
    def by(grouping: str) -> dict[str, int]:
        table = regional_vs_local(ReportFilters(), by=grouping)
        return {row["group"]: row["enquiries"] for row in table.rows}

    assert by("channel") == {"Entered by staff": 1}
    client.force_login(people["hub"])
    client.post(correct(phoned), {"channel": "offline", "campaign": bus.pk, "reason": "Bus."})
    assert by("channel") == {"Offline: print, outdoor and events": 1}
    assert by("owner") == {"The hub (regional)": 1}
    assert by("campaign") == {"Hub bus sides": 1}


def test_a_website_enquirys_first_touch_stays_as_it_was(people, toured, derby_teens, client):
    client.force_login(people["hub"])
    client.post(
        correct(toured),
        {"channel": "paid-social", "campaign": derby_teens.pk, "reason": "Told us on the phone."},
    )
    toured.refresh_from_db()
    assert (toured.channel, toured.campaign, toured.owner) == ("paid-social", derby_teens, "local")
    assert toured.owner_council == derby_teens.council
    assert toured.first_channel == "paid-social"  # it was already: the visit is not rewritten
    assert toured.last_touch["utm_campaign"] == "hub-bus-2026"


def test_a_correction_needs_a_reason_and_a_change(people, phoned, bus, client):
    client.force_login(people["hub"])
    response = client.post(correct(phoned), {"channel": "offline", "campaign": "", "reason": ""})
    assert response.status_code == 200
    page = parse(response)
    assert page.has_text("Enter why you are correcting the channel or campaign")
    response = client.post(
        correct(phoned), {"channel": "staff-entered", "campaign": "", "reason": "No change"}
    )
    assert parse(response).has_text("Change the channel or the campaign")
    phoned.refresh_from_db()
    assert phoned.channel == "staff-entered"
    assert not phoned.history.filter(action=EnquiryHistory.Action.CHANNEL).exists()


def test_council_staff_cannot_correct_the_source(people, phoned, bus, client):
    client.force_login(people["derby"])
    assert not parse(client.get(inspect(phoned))).links_to(correct(phoned))
    assert_refused(client.get(correct(phoned)))
    assert_refused(
        client.post(correct(phoned), {"channel": "offline", "campaign": bus.pk, "reason": "x"})
    )
    phoned.refresh_from_db()
    assert (phoned.channel, phoned.campaign) == ("staff-entered", None)


def test_a_correction_survives_reclassifying_the_enquiries(people, toured, client):
    client.force_login(people["hub"])
    client.post(
        correct(toured), {"channel": "referral", "campaign": "", "reason": "Word of mouth."}
    )
    call_command("reclassify_enquiries", "--all", stdout=io.StringIO())
    toured.refresh_from_db()
    assert (toured.channel, toured.campaign, toured.owner) == ("referral", None, "")
