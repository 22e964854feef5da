"""One booking per address per event: finding the booking a repeated post already made.

Built on the generic kit in `core.duplicates`: a booking's fingerprint is the (original)
event and the email address, taken under the same advisory lock as an enquiry's. Bookings are
also serialised by the event's row lock (`events.services.lock_event`).
"""

from __future__ import annotations

import uuid

from django.db.models import Q

from core.duplicates import keyed, normalised_text

from .models import Registration


def booking_fingerprint(event_id: int, email: str) -> str:
    """One booking per address per event (the original event, whatever the page's language)."""
    return keyed("booking", {"event": event_id, "email": normalised_text(email)})


def find_booking(event_id: int, email: str, token: uuid.UUID | None) -> Registration | None:
    """The booking this address already holds for the event (confirmed or waiting), or the one
    this very form made, or None."""
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
