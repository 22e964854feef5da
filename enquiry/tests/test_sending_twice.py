"""One person, one enquiry; one address, one booking per event.

Back and Send again, a second tab, a retry after a timeout: the form comes back with a fresh
token, so only the answers can tell it is the same enquiry. The same normalised answers within a
day find the first enquiry and show its confirmation ("You have already sent this enquiry", the
date and the reference, still from the session, never the URL); a booking for an event the same
address has already booked shows that booking and how to change or cancel it. Nothing is saved
or sent twice, also when the posts arrive at the same moment (real PostgreSQL, real threads).
"""

from __future__ import annotations

import datetime
import threading
import uuid

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client, override_settings
from django.utils import timezone
from django.utils.formats import date_format

from councils.tests.factories import CouncilFactory
from enquiry.models import Enquiry, HeldSubmission
from enquiry.services import record_enquiry
from enquiry.tests.factories import EnquiryFactory
from events import emails
from events.models import Registration
from events.services import BookingDetails, book, cancel
from events.tests.factories import EventPageFactory
from outbox.models import OutboxMessage
from testkit.html import parse, soup

pytestmark = pytest.mark.django_db

URL = "/enquire/"
THANK_YOU = "/enquire/thank-you/"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def form_page(enquiry_page):
    CouncilFactory(name="Derby City Council", short_name="derby")
    return enquiry_page


def token_of(response) -> str:
    html = soup(response)
    return html.find("input", attrs={"name": "form_token"})["value"]


def answers(**overrides) -> dict:
    data = {
        "first_name": "Sam",
        "last_name": "Okafor",
        "email": "sam.okafor@example.org",
        "phone": "07700 900982",
        "postcode": "DE1 2AB",
        "council": "derby",
        "spare_bedroom": "yes",
        "contact_method": "phone",
        "contact_time": "evening",
        "question": "Can I foster if I work part time?",
        "keep_in_touch": ["email"],
        "website": "",
    }
    data.update(overrides)
    return data


def send(client, **overrides):
    """Open the form (a fresh token, as after Back) and send these answers."""
    return client.post(URL, answers(form_token=token_of(client.get(URL)), **overrides))


def reference_shown(client) -> str:
    found = soup(client.get(THANK_YOU)).find("strong", class_="panel__reference")
    return found.get_text() if found else ""


# --- Enquiries -----------------------------------------------------------------------------------


def test_back_and_send_again_finds_the_first_enquiry_and_says_so(client, form_page):
    first = send(client)
    assert first.status_code == 303
    enquiry = Enquiry.objects.get()
    messages = OutboxMessage.objects.count()
    assert parse(client.get(THANK_YOU)).has_heading("Enquiry sent")

    again = send(client)  # Back, the form comes back filled in with a fresh token, Send
    assert again.status_code == 303 and again["Location"] == THANK_YOU
    assert enquiry.reference not in again["Location"]
    assert Enquiry.objects.count() == 1, "staff see no duplicate"
    assert OutboxMessage.objects.count() == messages, "no second set of emails"
    page = parse(client.get(THANK_YOU))
    assert page.has_heading("You have already sent this enquiry")
    date = date_format(timezone.localtime(enquiry.created_at), "j E Y")
    assert page.has_text(f"You sent it on {date}.")
    assert reference_shown(client) == enquiry.reference
    assert page.has_text("We have not sent it again")


def test_a_second_tab_or_another_browser_finds_it_too(client, form_page):
    send(client)
    other = Client()
    assert send(other).status_code == 303
    assert Enquiry.objects.count() == 1
    assert reference_shown(other) == Enquiry.objects.get().reference


def test_the_answers_are_compared_as_people_type_them(client, form_page):
    send(client)
    send(
        client,
        first_name="  sam ",
        last_name="OKAFOR",
        email="Sam.Okafor@Example.org",
        phone="07700900982",
        postcode="de12ab",
        question="Can I foster if  I work part time? ",
    )
    assert Enquiry.objects.count() == 1


@pytest.mark.parametrize(
    "change",
    [
        {"email": "partner@example.org"},
        {"first_name": "Ade"},
        {"council": "not-sure"},
        {"question": "Do I need a garden?"},
        {"contact_time": "morning"},
    ],
)
def test_different_answers_make_a_new_enquiry(client, form_page, change):
    send(client)
    send(client, **change)
    assert Enquiry.objects.count() == 2
    assert parse(client.get(THANK_YOU)).has_heading("Enquiry sent")


def test_the_same_answers_a_day_later_are_a_new_enquiry(client, form_page):
    send(client)
    day_ago = timezone.now() - datetime.timedelta(hours=25)
    Enquiry.objects.update(created_at=day_ago)
    send(client)
    assert Enquiry.objects.count() == 2


@override_settings(ENQUIRY_MIN_FILL_SECONDS=3)
def test_sending_again_straight_after_back_is_not_taken_for_a_bot(client, form_page):
    """Back reloads the form (a fresh token, shown just now) and the person presses Send at
    once: that is the first enquiry again, not spam."""
    token = token_of(client.get(URL))
    with override_settings(ENQUIRY_MIN_FILL_SECONDS=0):
        client.post(URL, answers(form_token=token))
    send(client)  # within 3 seconds of the form being shown
    assert Enquiry.objects.count() == 1
    assert not HeldSubmission.objects.exists()
    assert parse(client.get(THANK_YOU)).has_heading("You have already sent this enquiry")


def test_an_anonymised_enquiry_is_not_found_again(client, form_page):
    from enquiry.data_protection import erase_person

    send(client)
    erase_person("sam.okafor@example.org", by=None, reason="Phone call of 3 May")
    assert Enquiry.objects.get().fingerprint == ""
    send(client)
    assert Enquiry.objects.count() == 2


def test_the_service_finds_the_first_website_enquiry_but_staff_decide_for_themselves(db, make_user):
    details = EnquiryFactory.build(email="pat@example.org")
    first, created = record_enquiry(details)
    again, created_again = record_enquiry(details, submission_token=uuid.uuid4())
    assert (created, created_again) == (True, False)
    assert again == first
    # Staff recording a call with the same details on a new form record a new enquiry
    # (test_enquiry_admin.py: the same staff form twice finds the first).
    staff = make_user("hub-staff")
    _phoned, recorded = record_enquiry(
        details, submission_token=uuid.uuid4(), received_via="phone", entered_by=staff
    )
    assert recorded is True


# --- Bookings ------------------------------------------------------------------------------------


def book_url(event) -> str:
    return event.url + event.reverse_subpage("booking")


def book_again(client, event, **overrides):
    data = {
        "first_name": "Sam",
        "last_name": "Okafor",
        "email": "sam@example.org",
        "phone": "",
        "postcode": "DE1 2AB",
        "places": "2",
        "access_needs": "",
        "website": "",
        "form_token": token_of(client.get(book_url(event))),
    }
    data.update(overrides)
    return client.post(book_url(event), data)


def test_booking_the_same_event_again_shows_the_first_booking_and_how_to_cancel(client, home):
    event = EventPageFactory(capacity=10, max_places_per_booking=4)
    first = book_again(client, event)
    registration = Registration.objects.get()
    messages = OutboxMessage.objects.count()

    again = book_again(client, event, places="3", first_name="Samuel")
    assert again.status_code == 303 and again["Location"] == first["Location"]
    assert Registration.objects.count() == 1, "two places held, not four"
    assert event.places_left() == 8
    assert OutboxMessage.objects.count() == messages
    response = client.get(again["Location"])
    page = parse(response)
    assert page.has_heading("You have already booked this event")
    assert page.has_text(registration.reference)
    assert page.has_text("This booking is for 2 places.")
    assert page.has_heading("Changing or cancelling your booking")
    cancel_path = emails.cancel_address(event.get_parent().specific, registration)
    assert page.links_to(cancel_path), "this browser made the booking: it may cancel it"
    assert client.get(cancel_path).status_code == 200


def test_another_browser_sees_the_booking_but_no_cancel_link(client, home):
    event = EventPageFactory()
    book_again(client, event, places="1")
    stranger = Client()
    response = book_again(stranger, event, places="1")
    page = parse(stranger.get(response["Location"]))
    assert page.has_heading("You have already booked this event")
    assert not [link for link in page.links if "/cancel/" in link.href]
    assert page.has_text("use the link in the email we sent you")
    assert Registration.objects.count() == 1


def test_the_waiting_list_is_joined_once(client, home):
    event = EventPageFactory(capacity=1)
    book(
        event,
        BookingDetails(first_name="A", last_name="B", email="a@example.org", postcode="DE1 2AB"),
    )
    book_again(client, event, places="1")
    book_again(client, event, places="1")
    assert Registration.objects.filter(email="sam@example.org").get().status == "waiting"
    assert parse(client.get(event.url + "book/confirmed/")).has_heading(
        "You are already on the waiting list for this event"
    )


def test_after_cancelling_the_address_can_book_again(client, home):
    event = EventPageFactory()
    book_again(client, event, places="1")
    cancel(Registration.objects.get())
    book_again(client, event, places="1")
    assert Registration.objects.filter(status="confirmed").count() == 1
    assert Registration.objects.count() == 2


# --- At the same moment (PostgreSQL, one connection per thread) -----------------------------------


def at_once(count: int, work) -> tuple[list, list]:
    barrier = threading.Barrier(count)
    results, errors = [], []
    lock = threading.Lock()

    def run(n: int) -> None:
        try:
            barrier.wait(timeout=30)
            result = work(n)
            with lock:
                results.append(result)
        except Exception as error:
            with lock:
                errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results, errors


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_same_answers_five_times_at_once_make_one_enquiry():
    same = EnquiryFactory.build(email="racing@example.org")
    results, errors = at_once(5, lambda n: record_enquiry(same, submission_token=uuid.uuid4()))
    assert errors == []
    assert Enquiry.objects.count() == 1
    assert sorted(created for _enquiry, created in results) == [False] * 4 + [True]
    assert OutboxMessage.objects.filter(topic="enquiry.acknowledgement").count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_same_address_booking_five_times_at_once_books_once(home):
    event = EventPageFactory(capacity=10, max_places_per_booking=2)
    details = BookingDetails(
        first_name="Pat", last_name="Lee", email="pat@example.org", postcode="DE1 2AB", places=2
    )
    results, errors = at_once(5, lambda n: book(event, details, submission_token=uuid.uuid4()))
    assert sorted(created for _registration, created in results) == [False] * 4 + [True]
    assert errors == []
    assert Registration.objects.count() == 1
    assert event.places_left() == 8
