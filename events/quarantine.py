"""Held bookings: a booking the spam checks doubted, held in the quarantine
(`enquiry.quarantine`) for a hub enquiry officer to release or delete.

It takes no place until released. Releasing runs `events.services.book` with the time it came
in and its attribution (a place if one is free, else the waiting list, and the emails); when the
event no longer takes bookings it stays held. `register()` (called from `EventsConfig.ready`)
tells the quarantine how a held booking is released and shown.
"""

from __future__ import annotations

import uuid
from dataclasses import asdict

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.localization import canonical
from enquiry import quarantine
from enquiry.held_views import consents_label, event_label, heard_about_label
from enquiry.models import HearAboutOption, HeldSubmission

from .duplicates import booking_fingerprint, find_booking
from .models import EventPage, Registration
from .services import BookingClosed, BookingDetails, book

KIND = HeldSubmission.Kind.BOOKING
EXPLANATION = gettext_lazy(
    "The booking is made as if it had not been held, dated when it came in: it takes "
    "a place if one is free (or joins the waiting list) and the person is emailed."
)


def booking_answers(details: BookingDetails) -> dict:
    answers = asdict(details)
    answers["heard_about"] = details.heard_about.pk if details.heard_about else None
    return answers


def booking_details(answers: dict) -> BookingDetails:
    values = dict(answers)
    values["heard_about"] = HearAboutOption.objects.filter(pk=values.get("heard_about")).first()
    return BookingDetails(**values)


def hold_booking(
    event: EventPage,
    details: BookingDetails,
    *,
    reason: str,
    submission_token: uuid.UUID,
    language: str,
    touches=None,
) -> tuple[HeldSubmission | Registration, bool]:
    """Hold a booking for review (it takes no place until released); return (found or made,
    created), where what is found may be the address's booking of the event."""
    event = canonical(event)
    fingerprint = booking_fingerprint(event.pk, details.email)
    return quarantine.hold(
        KIND,
        details,
        answers=booking_answers(details),
        fingerprint=fingerprint,
        find_saved=lambda: find_booking(event.pk, details.email, submission_token),
        reason=reason,
        submission_token=submission_token,
        language=language,
        touches=touches,
        event=event,
    )


def release_booking(held: HeldSubmission, by) -> tuple[Registration, bool]:
    """The booking kind's release: `book`, dated when the post came in (also its turn on the
    waiting list). Refused, leaving it held, when the event no longer takes bookings."""
    try:
        return book(
            held.event,
            booking_details(held.answers),
            submission_token=held.submission_token,
            language=held.language,
            touches=quarantine.held_touches(held),
            received_at=held.received_at,
        )
    except BookingClosed as closed:
        raise quarantine.ReleaseRefused(
            _(
                "The event no longer takes bookings, so this booking cannot be released. "
                "Delete it, or contact the person."
            )
        ) from closed


def describe(held: HeldSubmission) -> list[tuple[str, str]]:
    """What a held booking told us, on its page under Suspected spam."""
    answers = held.answers
    return [
        (_("Event"), event_label(held)),
        (_("Places"), str(answers.get("places", ""))),
        (_("Access needs"), answers.get("access_needs") or _("None")),
        (_("How they heard about us"), heard_about_label(answers)),
        (_("Keep in touch by"), consents_label(answers)),
    ]


def released(registration: Registration, created: bool) -> quarantine.Released:
    """What staff are told after releasing a booking (they go back to the list)."""
    if created:
        message = _("Released: booking %(reference)s is %(status)s.")
    else:
        message = _("This address had already booked the event as %(reference)s.")
    return quarantine.Released(
        message
        % {
            "reference": registration.reference,
            "status": registration.get_status_display().lower(),
        }
    )


def register() -> None:
    quarantine.register_kind(
        KIND,
        release=release_booking,
        describe=describe,
        explanation=EXPLANATION,
        released=released,
    )
