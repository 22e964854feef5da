"""Suspected spam is held for review, never dropped behind a thank-you page.

A valid enquiry or booking sent at autofill speed, or beyond the limit of valid sends from one
address (a library, a tablet at a pop-up stand, a mobile network's shared address), is kept in
quarantine with its reason. A hub enquiry officer releases it into the normal flow (the
enquiry service: reference, history, outbox messages; the booking service: places, emails),
dated when it came in and attributed as it was, or deletes it. Nobody else sees it. Retention
deletes what nobody released; subject access and erasure include it.
"""

from __future__ import annotations

import datetime

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db.models import Sum
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from attribution.models import Campaign
from enquiry import quarantine
from enquiry.data_protection import erase_person, preview_erasure, subject_access_export
from enquiry.models import Enquiry, EnquiryHistory, HeldSubmission, RejectedSubmission
from enquiry.services import record_enquiry
from events import emails
from events.models import Registration
from events.quarantine import hold_booking
from events.services import BookingDetails, book
from events.tests.factories import EventPageFactory
from outbox.models import OutboxMessage
from testkit.admin import assert_refused, read_csv
from testkit.clients import StaffClient
from testkit.html import parse, soup

pytestmark = pytest.mark.django_db

URL = "/enquire/"
THANK_YOU = "/enquire/thank-you/"
Reason = RejectedSubmission.Reason
TAGGED = "/?utm_source=facebook&utm_medium=paid-social&utm_campaign=derby-teens-2026"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def campaign(councils):
    return Campaign.objects.create(
        name="Derby teenagers winter 2026",
        code="derby-teens-2026",
        council=councils["derby"],
        channel="paid-social",
        source="facebook",
        medium="paid-social",
        start_date=datetime.date(2026, 1, 1),
    )


def form_token(response) -> str:
    html = soup(response)
    return html.find("input", attrs={"name": "form_token"})["value"]


def answers(**overrides) -> dict:
    data = {
        "first_name": "Priya",
        "last_name": "Shah",
        "email": "priya.shah@example.org",
        "phone": "01632 960001",
        "postcode": "DE1 1AA",
        "council": "derby",
        "spare_bedroom": "yes",
        "contact_method": "email",
        "contact_time": "any",
        "question": "Can I foster with a dog?",
        "keep_in_touch": ["email"],
        "website": "",
    }
    data.update(overrides)
    return data


def enquire(client, **overrides):
    return client.post(URL, answers(form_token=form_token(client.get(URL)), **overrides))


def book_url(event) -> str:
    return event.url + event.reverse_subpage("booking")


def booking_answers(client, event, **overrides) -> dict:
    data = {
        "first_name": "Sam",
        "last_name": "Okafor",
        "email": "sam@example.org",
        "phone": "",
        "postcode": "DE1 2AB",
        "places": "2",
        "access_needs": "",
        "keep_in_touch": ["email"],
        "website": "",
        "form_token": form_token(client.get(book_url(event))),
    }
    data.update(overrides)
    return data


def officer_client(people) -> StaffClient:
    client = StaffClient()
    client.force_login(people["hub"])
    return client


def release(people, held: HeldSubmission):
    return officer_client(people).post(reverse("held_submissions:release", args=[held.pk]))


def main_text(response) -> str:
    return soup(response).find("main").get_text(" ")


# --- Held, not dropped ---------------------------------------------------------------------------


@override_settings(ENQUIRY_MIN_FILL_SECONDS=3)
def test_an_enquiry_sent_at_autofill_speed_is_held_then_released_with_its_time_and_attribution(
    client, enquiry_page, councils, people, campaign
):
    client.get(TAGGED)  # the visit came from a campaign
    response = enquire(client)  # at once: faster than a person types, as autofill is
    assert response.status_code == 303 and response["Location"] == THANK_YOU
    assert not Enquiry.objects.exists()
    assert not OutboxMessage.objects.exists(), "nothing is sent before a person has looked"
    held = HeldSubmission.objects.get()
    assert (held.kind, held.reason) == (HeldSubmission.Kind.ENQUIRY, Reason.TOO_FAST)
    assert held.answers["first_name"] == "Priya"
    assert held.answers["council"] == councils["derby"].pk
    assert held.touches["last"]["utm_campaign"] == "derby-teens-2026"
    page = parse(client.get(THANK_YOU))
    assert page.has_heading("We have received your message")
    assert not page.has_text("HUB-")

    # A day later an officer releases it.
    came_in = timezone.now() - datetime.timedelta(days=1)
    HeldSubmission.objects.filter(pk=held.pk).update(received_at=came_in)
    response = release(people, held)
    enquiry = Enquiry.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("enquiries:inspect", args=[enquiry.pk])
    assert not HeldSubmission.objects.exists(), "it has left quarantine"
    assert enquiry.created_at == came_in, "dated when the person sent it"
    assert enquiry.received_on == timezone.localdate(came_in)
    assert enquiry.reference.startswith(f"HUB-{timezone.localdate(came_in).year}-")
    assert (enquiry.first_name, enquiry.council.short_name) == ("Priya", "derby")
    assert enquiry.question == "Can I foster with a dog?"
    assert enquiry.campaign == campaign and enquiry.channel == "paid-social"
    assert enquiry.consents.get().given_at == came_in
    created, note = EnquiryHistory.objects.filter(enquiry=enquiry).order_by("at", "pk")
    assert (created.action, created.at, created.by_name) == ("created", came_in, "Website form")
    assert note.action == "note" and note.by == people["hub"]
    assert "Held as suspected spam" in note.note
    topics = set(OutboxMessage.objects.values_list("topic", flat=True))
    assert {"enquiry.acknowledgement", "enquiry.council_notification"} <= topics, "queued now"
    assert OutboxMessage.objects.get(topic="enquiry.acknowledgement").recipient == (
        "priya.shah@example.org"
    )
    counts = RejectedSubmission.objects.filter(reason=Reason.TOO_FAST, form="enquiry")
    assert counts.aggregate(held=Sum("count"), released=Sum("released")) == {
        "held": 1,
        "released": 1,
    }, "a false positive, counted on the day it was held"


@override_settings(ENQUIRY_RATE_LIMIT="20/h")
def test_the_21st_valid_enquiry_from_one_address_in_an_hour_is_held_and_can_be_released(
    client, enquiry_page, people
):
    for n in range(21):
        assert enquire(client, email=f"visitor{n}@example.org").status_code == 303
    assert Enquiry.objects.count() == 20
    held = HeldSubmission.objects.get()
    assert (held.reason, held.email) == (Reason.RATE_LIMITED, "visitor20@example.org")
    release(people, held)
    assert Enquiry.objects.count() == 21
    assert Enquiry.objects.get(email="visitor20@example.org").history.count() == 2


def test_a_library_full_of_people_is_not_held_at_the_default_limit(client, enquiry_page, councils):
    """The default limit suits a shared address: 40 people enquiring from one library's address
    in an hour all reach the team at once."""
    for n in range(40):
        enquire(client, email=f"reader{n}@example.org")
    assert Enquiry.objects.count() == 40
    assert not HeldSubmission.objects.exists()


@override_settings(ENQUIRY_MIN_FILL_SECONDS=3)
def test_a_booking_sent_at_autofill_speed_is_held_without_a_place_then_released(
    client, home, people
):
    event = EventPageFactory(capacity=10, max_places_per_booking=4)
    response = client.post(book_url(event), booking_answers(client, event))
    assert response.status_code == 303
    assert not Registration.objects.exists()
    assert event.places_left() == 10, "a held booking takes no place"
    held = HeldSubmission.objects.get()
    assert (held.kind, held.reason, held.event_id) == ("booking", Reason.TOO_FAST, event.pk)
    page = parse(client.get(response["Location"]))
    assert page.has_heading("We have received your request")
    assert page.has_text("Your place is not booked until we email you to confirm it.")

    came_in = timezone.now() - datetime.timedelta(hours=3)
    HeldSubmission.objects.filter(pk=held.pk).update(received_at=came_in)
    officer = officer_client(people)
    assert officer.post(reverse("held_submissions:release", args=[held.pk])).status_code == 302
    registration = Registration.objects.get()
    assert registration.status == Registration.Status.CONFIRMED and registration.places == 2
    assert registration.created_at == came_in
    assert registration.channel, "attributed like any booking"
    assert event.places_left() == 8
    confirmation = OutboxMessage.objects.get(topic=emails.CONFIRMATION_TOPIC)
    assert confirmation.recipient == "sam@example.org"
    assert emails.reminders(registration).exists()
    counts = RejectedSubmission.objects.filter(form="booking", reason=Reason.TOO_FAST)
    assert counts.aggregate(released=Sum("released"))["released"] == 1


@override_settings(ENQUIRY_RATE_LIMIT="1/h")
def test_a_held_booking_released_when_the_event_is_full_joins_the_waiting_list(
    client, home, people
):
    event = EventPageFactory(capacity=2, max_places_per_booking=2)
    client.post(book_url(event), booking_answers(client, event, email="first@example.org"))
    client.post(book_url(event), booking_answers(client, event, email="second@example.org"))
    held = HeldSubmission.objects.get()
    assert held.reason == Reason.RATE_LIMITED
    release(people, held)
    assert Registration.objects.get(email="second@example.org").status == "waiting"


@override_settings(ENQUIRY_MIN_FILL_SECONDS=3)
def test_a_held_booking_for_an_event_now_closed_stays_held_with_a_message(client, home, people):
    event = EventPageFactory()
    client.post(book_url(event), booking_answers(client, event))
    held = HeldSubmission.objects.get()
    event.booking_open = False
    event.save_revision().publish()
    response = officer_client(people).post(
        reverse("held_submissions:release", args=[held.pk]), follow=True
    )
    assert parse(response).has_text("The event no longer takes bookings")
    assert HeldSubmission.objects.filter(pk=held.pk).exists()
    assert not Registration.objects.exists()


@override_settings(ENQUIRY_MIN_FILL_SECONDS=3)
def test_sending_a_held_enquiry_again_holds_it_once(client, enquiry_page, councils):
    for _ in range(3):  # Back and Send, again and again, at autofill speed
        assert enquire(client).status_code == 303
    assert HeldSubmission.objects.count() == 1
    assert RejectedSubmission.objects.get(reason=Reason.TOO_FAST).count == 1


@override_settings(ENQUIRY_MIN_FILL_SECONDS=3)
def test_a_bot_and_a_person_see_the_same_page(client, enquiry_page, councils):
    enquire(client)  # a person, at autofill speed: held
    person = main_text(client.get(THANK_YOU))
    bot = Client()
    bot.post(URL, answers(website="https://spam.example", form_token=form_token(bot.get(URL))))
    assert main_text(bot.get(THANK_YOU)) == person
    assert HeldSubmission.objects.count() == 1, "the honeypot's post was discarded"


def test_releasing_an_enquiry_already_saved_meanwhile_sends_nothing_twice(
    client, enquiry_page, people
):
    with override_settings(ENQUIRY_MIN_FILL_SECONDS=3):
        enquire(client)
    held = HeldSubmission.objects.get()
    # Meanwhile the same answers reached the team another way (e.g. sent again from home).
    first, _created = record_enquiry(quarantine.enquiry_details(held.answers))
    messages = OutboxMessage.objects.count()
    response = release(people, held)
    assert response.url == reverse("enquiries:inspect", args=[first.pk])
    assert Enquiry.objects.count() == 1
    assert OutboxMessage.objects.count() == messages
    assert not HeldSubmission.objects.exists()


# --- The admin: hub enquiry officers only --------------------------------------------------------


@pytest.fixture
def held_enquiry(client, enquiry_page, councils):
    with override_settings(ENQUIRY_MIN_FILL_SECONDS=3):
        enquire(client)
    return HeldSubmission.objects.get()


def test_hub_enquiry_officers_see_the_list_with_reason_and_time(people, held_enquiry):
    officer = officer_client(people)
    response = officer.get(reverse("held_submissions:index"))
    assert response.status_code == 200
    page = parse(response)
    assert page.has_heading("Suspected spam")
    assert page.has_text("Sent too quickly after the form was shown")
    assert page.has_text("Priya Shah")
    received = timezone.localtime(held_enquiry.received_at)
    assert page.has_text(f"{received:%H:%M}")
    inspect = parse(officer.get(reverse("held_submissions:inspect", args=[held_enquiry.pk])))
    assert inspect.has_text("Suspected spam")
    assert inspect.has_text("Can I foster with a dog?")
    assert inspect.links_to(reverse("held_submissions:release", args=[held_enquiry.pk]))
    assert inspect.links_to(reverse("held_submissions:delete", args=[held_enquiry.pk]))
    assert "Suspected spam" in officer.get(reverse("wagtailadmin_home")).content.decode()


def test_release_and_delete_ask_first_and_need_a_post_with_the_csrf_token(people, held_enquiry):
    officer = StaffClient(enforce_csrf_checks=True)
    officer.force_login(people["hub"])
    for name in ("release", "delete"):
        url = reverse(f"held_submissions:{name}", args=[held_enquiry.pk])
        asked = officer.get(url)
        assert asked.status_code == 200
        html = soup(asked)
        form = html.find("main").find("form", attrs={"method": "post"})
        assert form.find("input", attrs={"name": "csrfmiddlewaretoken"}) is not None
        assert officer.post(url).status_code == 403, "no token, nothing done"
    assert HeldSubmission.objects.filter(pk=held_enquiry.pk).exists()
    assert not Enquiry.objects.exists()


def test_deleting_removes_it_for_good(people, held_enquiry):
    officer = officer_client(people)
    response = officer.post(reverse("held_submissions:delete", args=[held_enquiry.pk]))
    assert response.status_code == 302 and response.url == reverse("held_submissions:index")
    assert not HeldSubmission.objects.exists()
    assert not Enquiry.objects.exists() and not OutboxMessage.objects.exists()
    again = officer.post(reverse("held_submissions:release", args=[held_enquiry.pk]))
    assert again.status_code == 404


@pytest.mark.parametrize("role", ["derby", "nottingham", "marketing", "hub_comms", "derby_comms"])
def test_nobody_else_sees_or_acts_on_held_posts(people, held_enquiry, role):
    client = StaffClient()
    client.force_login(people[role])
    for name, args in [
        ("index", []),
        ("inspect", [held_enquiry.pk]),
        ("release", [held_enquiry.pk]),
        ("delete", [held_enquiry.pk]),
    ]:
        assert_refused(client.get(reverse(f"held_submissions:{name}", args=args)))
    assert_refused(client.post(reverse("held_submissions:release", args=[held_enquiry.pk])))
    assert_refused(client.post(reverse("held_submissions:delete", args=[held_enquiry.pk])))
    assert HeldSubmission.objects.filter(pk=held_enquiry.pk).exists()
    assert not Enquiry.objects.exists()
    assert "Suspected spam" not in client.get(reverse("wagtailadmin_home")).content.decode()
    assert not HeldSubmission.objects.for_user(people[role]).exists()


def test_the_spam_report_counts_held_and_released_posts(people, held_enquiry):
    RejectedSubmission.record(Reason.HONEYPOT)
    quarantine.release(held_enquiry, by=people["hub"])
    page = parse(officer_client(people).get(reverse("enquiry_spam_report")))
    assert page.has_text("Sent too quickly after the form was shown 1 Held for review 1")
    assert page.has_text("Filled the hidden field 1 Discarded 0")
    # The spreadsheet says the same, in the same words (through core.exports, like every export).
    rows = read_csv(officer_client(people).get(reverse("enquiry_spam_report"), {"export": "csv"}))
    assert {(row["Reason"], row["Posts"], row["What happened"]) for row in rows} == {
        ("Sent too quickly after the form was shown", "1", "Held for review"),
        ("Filled the hidden field", "1", "Discarded"),
    }


# --- Data protection -----------------------------------------------------------------------------


def test_retention_deletes_held_posts_nobody_released(held_enquiry):
    recent = HeldSubmission.objects.create(
        kind="enquiry",
        reason=Reason.RATE_LIMITED,
        submission_token="00000000-0000-4000-8000-000000000001",
        fingerprint="f" * 64,
        email="recent@example.org",
        name="Recent Person",
        answers={"first_name": "Recent"},
    )
    old = timezone.now() - datetime.timedelta(days=31)
    HeldSubmission.objects.filter(pk=held_enquiry.pk).update(received_at=old)
    call_command("apply_retention", "--dry-run", verbosity=0)
    assert HeldSubmission.objects.count() == 2, "a dry run changes nothing"
    with override_settings(HELD_SUBMISSION_RETENTION_DAYS=30):
        call_command("apply_retention", verbosity=0)
    assert list(HeldSubmission.objects.all()) == [recent]


def test_subject_access_and_erasure_cover_held_posts(held_enquiry, people):
    export = subject_access_export("PRIYA.SHAH@example.org")
    (record,) = export["sections"]["held_as_suspected_spam"]
    assert record["answers"]["question"] == "Can I foster with a dog?"
    assert record["why_it_was_held"] == "Sent too quickly after the form was shown"
    assert preview_erasure("priya.shah@example.org").held == 1
    erasure = erase_person("priya.shah@example.org", by=people["hub"], reason="Email of 3 May")
    assert not HeldSubmission.objects.exists()
    assert "priya" not in erasure.references.lower()
    assert "1 held as suspected spam" in erasure.references


def test_the_held_booking_service_finds_an_existing_booking(home):
    event = EventPageFactory()
    details = BookingDetails(
        first_name="Pat", last_name="Lee", email="pat@example.org", postcode="DE1 2AB"
    )
    registration, _ = book(event, details)
    found, created = hold_booking(
        event,
        details,
        reason=Reason.TOO_FAST,
        submission_token=registration.cancel_token,
        language="en-gb",
    )
    assert (found, created) == (registration, False)
    assert not HeldSubmission.objects.exists()


@override_settings(ENQUIRY_MIN_FILL_SECONDS=3)
def test_a_held_booking_is_shown_and_released_as_its_kind_says(client, home, people):
    """The events app registers the booking kind with the quarantine: its page shows the
    booking's answers, the release asks with the booking's words and says what became of it."""
    event = EventPageFactory(title="Derby drop-in", capacity=10, max_places_per_booking=4)
    client.post(book_url(event), booking_answers(client, event, access_needs="Hearing loop"))
    held = HeldSubmission.objects.get()
    officer = officer_client(people)

    page = parse(officer.get(reverse("held_submissions:inspect", args=[held.pk])))
    for text in ("Derby drop-in", "Places 2", "Hearing loop", "Keep in touch by email"):
        assert page.has_text(text)
    assert not page.has_text("Spare bedroom")
    asked = parse(officer.get(reverse("held_submissions:release", args=[held.pk])))
    assert asked.has_text("it takes a place if one is free (or joins the waiting list)")

    response = officer.post(reverse("held_submissions:release", args=[held.pk]), follow=True)
    registration = Registration.objects.get()
    assert response.redirect_chain[-1][0] == reverse("held_submissions:index")
    assert parse(response).has_text(f"Released: booking {registration.reference} is confirmed.")
