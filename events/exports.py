"""Spreadsheet export of event bookings (CSV and XLSX), safe to open in a spreadsheet.

People type their own names and access needs, so every text cell goes through the enquiry
export's `neutralise_formula` (a cell starting with =, +, -, @ is made inert).
"""

from __future__ import annotations

import datetime
from collections import OrderedDict
from collections.abc import Callable, Iterator
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from enquiry.exports import neutralise_formula

from .models import Registration


def attended_label(registration: Registration) -> str:
    if registration.attended is None:
        return gettext("Not recorded")
    return gettext("Yes") if registration.attended else gettext("No")


def _naive(value: datetime.datetime) -> datetime.datetime:
    """Europe/London wall-clock time without a zone (spreadsheets have none)."""
    return timezone.make_naive(value)


EXPORT_COLUMNS: list[tuple[str, Any, Callable[[Registration], Any]]] = [
    ("reference", _("Reference"), lambda r: r.reference),
    ("event", _("Event"), lambda r: r.event.title),
    ("event_starts", _("Event starts"), lambda r: _naive(r.event.starts_at)),
    ("first_name", _("First name"), lambda r: r.first_name),
    ("last_name", _("Last name"), lambda r: r.last_name),
    ("email", _("Email address"), lambda r: r.email),
    ("phone", _("Phone number"), lambda r: r.phone),
    ("postcode", _("Postcode"), lambda r: r.postcode),
    ("places", _("Places"), lambda r: r.places),
    ("status", _("Status"), lambda r: r.get_status_display()),
    ("booked", _("Booked"), lambda r: _naive(r.created_at)),
    ("access_needs", _("Access needs"), lambda r: r.access_needs),
    ("heard_about", _("How they heard about us"), lambda r: r.heard_about_label),
    ("attended", _("Attended"), attended_label),
]
EXPORT_FIELDS = [key for key, _heading, _value in EXPORT_COLUMNS]
EXPORT_HEADINGS = {key: heading for key, heading, _value in EXPORT_COLUMNS}
_VALUES = {key: value for key, _heading, value in EXPORT_COLUMNS}


class RegistrationExportMixin:
    """`?export=csv|xlsx` on the bookings list: the rows listed (row rule + filters), neutralised."""

    list_export = EXPORT_FIELDS
    export_headings = EXPORT_HEADINGS

    def get_filename(self) -> str:
        return f"event-bookings-{timezone.localdate():%Y-%m-%d}"

    def to_row_dict(self, item: Registration) -> OrderedDict:
        return OrderedDict((field, _VALUES[field](item)) for field in self.list_export)

    def preprocess_field_value(self, field: str, value: Any, export_format: str) -> Any:
        if export_format == self.FORMAT_CSV and isinstance(value, datetime.datetime):
            value = value.strftime("%Y-%m-%d %H:%M")
        elif value is None:
            value = ""
        else:
            value = super().preprocess_field_value(field, value, export_format)
        if hasattr(value, "__html__") or type(value).__name__ == "__proxy__":
            value = force_str(value)
        return neutralise_formula(value)

    def stream_csv(self, queryset: QuerySet) -> Iterator[bytes]:
        """A byte order mark first so that Excel reads the UTF-8."""
        yield "\ufeff".encode()
        yield from super().stream_csv(queryset)

    def as_spreadsheet(self, queryset: QuerySet, spreadsheet_format: str):
        return super().as_spreadsheet(queryset.select_related("event"), spreadsheet_format)
