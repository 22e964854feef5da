"""Template tags that put an attribution report's chart and cells on the admin screen.

The drawing and the formatting are ground-floor kit shared with the board pack and the other
admin reports (`core.charts`, `core.formatting`), which know nothing of attribution. This module
is only the wiring: it turns a report `Table` (columns, rows, the chart it asks for) into the
plain `core.charts.Chart` and draws it, and writes a cell's value the admin's way: a blank says
why ("No spend") or is read out as "not applicable", and a share says what it is of.

A bar chart of more rows than a screen holds draws the largest `MAX_BAR_ROWS` and says so: the
table beside it has them all.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from core import charts
from core.formatting import Kind, format_value
from reporting.reports.base import Column, Table

register = template.Library()


# The most bar groups a chart draws: about a screen's height.
MAX_BAR_ROWS = 12


@register.simple_tag
def report_cell(value: Any, kind: str, why: str = "", base: str = "") -> SafeString:
    """A table cell's content: the formatted value, and under a share its base ("2 of 4");
    for no value, why there is none ("No spend"), or a dash read out as "not applicable"."""
    if value is None:
        if why:
            return format_html('<span class="report-table__blank">{}</span>', why)
        return format_html(
            '<span aria-hidden="true">–</span><span class="w-sr-only">{}</span>',
            _("not applicable"),
        )
    if base:
        return format_html(
            '{}<span class="report-table__base">{}</span>', format_value(value, kind), base
        )
    return format_html("{}", format_value(value, kind))


def share_base(column: Column, row: dict[str, Any]) -> str:
    """What a share in `row` is of, in words ("2 of 4", "2 of 4 contacted"); "" for a column
    that is not a share or a row without its part and whole."""
    if column.base is None or row.get(column.key) is None:
        return ""
    part, whole = (row.get(key) for key in column.base)
    if part is None or whole is None:
        return ""
    return (column.base_text or _("%(part)s of %(whole)s")) % {
        "part": format_value(part, Kind.COUNT),
        "whole": format_value(whole, Kind.COUNT),
    }


def table_chart(table: Table | None) -> charts.Chart | None:
    """The chart a report table asks for, as plain data: one category per row (the chart's own
    rows if it has them), labelled by the chart's label column, and one series per chart key
    that the table has a column for. None when the table asks for no chart."""
    if table is None or table.chart is None:
        return None
    rows = table.rows if table.chart.rows is None else table.chart.rows
    title = str(table.chart.title or table.title)
    if table.chart.kind == "bar" and len(rows) > MAX_BAR_ROWS and table.chart.series:
        # The largest by the first series, in the table's order.
        first = table.chart.series[0]
        ranked = sorted(range(len(rows)), key=lambda index: -(rows[index].get(first) or 0))
        kept = set(ranked[:MAX_BAR_ROWS])
        title += " " + _("(the %(shown)s largest of %(all)s rows; the table has them all)") % {
            "shown": MAX_BAR_ROWS,
            "all": len(rows),
        }
        rows = [row for index, row in enumerate(rows) if index in kept]
    label_key = table.chart.label_key
    try:
        label_column = table.column(label_key)
    except StopIteration:
        label_column = None
    series = []
    for key in table.chart.series:
        try:
            column = table.column(key)
        except StopIteration:
            continue
        values = [row.get(key) for row in rows]
        series.append(charts.Series(str(column.label), values, column.kind))
    label_kind = label_column.kind if label_column else Kind.TEXT
    # The axis the rows lie along is named by the label column, or else by the first column.
    if label_column is not None:
        category_title = str(label_column.label)
    else:
        category_title = str(table.columns[0].label) if table.columns else ""
    return charts.Chart(
        title=title,
        categories=[format_value(row.get(label_key), label_kind) for row in rows],
        series=series,
        kind=table.chart.kind,
        category_title=category_title,
    )


@register.simple_tag
def report_chart(table: Table | None) -> SafeString:
    """The table's chart as a <figure> holding inline SVG, or nothing without a chart or rows."""
    chart = table_chart(table)
    return mark_safe("") if chart is None else charts.chart_figure(chart)
