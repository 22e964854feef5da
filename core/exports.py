"""Spreadsheet exports (CSV and XLSX) that are safe to open in a spreadsheet.

People type whatever they like into the site's forms, and a spreadsheet treats a cell that
starts with `=`, `+`, `-` or `@` as a formula (CSV/formula injection). Every text cell of every
export goes through `neutralise_formula`, which makes such text inert with an apostrophe in
front. `SafeSpreadsheetExportMixin` is the one way a listing of ours exports: columns as data,
times in the hub's own zone, a byte order mark so that Excel reads the UTF-8 (names with
accents), and every cell neutralised.
"""

from __future__ import annotations

import datetime
from collections import OrderedDict
from collections.abc import Callable, Iterator
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.encoding import force_str

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

# (key, heading, value of one row) in the order of the spreadsheet's columns.
Column = tuple[str, Any, Callable[[Any], Any]]


def neutralise_formula(value: Any) -> Any:
    """Prefix text a spreadsheet would read as a formula with an apostrophe; leave the rest.

    Only text is changed: numbers and dates are not formulas and keep their type.
    """
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def naive(value: datetime.datetime) -> datetime.datetime:
    """Europe/London wall-clock time without a zone (spreadsheets have none)."""
    return timezone.make_naive(value)


class SafeSpreadsheetExportMixin:
    """`?export=csv|xlsx` on a Wagtail listing view, built on its SpreadsheetExportMixin.

    The rows are whatever queryset the view lists, so the row rule, the filters and the search
    all apply. A view sets `export_columns` and `export_filename_stem` (the date is added).
    """

    export_columns: list[Column] = []
    export_filename_stem = "export"

    def __init_subclass__(cls, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        if "export_columns" in cls.__dict__:
            cls.list_export = [key for key, _heading, _value in cls.export_columns]
            cls.export_headings = {key: heading for key, heading, _value in cls.export_columns}

    def get_filename(self) -> str:
        return f"{self.export_filename_stem}-{timezone.localdate():%Y-%m-%d}"

    def to_row_dict(self, item: Any) -> OrderedDict:
        values = {key: value for key, _heading, value in self.export_columns}
        return OrderedDict((field, values[field](item)) for field in self.list_export)

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
        """Start with a byte order mark so that Excel reads the UTF-8 (names with accents)."""
        yield "\ufeff".encode()
        yield from super().stream_csv(queryset)
