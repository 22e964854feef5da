"""The person's event bookings on their enquiry's detail page in the admin.

A booking is linked to the enquiry the same person made later (`events.linking`); the events app
adds the list to the enquiry page through the enquiry app's detail sections (registered in
`EventsConfig.ready`). Each person sees only the bookings they may see in the bookings list: hub
enquiry officers all, a council's fostering staff those for events their council hosts, and
someone who may see enquiries but not bookings no list at all.
"""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from enquiry.tests.factories import EnquiryFactory
from events.models import Registration
from events.tests.factories import EventPageFactory
from testkit.admin import grant
from testkit.html import parse, soup

pytestmark = pytest.mark.django_db

EMAIL = "dana@example.org"


def book(event, *, email: str = EMAIL, **fields) -> Registration:
    return Registration.objects.create(
        event=event,
        first_name="Dana",
        last_name="Derbyshire",
        email=email,
        postcode="DE1 2AB",
        **fields,
    )


@pytest.fixture
def events(councils):
    last_month = timezone.now() - datetime.timedelta(days=30)
    return {
        "derby": EventPageFactory(
            title="Derby coffee morning",
            hosts=[councils["derby"]],
            starts_at=last_month,
            ends_at=last_month + datetime.timedelta(hours=2),
        ),
        "nottingham": EventPageFactory(
            title="Nottingham information evening", hosts=[councils["nottingham"]]
        ),
        "hub": EventPageFactory(title="Hub online Q&A"),
    }


@pytest.fixture
def enquiry(councils, events):
    """Dana booked three events, then enquired: her bookings are linked to the enquiry."""
    book(events["derby"], attended=True)
    book(events["nottingham"], status=Registration.Status.WAITING)
    book(events["hub"], status=Registration.Status.CANCELLED)
    book(events["derby"], email="someone.else@example.org")
    return EnquiryFactory(council=councils["derby"], email=EMAIL)


def bookings_listed(response) -> list[list[str]]:
    """The rows of the detail page's bookings table: event, date, status, attended."""
    assert response.status_code == 200
    panel = soup(response).find(id="event-bookings-content")
    if panel is None:
        return []
    return [
        [" ".join(cell.get_text(" ").split()) for cell in row.find_all(["th", "td"])]
        for row in panel.find("tbody").find_all("tr")
    ]


def inspect(enquiry) -> str:
    return reverse("enquiries:inspect", args=[enquiry.pk])


def test_hub_officers_see_every_booking_linked_to_the_enquiry(people, events, enquiry, client):
    client.force_login(people["hub"])
    response = client.get(inspect(enquiry))
    assert parse(response).has_heading("Event bookings")
    rows = bookings_listed(response)
    derby_day = timezone.localtime(events["derby"].starts_at).strftime("%-d %B %Y")
    assert [(row[0], row[2], row[3]) for row in rows] == [
        ("Derby coffee morning", "Confirmed", "Yes"),
        ("Nottingham information evening", "On the waiting list", "Not recorded"),
        ("Hub online Q&A", "Cancelled", "Not recorded"),
    ]
    assert derby_day in rows[0][1]
    assert len(rows) == 3  # someone else's booking at the same event is not hers


def test_council_staff_see_only_bookings_for_their_councils_events(people, events, enquiry, client):
    client.force_login(people["derby"])
    rows = bookings_listed(client.get(inspect(enquiry)))
    assert [row[0] for row in rows] == ["Derby coffee morning"]


def test_someone_who_may_not_see_bookings_gets_no_list(people, enquiry, make_user, client):
    reader = grant(
        make_user("enquiry-reader"), "enquiry.view_enquiry", "enquiry.view_all_enquiries"
    )
    client.force_login(reader)
    response = client.get(inspect(enquiry))
    assert response.status_code == 200
    assert not parse(response).has_heading("Event bookings")


def test_an_enquiry_without_bookings_says_so(people, councils, client):
    lonely = EnquiryFactory(council=councils["derby"], email="lonely@example.org")
    client.force_login(people["hub"])
    page = parse(client.get(inspect(lonely)))
    assert page.has_heading("Event bookings")
    assert page.has_text("No event bookings are linked to this enquiry.")
