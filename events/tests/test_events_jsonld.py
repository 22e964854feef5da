"""schema.org Event JSON-LD in each event page's head, and the joining details kept private.

Search engines read the JSON-LD to show events in results; it must say when (with the UK
offset, across the clock change), how people attend, where, who runs it and whether places
are left, and it must never carry an online event's joining link, which only people who book
receive.
"""

from __future__ import annotations

import datetime
import json
import re
import zoneinfo

import pytest

from councils.tests.factories import CouncilFactory
from events.models import EventFormat, EventType, Registration
from events.tests.factories import EventIndexPageFactory, EventPageFactory
from fostering_types.tests.factories import FosteringTypePageFactory

pytestmark = pytest.mark.django_db

LONDON = zoneinfo.ZoneInfo("Europe/London")
SECRET = "https://meet.example.org/private-room-7731"
PASSCODE = "Passcode 99887766"
JSON_LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


@pytest.fixture
def index(home):
    return EventIndexPageFactory(parent=home)


def json_ld(client, page) -> dict:
    response = client.get(page.url)
    assert response.status_code == 200
    html = response.content.decode()
    head = html.split("</head>")[0]
    found = JSON_LD.findall(head)
    assert len(found) == 1, "one JSON-LD block, in the head"
    return json.loads(found[0])


def test_an_in_person_event_is_described_with_place_offsets_and_organiser(client, index):
    derby = CouncilFactory(name="Derby City Council")
    page = EventPageFactory(
        parent=index,
        title="Information evening",
        starts_at=datetime.datetime(2027, 3, 2, 18, 0, tzinfo=LONDON),  # GMT
        ends_at=datetime.datetime(2027, 3, 2, 20, 0, tzinfo=LONDON),
        venue_name="Derby Central Library",
        venue_address="Wardwick\nDerby",
        venue_postcode="DE1 1HS",
        capacity=10,
        hosts=[derby],
    )
    data = json_ld(client, page)
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "Event"
    assert data["name"] == "Information evening"
    assert data["startDate"] == "2027-03-02T18:00:00+00:00"
    assert data["endDate"] == "2027-03-02T20:00:00+00:00"
    assert data["eventStatus"] == "https://schema.org/EventScheduled"
    assert data["eventAttendanceMode"] == "https://schema.org/OfflineEventAttendanceMode"
    assert data["location"] == {
        "@type": "Place",
        "name": "Derby Central Library",
        "address": {
            "@type": "PostalAddress",
            "streetAddress": "Wardwick",
            "addressLocality": "Derby",
            "postalCode": "DE1 1HS",
            "addressCountry": "GB",
        },
    }
    assert [o["name"] for o in data["organizer"]] == ["Derby City Council"]
    assert data["url"].endswith(page.url)
    offer = data["offers"]
    assert offer["@type"] == "Offer" and offer["price"] == "0" and offer["priceCurrency"] == "GBP"
    assert offer["availability"] == "https://schema.org/LimitedAvailability"
    assert offer["url"].endswith(page.url + "book/")


def test_summer_times_carry_the_british_summer_time_offset(client, index):
    page = EventPageFactory(
        parent=index,
        starts_at=datetime.datetime(2027, 4, 6, 19, 0, tzinfo=LONDON),  # BST
        ends_at=datetime.datetime(2027, 4, 6, 20, 0, tzinfo=LONDON),
    )
    data = json_ld(client, page)
    assert data["startDate"] == "2027-04-06T19:00:00+01:00"


def test_an_online_event_has_a_virtual_location_and_never_its_joining_details(client, index):
    types = FosteringTypePageFactory(title="Fostering teenagers")
    page = EventPageFactory(
        parent=index,
        title="Online Q&A </script><script>alert(1)</script>",
        format=EventFormat.ONLINE,
        event_type=EventType.ONLINE_QA,
        venue_name="",
        venue_address="",
        venue_postcode="",
        joining_details=f"{SECRET}\n{PASSCODE}",
    )
    page.fostering_types = [types]
    page.save_revision().publish()
    data = json_ld(client, page)
    assert data["eventAttendanceMode"] == "https://schema.org/OnlineEventAttendanceMode"
    assert data["location"]["@type"] == "VirtualLocation"
    assert data["location"]["url"].endswith(page.url)
    assert data["organizer"]["@type"] == "Organization"  # the hub runs it
    assert data["name"] == "Online Q&A </script><script>alert(1)</script>"
    html = client.get(page.url).content.decode()
    assert SECRET not in html and "private-room" not in html and "99887766" not in html
    assert "<script>alert(1)</script>" not in html  # the title cannot break out of the JSON-LD
    # Nor in the listing, the archive or a filtered listing.
    for url in (index.url, index.url + "past/", index.url + "?format=online"):
        listing = client.get(url).content.decode()
        assert SECRET not in listing and "99887766" not in listing


def test_a_hybrid_event_has_both_locations(client, index):
    page = EventPageFactory(
        parent=index, format=EventFormat.HYBRID, joining_details=SECRET, venue_postcode="DE1 3AA"
    )
    data = json_ld(client, page)
    assert data["eventAttendanceMode"] == "https://schema.org/MixedEventAttendanceMode"
    assert [place["@type"] for place in data["location"]] == ["Place", "VirtualLocation"]
    assert SECRET not in json.dumps(data)


def test_a_full_event_is_sold_out_and_a_drop_in_has_no_offer(client, index):
    full = EventPageFactory(parent=index, capacity=1)
    Registration.objects.create(
        event=full,
        first_name="Sam",
        last_name="Lee",
        email="sam@example.org",
        postcode="DE1 1AA",
    )
    assert json_ld(client, full)["offers"]["availability"] == "https://schema.org/SoldOut"
    drop_in = EventPageFactory(parent=index, booking_required=False, capacity=None)
    assert "offers" not in json_ld(client, drop_in)
