"""Enquiries in a given state, for the data protection tests of enquiries and of events."""

from __future__ import annotations

from django.utils import timezone

from enquiry.data_protection import months_before
from enquiry.models import ClosedReason, Enquiry, Stage
from enquiry.tests.factories import EnquiryFactory

# The words a person agreed to when they asked to be kept in touch (what a consent records).
WORDING = "Email me news about fostering events. I can stop this at any time."


def months_ago(months: int):
    return months_before(timezone.localdate(), months)


def closed(months: int, **fields) -> Enquiry:
    enquiry = EnquiryFactory(**fields)
    enquiry.move_to(Stage.CONTACTED, on=months_ago(months + 2), note="Called Sam at home")
    enquiry.move_to(
        Stage.CLOSED,
        on=months_ago(months),
        closed_reason=ClosedReason.NOT_PROCEEDING,
        note="Sam is moving abroad",
    )
    return enquiry
