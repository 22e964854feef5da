"""Keeping booked people's reminders right when an event changes after they booked.

A reminder is an outbox message queued at booking time, due 24 hours before the event, with the
details (and `.ics`) as they were then. When an editor publishes the event with a new start time,
new joining details or other changed details, each reminder still waiting to go is re-rendered,
and re-timed to the new start minus 24 hours; when the new start is less than 24 hours away it is
cancelled (as at booking time: no reminder for an event less than a day away). Confirmed bookings
that have no reminder yet (booked less than a day before the old start) get one if the event
moved far enough away.

What the person was told is read back from the reminder's own `.ics` (its DTSTART), so a
reminder that is being retried after a mail failure is never cancelled by an unrelated edit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from icalendar import Calendar

from core.localization import canonical
from outbox.models import OutboxMessage
from outbox.tasks import enqueue_delivery

from . import emails
from .models import EventPage, Registration

# Properties of the .ics that change on every publish without anything a person sees changing.
UNSEEN = {"DTSTAMP", "LAST-MODIFIED"}


@dataclass
class ReminderChanges:
    """What `refresh_reminders` did, for tests and the log."""

    retimed: int = 0
    rewritten: int = 0
    cancelled: int = 0
    queued: int = 0


def _calendar_event(attachments: list[dict]):
    """The VEVENT of a message's `.ics` attachment, or None."""
    for attachment in attachments or []:
        if attachment.get("mimetype", "").startswith("text/calendar"):
            events = Calendar.from_ical(attachment["content"]).events
            return events[0] if events else None
    return None


def _told_start(message: OutboxMessage) -> datetime | None:
    """The start time the reminder was written for."""
    vevent = _calendar_event(message.attachments)
    return vevent.start if vevent is not None else None


def _comparable(content: dict) -> tuple:
    """Subject, body and the `.ics`, but not when the file was made or the page last published."""
    vevent = _calendar_event(content["attachments"])
    properties = (
        {} if vevent is None else {k: v.to_ical() for k, v in vevent.items() if k not in UNSEEN}
    )
    return content["subject"], content["body"], sorted(properties.items())


def refresh_reminders(event: EventPage) -> ReminderChanges:
    """Bring the pending reminders of this event's confirmed bookings up to date with it."""
    changes = ReminderChanges()
    now = timezone.now()
    due = emails.reminder_due(event)
    confirmed = Registration.objects.filter(
        event=event, status=Registration.Status.CONFIRMED, anonymised_at__isnull=True
    ).select_related("event")
    by_reference = {registration.reference: registration for registration in confirmed}
    if not by_reference:
        return changes
    with transaction.atomic():
        # A reminder being sent right now is locked by the worker: it has gone, leave it.
        pending = OutboxMessage.objects.select_for_update(skip_locked=True).filter(
            topic=emails.REMINDER_TOPIC,
            reference__in=by_reference,
            status=OutboxMessage.Status.PENDING,
        )
        has_reminder = set(
            OutboxMessage.objects.filter(topic=emails.REMINDER_TOPIC, reference__in=by_reference)
            .exclude(status=OutboxMessage.Status.CANCELLED)
            .values_list("reference", flat=True)
        )
        for message in pending:
            registration = by_reference[message.reference]
            registration.event = event
            told = _told_start(message)
            moved = (  # the .ics holds whole seconds
                told != event.starts_at.replace(microsecond=0)
                if told is not None
                else message.next_attempt_at != due
            )
            if moved and due <= now:
                message.status = OutboxMessage.Status.CANCELLED
                message.save(update_fields=["status"])
                changes.cancelled += 1
                continue
            content = emails.reminder_content(registration)
            rewritten = _comparable(content) != _comparable(
                {
                    "subject": message.subject,
                    "body": message.body,
                    "attachments": message.attachments,
                }
            )
            if not moved and not rewritten:
                continue
            fields = []
            if rewritten:
                message.subject = content["subject"]
                message.body = content["body"]
                message.attachments = content["attachments"]
                fields += ["subject", "body", "attachments"]
                changes.rewritten += 1
            if moved:
                message.next_attempt_at = due
                fields.append("next_attempt_at")
                changes.retimed += 1
            message.save(update_fields=fields)
            if moved:
                # The task queued for the old time would find it "not due yet" (or run late).
                enqueue_delivery(message)
        for reference, registration in by_reference.items():
            if reference not in has_reminder and not registration.reminder_sent:
                registration.event = event
                if emails.queue_reminder(registration) is not None:
                    changes.queued += 1
    return changes


def event_published(sender, instance, **kwargs) -> None:
    """`page_published` receiver (connected in `EventsConfig.ready`)."""
    if isinstance(instance, EventPage):
        original = canonical(instance)
        if original.pk != instance.pk:
            # A translation published from the translation editor is rebuilt from the English
            # as it was when it was last synced: put back the original's time, venue, joining
            # details and places. The bookings and reminders belong to the original.
            original.copy_facts_to_translations()
            return
        # Translations show the original's time, places and booking state at once.
        instance.copy_facts_to_translations()
        # More places (or booking reopened): offer them to the waiting list first, in order.
        from .services import offer_places

        offer_places(instance)
        refresh_reminders(instance)


def event_unpublished(sender, instance, **kwargs) -> None:
    """`page_unpublished` receiver: taking the English event down takes its translations down
    too, so nobody finds (or books) it in Polish or Urdu."""
    if isinstance(instance, EventPage) and canonical(instance).pk == instance.pk:
        for translation in (
            EventPage.objects.live()
            .filter(translation_key=instance.translation_key, alias_of__isnull=True)
            .exclude(pk=instance.pk)
        ):
            translation.unpublish()
