"""Suspected spam, held for review: nothing a person sends is thrown away on a doubt.

A valid enquiry or booking that the spam checks doubt (sent faster than a person types, or over
the rate limit for one address) is kept as a `HeldSubmission`: the cleaned answers, the visit's
attribution touches, the language and, for a booking, the event. Hub enquiry officers see them
under Reports → Suspected spam and either

- release one: the enquiry service (`record_enquiry`: reference, history, outbox messages,
  council webhook) or the booking service (`book`: places, waiting list, emails) runs then, with
  the time the post came in and its original attribution, and the held row is deleted; or
- delete one, when it is spam.

Retention (`manage.py apply_retention`) deletes held posts nobody released after
HELD_SUBMISSION_RETENTION_DAYS; subject access and erasure include them. Holding, like saving,
finds the first post when the same form or the same answers are sent again
(`enquiry.duplicates`), under the same lock.
"""

from __future__ import annotations

import uuid
from dataclasses import asdict

from django.db import IntegrityError, transaction
from django.utils import timezone
from wagtail.log_actions import log

from councils.models import Council
from fostering_types.models import FosteringTypePage

from . import duplicates
from .models import Enquiry, HearAboutOption, HeldSubmission, ReceivedVia, RejectedSubmission
from .services import EnquiryDetails, record_enquiry

Kind = HeldSubmission.Kind
RELEASE_ACTION = "enquiry.release_held"
DELETE_ACTION = "enquiry.delete_held"


class AlreadyHandled(Exception):
    """Someone else released or deleted this held post meanwhile."""


# --- Answers to and from JSON ----------------------------------------------------------------------


def enquiry_answers(details: EnquiryDetails) -> dict:
    answers = asdict(details)
    answers["council"] = details.council.pk if details.council else None
    answers["fostering_types"] = [page.pk for page in details.fostering_types]
    answers["heard_about"] = details.heard_about.pk if details.heard_about else None
    return answers


def enquiry_details(answers: dict) -> EnquiryDetails:
    values = dict(answers)
    values["council"] = Council.objects.filter(pk=values.get("council")).first()
    wanted = values.get("fostering_types") or []
    values["fostering_types"] = list(FosteringTypePage.objects.filter(pk__in=wanted))
    values["heard_about"] = HearAboutOption.objects.filter(pk=values.get("heard_about")).first()
    return EnquiryDetails(**values)


def booking_answers(details) -> dict:
    answers = asdict(details)
    answers["heard_about"] = details.heard_about.pk if details.heard_about else None
    return answers


def booking_details(answers: dict):
    from events.services import BookingDetails

    values = dict(answers)
    values["heard_about"] = HearAboutOption.objects.filter(pk=values.get("heard_about")).first()
    return BookingDetails(**values)


def _touches(touches) -> dict:
    first, last = touches or (None, None)
    return {"first": first, "last": last}


def _name(details) -> str:
    return f"{details.first_name} {details.last_name}".strip()


# --- Holding -------------------------------------------------------------------------------------


def _create(fingerprint: str, token: uuid.UUID, **fields) -> tuple[HeldSubmission, bool]:
    try:
        with transaction.atomic():
            held = HeldSubmission.objects.create(
                fingerprint=fingerprint, submission_token=token, **fields
            )
    except IntegrityError:  # the same form, changed and sent again at the same moment
        held = HeldSubmission.objects.filter(submission_token=token).first()
        if held is None:
            raise
        return held, False
    return held, True


def hold_enquiry(
    details: EnquiryDetails,
    *,
    reason: str,
    submission_token: uuid.UUID,
    language: str,
    touches=None,
) -> tuple[HeldSubmission | Enquiry, bool]:
    """Hold an enquiry for review; return (what was found or made, created). The caller
    counts a new one for the spam report (`RejectedSubmission.count`).

    What is found may be the enquiry these answers already made (saved meanwhile), or the held
    post they already made: nothing is held twice.
    """
    fingerprint = duplicates.enquiry_fingerprint(details)
    with transaction.atomic():
        duplicates.lock(fingerprint)
        found = duplicates.find_enquiry(fingerprint, submission_token) or duplicates.find_held(
            fingerprint, submission_token
        )
        if found is not None:
            return found, False
        return _create(
            fingerprint,
            submission_token,
            kind=Kind.ENQUIRY,
            reason=reason,
            email=details.email,
            name=_name(details),
            answers=enquiry_answers(details),
            touches=_touches(touches),
            language=language,
        )


def hold_booking(
    event,
    details,
    *,
    reason: str,
    submission_token: uuid.UUID,
    language: str,
    touches=None,
):
    """Hold a booking for review (it takes no place until released); return (found or made,
    created), where what is found may be the address's booking of the event."""
    from core.localization import canonical

    event = canonical(event)
    fingerprint = duplicates.booking_fingerprint(event.pk, details.email)
    with transaction.atomic():
        duplicates.lock(fingerprint)
        found = duplicates.find_booking(
            event.pk, details.email, submission_token
        ) or duplicates.find_held(fingerprint, submission_token)
        if found is not None:
            return found, False
        return _create(
            fingerprint,
            submission_token,
            kind=Kind.BOOKING,
            reason=reason,
            email=details.email,
            name=_name(details),
            answers=booking_answers(details),
            touches=_touches(touches),
            language=language,
            event=event,
        )


# --- Reviewing -----------------------------------------------------------------------------------


def release(held: HeldSubmission, by):
    """Put a held post into the normal flow, dated when it came in; return (enquiry or
    registration, created). created is False when the same person's enquiry or booking was
    saved meanwhile: that one stands, and nothing is sent twice.

    Raises AlreadyHandled when someone else released or deleted it first, and
    `events.services.BookingClosed` (leaving the post held) when its event no longer takes
    bookings.
    """
    with transaction.atomic():
        locked = HeldSubmission.objects.select_for_update().filter(pk=held.pk).first()
        if locked is None:
            raise AlreadyHandled
        touches = (locked.touches.get("first"), locked.touches.get("last"))
        if locked.kind == Kind.ENQUIRY:
            reason = RejectedSubmission.Reason(locked.reason).label
            record, created = record_enquiry(
                enquiry_details(locked.answers),
                submission_token=locked.submission_token,
                received_via=ReceivedVia.WEBSITE,
                language=locked.language,
                touches=touches,
                received_at=locked.received_at,
                released_by=by,
                release_note=f"Held as suspected spam ({reason}), then released.",
            )
        else:
            from events.services import book

            record, created = book(
                locked.event,
                booking_details(locked.answers),
                submission_token=locked.submission_token,
                language=locked.language,
                touches=touches,
                received_at=locked.received_at,
            )
        RejectedSubmission.record_release(
            locked.reason, locked.kind, timezone.localdate(locked.received_at)
        )
        log(instance=locked, action=RELEASE_ACTION, user=by)
        locked.delete()
    return record, created


def delete(held: HeldSubmission, by) -> None:
    """Delete a held post staff judged to be spam."""
    with transaction.atomic():
        locked = HeldSubmission.objects.select_for_update().filter(pk=held.pk).first()
        if locked is None:
            raise AlreadyHandled
        log(instance=locked, action=DELETE_ACTION, user=by)
        locked.delete()
