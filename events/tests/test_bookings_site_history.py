"""Attendance in Reports → Site history: it opens once attendance is marked, and shows each
person only the bookings they may see.

Marking attendance records an entry on the booking (its reference, attended or not, who
recorded it). Bookings have no edit view, so the entry links to its event's bookings; and it
follows the bookings' row rule (`events.querysets`): hub enquiry officers see every booking's
entries, a council's fostering staff their own events' only, marketing leads (counts only)
none. Superusers, whom the README sends here to check two-factor resets, see all.
"""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from events.models import Registration
from events.tests.factories import EventPageFactory
from testkit.admin import site_history
from testkit.clients import signed_in

pytestmark = pytest.mark.django_db

RECORDED = "Attendance recorded"


def book(event, first_name: str) -> Registration:
    return Registration.objects.create(
        event=event,
        first_name=first_name,
        last_name="Booker",
        email=f"{first_name.lower()}@example.org",
        postcode="DE1 1AA",
        places=1,
        status=Registration.Status.CONFIRMED,
    )


def under_way(title: str, council):
    """An event that began an hour ago: attendance is recorded from its start."""
    starts = timezone.now() - datetime.timedelta(hours=1)
    return EventPageFactory(
        title=title, hosts=[council], starts_at=starts, ends_at=starts + datetime.timedelta(hours=2)
    )


@pytest.fixture
def bookings(councils):
    return {
        "derby": book(under_way("Derby evening", councils["derby"]), "Dora"),
        "nottingham": book(under_way("Nottingham morning", councils["nottingham"]), "Nell"),
    }


@pytest.fixture
def marked(people, bookings, client_as):
    """The hub marks both bookings attended, through the bookings list's form."""
    hub = client_as("hub")
    for booking in bookings.values():
        response = hub.post(
            reverse("event_bookings:attendance", args=[booking.pk]), {"attended": "yes"}
        )
        assert response.status_code == 302
        booking.refresh_from_db()
        assert booking.attended is True
    return bookings


def attendance_entries(client) -> dict[str, str]:
    """Booking reference -> the entry's link, for the attendance entries the person sees."""
    return {
        entry["name"]: entry["link"]
        for entry in site_history(client)
        if entry["action"] == RECORDED
    }


def bookings_of(registration: Registration) -> str:
    return f"{reverse('event_bookings:index')}?event={registration.event_id}"


def test_site_history_opens_after_attendance_is_marked(marked, client_as):
    superuser = get_user_model().objects.create_superuser("root", "root@example.org", "x")
    for client in (signed_in(superuser), client_as("hub")):
        assert attendance_entries(client) == {
            booking.reference: bookings_of(booking) for booking in marked.values()
        }


def test_marketing_leads_see_no_attendance_entries(marked, client_as):
    entries = site_history(client_as("marketing"))
    assert not [entry for entry in entries if entry["action"] == RECORDED]
    assert not {booking.reference for booking in marked.values()} & {e["name"] for e in entries}


def test_council_staff_see_the_attendance_of_their_own_councils_events(marked, client_as):
    assert attendance_entries(client_as("derby")) == {
        marked["derby"].reference: bookings_of(marked["derby"])
    }
    assert attendance_entries(client_as("nottingham")) == {
        marked["nottingham"].reference: bookings_of(marked["nottingham"])
    }
