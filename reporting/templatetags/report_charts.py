"""Template tags that put an attribution report's chart and cells on the admin screen.

The drawing and the formatting are ground-floor kit shared with the board pack and the other
admin reports (`core.charts`, `core.formatting`), which know nothing of attribution. This module
is only the wiring: it turns a report `Table` (columns, rows, the chart it asks for) into the
plain `core.charts.Chart` and draws it, and writes a cell's value the admin's way.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from core import charts
from core.formatting import Kind, format_value
from reporting.reports.base import Table

register = template.Library()


@register.simple_tag
def report_cell(value: Any, kind: str) -> SafeString:
    """A table cell's content: the formatted value, or a dash read out as "not applicable"."""
    if value is None:
        return format_html(
            '<span aria-hidden="true">–</span><span class="w-sr-only">{}</span>',
            _("not applicable"),
        )
    return format_html("{}", format_value(value, kind))


def table_chart(table: Table | None) -> charts.Chart | None:
    """The chart a report table asks for, as plain data: one category per row, labelled by the
    chart's label column, and one series per chart key that the table has a column for. None
    when the table asks for no chart."""
    if table is None or table.chart is None:
        return None
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
        values = [row.get(key) for row in table.rows]
        series.append(charts.Series(str(column.label), values, column.kind))
    label_kind = label_column.kind if label_column else Kind.TEXT
    # The axis the rows lie along is named by the label column, or else by the first column.
    if label_column is not None:
        category_title = str(label_column.label)
    else:
        category_title = str(table.columns[0].label) if table.columns else ""
    return charts.Chart(
        title=str(table.chart.title or table.title),
        categories=[format_value(row.get(label_key), label_kind) for row in table.rows],
        series=series,
        kind=table.chart.kind,
        category_title=category_title,
    )


@register.simple_tag
def report_chart(table: Table | None) -> SafeString:
    """The table's chart as a <figure> holding inline SVG, or nothing without a chart or rows."""
    chart = table_chart(table)
    return mark_safe("") if chart is None else charts.chart_figure(chart)
