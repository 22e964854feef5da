"""One person, one enquiry: finding the first when the same answers are sent again.

Back and Send again, a second tab, a retry after a timeout: each brings a fresh form token, so
the token alone (which catches a double click) cannot tell. The normalised answers can. An
enquiry's fingerprint is a keyed hash (HMAC with the site's secret, so it cannot be checked
against a guessed address) of the email address, the name, the council and a hash of every
other answer; the same fingerprint within ENQUIRY_DUPLICATE_WINDOW_HOURS finds the first
enquiry. A booking's is the event and the email address: one booking per address per event.

Race-safe on PostgreSQL: whoever saves takes a transaction-scoped advisory lock on the
fingerprint first and looks again under it, so two identical posts at the same moment are
served one after the other and the second finds the first. (Bookings are also serialised by the
event's row lock, `events.services.lock_event`.)
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import salted_hmac

# The first key of PostgreSQL's two-key advisory lock: this module's locks, and no one else's.
LOCK_NAMESPACE = 7301


def _text(value: str) -> str:
    """Case, accents' encodings and runs of spaces make no difference."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", value or "")).strip().casefold()


def _digits(value: str) -> str:
    return re.sub(r"\D", "", value or "")


def _keyed(purpose: str, parts: dict) -> str:
    payload = json.dumps(parts, sort_keys=True, ensure_ascii=True, default=str)
    return salted_hmac(f"enquiry.duplicates.{purpose}", payload, algorithm="sha256").hexdigest()


def enquiry_fingerprint(details) -> str:
    """The fingerprint of an enquiry's answers (an `EnquiryDetails`)."""
    rest = {
        "phone": _digits(details.phone),
        "postcode": _text(details.postcode).replace(" ", ""),
        "spare_bedroom": details.spare_bedroom,
        "contact_method": details.contact_method,
        "contact_time": details.contact_time,
        "question": _text(details.question),
        "fostering_types": sorted(page.pk for page in details.fostering_types),
        "heard_about": details.heard_about.pk if details.heard_about else None,
        "keep_in_touch": sorted(details.consents),
    }
    rest_hash = hashlib.sha256(json.dumps(rest, sort_keys=True).encode()).hexdigest()
    return _keyed(
        "enquiry",
        {
            "email": _text(details.email),
            "name": [_text(details.first_name), _text(details.last_name)],
            "council": details.council.pk if details.council else None,
            "rest": rest_hash,
        },
    )


def booking_fingerprint(event_id: int, email: str) -> str:
    """One booking per address per event (the original event, whatever the page's language)."""
    return _keyed("booking", {"event": event_id, "email": _text(email)})


def window_start(now: datetime | None = None) -> datetime:
    return (now or timezone.now()) - timedelta(hours=settings.ENQUIRY_DUPLICATE_WINDOW_HOURS)


def lock(fingerprint: str) -> None:
    """Hold the fingerprint's advisory lock until the current transaction ends (PostgreSQL;
    elsewhere, e.g. SQLite on a laptop, writes are serialised anyway)."""
    if connection.vendor != "postgresql":
        return
    key = int.from_bytes(bytes.fromhex(fingerprint[:8]), "big", signed=True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [LOCK_NAMESPACE, key])


def find_enquiry(fingerprint: str, token: uuid.UUID | None, *, now: datetime | None = None):
    """The enquiry these answers (or this very form) already made, or None."""
    from .models import Enquiry

    # An enquiry saved before fingerprints (or anonymised since) has none: "" matches nothing.
    match = Q(pk__in=[])
    if fingerprint:
        match |= Q(fingerprint=fingerprint, created_at__gte=window_start(now))
    if token is not None:
        match |= Q(submission_token=token)
    return Enquiry.objects.filter(match).order_by("created_at", "pk").first()


def find_held(fingerprint: str, token: uuid.UUID | None, *, now: datetime | None = None):
    """The held post these answers (or this very form) already made, or None."""
    from .models import HeldSubmission

    match = Q(fingerprint=fingerprint, received_at__gte=window_start(now))
    if token is not None:
        match |= Q(submission_token=token)
    return HeldSubmission.objects.filter(match).order_by("received_at", "pk").first()


def find_booking(event_id: int, email: str, token: uuid.UUID | None):
    """The booking this address already holds for the event (confirmed or waiting), or the one
    this very form made, or None."""
    from events.models import Registration

    Status = Registration.Status
    match = Q(
        event_id=event_id,
        email__iexact=(email or "").strip(),
        status__in=[Status.CONFIRMED, Status.WAITING],
        anonymised_at__isnull=True,
    )
    if token is not None:
        match |= Q(submission_token=token)
    return Registration.objects.filter(match).order_by("created_at", "pk").first()
