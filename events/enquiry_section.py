"""The person's event bookings on their enquiry's detail page in the admin.

A booking is linked to the enquiry the same person made later (`events.linking`). The list
shows, for each booking this person may see (`events.querysets`, the bookings' row rule), the
event, when it is or was, the booking's status and whether they came: no personal data beyond
the enquiry's own page. Someone who may see the enquiry but not bookings gets no section at all.
`register()` (called from `EventsConfig.ready`) plugs it into `enquiry.detail_sections`.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from enquiry.detail_sections import register_detail_section
from enquiry.models import Enquiry

from .exports import attended_label
from .querysets import VIEW_REGISTRATIONS, visible_registrations


def bookings_context(user, enquiry: Enquiry) -> dict[str, Any] | None:
    """The bookings linked to the enquiry that this person may see (one query), or None for
    someone who may see no bookings."""
    if not user.has_perm(VIEW_REGISTRATIONS):
        return None
    bookings = list(
        visible_registrations(user)
        .filter(enquiry=enquiry)
        .select_related("event")
        .order_by("event__starts_at", "pk")
    )
    for booking in bookings:
        booking.attended_words = attended_label(booking)
    return {"bookings": bookings}


def register() -> None:
    register_detail_section(
        "event-bookings",
        heading=_("Event bookings"),
        template_name="events/admin/enquiry_bookings.html",
        context=bookings_context,
        position=10,
    )
