"""The emails a booking sends, all through the outbox (call inside the booking's transaction).

- confirmation (also when a waiting-list place is offered): the event, the `.ics` with the
  joining details, and the signed cancellation link (its token in the query string, which
  access logs leave out: events.links; it works until the event ends);
- waiting list: the person is on it and will be told if a place comes up (no joining details);
- cancelled: the booking is cancelled (or the person has left the waiting list), so someone
  who did not cancel it themselves finds out;
- reminder: the same details, due the day before the event. It is an outbox message whose first
  attempt is scheduled for start minus 24 hours, so the background worker sends it then; cancelling
  the booking cancels the message.

The joining details of an online event appear only in the confirmation and reminder emails.
Emails carry the reference, never the person's details (only their own address as recipient).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.core import signing
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation
from django.utils.crypto import constant_time_compare
from wagtail.models import Site

from core.dates import day_date
from core.localization import version_in
from councils.models import HubSettings
from outbox.models import OutboxMessage
from outbox.queue import queue_email

from .ics import event_calendar, ics_filename
from .links import TOKEN_PARAMETER as CANCEL_TOKEN_PARAMETER

LONDON = ZoneInfo("Europe/London")
CANCEL_SALT = "events.cancel"
REMINDER_BEFORE = timedelta(hours=24)

CONFIRMATION_TOPIC = "events.confirmation"
WAITING_TOPIC = "events.waiting_list"
REMINDER_TOPIC = "events.reminder"
CANCELLED_TOPIC = "events.cancelled"


def cancel_token(registration) -> str:
    """The signed value in a cancellation link: the registration's random cancel token (32 hex
    digits) followed by its signature. Only letters, digits, "-" and "_": Wagtail serves page
    paths made of those alone, so `signing.dumps` (with its ":" separators) cannot be used."""
    value = registration.cancel_token.hex
    return value + signing.Signer(salt=CANCEL_SALT).signature(value)


def read_cancel_token(token: str) -> str | None:
    """The cancel token (hex) a link carries, or None when it is forged or mangled."""
    value, signature = token[:32], token[32:]
    if len(value) != 32 or not signature:
        return None
    expected = signing.Signer(salt=CANCEL_SALT).signature(value)
    return value if constant_time_compare(signature, expected) else None


def cancel_address(index, registration, *, full: bool = False) -> str:
    """The cancellation page of this events index for the booking: the token in the query
    string, which access logs leave out (events.links), never in the path."""
    base = index.get_full_url() if full else index.url
    query = urlencode({CANCEL_TOKEN_PARAMETER: cancel_token(registration)})
    return f"{base}{index.reverse_subpage('cancel_booking')}?{query}"


def cancel_url(registration) -> str:
    """The emailed cancellation link, to the page in the language the person booked in."""
    index = version_in(registration.event.get_parent(), registration.language).specific
    return cancel_address(index, registration, full=True)


def when(event) -> dict[str, str]:
    """The event's date and times as words, in Europe/London and the active language."""
    starts = timezone.localtime(event.starts_at, LONDON)
    ends = timezone.localtime(event.ends_at, LONDON)
    return {
        "date": day_date(starts),
        "starts": formats.time_format(starts, "TIME_FORMAT"),
        "ends": formats.time_format(ends, "TIME_FORMAT"),
    }


def _context(registration, **extra) -> dict:

    site = Site.objects.filter(is_default_site=True).first()
    # The words (title, venue, access) as the person read them; the time is the original's.
    event = version_in(registration.event, registration.language)
    return {
        "registration": registration,
        "event": event,
        "hub": HubSettings.for_site(site) if site else HubSettings(),
        "when": when(registration.event),
        "event_url": event.get_full_url(),
        "cancel_url": cancel_url(registration),
        **extra,
    }


def _render(name: str, context: dict) -> tuple[str, str]:
    subject = render_to_string(f"events/email/{name}_subject.txt", context).strip()
    body = render_to_string(f"events/email/{name}.txt", context)
    return subject, body


def _calendar_attachment(registration) -> dict:
    """The .ics with joining details, titled in the person's language."""
    event = version_in(registration.event, registration.language)
    return {
        "filename": ics_filename(event),
        "content": event_calendar(event, with_joining_details=True).decode("utf-8"),
        "mimetype": "text/calendar",
    }


def queue_confirmation(registration, *, promoted: bool = False) -> None:
    """Confirmation (with .ics) now, and the reminder for the day before."""
    with translation.override(registration.language):
        subject, body = _render(
            "confirmation", _context(registration, promoted=promoted, with_joining=True)
        )
        queue_email(
            topic=CONFIRMATION_TOPIC,
            reference=registration.reference,
            to=[registration.email],
            subject=subject,
            body=body,
            attachments=[_calendar_attachment(registration)],
        )
    queue_reminder(registration)


def queue_waiting(registration) -> None:
    with translation.override(registration.language):
        subject, body = _render("waiting_list", _context(registration))
        queue_email(
            topic=WAITING_TOPIC,
            reference=registration.reference,
            to=[registration.email],
            subject=subject,
            body=body,
        )


def queue_cancelled(registration, *, was_waiting: bool = False) -> None:
    """Tell the person their booking is cancelled, in the language they booked in."""
    with translation.override(registration.language):
        subject, body = _render("cancelled", _context(registration, was_waiting=was_waiting))
        queue_email(
            topic=CANCELLED_TOPIC,
            reference=registration.reference,
            to=[registration.email],
            subject=subject,
            body=body,
        )


def reminder_due(event) -> datetime:
    return event.starts_at - REMINDER_BEFORE


def queue_reminder(registration) -> OutboxMessage | None:
    """The reminder, due the day before; none when the event is less than a day away (the
    confirmation has just told them everything)."""
    due = reminder_due(registration.event)
    if due <= timezone.now():
        return None
    return queue_email(
        topic=REMINDER_TOPIC,
        reference=registration.reference,
        to=[registration.email],
        send_after=due,
        **reminder_content(registration),
    )


def reminder_content(registration) -> dict:
    """The reminder's subject, body and `.ics` (with joining details) for the event as it is now:
    used when it is queued and again when the event changes before it goes."""
    with translation.override(registration.language):
        subject, body = _render("reminder", _context(registration, with_joining=True))
        return {
            "subject": subject,
            "body": body,
            "attachments": [_calendar_attachment(registration)],
        }


def reminders(registration):
    return OutboxMessage.objects.filter(topic=REMINDER_TOPIC, reference=registration.reference)


def cancel_reminder(registration) -> int:
    """Stop a booking's reminder that has not gone yet."""
    return (
        reminders(registration)
        .filter(status=OutboxMessage.Status.PENDING)
        .update(status=OutboxMessage.Status.CANCELLED)
    )
