"""Spreadsheet export of event bookings (CSV and XLSX), safe to open in a spreadsheet.

People type their own names and access needs, so every text cell is made inert where a
spreadsheet would read it as a formula (`core.exports`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.exports import SafeSpreadsheetExportMixin, naive

from .models import Registration


def attended_label(registration: Registration) -> str:
    if registration.attended is None:
        return gettext("Not recorded")
    return gettext("Yes") if registration.attended else gettext("No")


EXPORT_COLUMNS: list[tuple[str, Any, Callable[[Registration], Any]]] = [
    ("reference", _("Reference"), lambda r: r.reference),
    ("event", _("Event"), lambda r: r.event.title),
    ("event_starts", _("Event starts"), lambda r: naive(r.event.starts_at)),
    ("first_name", _("First name"), lambda r: r.first_name),
    ("last_name", _("Last name"), lambda r: r.last_name),
    ("email", _("Email address"), lambda r: r.email),
    ("phone", _("Phone number"), lambda r: r.phone),
    ("postcode", _("Postcode"), lambda r: r.postcode),
    ("places", _("Places"), lambda r: r.places),
    ("status", _("Status"), lambda r: r.get_status_display()),
    ("booked", _("Booked"), lambda r: naive(r.created_at)),
    ("access_needs", _("Access needs"), lambda r: r.access_needs),
    ("heard_about", _("How they heard about us"), lambda r: r.heard_about_label),
    ("attended", _("Attended"), attended_label),
]


class RegistrationExportMixin(SafeSpreadsheetExportMixin):
    """`?export=csv|xlsx` on the bookings list: the rows listed (row rule + filters), neutralised."""

    export_columns = EXPORT_COLUMNS
    export_filename_stem = "event-bookings"

    def as_spreadsheet(self, queryset: QuerySet, spreadsheet_format: str):
        return super().as_spreadsheet(queryset.select_related("event"), spreadsheet_format)
