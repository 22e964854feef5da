"""Linking a booking to the enquiry the same person made later, so the events report can show
which events lead to enquiries.

The match is on email address (without regard to capital letters): the booking form and the
enquiry form both ask for it, and it is the one thing people type the same way twice. Only
bookings made before the enquiry count (an event booked afterwards did not lead to it), and a
booking keeps the first enquiry it was linked to.
"""

from __future__ import annotations

from enquiry.models import Enquiry

from .models import Registration


def link_registrations(enquiry: Enquiry) -> int:
    """Link this person's earlier, not yet linked bookings to `enquiry`; return how many.

    Run by `record_enquiry` inside its transaction (through `link_on_record`), so the enquiry
    and its links are saved together. Anonymised bookings (no address left) never match.
    """
    email = (enquiry.email or "").strip()
    if not email:
        return 0
    return Registration.objects.filter(
        email__iexact=email,
        enquiry__isnull=True,
        anonymised_at__isnull=True,
        created_at__lt=enquiry.created_at,
    ).update(enquiry=enquiry)


def link_on_record(sender, enquiry: Enquiry, **kwargs) -> None:
    """The receiver of `enquiry.signals.enquiry_recorded` (connected in `EventsConfig.ready`):
    every enquiry recorded, from the website form or by staff, is linked as it is saved."""
    link_registrations(enquiry)
