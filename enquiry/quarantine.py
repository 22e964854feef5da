"""Suspected spam, held for review: nothing a person sends is thrown away on a doubt.

A valid post that the spam checks doubt (sent faster than a person types, or over the rate
limit for one address) is kept as a `HeldSubmission`: the cleaned answers, the visit's
attribution touches, the language and what the kind of post needs (a booking's event). Hub
enquiry officers see them under Reports → Suspected spam and either

- release one: the service of its kind runs then (for an enquiry `record_enquiry`: reference,
  history, outbox messages, council webhook), with the time the post came in and its original
  attribution, and the held row is deleted; or
- delete one, when it is spam.

Each kind of post is registered with `register_kind` by the app whose service it feeds: how it
is released, how its answers are shown, what releasing it does and what staff are told
afterwards. The enquiry app registers "enquiry" (`EnquiryConfig.ready`), the events app
"booking" (`events.quarantine`), so this module never needs to know about bookings.

Retention (`manage.py apply_retention`) deletes held posts nobody released after
HELD_SUBMISSION_RETENTION_DAYS; subject access and erasure include them. Holding, like saving,
finds the first post when the same form or the same answers are sent again
(`core.duplicates`), under the same lock.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from wagtail.log_actions import log

from core import duplicates
from councils.models import Council
from fostering_types.models import FosteringTypePage

from .models import Enquiry, HearAboutOption, HeldSubmission, ReceivedVia, RejectedSubmission
from .services import EnquiryDetails, enquiry_fingerprint, find_enquiry, record_enquiry

Kind = HeldSubmission.Kind
RELEASE_ACTION = "enquiry.release_held"
DELETE_ACTION = "enquiry.delete_held"

Rows = list[tuple[str, Any]]


class AlreadyHandled(Exception):
    """Someone else released or deleted this held post meanwhile."""


class ReleaseRefused(Exception):
    """A kind's service cannot take the post now (e.g. its event no longer takes bookings): it
    stays held. The message (str(error)) says why, for staff."""


# --- The kinds of post -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Released:
    """What staff are told after releasing a post, and where they go next ("" = the list)."""

    message: str
    level: str = "success"  # or "warning"
    url: str = ""


@dataclass(frozen=True)
class SubmissionKind:
    """How one kind of held post (a `HeldSubmission.Kind`) is released and shown.

    - `release(held, by)`: run the kind's service with the held answers, dated when they came
      in; return (record, created), where created is False when the same person's record was
      saved meanwhile. Called inside the release's transaction with the held row locked; raise
      ReleaseRefused to leave it held.
    - `describe(held)`: the (label, value) rows of "What they told us" on its page.
    - `explanation`: what releasing it does, shown before staff confirm.
    - `released(record, created)`: the message after a release, and where to go next.
    """

    name: str
    release: Callable[[HeldSubmission, Any], tuple[Any, bool]]
    describe: Callable[[HeldSubmission], Rows]
    explanation: str
    released: Callable[[Any, bool], Released]


KINDS: dict[str, SubmissionKind] = {}


def register_kind(
    name: str,
    *,
    release: Callable[[HeldSubmission, Any], tuple[Any, bool]],
    describe: Callable[[HeldSubmission], Rows],
    explanation: str,
    released: Callable[[Any, bool], Released],
) -> None:
    """Teach the quarantine one kind of post (registering a name again replaces it)."""
    KINDS[name] = SubmissionKind(name, release, describe, explanation, released)


def kind_of(held: HeldSubmission) -> SubmissionKind:
    try:
        return KINDS[held.kind]
    except KeyError:
        raise LookupError(f"No kind of held post {held.kind!r} is registered") from None


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


def held_touches(held: HeldSubmission) -> tuple[dict | None, dict | None]:
    """The (first, last) attribution touches the post came with, for the service."""
    return (held.touches.get("first"), held.touches.get("last"))


# --- Holding -------------------------------------------------------------------------------------


def find_held(
    fingerprint: str, token: uuid.UUID | None, *, now: datetime | None = None
) -> HeldSubmission | None:
    """The held post these answers (or this very form) already made, or None."""
    match = Q(fingerprint=fingerprint, received_at__gte=duplicates.window_start(now))
    if token is not None:
        match |= Q(submission_token=token)
    return HeldSubmission.objects.filter(match).order_by("received_at", "pk").first()


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


def hold(
    kind: str,
    details,
    *,
    answers: dict,
    fingerprint: str,
    find_saved: Callable[[], Any],
    reason: str,
    submission_token: uuid.UUID,
    language: str,
    touches=None,
    **fields,
) -> tuple[Any, bool]:
    """Hold a post of one kind for review; return (what was found or made, created). The
    caller counts a new one for the spam report (`RejectedSubmission.count`).

    Under the fingerprint's lock, `find_saved()` looks for what the same post already made
    (saved meanwhile, e.g. the enquiry), then the held post it already made: nothing is held
    twice. `details` gives the name and address (for the list, subject access and erasure);
    `fields` are the kind's own columns (a booking's event).
    """
    with transaction.atomic():
        duplicates.lock(fingerprint)
        found = find_saved() or find_held(fingerprint, submission_token)
        if found is not None:
            return found, False
        first, last = touches or (None, None)
        return _create(
            fingerprint,
            submission_token,
            kind=kind,
            reason=reason,
            email=details.email,
            name=f"{details.first_name} {details.last_name}".strip(),
            answers=answers,
            touches={"first": first, "last": last},
            language=language,
            **fields,
        )


def hold_enquiry(
    details: EnquiryDetails,
    *,
    reason: str,
    submission_token: uuid.UUID,
    language: str,
    touches=None,
) -> tuple[HeldSubmission | Enquiry, bool]:
    """Hold an enquiry for review; return (what was found or made, created). What is found may
    be the enquiry these answers already made (saved meanwhile), or the held post they already
    made."""
    fingerprint = enquiry_fingerprint(details)
    return hold(
        Kind.ENQUIRY,
        details,
        answers=enquiry_answers(details),
        fingerprint=fingerprint,
        find_saved=lambda: find_enquiry(fingerprint, submission_token),
        reason=reason,
        submission_token=submission_token,
        language=language,
        touches=touches,
    )


# --- Reviewing -----------------------------------------------------------------------------------


def release_enquiry(held: HeldSubmission, by) -> tuple[Enquiry, bool]:
    """The enquiry kind's release: `record_enquiry`, dated when the post came in, with a note in
    the history saying who released it."""
    reason = RejectedSubmission.Reason(held.reason).label
    return record_enquiry(
        enquiry_details(held.answers),
        submission_token=held.submission_token,
        received_via=ReceivedVia.WEBSITE,
        language=held.language,
        touches=held_touches(held),
        received_at=held.received_at,
        released_by=by,
        release_note=f"Held as suspected spam ({reason}), then released.",
    )


def release(held: HeldSubmission, by) -> tuple[Any, bool]:
    """Put a held post into the normal flow through its kind's service, dated when it came in;
    return (the record made, created). created is False when the same person's record was
    saved meanwhile: that one stands, and nothing is sent twice.

    Raises AlreadyHandled when someone else released or deleted it first, and ReleaseRefused
    (leaving the post held) when its kind's service cannot take it now.
    """
    with transaction.atomic():
        locked = HeldSubmission.objects.select_for_update().filter(pk=held.pk).first()
        if locked is None:
            raise AlreadyHandled
        record, created = kind_of(locked).release(locked, by)
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
