"""Dates in words, as each language writes them (config/formats/).

Templates and emails never spell a format such as "l j F Y" themselves: that puts the Polish
month in the nominative ("16 Grudzień 2026") where the language needs the genitive
("16 grudnia 2026"). They use `long_date` or `day_date`, which read the active language's
LONG_DATE_FORMAT / DAY_DATE_FORMAT.
"""

from __future__ import annotations

import datetime

from django.utils import dateformat, formats


def _format(name: str, fallback: str) -> str:
    value = formats.get_format(name)
    # A language with no module in config/formats gets Django's own date format for it.
    return fallback if value == name else value


def long_date(value: datetime.date | datetime.datetime | None) -> str:
    """ "16 December 2026", "16 grudnia 2026", "16 دسمبر 2026"."""
    if value is None or value == "":
        return ""
    return dateformat.format(value, _format("LONG_DATE_FORMAT", formats.get_format("DATE_FORMAT")))


def day_date(value: datetime.date | datetime.datetime | None) -> str:
    """ "Wednesday 16 December 2026", "Środa, 16 grudnia 2026", "بدھ، 16 دسمبر 2026"."""
    if value is None or value == "":
        return ""
    fallback = "l, " + formats.get_format("DATE_FORMAT")
    return dateformat.format(value, _format("DAY_DATE_FORMAT", fallback))
