"""Reminders follow the event: when an editor publishes a booked event with a new start time or
new joining details, the reminders still waiting to go are re-written and re-timed (or cancelled
when the event is now less than a day away), so nobody is reminded of the wrong time or link."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from icalendar import Calendar

from events import emails
from events.models import EventFormat, EventPage
from events.services import BookingDetails, book, cancel
from events.tests.factories import EventPageFactory
from outbox.models import OutboxMessage

pytestmark = pytest.mark.django_db
transactional = pytest.mark.django_db(transaction=True, serialized_rollback=True)

OLD_LINK = "Join at https://meet.example/old-room"
NEW_LINK = "Join at https://meet.example/new-room"


def details(email: str = "pat@example.org") -> BookingDetails:
    return BookingDetails(
        first_name="Pat", last_name="Lee", email=email, postcode="DE1 2AB", places=1
    )


def publish(event: EventPage, **changes) -> EventPage:
    """Edit and publish the event as an editor does in the Wagtail admin."""
    page = EventPage.objects.get(pk=event.pk)
    for name, value in changes.items():
        setattr(page, name, value)
    page.save_revision().publish()
    return EventPage.objects.get(pk=event.pk)


def reminder(registration) -> OutboxMessage:
    return emails.reminders(registration).get()


def ics_start(message: OutboxMessage) -> datetime.datetime:
    (vevent,) = Calendar.from_ical(message.attachments[0]["content"]).events
    return vevent.start


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


def test_moving_the_event_re_times_and_re_writes_the_reminder(home):
    event = EventPageFactory()
    registration, _ = book(event, details())
    before = reminder(registration)
    new_start = event.starts_at + datetime.timedelta(days=14, hours=1)

    event = publish(event, starts_at=new_start, ends_at=new_start + datetime.timedelta(hours=2))

    after = reminder(registration)
    assert after.pk == before.pk, "the same message, not a second reminder"
    assert after.status == OutboxMessage.Status.PENDING
    assert after.next_attempt_at == new_start - datetime.timedelta(hours=24)
    assert emails.when(event)["date"] in after.body
    assert emails.when(event)["starts"] in after.body
    assert before.body != after.body
    assert ics_start(after) == new_start
    confirmation = OutboxMessage.objects.get(topic=emails.CONFIRMATION_TOPIC)
    assert confirmation.status == OutboxMessage.Status.PENDING, "the confirmation is left alone"


def test_moving_the_event_to_less_than_a_day_away_cancels_the_reminder(home):
    event = EventPageFactory()
    registration, _ = book(event, details())
    soon = timezone.now() + datetime.timedelta(hours=6)
    publish(event, starts_at=soon, ends_at=soon + datetime.timedelta(hours=2))
    assert reminder(registration).status == OutboxMessage.Status.CANCELLED


def test_new_joining_details_replace_the_old_in_the_reminder_at_the_same_time(home):
    event = EventPageFactory(format=EventFormat.ONLINE, joining_details=OLD_LINK)
    registration, _ = book(event, details())
    due = reminder(registration).next_attempt_at
    assert OLD_LINK in reminder(registration).body

    publish(event, joining_details=NEW_LINK)

    message = reminder(registration)
    assert message.next_attempt_at == due
    assert NEW_LINK in message.body and OLD_LINK not in message.body
    (vevent,) = Calendar.from_ical(message.attachments[0]["content"]).events
    assert NEW_LINK in vevent["DESCRIPTION"] and OLD_LINK not in vevent["DESCRIPTION"]


def test_an_edit_that_changes_nothing_booked_people_see_leaves_reminders_alone(home):
    event = EventPageFactory()
    kept, _ = book(event, details("kept@example.org"))
    dropped, _ = book(event, details("dropped@example.org"))
    cancel(dropped)
    before = reminder(kept)

    publish(event, body=[("paragraph", "<p>Now with more cake.</p>")])

    after = reminder(kept)
    assert (after.subject, after.body, after.attachments, after.next_attempt_at) == (
        before.subject,
        before.body,
        before.attachments,
        before.next_attempt_at,
    )
    assert reminder(dropped).status == OutboxMessage.Status.CANCELLED


def test_cancelled_bookings_and_the_waiting_list_get_no_reminder_when_the_event_moves(home):
    event = EventPageFactory(capacity=1)
    booked, _ = book(event, details("in@example.org"))
    waiting, _ = book(event, details("wait@example.org"))
    gone, _ = book(EventPageFactory(), details("gone@example.org"))
    cancel(gone)
    later = event.starts_at + datetime.timedelta(days=3)
    publish(event, starts_at=later, ends_at=later + datetime.timedelta(hours=1))
    assert reminder(booked).next_attempt_at == later - datetime.timedelta(hours=24)
    assert not emails.reminders(waiting).exists()
    assert reminder(gone).status == OutboxMessage.Status.CANCELLED


def test_a_booking_made_the_day_before_gets_a_reminder_when_the_event_moves_later(home):
    soon = timezone.now().replace(microsecond=0) + datetime.timedelta(hours=5)
    event = EventPageFactory(starts_at=soon, ends_at=soon + datetime.timedelta(hours=1))
    registration, _ = book(event, details())
    assert not emails.reminders(registration).exists()

    later = soon + datetime.timedelta(days=7)
    publish(event, starts_at=later, ends_at=later + datetime.timedelta(hours=1))

    message = reminder(registration)
    assert message.status == OutboxMessage.Status.PENDING
    assert message.next_attempt_at == later - datetime.timedelta(hours=24)
    assert ics_start(message) == later


def test_a_reminder_being_retried_is_not_cancelled_by_an_unrelated_edit(home):
    event = EventPageFactory()
    registration, _ = book(event, details())
    # The event is now 10 hours away; the reminder went to the mail server, which failed, and
    # is due to be tried again in two minutes.
    soon = timezone.now() + datetime.timedelta(hours=10)  # with microseconds, as now() has
    EventPage.objects.filter(pk=event.pk).update(
        starts_at=soon, ends_at=soon + datetime.timedelta(hours=1)
    )
    retry_at = timezone.now() + datetime.timedelta(minutes=2)
    OutboxMessage.objects.filter(pk=reminder(registration).pk).update(
        attempts=1,
        next_attempt_at=retry_at,
        **emails.reminder_content(registration.__class__.objects.get(pk=registration.pk)),
    )

    publish(event, title="Fostering information evening (new room)")

    message = reminder(registration)
    assert message.status == OutboxMessage.Status.PENDING
    assert message.next_attempt_at == retry_at
    assert "(new room)" in message.body


@transactional
def test_the_worker_sends_the_moved_reminder_at_the_new_time_only(home):
    event = EventPageFactory()
    registration, _ = book(event, details())
    later = event.starts_at + datetime.timedelta(days=2)
    publish(event, starts_at=later, ends_at=later + datetime.timedelta(hours=2))
    message = reminder(registration)

    # The old due time comes: the task queued for it finds nothing due yet.
    old_due = event.starts_at - datetime.timedelta(hours=24)
    DBTaskResult.objects.filter(status="READY", run_after__lte=old_due).update(
        run_after=timezone.now() - datetime.timedelta(seconds=1)
    )
    run_worker()
    assert [m.subject for m in mail.outbox] == [f"Your place is booked: {event.title}"]
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.PENDING

    # The new due time comes: the reminder goes, with the new time in its calendar file.
    past = timezone.now() - datetime.timedelta(seconds=1)
    OutboxMessage.objects.filter(pk=message.pk).update(next_attempt_at=past)
    DBTaskResult.objects.filter(status="READY").update(run_after=past)
    run_worker()
    assert len(mail.outbox) == 2
    sent = mail.outbox[1]
    assert sent.subject == f"Reminder: {event.title} is tomorrow"
    assert emails.when(EventPage.objects.get(pk=event.pk))["date"] in sent.body
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT
