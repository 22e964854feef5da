"""Spreadsheet export of the enquiries list (CSV and XLSX): its columns, on `core.exports`.

Enquirers type whatever they like into the form, so every text cell is made inert where a
spreadsheet would read it as a formula (`core.exports.neutralise_formula`).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.exports import SafeSpreadsheetExportMixin

from .models import Enquiry
from .source import (
    campaign_label,
    channel_label,
    first_touch_words,
    last_touch_words,
    owner_label,
)


def _council(enquiry: Enquiry) -> str:
    return enquiry.council.name if enquiry.council_id else gettext("Not sure yet")


def _fostering_types(enquiry: Enquiry) -> str:
    # Uses the prefetched pages (see `export_queryset`), so one query for the whole export.
    return ", ".join(page.title for page in enquiry.fostering_types.all())


def _received(enquiry: Enquiry) -> datetime.datetime:
    """The time it arrived in the hub's own time zone, without a zone (spreadsheets have none)."""
    return timezone.make_naive(enquiry.created_at)


# (key, heading, value) in the order of the spreadsheet's columns.
EXPORT_COLUMNS: list[tuple[str, Any, Callable[[Enquiry], Any]]] = [
    ("reference", _("Reference"), lambda e: e.reference),
    ("received", _("Received"), _received),
    ("received_via", _("How it came in"), lambda e: e.get_received_via_display()),
    ("first_name", _("First name"), lambda e: e.first_name),
    ("last_name", _("Last name"), lambda e: e.last_name),
    ("email", _("Email address"), lambda e: e.email),
    ("phone", _("Phone number"), lambda e: e.phone),
    ("postcode", _("Postcode"), lambda e: e.postcode),
    ("postcode_district", _("Postcode district"), lambda e: e.postcode_district),
    ("council", _("Council"), _council),
    ("fostering_types", _("Types of fostering"), _fostering_types),
    ("spare_bedroom", _("Spare bedroom"), lambda e: e.get_spare_bedroom_display()),
    ("contact_method", _("Best way to contact"), lambda e: e.get_contact_method_display()),
    ("contact_time", _("Best time to contact"), lambda e: e.get_contact_time_display()),
    ("question", _("Question"), lambda e: e.question),
    ("heard_about", _("How they heard about us"), lambda e: e.heard_about_label),
    ("channel", _("Channel"), lambda e: channel_label(e.channel)),
    ("campaign", _("Campaign"), lambda e: campaign_label(e.campaign)),
    ("owner", _("Campaign owner"), owner_label),
    ("first_touch", _("First touch"), first_touch_words),
    ("last_touch", _("Last touch"), last_touch_words),
    ("stage", _("Stage"), lambda e: e.get_stage_display()),
    ("closed_reason", _("Closed because"), lambda e: e.get_closed_reason_display()),
    ("contacted_on", _("First contacted"), lambda e: e.contacted_on),
    ("visit_booked_on", _("Initial visit booked"), lambda e: e.visit_booked_on),
    ("visit_done_on", _("Initial visit done"), lambda e: e.visit_done_on),
    ("application_on", _("Application received"), lambda e: e.application_on),
    ("approved_on", _("Approved"), lambda e: e.approved_on),
    ("closed_on", _("Closed"), lambda e: e.closed_on),
    ("handed_over_on", _("Handed over to the council"), lambda e: e.handed_over_on),
    (
        "anonymised",
        _("Personal data removed"),
        lambda e: timezone.localdate(e.anonymised_at) if e.anonymised_at else None,
    ),
]
EXPORT_HEADINGS = {key: heading for key, heading, _value in EXPORT_COLUMNS}


def export_queryset(queryset: QuerySet) -> QuerySet:
    """The queries the export needs: the council and the campaigns joined, the types of
    fostering prefetched."""
    return queryset.select_related(
        "council", "campaign", "first_campaign", "owner_council"
    ).prefetch_related("fostering_types")


class EnquiryExportMixin(SafeSpreadsheetExportMixin):
    """Spreadsheet export for a Wagtail listing view of enquiries (`?export=csv|xlsx`): the rows
    the view lists, every cell neutralised (`core.exports`)."""

    export_columns = EXPORT_COLUMNS
    export_filename_stem = "enquiries"

    def as_spreadsheet(self, queryset: QuerySet, spreadsheet_format: str):
        return super().as_spreadsheet(export_queryset(queryset), spreadsheet_format)
