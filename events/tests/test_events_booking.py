"""Booking a place at an event, as a person meets it: the form, the confirmation, the emails
(with a calendar file), the waiting list, cancelling from the emailed link, and the reminder the
background worker sends the day before."""

from __future__ import annotations

import datetime
import re
from email import message_from_bytes
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from icalendar import Calendar

from enquiry.models import HeldSubmission
from enquiry.public_forms import CONSENT_WORDING
from enquiry.tests.factories import HearAboutOptionFactory
from events import emails
from events.ics import event_calendar, event_ics_view
from events.models import EventFormat, Registration
from events.services import BookingDetails, book, cancel
from events.tests.factories import EventPageFactory
from outbox.models import OutboxMessage
from testkit.html import parse, soup

pytestmark = pytest.mark.django_db
transactional = pytest.mark.django_db(transaction=True, serialized_rollback=True)

JOINING = "Join at https://meet.example/abc-123 with code 4471"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


# --- Helpers ------------------------------------------------------------------------------


def book_url(event) -> str:
    return event.url + event.reverse_subpage("booking")


def confirmed_url(event) -> str:
    return event.url + event.reverse_subpage("booking_confirmed")


def fresh_token(client, event) -> str:
    return soup(client.get(book_url(event))).find("input", attrs={"name": "form_token"})["value"]


def answers(**overrides) -> dict:
    data = {
        "first_name": "Sam",
        "last_name": "Okafor",
        "email": "sam@example.org",
        "phone": "",
        "postcode": "de1 2ab",
        "places": "1",
        "access_needs": "",
        "keep_in_touch": ["email"],
        "website": "",
    }
    data.update(overrides)
    return data


def send(client, event, token: str | None = None, **overrides):
    data = answers(**overrides)
    data["form_token"] = fresh_token(client, event) if token is None else token
    return client.post(book_url(event), data)


def details(email: str = "pat@example.org", places: int = 1) -> BookingDetails:
    return BookingDetails(
        first_name="Pat", last_name="Lee", email=email, postcode="DE1 2AB", places=places
    )


def run_worker() -> None:
    call_command(
        "db_worker",
        "--batch",
        "--backend",
        "outbox",
        "--queue-name",
        "outbox",
        "--no-startup-delay",
        verbosity=0,
    )


def parse_ics(ics: str | bytes) -> Calendar:
    """The calendar as a calendar program reads it (icalendar's parser)."""
    return Calendar.from_ical(ics)


def only_event(calendar: Calendar):
    (vevent,) = calendar.events
    return vevent


def ics_attachment(message) -> str:
    """The .ics attached to a sent email, as the mail client receives it."""
    parsed = message_from_bytes(message.message().as_bytes())
    for part in parsed.walk():
        if part.get_content_type() == "text/calendar":
            assert part.get_filename().endswith(".ics")
            return part.get_payload(decode=True).decode("utf-8")
    raise AssertionError("no calendar attachment")


def cancel_link(text: str) -> str:
    """The cancellation link in an email, as an address on this site (path and query)."""
    found = re.search(r"https?://\S+/cancel/\S*", text)
    assert found, text
    parts = urlsplit(found.group(0))
    return parts.path + (f"?{parts.query}" if parts.query else "")


def cancel_form(response) -> tuple[str, dict[str, str]]:
    """Where the page's "Yes, cancel" form posts, and what it sends."""
    form = soup(response).find("main").find("form", attrs={"method": "post"})
    fields = {
        field["name"]: field.get("value", "")
        for field in form.find_all("input")
        if field.get("name") and field["name"] != "csrfmiddlewaretoken"
    }
    return form["action"], fields


def path_link(registration) -> str:
    """A cancellation link as emails sent before issue 17 carried it: the token in the path."""
    index = registration.event.get_parent().specific
    return f"{index.url}cancel/{emails.cancel_token(registration)}/"


def query_link(registration) -> str:
    """A cancellation link as emails carry it now: the token in the query string."""
    index = registration.event.get_parent().specific
    token = emails.cancel_token(registration)
    return f"{index.url}cancel/?{emails.CANCEL_TOKEN_PARAMETER}={token}"


def end_event(event, *, days_ago: int = 1) -> None:
    """The event took place `days_ago` days ago (as the clock would make it)."""
    starts = timezone.now() - datetime.timedelta(days=days_ago, hours=2)
    type(event).objects.filter(pk=event.pk).update(
        starts_at=starts, ends_at=starts + datetime.timedelta(hours=2)
    )
    event.refresh_from_db()


@pytest.fixture
def hub_contact(home):
    from wagtail.models import Site

    from councils.models import HubSettings

    hub = HubSettings.for_site(Site.objects.get(is_default_site=True))
    hub.phone_number = "0300 123 4567"
    hub.email = "hello@fosterhub.example.org"
    hub.save()
    return hub


def make_due(message: OutboxMessage) -> None:
    """Pretend it is now the day before: the reminder and its queued task are due."""
    past = timezone.now() - datetime.timedelta(seconds=1)
    OutboxMessage.objects.filter(pk=message.pk).update(next_attempt_at=past)
    DBTaskResult.objects.filter(status="READY").update(run_after=past)


# --- The form -----------------------------------------------------------------------------


def test_the_form_asks_each_question_with_labels_and_no_placeholders(client, home):
    HearAboutOptionFactory(label="Local radio")
    event = EventPageFactory(max_places_per_booking=3)
    response = client.get(book_url(event))
    assert response.status_code == 200
    assert "no-store" in response.headers["Cache-Control"]
    html = soup(response)
    form = html.find("main").find("form", attrs={"method": "post"})
    for label in [
        "First name",
        "Last name",
        "Email address",
        "Phone number (optional)",
        "Postcode",
        "How many places do you need?",
        "Do you have any access needs? (optional)",
    ]:
        element = form.find("label", string=label)
        assert element is not None, label
        assert form.find(id=element["for"]) is not None
    assert form.find(id="email")["autocomplete"] == "email"
    assert form.find(id="postcode")["autocomplete"] == "postal-code"
    assert not form.find(attrs={"placeholder": True})
    legends = [legend.get_text(strip=True) for legend in form.find_all("legend")]
    assert "How did you hear about us? (optional)" in legends
    boxes = [label.get_text(strip=True) for label in form.select(".checkboxes__label")]
    assert boxes == [str(wording) for wording in CONSENT_WORDING.values()]
    assert not any(box.has_attr("checked") for box in form.find_all("input", type="checkbox"))
    assert "up to 3 places" in form.get_text()
    assert parse(response).has_text("20 places left.")


def test_errors_are_summarised_linked_and_the_answers_kept(client, home):
    event = EventPageFactory(max_places_per_booking=2)
    response = send(client, event, first_name="", email="not-an-email", places="5")
    assert response.status_code == 200
    html = soup(response)
    summary = html.find(class_="error-summary")
    links = {a["href"]: a.get_text(strip=True) for a in summary.find_all("a")}
    assert links == {
        "#first_name": "Enter your first name",
        "#email": "Enter an email address in the correct format, like name@example.com",
        "#places": "Number of places must be between 1 and 2",
    }
    assert html.title.get_text(strip=True).startswith("Error:")
    assert html.find(id="last_name")["value"] == "Okafor"
    assert html.find(id="email")["value"] == "not-an-email"
    assert "email-error" in html.find(id="email")["aria-describedby"]
    assert not Registration.objects.exists()


def test_a_booking_is_confirmed_with_a_reference_and_emails_with_a_calendar_file(client, home):
    option = HearAboutOptionFactory(label="Local radio")
    event = EventPageFactory(capacity=10)
    response = send(
        client, event, places="2", heard_about=option.pk, access_needs="Step-free access please"
    )
    assert response.status_code == 303
    assert response["Location"] == confirmed_url(event)
    registration = Registration.objects.get()
    assert registration.status == Registration.Status.CONFIRMED
    assert registration.places == 2
    assert registration.postcode == "DE1 2AB" and registration.postcode_district == "DE1"
    assert registration.heard_about_label == "Local radio"
    assert registration.access_needs == "Step-free access please"
    assert [c.wording for c in registration.consents.all()] == [str(CONSENT_WORDING["email"])]
    assert registration.channel  # attributed like an enquiry ("direct" for this visit)
    assert registration.reference not in response["Location"]

    page = parse(client.get(response["Location"]))
    assert page.has_heading("Booking confirmed")
    assert page.has_text(registration.reference)
    assert event.places_left() == 8

    confirmation = OutboxMessage.objects.get(topic=emails.CONFIRMATION_TOPIC)
    assert confirmation.recipient == "sam@example.org"
    assert registration.reference in confirmation.body
    assert "Sam" not in confirmation.body and "Okafor" not in confirmation.body
    assert "/cancel/" in confirmation.body
    assert confirmation.attachments[0]["mimetype"] == "text/calendar"


def test_the_same_form_sent_twice_books_once(client, home):
    event = EventPageFactory()
    token = fresh_token(client, event)
    send(client, event, token=token)
    send(client, event, token=token)
    assert Registration.objects.count() == 1
    assert OutboxMessage.objects.filter(topic=emails.CONFIRMATION_TOPIC).count() == 1
    first, created = book(
        event, details(), submission_token=Registration.objects.get().submission_token
    )
    assert created is False and first == Registration.objects.get()


def test_a_full_event_takes_waiting_list_names_and_more_places_than_are_left_waits(client, home):
    event = EventPageFactory(capacity=3, max_places_per_booking=4)
    book(event, details("a@example.org", places=2))
    # 1 place left: asking for 2 goes on the waiting list, never overbooks.
    response = send(client, event, places="2")
    assert response.status_code == 303
    waiting = Registration.objects.get(email="sam@example.org")
    assert waiting.status == Registration.Status.WAITING
    assert event.places_taken() == 2
    page = parse(client.get(response["Location"]))
    assert page.has_heading("You are on the waiting list")
    message = OutboxMessage.objects.get(reference=waiting.reference)
    assert message.topic == emails.WAITING_TOPIC and not message.attachments
    book(event, details("b@example.org"))
    assert event.places_left() == 0
    assert parse(client.get(book_url(event))).has_heading("Join the waiting list")


def test_closed_ended_and_drop_in_events_show_a_message_not_a_form(client, home):
    closed = EventPageFactory(booking_open=False)
    drop_in = EventPageFactory(booking_required=False)
    now = timezone.now()
    ended = EventPageFactory(
        starts_at=now - datetime.timedelta(days=2),
        ends_at=now - datetime.timedelta(days=2, hours=-1),
    )
    for event, words in [
        (closed, "Booking for this event is closed."),
        (drop_in, "You do not need to book for this event: just come along."),
        (ended, "This event has already taken place"),
    ]:
        response = client.get(book_url(event))
        assert response.status_code == 200
        assert parse(response).has_text(words), words
        assert soup(response).find("main").find("form", attrs={"method": "post"}) is None
        send(client, event, token=fresh_token(client, EventPageFactory()))
    assert not Registration.objects.filter(event__in=[closed, drop_in, ended]).exists()


def test_honeypot_posts_look_like_success_and_book_nothing(client, home):
    event = EventPageFactory()
    response = send(client, event, website="https://spam.example")
    assert response.status_code == 303
    assert not Registration.objects.exists()
    assert not HeldSubmission.objects.exists(), "the honeypot alone discards"
    page = parse(client.get(response["Location"]))
    assert page.has_heading("We have received your request"), "the page a held post gets"
    assert page.has_text("Your place is not booked until we email you to confirm it.")


# --- Cancelling ------------------------------------------------------------------------------


def test_the_cancellation_link_asks_first_then_cancels_on_post(client, home):
    event = EventPageFactory()
    registration, _ = book(event, details())
    body = OutboxMessage.objects.get(topic=emails.CONFIRMATION_TOPIC).body
    url = cancel_link(body)
    assert "pat" not in url and registration.reference not in url

    response = client.get(url)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    page = parse(response)
    date = emails.when(event)["date"]
    assert page.has_heading(f"Cancel your place at {event.title} on {date}?")
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CONFIRMED, "a GET never cancels"

    action, fields = cancel_form(response)
    assert action == urlsplit(url).path and "?" not in action, "the token goes in the body"
    done = client.post(action, fields)
    assert done.status_code == 303
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CANCELLED
    assert registration.cancelled_at is not None
    assert parse(client.get(done["Location"])).has_heading("Booking cancelled")
    assert parse(client.get(url)).has_heading("Booking cancelled")
    # Sending the form again changes nothing.
    client.post(action, fields)
    assert Registration.objects.get().status == Registration.Status.CANCELLED


def test_the_emailed_link_keeps_its_token_out_of_the_path(home):
    """Access logs record paths (config/access_log.py, home/front_door.py): the token is in the
    query string, which they leave out."""
    registration, _ = book(EventPageFactory(), details())
    url = cancel_link(OutboxMessage.objects.get(topic=emails.CONFIRMATION_TOPIC).body)
    parts = urlsplit(url)
    token = emails.cancel_token(registration)
    assert token not in parts.path
    assert parse_qs(parts.query) == {emails.CANCEL_TOKEN_PARAMETER: [token]}


def test_a_link_emailed_with_the_token_in_its_path_still_works_until_the_event_ends(client, home):
    registration, _ = book(EventPageFactory(), details())
    old_link = path_link(registration)
    response = client.get(old_link, follow=True)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert parse(response).has_heading("Cancel your place at")
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CONFIRMED, "a GET never cancels"
    # A page opened before the change posts back to the old address, with no token field.
    assert client.post(old_link).status_code == 303
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CANCELLED

    end_event(registration.event)
    assert parse(client.get(old_link, follow=True)).has_heading("This event has ended")


def test_a_cancellation_link_after_the_event_has_ended_says_so_and_cancels_nothing(
    client, hub_contact
):
    event = EventPageFactory()
    registration, _ = book(event, details())
    url = cancel_link(OutboxMessage.objects.get(topic=emails.CONFIRMATION_TOPIC).body)
    form_action, fields = cancel_form(client.get(url))  # a page opened before the end
    end_event(event)

    response = client.get(url)
    assert response.status_code == 200, "a clear page, not an error"
    assert "no-store" in response["Cache-Control"]
    page = parse(response)
    assert page.has_heading("This event has ended")
    date = emails.when(event)["date"]
    assert page.has_text(f"{event.title} on {date} has already taken place, so there is nothing")
    assert page.has_text("If you have a question about your booking, contact us")
    assert page.links_to("tel:03001234567") and page.links_to("mailto:hello@fosterhub.example.org")
    assert registration.reference not in response.content.decode()
    assert soup(response).find("main").find("form", attrs={"method": "post"}) is None

    late = client.post(form_action, fields)
    assert late.status_code == 200
    assert parse(late).has_heading("This event has ended")
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CONFIRMED
    assert not OutboxMessage.objects.filter(topic=emails.CANCELLED_TOPIC).exists()


def test_after_the_end_a_cancelled_or_erased_booking_shows_the_ended_page_and_nothing_of_it(
    client, hub_contact
):
    from events.data_protection import anonymise

    event = EventPageFactory()
    cancelled, _ = book(event, details("cancelled@example.org"))
    erased, _ = book(event, details("erased@example.org"))
    cancel(cancelled)
    end_event(event, days_ago=40)
    anonymise(Registration.objects.filter(pk=erased.pk), timezone.now())
    for registration in (cancelled, erased):
        url = query_link(registration)
        response = client.get(url)
        assert response.status_code == 200
        assert parse(response).has_heading("This event has ended")
        assert registration.reference not in response.content.decode()


def test_a_bad_or_tampered_cancellation_link_gets_a_friendly_page(client, home):
    event = EventPageFactory()
    registration, _ = book(event, details())
    index = event.get_parent().specific
    good = emails.cancel_token(registration)
    forged = "0" * 32 + good[32:]
    for token in ["nonsense", good[:-2] + "xx", forged, good[:32]]:
        for url in [f"{index.url}cancel/?token={token}", f"{index.url}cancel/{token}/"]:
            response = client.get(url, follow=True)
            assert response.status_code == 404
            assert parse(response).has_heading("This link does not work")
        client.post(f"{index.url}cancel/", {"token": token})
        client.post(f"{index.url}cancel/{token}/")
    assert parse(client.get(f"{index.url}cancel/")).has_heading("This link does not work")
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CONFIRMED


def test_cancelling_offers_the_places_to_the_waiting_list_in_order(home):
    event = EventPageFactory(capacity=3, max_places_per_booking=4)
    first, _ = book(event, details("first@example.org", places=2))
    book(event, details("second@example.org", places=1))
    big, _ = book(event, details("big@example.org", places=3))
    small, _ = book(event, details("small@example.org", places=1))
    later, _ = book(event, details("later@example.org", places=1))
    assert [r.status for r in (big, small, later)] == [Registration.Status.WAITING] * 3

    promoted = cancel(first)  # frees 2 places: 3 do not fit, the next two (1 each) do
    assert promoted == [small, later]
    statuses = dict(Registration.objects.values_list("email", "status"))
    assert statuses == {
        "first@example.org": "cancelled",
        "second@example.org": "confirmed",
        "big@example.org": "waiting",
        "small@example.org": "confirmed",
        "later@example.org": "confirmed",
    }
    assert event.places_taken() == 3
    offer = OutboxMessage.objects.get(topic=emails.CONFIRMATION_TOPIC, reference=small.reference)
    assert offer.subject.startswith("A place has come up")
    assert offer.attachments and offer.recipient == "small@example.org"
    assert emails.reminders(small).filter(status=OutboxMessage.Status.PENDING).exists()


# --- Reminders and what the emails carry ----------------------------------------------------


def test_the_reminder_is_due_the_day_before_and_cancelled_with_the_booking(home):
    event = EventPageFactory()
    registration, _ = book(event, details())
    reminder = emails.reminders(registration).get()
    assert reminder.next_attempt_at == event.starts_at - datetime.timedelta(hours=24)
    assert reminder.status == OutboxMessage.Status.PENDING
    cancel(registration)
    reminder.refresh_from_db()
    assert reminder.status == OutboxMessage.Status.CANCELLED

    soon = EventPageFactory(
        starts_at=timezone.now() + datetime.timedelta(hours=5),
    )
    tomorrow_ish, _ = book(soon, details("soon@example.org"))
    assert not emails.reminders(tomorrow_ish).exists(), "less than a day away: no reminder"
    assert OutboxMessage.objects.filter(reference=tomorrow_ish.reference).count() == 1


@transactional
def test_the_worker_sends_the_confirmation_now_and_the_reminder_only_when_due(home):
    event = EventPageFactory(
        format=EventFormat.HYBRID, joining_details=JOINING, title="Coffee, cake; and chat"
    )
    book(event, details("kept@example.org"))
    dropped, _ = book(event, details("dropped@example.org"))
    waiting_event = EventPageFactory(capacity=1, format=EventFormat.ONLINE, joining_details=JOINING)
    book(waiting_event, details("in@example.org"))
    book(waiting_event, details("wait@example.org"))
    cancel(dropped)

    run_worker()
    # Two confirmations, the waiting-list note, and the cancelled booking's confirmation and
    # its "your booking is cancelled".
    assert len(mail.outbox) == 5, [m.subject for m in mail.outbox]
    sent = {message.to[0]: message for message in mail.outbox}
    assert sent["dropped@example.org"].subject == f"Your booking is cancelled: {event.title}"
    confirmation = sent["kept@example.org"]
    assert confirmation.subject == f"Your place is booked: {event.title}"
    assert JOINING in confirmation.body
    waiting = sent["wait@example.org"]
    assert waiting.subject == f"You are on the waiting list: {waiting_event.title}"
    assert JOINING not in waiting.body and not waiting.attachments

    calendar = parse_ics(ics_attachment(confirmation))
    assert [c.name for c in calendar.walk()][:2] == ["VCALENDAR", "VTIMEZONE"]
    assert [tz.tz_name for tz in calendar.timezones] == ["Europe/London"]
    vevent = only_event(calendar)
    assert str(vevent["SUMMARY"]) == "Coffee, cake; and chat"
    assert vevent["DTSTART"].params["TZID"] == "Europe/London"
    assert vevent.start == event.starts_at
    assert (
        vevent.start.utcoffset()
        == event.starts_at.astimezone(ZoneInfo("Europe/London")).utcoffset()
    )
    assert JOINING in vevent["DESCRIPTION"]
    assert vevent.uid == f"event-{event.translation_key}@events.fostering-hub"
    assert "The Council House" in vevent["LOCATION"]
    assert vevent["URL"] == event.get_full_url()

    # Not due yet: a second run sends nothing more.
    run_worker()
    assert len(mail.outbox) == 5
    # The day before: only the kept booking's reminder goes.
    for message in OutboxMessage.objects.filter(topic=emails.REMINDER_TOPIC):
        make_due(message)
    run_worker()
    reminders = mail.outbox[5:]
    assert sorted(m.to[0] for m in reminders) == ["in@example.org", "kept@example.org"]
    kept_reminder = next(m for m in reminders if m.to == ["kept@example.org"])
    assert kept_reminder.subject == f"Reminder: {event.title} is tomorrow"
    assert JOINING in kept_reminder.body
    assert only_event(parse_ics(ics_attachment(kept_reminder))).uid == vevent.uid
    assert (
        OutboxMessage.objects.get(topic=emails.REMINDER_TOPIC, reference=dropped.reference).status
        == OutboxMessage.Status.CANCELLED
    )


# --- The calendar file ------------------------------------------------------------------------


def test_the_public_calendar_file_never_has_the_joining_details(client, home):
    event = EventPageFactory(format=EventFormat.ONLINE, joining_details=JOINING)
    response = client.get(event.url + "add-to-calendar/")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="{event.slug}.ics"'
    assert b"meet.example" not in response.content.replace(b"\r\n ", b"")
    vevent = only_event(parse_ics(response.content))
    assert vevent["LOCATION"] == "Online"
    assert event.listing_summary in vevent["DESCRIPTION"]
    assert JOINING not in vevent["DESCRIPTION"]
    with_details = only_event(parse_ics(event_calendar(event, with_joining_details=True)))
    assert JOINING in with_details["DESCRIPTION"]
    assert with_details.uid == vevent.uid, "the same event in every calendar file"


def test_the_booking_page_never_shows_the_joining_details(client, home):
    event = EventPageFactory(format=EventFormat.ONLINE, joining_details=JOINING)
    assert "meet.example" not in client.get(book_url(event)).content.decode()


def test_the_confirmation_page_links_to_the_calendar_file_it_serves(client, home):
    event = EventPageFactory()
    response = send(client, event)
    page = soup(client.get(response["Location"]))
    link = page.find("a", string="Add this event to your calendar")["href"]
    assert link == event.url + "add-to-calendar/"
    download = client.get(link)
    assert download.status_code == 200
    assert (
        only_event(parse_ics(download.content)).uid
        == f"event-{event.translation_key}@events.fostering-hub"
    )


def test_calendar_file_times_are_in_london_on_both_sides_of_the_clock_change(rf, home):
    london = ZoneInfo("Europe/London")
    year = timezone.localdate().year + 1
    for month, utc_hour in [(1, 18), (7, 17)]:
        starts = datetime.datetime(year, month, 12, 18, tzinfo=london)
        event = EventPageFactory(starts_at=starts, ends_at=starts + datetime.timedelta(hours=2))
        calendar = parse_ics(event_ics_view(event, rf.get(event.url)).content)
        vevent = only_event(calendar)
        assert vevent["DTSTART"].to_ical() == f"{year}{month:02}12T180000".encode()
        assert vevent["DTSTART"].params["TZID"] == "Europe/London"
        assert vevent.start == starts
        assert vevent.start.astimezone(datetime.UTC).hour == utc_hour
        assert vevent.end == starts + datetime.timedelta(hours=2)
        assert [tz.tz_name for tz in calendar.timezones] == ["Europe/London"]


def test_text_with_commas_semicolons_and_long_lines_survives_the_round_trip(home):
    title = "Fostering; questions, answers \\ and more – " + "é" * 60
    event = EventPageFactory(title=title, venue_address="1 High Street,\nDerby")
    body = event_calendar(event)
    assert all(len(line) <= 75 for line in body.split(b"\r\n")), "folded at 75 octets"
    vevent = only_event(parse_ics(body))
    assert vevent["SUMMARY"] == title
    assert vevent["LOCATION"] == "The Council House, 1 High Street,, Derby, DE1 3AA"


def test_raising_the_capacity_offers_the_new_places_to_the_waiting_list_first(db):
    """Review finding: publishing more places promotes people waiting before anyone new books."""
    from events.services import BookingDetails, book

    event = EventPageFactory(capacity=1)

    def booking(email: str):
        details = BookingDetails(first_name="Sam", last_name="Lee", email=email, postcode="DE1 2AB")
        return book(event, details)[0]

    booking("first@example.org")
    waiting = booking("waiting@example.org")
    assert waiting.status == "waiting"
    event.capacity = 3
    event.save_revision().publish()
    waiting.refresh_from_db()
    assert waiting.status == "confirmed"


def test_previewing_an_unsaved_event_with_places_works(db):
    event = EventPageFactory.build(capacity=10)
    assert (event.places_taken(), event.places_left()) == (0, 10)
