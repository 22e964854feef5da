"""Capacity holds when many people book at the same moment (real PostgreSQL, real threads).

Each thread books through `events.services.book` on its own database connection, all released
together by a barrier, so the bookings really do race for the event's row lock.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from events.models import Registration
from events.services import BookingDetails, book
from events.tests.factories import EventPageFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def book_at_once(event, count: int, places: int) -> list[BaseException]:
    """`count` people book `places` each at the same moment; the errors any of them hit."""
    barrier = threading.Barrier(count)
    errors: list[BaseException] = []

    def person(number: int) -> None:
        try:
            barrier.wait(timeout=30)
            book(
                event,
                BookingDetails(
                    first_name="Person",
                    last_name=f"Number{chr(65 + number % 26)}",
                    email=f"person{number}@example.org",
                    postcode="DE1 2AB",
                    places=places,
                ),
            )
        except BaseException as error:  # surfaced by the test
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=person, args=(number,)) for number in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return errors


def counts(event) -> dict[str, int]:
    registrations = Registration.objects.filter(event=event)
    return {
        status: registrations.filter(status=status).count() for status in Registration.Status.values
    }


def test_thirty_people_booking_ten_places_at_once_confirms_exactly_ten(home):
    event = EventPageFactory(capacity=10)
    errors = book_at_once(event, 30, places=1)
    assert errors == []
    assert counts(event) == {"confirmed": 10, "waiting": 20, "cancelled": 0}
    assert event.places_taken() == 10
    assert event.places_left() == 0


def test_two_place_bookings_never_overbook(home):
    event = EventPageFactory(capacity=10, max_places_per_booking=2)
    errors = book_at_once(event, 6, places=2)
    assert errors == []
    assert counts(event) == {"confirmed": 5, "waiting": 1, "cancelled": 0}
    assert event.places_taken() == 10
