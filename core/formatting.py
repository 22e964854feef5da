"""How a figure of each kind reads: counts, percentages, money, days, months and dates.

Reports, their charts, their spreadsheets and the board pack all show the same figures, so the
vocabulary of kinds and the way each kind is written live here, on the ground floor, where any
app can use them and none has to import another app to do so. Only the standard library and
Django are imported.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.utils.dateformat import format as format_date


class Kind:
    """How a value is shown and exported. Plain strings, so that they can be stored, compared
    with and passed around as text."""

    TEXT = "text"
    COUNT = "count"  # int
    PERCENT = "percent"  # Decimal percentage, 1 dp (33.3 means 33.3 %), None when undefined
    MONEY = "money"  # Decimal pounds, 2 dp, None when undefined
    DAYS = "days"  # Decimal days, 1 dp, None when undefined
    MONTH = "month"  # date (first of the month)
    DATE = "date"  # date


NUMERIC_KINDS = (Kind.COUNT, Kind.PERCENT, Kind.MONEY, Kind.DAYS)


def format_value(value: Any, kind: str) -> str:
    """A value as a table shows it (text, without markup); "" for None.

    Counts get thousands separators ("1,234"), percentages one decimal place ("33.3%"), money
    pounds and pence ("£1,234.50"), days one decimal place, months "January 2026" and dates
    "3 Feb 2026" (in the active language). Anything else is shown as its text.
    """
    if value is None:
        return ""
    if kind == Kind.COUNT:
        return f"{int(value):,}"
    if kind == Kind.PERCENT:
        return f"{Decimal(value):,.1f}%"
    if kind == Kind.MONEY:
        return f"£{Decimal(value):,.2f}"
    if kind == Kind.DAYS:
        return f"{Decimal(value):,.1f}"
    if kind == Kind.MONTH and isinstance(value, date):
        return format_date(value, "F Y")
    if kind == Kind.DATE and isinstance(value, date):
        return format_date(value, "j M Y")
    return str(value)


def is_numeric(kind: str) -> bool:
    """Whether values of `kind` are figures (right-aligned in tables, drawable in charts)."""
    return kind in NUMERIC_KINDS
