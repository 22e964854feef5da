"""`manage.py attribution_report`: the regional-vs-local figures as CSV or JSON, for scheduled
reporting (a cron job mailing the board a monthly spreadsheet, a BI tool pulling JSON).

It prints exactly the table the admin's regional-vs-local report exports
(`reporting.reports.regional.regional_vs_local`): the same rows, then the totals row, and
every column of the spreadsheet (the screen shows fewer).

Values: counts are plain integers; money, percentages and days are exact decimals written as
text ("1234.50", "33.3") in both formats, so nothing is rounded through a float; a figure
that cannot be worked out (a rate with nothing to divide by, cost without spend) is an empty
cell in CSV and null in JSON.
"""

from __future__ import annotations

import csv
import json
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.dateparse import parse_date

from attribution.classification import Channel
from core.exports import neutralise_formula
from core.formatting import NUMERIC_KINDS
from core.replica import reports_database
from reporting.reports.base import (
    NOT_SURE_YET,
    OWNER_LOCAL,
    OWNER_NONE,
    OWNER_REGIONAL,
    Kind,
    ReportFilters,
    Table,
)
from reporting.reports.regional import GROUPINGS, regional_vs_local

# Decimal places per kind (SQLite's sums can come back with more than the money has).
PLACES = {Kind.MONEY: Decimal("0.01"), Kind.PERCENT: Decimal("0.1"), Kind.DAYS: Decimal("0.1")}


class Command(BaseCommand):
    help = (
        "Print the regional-vs-local attribution report (enquiries received in the period, how "
        "far they got, spend and cost per enquiry and per application) as CSV or JSON. "
        "--to defaults to today and --from to the same day 12 months before --to; both ends "
        "are included. Counts are integers; money and percentages are exact decimal strings; "
        "figures that cannot be worked out are empty (CSV) or null (JSON)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from", dest="date_from", metavar="YYYY-MM-DD")
        parser.add_argument("--to", dest="date_to", metavar="YYYY-MM-DD")
        parser.add_argument("--by", choices=GROUPINGS, default="owner")
        parser.add_argument(
            "--format", dest="output_format", choices=["csv", "json"], default="csv"
        )
        parser.add_argument(
            "--council", help=f"A council's id, or {NOT_SURE_YET} for enquirers not sure yet."
        )
        parser.add_argument("--owner", choices=[OWNER_REGIONAL, OWNER_LOCAL, OWNER_NONE])
        parser.add_argument("--channel", choices=[channel.value for channel in Channel])
        parser.add_argument("--campaign", type=int, help="A campaign's id.")

    def handle(self, *args: Any, **options: Any) -> None:
        date_to = parse_day(options["date_to"], "--to") or timezone.localdate()
        date_from = parse_day(options["date_from"], "--from") or year_before(date_to)
        if date_to < date_from:
            raise CommandError(
                f"--to ({date_to.isoformat()}) is before --from ({date_from.isoformat()})."
            )
        council = options["council"]
        if council not in (None, "", NOT_SURE_YET):
            try:
                council = int(council)
            except ValueError:
                raise CommandError(
                    f"--council must be a council's id (a number) or {NOT_SURE_YET}, "
                    f"not {council!r}."
                ) from None
        filters = ReportFilters(
            date_from=date_from,
            date_to=date_to,
            council_id=council or None,
            owner=options["owner"] or "",
            channel=options["channel"] or "",
            campaign_id=options["campaign"],
        )
        with reports_database():  # the read replica when one is configured
            table = regional_vs_local(filters, by=options["by"])
        if options["output_format"] == "json":
            self.stdout.write(to_json(table, filters, options["by"]))
        else:
            write_csv(table, self.stdout)


def parse_day(value: str | None, option: str) -> date | None:
    if not value:
        return None
    try:
        day = parse_date(value)
    except ValueError:
        day = None
    if day is None:
        raise CommandError(f"{option} must be a date written YYYY-MM-DD, not {value!r}.")
    return day


def year_before(day: date) -> date:
    """The same day twelve months earlier (28 February for 29 February)."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def cell(value: Any, kind: str) -> Any:
    """A value as exported: integers for counts, exact decimal text for money and rates."""
    if value is None:
        return None
    if isinstance(value, Decimal):
        places = PLACES.get(kind)
        return str(value.quantize(places, ROUND_HALF_UP) if places else value)
    if isinstance(value, date):
        return value.isoformat()
    if kind == Kind.COUNT:
        return int(value)
    return value if isinstance(value, int | float) else str(value)


def csv_cell(value: Any, kind: str) -> Any:
    """A cell of the CSV: figures as `cell` writes them, text a spreadsheet would run as a
    formula (a campaign's name) made inert (`core.exports`), nothing as an empty cell."""
    value = cell(value, kind)
    if value is None:
        return ""
    return value if kind in NUMERIC_KINDS else neutralise_formula(value)


def write_csv(table: Table, stream: Any) -> None:
    """A heading row of column labels, the rows, then the totals row."""
    writer = csv.writer(stream, lineterminator="\n")
    columns = table.exported_columns
    writer.writerow([column.label for column in columns])
    for row in [*table.rows, *([table.totals] if table.totals else [])]:
        writer.writerow([csv_cell(row.get(column.key), column.kind) for column in columns])


def to_json(table: Table, filters: ReportFilters, by: str) -> str:
    def encode(row: dict[str, Any]) -> dict[str, Any]:
        return {
            column.key: cell(row.get(column.key), column.kind) for column in table.exported_columns
        }

    return json.dumps(
        {
            "title": str(table.title),
            "from": filters.date_from.isoformat() if filters.date_from else None,
            "to": filters.date_to.isoformat() if filters.date_to else None,
            "by": by,
            "filters": {
                "council": filters.council_id,
                "owner": filters.owner or None,
                "channel": filters.channel or None,
                "campaign": filters.campaign_id,
            },
            "columns": [
                {"key": column.key, "label": str(column.label), "kind": column.kind}
                for column in table.exported_columns
            ],
            "rows": [encode(row) for row in table.rows],
            "totals": encode(table.totals) if table.totals else None,
            "notes": [str(note) for note in table.notes],
        },
        indent=2,
        ensure_ascii=False,
    )
