"""The events reports: bookings, places, waiting list, attendance, no-shows and how many people went
on to enquire, by event, type, hosting council and campaign; bookings by source; their filters;
the admin page a marketing lead reads; and event → enquiry linking when an enquiry arrives.

The small data set (bookings made January to March 2026, London time):
- Councils Derby and Nottingham; campaigns "Hub winter" (regional, paid social) and "Derby radio"
  (Derby's local campaign, paid search).
- Event A "Derby evening" (information session, Derby hosts, 10 Feb 2026, ended):
  r1 confirmed 2 places, attended, Hub winter, later enquiry E1;
  r2 confirmed 1, no-show, Derby radio;
  r3 confirmed 1, attendance not marked, no campaign (direct);
  r4 cancelled 3 places, Hub winter (left out everywhere).
- Event B "Joint coffee morning" (coffee morning, Derby AND Nottingham host, 10 Mar 2026, ended):
  r5 confirmed 1, attended, Derby radio, later enquiry E2;
  r6 waiting 2, no campaign (organic search), booked 23:30 London time on 31 March (in);
  r7 confirmed 1, Hub winter, booked 00:30 on 1 April (outside the range).
- Event C "Drop-in today" (drop-in, the hub hosts, running now: not ended):
  r8 confirmed 3, attended (marked on the day), Hub winter;
  r9 waiting 1, no campaign (direct), later enquiry E3.
"""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from accounts.roles import MARKETING_LEADS, sync_roles
from attribution.classification import Channel
from attribution.tests.factories import AttributedEnquiryFactory, CampaignFactory
from councils.tests.factories import CouncilFactory
from enquiry.models import Enquiry, ReceivedVia
from enquiry.signals import enquiry_recorded
from enquiry.tests.factories import EnquiryFactory
from events.linking import link_registrations
from events.models import EventType, Registration
from events.tests.factories import EventPageFactory
from reporting.reports.base import NOT_SURE_YET, ReportFilters
from reporting.reports.events import event_performance, event_registrations_by_source
from testkit.reports import RANGE, soup, table_of, url

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
Q1 = ReportFilters(date_from=date(2026, 1, 1), date_to=date(2026, 3, 31))
P = Decimal  # percentages


def at(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=LONDON)


def book(event, created_at, campaign=None, channel=Channel.DIRECT.value, **fields):
    owner = "" if campaign is None else "regional" if campaign.council_id is None else "local"
    return Registration.objects.create(
        event=event,
        created_at=created_at,
        first_name="Report",
        last_name="Fixture",
        email=fields.pop("email", f"booker{created_at:%m%d%H%M}@example.org"),
        postcode="DE1 1AA",
        campaign=campaign,
        owner=owner,
        owner_council=campaign.council if campaign else None,
        channel=channel,
        first_channel=channel,
        **fields,
    )


@pytest.fixture
def data(home):
    derby = CouncilFactory(name="Derby City Council", short_name="derby")
    nottingham = CouncilFactory(name="Nottingham City Council", short_name="nottingham")
    hub = CampaignFactory(name="Hub winter", code="hub-winter", channel=Channel.PAID_SOCIAL.value)
    local = CampaignFactory(
        name="Derby radio", code="derby-radio", council=derby, channel=Channel.PAID_SEARCH.value
    )
    a = EventPageFactory(
        title="Derby evening",
        event_type=EventType.INFORMATION_SESSION,
        starts_at=at(2026, 2, 10, 18),
        hosts=[derby],
    )
    b = EventPageFactory(
        title="Joint coffee morning",
        event_type=EventType.COFFEE_MORNING,
        starts_at=at(2026, 3, 10, 10),
        hosts=[derby, nottingham],
    )
    now = timezone.now()
    c = EventPageFactory(
        title="Drop-in today",
        event_type=EventType.DROP_IN,
        starts_at=now - timedelta(hours=1),
        ends_at=now + timedelta(hours=1),
    )
    confirmed, waiting = Registration.Status.CONFIRMED, Registration.Status.WAITING
    paid_social, paid_search = Channel.PAID_SOCIAL.value, Channel.PAID_SEARCH.value
    e1, e2, e3 = (AttributedEnquiryFactory(created_at=at(2026, 4, day)) for day in (2, 3, 4))
    book(a, at(2026, 1, 20, 10), hub, paid_social, places=2, attended=True, enquiry=e1)
    book(a, at(2026, 1, 25, 10), local, paid_search, attended=False)
    book(a, at(2026, 2, 1, 10))
    book(a, at(2026, 2, 2, 10), hub, paid_social, places=3, status=Registration.Status.CANCELLED)
    book(b, at(2026, 2, 20, 10), local, paid_search, attended=True, enquiry=e2)
    book(b, at(2026, 3, 31, 23, 30), None, Channel.ORGANIC_SEARCH.value, places=2, status=waiting)
    book(b, at(2026, 4, 1, 0, 30), hub, paid_social, status=confirmed)
    book(c, at(2026, 3, 1, 10), hub, paid_social, places=3, attended=True)
    book(c, at(2026, 3, 2, 10), status=waiting, enquiry=e3)
    return {"derby": derby, "nottingham": nottingham, "hub": hub, "local": local}


KEYS = [
    "group",
    "events",
    "bookings",
    "places",
    "waiting",
    "attended",
    "no_shows",
    "attendance_rate",
    "enquired",
    "enquiry_rate",
    "attendees_enquired",
    "attendee_enquiry_rate",
]


def figures(row: dict) -> list:
    return [row[key] for key in KEYS]


# Worked out by hand (bookings exclude r4, cancelled, and r7, booked on 1 April):
#   A: bookings r1 r2 r3 = 3; places 2+1+1 = 4; waiting 0; attended 1 (r1); no-shows 1 (r2);
#      rate 1 attended / 2 marked confirmed at an ended event = 50.0%; enquired 1 (r1) → 1/3 =
#      33.3%; attendees who enquired 1 → 1/1 = 100.0%.
#   B: bookings r5 r6 = 2; places 1 (r6 waits); waiting 1; attended 1; no-shows 0; rate 1/1 =
#      100.0%; enquired 1 → 50.0%; attendees who enquired 1/1 = 100.0%.
#   C: bookings r8 r9 = 2; places 3; waiting 1; attended 1; no-shows 0; rate: not ended, none
#      marked → none; enquired 1 (r9) → 50.0%; attendees who enquired 0/1 = 0.0%.
#   All: 3 events; 7 bookings; 8 places; 2 waiting; 3 attended; 1 no-show; rate 2/3 = 66.7%;
#      enquired 3 → 3/7 = 42.857 → 42.9%; attendees who enquired 2/3 = 66.7%.
TOTAL = ["All events", 3, 7, 8, 2, 3, 1, P("66.7"), 3, P("42.9"), 2, P("66.7")]


def test_by_event(data):
    table = event_performance(Q1, by="event")
    assert [(row["group"], row["date"]) for row in table.rows] == [
        ("Derby evening", date(2026, 2, 10)),
        ("Joint coffee morning", date(2026, 3, 10)),
        # The day it started (an hour ago: yesterday between midnight and one o'clock).
        ("Drop-in today", timezone.localdate(timezone.now() - timedelta(hours=1))),
    ]
    assert [figures(row)[2:] for row in table.rows] == [
        [3, 4, 0, 1, 1, P("50.0"), 1, P("33.3"), 1, P("100.0")],
        [2, 1, 1, 1, 0, P("100.0"), 1, P("50.0"), 1, P("100.0")],
        [2, 3, 1, 1, 0, None, 1, P("50.0"), 0, P("0.0")],
    ]
    assert figures(table.totals) == TOTAL
    assert [column.key for column in table.columns][:3] == ["group", "date", "bookings"]


def test_by_hosting_council_counts_a_shared_event_under_each_host_and_once_in_the_total(data):
    # Derby hosts A and B: 5 bookings, places 4+1 = 5, waiting 1, attended 2, no-shows 1,
    # rate 2/3 = 66.7%, enquired 2 → 2/5 = 40.0%, attendees who enquired 2/2 = 100.0%.
    # Nottingham hosts B; the hub (no host) C.
    table = event_performance(Q1, by="council")
    assert [figures(row) for row in table.rows] == [
        ["Derby City Council", 2, 5, 5, 1, 2, 1, P("66.7"), 2, P("40.0"), 2, P("100.0")],
        ["Nottingham City Council", 1, 2, 1, 1, 1, 0, P("100.0"), 1, P("50.0"), 1, P("100.0")],
        ["The hub", 1, 2, 3, 1, 1, 0, None, 1, P("50.0"), 0, P("0.0")],
    ]
    assert figures(table.totals) == TOTAL


def test_by_type_and_by_campaign(data):
    by_type = event_performance(Q1, by="type")
    assert [(row["group"], row["events"], row["bookings"]) for row in by_type.rows] == [
        ("Information session", 1, 3),
        ("Coffee morning", 1, 2),
        ("Drop-in", 1, 2),
    ]
    # Hub winter: r1 (A), r8 (C): places 5, attended 2, rate 1/1 (r8's event has not ended),
    #   enquired 1 → 50.0%, attendees who enquired 1/2 = 50.0%.
    # Derby radio: r2, r5: places 2, attended 1, no-show 1, rate 1/2, enquired 1/2, 1/1.
    # No campaign: r3, r6, r9: places 1, waiting 2, nothing marked, enquired 1/3 = 33.3%.
    # Equal bookings sort by name; "No campaign" last.
    by_campaign = event_performance(Q1, by="campaign")
    assert [figures(row) for row in by_campaign.rows] == [
        ["Derby radio", 2, 2, 2, 0, 1, 1, P("50.0"), 1, P("50.0"), 1, P("100.0")],
        ["Hub winter", 2, 2, 5, 0, 2, 0, P("100.0"), 1, P("50.0"), 1, P("50.0")],
        ["No campaign", 3, 3, 1, 2, 0, 0, None, 1, P("33.3"), 0, None],
    ]
    assert figures(by_campaign.totals) == TOTAL


def test_filters_select_bookings_by_date_owner_channel_campaign_and_hosting_council(data):
    def totals(**filters):
        table = event_performance(replace(Q1, **filters), by="event")
        return (table.totals["bookings"], [row["group"] for row in table.rows])

    assert totals(owner="local") == (2, ["Derby evening", "Joint coffee morning"])
    assert totals(owner="none") == (3, ["Derby evening", "Joint coffee morning", "Drop-in today"])
    assert totals(channel=Channel.PAID_SOCIAL.value) == (2, ["Derby evening", "Drop-in today"])
    assert totals(campaign_id=data["local"].pk)[0] == 2
    assert totals(council_id=data["nottingham"].pk) == (2, ["Joint coffee morning"])
    assert totals(council_id=NOT_SURE_YET) == (2, ["Drop-in today"])
    # 1 April 00:30 London time is the next quarter: only r7.
    assert totals(date_from=date(2026, 4, 1), date_to=date(2026, 4, 30)) == (
        1,
        ["Joint coffee morning"],
    )
    # Council grouping with a council chosen: only that council's row.
    table = event_performance(replace(Q1, council_id=data["derby"].pk), by="council")
    assert [row["group"] for row in table.rows] == ["Derby City Council", "Nottingham City Council"]
    assert table.totals["bookings"] == 5


def test_nothing_booked_gives_no_rows_and_no_rates(data):
    table = event_performance(ReportFilters(date_from=date(2025, 1, 1), date_to=date(2025, 1, 31)))
    assert table.rows == []
    assert figures(table.totals) == ["All events", 0, 0, 0, 0, 0, 0, None, 0, None, 0, None]


def test_bookings_by_source(data):
    # Owner: the hub r1 r8; Derby's local campaign r2 r5; no campaign r3 r6 r9.
    table = event_registrations_by_source(Q1, by="owner")
    keys = ["group", "bookings", "places", "attended", "no_shows", "attendance_rate"]
    keys += ["enquired", "enquiry_rate"]
    assert [column.key for column in table.columns] == keys
    assert [[row[key] for key in keys] for row in table.rows] == [
        ["The hub (regional)", 2, 5, 2, 0, P("100.0"), 1, P("50.0")],
        ["Derby City Council (local)", 2, 2, 1, 1, P("50.0"), 1, P("50.0")],
        ["No campaign", 3, 1, 0, 0, None, 1, P("33.3")],
    ]
    assert [table.totals[key] for key in keys] == [
        "All bookings",
        7,
        8,
        3,
        1,
        P("66.7"),
        3,
        P("42.9"),
    ]
    # Channel: paid search r2 r5; paid social r1 r8; organic search r6; direct r3 r9.
    by_channel = event_registrations_by_source(Q1, by="channel")
    assert {row["group"]: row["bookings"] for row in by_channel.rows} == {
        "Paid search": 2,
        "Paid social": 2,
        "Organic search": 1,
        "Direct": 2,
    }
    assert [row["group"] for row in by_channel.rows][:2] == ["Paid search", "Paid social"]


def test_the_reports_take_a_few_queries_whatever_the_bookings(data, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        event_performance(Q1, by="event")
    with django_assert_max_num_queries(3):
        event_performance(Q1, by="council")
    with django_assert_max_num_queries(3):
        event_registrations_by_source(Q1, by="owner")


def test_unknown_grouping_is_refused(data):
    with pytest.raises(ValueError):
        event_performance(Q1, by="postcode")
    with pytest.raises(ValueError):
        event_registrations_by_source(Q1, by="event")


# --- The admin pages -------------------------------------------------------------------------


@pytest.fixture
def lead(data, make_user, client):
    sync_roles()
    client.force_login(make_user("marketing-lead", MARKETING_LEADS))
    return client


def test_a_marketing_lead_reads_the_events_report_and_downloads_it(lead):
    page = soup(lead.get(url("events"), {**RANGE, "by": "council"}))
    table = table_of(page)
    # The key columns on screen (places, the waiting list and no-shows are in the spreadsheet).
    assert table["head"] == [
        "Hosting council", "Events", "Bookings", "Attended", "Attendance rate",
        "Went on to enquire", "Booking to enquiry",
    ]  # fmt: skip
    assert [row[:3] for row in table["body"]] == [
        ["Derby City Council", "2", "5"],
        ["Nottingham City Council", "1", "2"],
        ["The hub", "1", "2"],
    ]
    rate = table["head"].index("Attendance rate")
    assert table["body"][2][rate] == "– not applicable"  # no attendance marked at an ended event
    assert table["foot"][:3] == ["All events", "3", "7"]
    assert any(cell.startswith("66.7%") for cell in table["foot"])
    assert page.find("svg", attrs={"role": "img"}) is not None
    for name in ("Report", "Fixture", "booker", "@example.org"):
        assert name not in page.get_text()

    response = lead.get(url("events"), {**RANGE, "by": "event", "export": "csv"})
    assert response.status_code == 200
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content)))
    assert rows[0][:3] == ["Event", "Date", "Bookings"]
    assert rows[1][:3] == ["Derby evening", "2026-02-10", "3"]
    assert rows[-1][0] == "All events" and rows[-1][2] == "7"


def test_a_marketing_lead_reads_event_bookings_by_source(lead):
    page = soup(lead.get(url("event-bookings-by-source"), {**RANGE, "by": "owner"}))
    table = table_of(page)
    assert [row[:2] for row in table["body"]] == [
        ["The hub (regional)", "2"],
        ["Derby City Council (local)", "2"],
        ["No campaign", "3"],
    ]
    assert table["foot"][:2] == ["All bookings", "7"]


# --- Linking a booking to a later enquiry ----------------------------------------------------


def test_an_enquiry_links_the_same_persons_earlier_bookings_only(home):
    event = EventPageFactory()
    earlier = book(event, timezone.now() - timedelta(days=3), email="Sam.Carer@Example.org")
    other_person = book(event, timezone.now() - timedelta(days=2), email="someone@example.org")
    enquiry = EnquiryFactory(email="sam.carer@example.ORG")
    later = book(event, timezone.now() + timedelta(minutes=5), email="sam.carer@example.org")

    earlier.refresh_from_db()
    other_person.refresh_from_db()
    assert earlier.enquiry == enquiry  # linked by record_enquiry, whatever the capitals
    assert other_person.enquiry is None
    assert later.enquiry is None  # booked after the enquiry

    # A second enquiry does not take over a booking already linked; an anonymised one never
    # matches.
    anonymised = book(
        event,
        timezone.now() - timedelta(days=1),
        email="sam.carer@example.org",
        anonymised_at=timezone.now(),
    )
    second = EnquiryFactory(email="sam.carer@example.org")
    earlier.refresh_from_db()
    anonymised.refresh_from_db()
    assert earlier.enquiry == enquiry
    assert anonymised.enquiry is None
    later.refresh_from_db()
    assert later.enquiry is None
    assert link_registrations(second) == 0  # nothing left to link


def test_an_enquiry_staff_record_links_the_earlier_bookings_too(home, make_user):
    event = EventPageFactory()
    earlier = book(event, timezone.now() - timedelta(days=3), email="pat.caller@example.org")
    enquiry = EnquiryFactory(
        email="Pat.Caller@example.org", received_via=ReceivedVia.PHONE, entered_by=make_user("hub")
    )
    earlier.refresh_from_db()
    assert earlier.enquiry == enquiry


def test_the_links_are_saved_in_the_enquirys_transaction(home):
    """The events app links through `enquiry_recorded`, sent inside `record_enquiry`'s
    transaction: when anything after it fails, neither the enquiry nor the links stay."""
    event = EventPageFactory()
    earlier = book(event, timezone.now() - timedelta(days=3), email="lee@example.org")

    def fails(sender, enquiry, **kwargs):
        assert Registration.objects.get(pk=earlier.pk).enquiry == enquiry, "linked by now"
        raise RuntimeError("a later receiver fails")

    enquiry_recorded.connect(fails, dispatch_uid="tests.fails")
    try:
        with pytest.raises(RuntimeError):
            EnquiryFactory(email="lee@example.org")
    finally:
        enquiry_recorded.disconnect(dispatch_uid="tests.fails")
    earlier.refresh_from_db()
    assert earlier.enquiry is None
    assert not Enquiry.objects.filter(email="lee@example.org").exists()
