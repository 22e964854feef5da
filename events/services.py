"""Booking and cancelling places at events: the one boundary where capacity is decided.

Every change that can take or free places (`book`, `cancel`, `offer_places`) locks the event's
row first (SELECT ... FOR UPDATE on the page), counts the confirmed places again under that lock,
and writes the registration, its keep-in-touch permissions and its emails in the same
transaction. Two people booking the last place at the same moment are therefore served one
after the other: one gets it, the other joins the waiting list; nothing is ever overbooked. Emails go through the outbox (nothing is lost when
mail is down); the reminder is an outbox message due the day before the event.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone, translation

from attribution.attribute import attribution_fields
from core.localization import canonical
from enquiry.models import HearAboutOption, KeepInTouchConsent
from enquiry.services import person_fields
from outbox.models import OutboxMessage

from . import emails
from .duplicates import find_booking
from .models import BookingConsent, EventPage, Registration

Status = Registration.Status


class BookingClosed(Exception):
    """The event no longer takes bookings (closed, ended or booking not needed)."""


@dataclass
class BookingDetails:
    """What the person told us, already validated by the booking form."""

    first_name: str
    last_name: str
    email: str
    postcode: str
    places: int = 1
    phone: str = ""
    access_needs: str = ""
    heard_about: HearAboutOption | None = None
    # channel -> the exact wording shown next to the ticked box
    consents: dict[str, str] = field(default_factory=dict)


def lock_event(event: EventPage) -> EventPage:
    """The event, with its row locked until the end of the current transaction."""
    return EventPage.objects.select_for_update().get(pk=event.pk)


def confirmed_places(event: EventPage) -> int:
    return (
        Registration.objects.filter(event_id=event.pk, status=Status.CONFIRMED).aggregate(
            taken=Sum("places")
        )["taken"]
        or 0
    )


def fits(event: EventPage, places: int, taken: int) -> bool:
    return event.capacity is None or taken + places <= event.capacity


def book(
    event: EventPage,
    details: BookingDetails,
    *,
    submission_token: uuid.UUID | None = None,
    touches: tuple[dict | None, dict | None] | None = None,
    language: str | None = None,
    received_at=None,
) -> tuple[Registration, bool]:
    """Book places, or join the waiting list when they do not fit; return (registration, created).

    The same submission token twice (a double click, a resubmitted page) returns the first
    registration with created=False and sends nothing more, and so does a booking for an event
    the same email address already holds a place (or a waiting-list place) at: one booking per
    address per event, found under the event's lock. Raises BookingClosed when the event
    no longer takes bookings. A booking made on a translated page is a booking of the original
    event: one set of places, one list of bookings, whatever language people read it in.

    A booking held as suspected spam and released by staff is dated when it came in
    (`received_at`), which is also its turn on the waiting list; it is confirmed now.
    """
    event = canonical(event)
    token = submission_token or uuid.uuid4()
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    first, last = touches or (None, None)
    existing = find_booking(event.pk, details.email, token)
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            locked = lock_event(event)
            existing = find_booking(event.pk, details.email, token)
            if existing is not None:
                return existing, False
            if not locked.can_book:
                raise BookingClosed
            now = timezone.now()
            confirmed = fits(locked, details.places, confirmed_places(locked))
            registration = Registration.objects.create(
                event=locked,
                submission_token=token,
                status=Status.CONFIRMED if confirmed else Status.WAITING,
                places=details.places,
                created_at=received_at or now,
                confirmed_at=now if confirmed else None,
                language=language,
                **person_fields(details),
                access_needs=details.access_needs,
                **attribution_fields(first, last),
            )
            record_consents(registration, details.consents, language, given_at=received_at or now)
            if confirmed:
                emails.queue_confirmation(registration)
            else:
                emails.queue_waiting(registration)
    except IntegrityError:
        existing = Registration.objects.filter(submission_token=token).first()
        if existing is None:
            raise
        return existing, False
    return registration, True


def record_consents(
    registration: Registration, consents: dict[str, str], language: str, *, given_at
) -> list[KeepInTouchConsent]:
    """Save the keep-in-touch permissions ticked with a booking: rows of the one consent model,
    each with the exact wording shown, the language and the time, and tied to this booking."""
    rows = KeepInTouchConsent.objects.bulk_create(
        KeepInTouchConsent(channel=channel, wording=wording, language=language, given_at=given_at)
        for channel, wording in consents.items()
    )
    BookingConsent.objects.bulk_create(
        BookingConsent(registration=registration, consent=consent) for consent in rows
    )
    return rows


def cancel(registration: Registration, *, notify: bool = True) -> list[Registration]:
    """Cancel a booking (or leave the waiting list); return the registrations promoted.

    Its reminder is cancelled in the outbox, the person is emailed that it is cancelled (not
    when `notify` is False: erasing their data), and the freed places are offered to the
    waiting list at once, under the same lock.
    """
    with transaction.atomic():
        locked_event = lock_event(registration.event)
        current = Registration.objects.select_for_update().get(pk=registration.pk)
        if current.status == Status.CANCELLED:
            registration.refresh_from_db()
            return []
        was_waiting = current.status == Status.WAITING
        current.status = Status.CANCELLED
        current.cancelled_at = timezone.now()
        current.save(update_fields=["status", "cancelled_at"])
        emails.cancel_reminder(current)
        if notify:
            emails.queue_cancelled(current, was_waiting=was_waiting)
        promoted = _offer(locked_event)
    registration.refresh_from_db()
    return promoted


def offer_places(event: EventPage) -> list[Registration]:
    """Offer free places to the waiting list (e.g. after staff raise the capacity)."""
    with transaction.atomic():
        return _offer(lock_event(event))


def _offer(event: EventPage) -> list[Registration]:
    """Promote waiting registrations that fit, oldest first (call with the event locked).

    A booking for more places than are free is passed over for a later, smaller one rather than
    leaving places empty; it keeps its turn for the next places freed.
    """
    if event.has_ended:
        return []
    taken = confirmed_places(event)
    promoted = []
    waiting = (
        Registration.objects.select_for_update()
        # An erased person's booking (anonymised) can never take up an offer.
        .filter(event_id=event.pk, status=Status.WAITING, anonymised_at__isnull=True)
        .order_by("created_at", "pk")
    )
    for registration in waiting:
        if not fits(event, registration.places, taken):
            continue
        registration.status = Status.CONFIRMED
        registration.confirmed_at = timezone.now()
        registration.save(update_fields=["status", "confirmed_at"])
        registration.event = event
        taken += registration.places
        emails.queue_confirmation(registration, promoted=True)
        promoted.append(registration)
    return promoted


def pending_reminder(registration: Registration) -> OutboxMessage | None:
    """The reminder waiting in the outbox for this booking, if any."""
    return emails.reminders(registration).filter(status=OutboxMessage.Status.PENDING).first()
