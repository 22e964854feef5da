"""The attribution reports in the Wagtail admin's Reports menu, for marketing leads and hub staff.

Each report is a Wagtail `ReportView` around one report function `(filters, **options) ->
Table` (see reporting.reports). The function is named by a dotted path and imported when the
page is asked for, so a report whose module is missing shows a message instead of breaking the
admin. The screen (chart and table), the CSV and the XLSX all come from the same `Table` rows,
totals last. Reports hold aggregates only, never personal data.

The screen shows the table's key columns so that it fits a laptop without scrolling sideways
(a `columns` choice in the filter form, which works without JavaScript, shows others); the
spreadsheets always have every column.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.urls import path, reverse
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.functional import cached_property
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.reports import ReportView

from core.exports import neutralise_formula
from core.formatting import is_numeric
from core.replica import reports_database

from .forms import ReportFilterForm, with_defaults
from .reports.base import WHY_BLANK, Column, Kind, Table
from .templatetags.report_charts import report_cell, share_base

PERMISSION = "attribution.view_attribution_reports"


def can_view_reports(user) -> bool:
    return user.has_perm(PERMISSION)


@dataclass(frozen=True)
class ReportDefinition:
    """One report: its URL slug, title, function and its own option."""

    slug: str
    title: str
    function: str  # dotted path, imported at request time
    option_name: str = ""
    option_label: str = ""
    option_choices: list[tuple[str, str]] = field(default_factory=list)
    description: str = ""

    @property
    def url_name(self) -> str:
        return f"attribution_report_{self.slug.replace('-', '_')}"

    @property
    def results_url_name(self) -> str:
        return f"{self.url_name}_results"

    @property
    def default_option(self) -> str:
        return self.option_choices[0][0] if self.option_choices else ""


BY_CHANNEL_OR_OWNER = [("channel", _("Channel")), ("owner", _("Campaign owner"))]

REPORTS = [
    ReportDefinition(
        "regional-and-local",
        _("Regional and local"),
        "reporting.reports.regional.regional_vs_local",
        "by",
        _("Group by"),
        [
            ("owner", _("Campaign owner")),
            ("council", _("Council")),
            ("campaign", _("Campaign")),
            ("channel", _("Channel")),
            ("language", _("Language")),
        ],
    ),
    ReportDefinition(
        "campaigns",
        _("Campaigns"),
        "reporting.reports.campaigns.campaign_performance",
    ),
    ReportDefinition(
        "channels-over-time",
        _("Channels over time"),
        "reporting.reports.trends.channels_over_time",
        "period",
        _("Period"),
        [("month", _("Month")), ("week", _("Week"))],
    ),
    ReportDefinition(
        "funnel-by-source",
        _("Funnel by source (cohorts)"),
        "reporting.reports.trends.funnel_cohorts",
        "by",
        _("By"),
        BY_CHANNEL_OR_OWNER,
    ),
    ReportDefinition(
        "first-and-last-touch",
        _("First and last touch"),
        "reporting.reports.journey.first_vs_last",
        "by",
        _("By"),
        BY_CHANNEL_OR_OWNER,
    ),
    ReportDefinition(
        "tracked-and-self-reported",
        _("Tracked and self-reported source"),
        "reporting.reports.journey.self_reported_agreement",
    ),
    ReportDefinition(
        "timeliness",
        _("Timeliness"),
        "reporting.reports.journey.timeliness",
    ),
    ReportDefinition(
        "events",
        _("Events"),
        "reporting.reports.events.event_performance",
        "by",
        _("Group by"),
        [
            ("event", _("Event")),
            ("type", _("Type of event")),
            ("council", _("Hosting council")),
            ("campaign", _("Campaign")),
        ],
    ),
    ReportDefinition(
        "event-bookings-by-source",
        _("Event bookings by source"),
        "reporting.reports.events.event_registrations_by_source",
        "by",
        _("By"),
        [("owner", _("Campaign owner")), ("channel", _("Channel")), ("language", _("Language"))],
    ),
]
BREAKDOWN_FUNCTION = "reporting.reports.campaigns.campaign_breakdown"


class AttributionReportView(ReportView):
    """A report page: filter form, chart, accessible table, and CSV/XLSX of the same rows."""

    report: ReportDefinition
    template_name = "reporting/report.html"
    results_template_name = "reporting/report_results.html"
    header_icon = "table"
    paginate_by = None

    def dispatch(self, request, *args, **kwargs):
        if not can_view_reports(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    # --- Naming --------------------------------------------------------------------------------

    @property
    def page_title(self) -> str:
        return self.report.title

    @cached_property
    def index_url_name(self) -> str:
        return self.report.url_name

    @cached_property
    def index_results_url_name(self) -> str:
        return self.report.results_url_name

    def get_filename(self) -> str:
        slug = self.report.slug + ("-breakdown" if self.is_breakdown else "")
        return f"{slug}-{timezone.localdate():%Y-%m-%d}"

    # --- The form and the report ---------------------------------------------------------------

    @cached_property
    def form(self) -> ReportFilterForm:
        return ReportFilterForm(
            with_defaults(self.request.GET),
            option_name=self.report.option_name,
            option_label=self.report.option_label,
            option_choices=self.report.option_choices,
        )

    @cached_property
    def is_breakdown(self) -> bool:
        return (
            self.report.slug == "campaigns"
            and self.request.GET.get("breakdown") == "1"
            and self.form.is_valid()
            and self.form.to_filters().campaign_id is not None
        )

    @cached_property
    def unavailable(self) -> bool:
        """The report's function cannot be imported (its module is not there yet)."""
        try:
            import_string(BREAKDOWN_FUNCTION if self.is_breakdown else self.report.function)
        except ImportError:
            return True
        return False

    @cached_property
    def table(self) -> Table | None:
        """The report's table, or None while the filters have errors or it is unavailable."""
        if not self.form.is_valid() or self.unavailable:
            return None
        filters = self.form.to_filters()
        # Reports read from the read replica when one is configured (config/replica.py).
        with reports_database():
            if self.is_breakdown:
                return import_string(BREAKDOWN_FUNCTION)(filters, filters.campaign_id)
            options = {}
            if self.report.option_name:
                options[self.report.option_name] = self.form.option(self.report.default_option)
            return import_string(self.report.function)(filters, **options)

    # --- Listing and export --------------------------------------------------------------------

    def get_queryset(self) -> list[dict[str, Any]]:
        """The rows to list or export: the table's rows, then its totals row."""
        if self.table is None:
            return []
        rows = list(self.table.rows)
        if self.table.totals:
            rows.append(self.table.totals)
        return rows

    def get_filtered_queryset(self) -> list[dict[str, Any]]:
        return self.get_queryset()

    @property
    def list_export(self) -> list[str]:
        """Every column but the screen's own summaries, whichever the screen shows."""
        return [column.key for column in self.table.exported_columns] if self.table else []

    @property
    def export_headings(self) -> dict[str, str]:
        return (
            {column.key: str(column.label) for column in self.table.exported_columns}
            if self.table
            else {}
        )

    @cached_property
    def chosen_columns(self) -> list[str]:
        """The columns the person chose to see (none chosen: the table's key columns)."""
        return self.request.GET.getlist("columns")

    @cached_property
    def screen_columns(self) -> list[Column]:
        return self.table.screen_columns(self.chosen_columns) if self.table else []

    @cached_property
    def show_export_buttons(self) -> bool:
        return self.table is not None

    def render_to_response(self, context, **response_kwargs):
        if self.is_export and self.table is None:
            self.is_export = False  # show the page with the errors instead of a file
        return super().render_to_response(context, **response_kwargs)

    def to_row_dict(self, item: dict[str, Any]) -> OrderedDict:
        return OrderedDict((key, item.get(key)) for key in self.list_export)

    def preprocess_field_value(self, field: str, value: Any, export_format: str) -> Any:
        """Numbers stay numbers (a percentage as 33.3, money as 1234.5), None is an empty cell,
        and text that a spreadsheet would run as a formula is made inert."""
        if value is None:
            return ""
        if isinstance(value, Decimal) or (isinstance(value, int) and not isinstance(value, bool)):
            return value
        value = super().preprocess_field_value(field, value, export_format)
        if not isinstance(value, (int, float, Decimal)) and not hasattr(value, "isoformat"):
            value = force_str(value)
        return neutralise_formula(value)

    def generate_xlsx_row(self, worksheet, row_dict, date_format=None):
        formats = {
            Kind.MONEY: "#,##0.00",
            Kind.PERCENT: "0.0",
            Kind.DAYS: "0.0",
            Kind.MONTH: "mmm yyyy",
            Kind.DATE: "yyyy-mm-dd",
        }
        kinds = {column.key: column.kind for column in self.table.columns}
        for cell, key in zip(
            super().generate_xlsx_row(worksheet, row_dict, date_format), row_dict, strict=True
        ):
            if kinds.get(key) in formats and cell.value not in ("", None):
                cell.number_format = formats[kinds[key]]
            yield cell

    def stream_csv(self, queryset):
        """Start with a byte order mark so that Excel reads the UTF-8 (council names, £)."""
        yield "\ufeff".encode()
        yield from super().stream_csv(queryset)

    # --- The page ------------------------------------------------------------------------------

    def link_for(self, row: dict[str, Any]) -> str:
        """The drill-down link of a campaign row (keeps the filters, chooses the campaign)."""
        if self.report.slug != "campaigns" or self.is_breakdown or not row.get("campaign_id"):
            return ""
        params = self.request.GET.copy()
        # The drill-down has columns of its own: it starts from its key ones.
        for name in ("export", "p", "breakdown", "campaign", "columns"):
            params.pop(name, None)
        params["campaign"] = str(row["campaign_id"])
        params["breakdown"] = "1"
        return f"{reverse(self.report.url_name)}?{params.urlencode()}"

    def back_link(self) -> str:
        params = self.request.GET.copy()
        for name in ("export", "breakdown", "campaign", "columns"):
            params.pop(name, None)
        query = params.urlencode()
        return reverse(self.report.url_name) + (f"?{query}" if query else "")

    def rendered_rows(
        self, rows: Iterable[dict[str, Any]], columns: list[Column] | None = None
    ) -> list[dict[str, Any]]:
        """The rows' cells as the screen shows them (the screen's columns unless told)."""
        columns = self.screen_columns if columns is None else columns
        rendered = []
        for row in rows:
            link = self.link_for(row)
            why_blank = row.get(WHY_BLANK, {})
            cells = []
            for index, column in enumerate(columns):
                cells.append(
                    {
                        "content": report_cell(
                            row.get(column.key),
                            column.kind,
                            why_blank.get(column.key, ""),
                            share_base(column, row),
                        ),
                        "numeric": is_numeric(column.kind),
                        "nowrap": column.kind in (Kind.DATE, Kind.MONTH),
                        "header": index == 0,
                        "link": link if index == 0 else "",
                    }
                )
            rendered.append({"cells": cells})
        return rendered

    def error_summary(self) -> list[tuple[str, str]]:
        """(field id to link to, message) for the error summary at the top."""
        if not self.form.is_bound or self.form.is_valid():
            return []
        items = []
        for name, errors in self.form.errors.items():
            if name == "__all__":
                items.extend(("", str(error)) for error in errors)
                continue
            target = f"id_{name}_day" if name in ("date_from", "date_to") else f"id_{name}"
            items.extend((target, str(error)) for error in errors)
        return items

    def get_context_data(self, *args, **kwargs) -> dict[str, Any]:
        context = super().get_context_data(*args, **kwargs)
        table = self.table
        shown = self.screen_columns
        context.update(
            column_choices=[
                {"key": column.key, "label": column.label, "checked": column in shown}
                for column in (table.columns[1:] if table else [])
            ],
            columns_shown=len(shown),
            columns_total=len(table.columns) if table else 0,
            columns_chosen=bool(self.chosen_columns),
            chart_figures=self.chart_figures(),
            report=table,
            definition=self.report,
            form=self.form,
            error_summary=self.error_summary(),
            unavailable=self.unavailable,
            is_breakdown=self.is_breakdown,
            back_link=self.back_link() if self.is_breakdown else "",
            columns=[
                {"label": column.label, "numeric": is_numeric(column.kind)} for column in shown
            ],
            body_rows=self.rendered_rows(table.rows) if table else [],
            total_row=(self.rendered_rows([table.totals])[0] if table and table.totals else None),
            period=self.period_text(),
        )
        return context

    def chart_figures(self) -> dict[str, Any] | None:
        """The figures of a chart drawn from rows of its own (not the table's), as a table."""
        table = self.table
        if table is None or table.chart is None or not table.chart.rows:
            return None
        keys = [table.chart.label_key, *table.chart.series]
        columns = [column for key in keys for column in table.columns if column.key == key]
        return {
            "caption": table.chart.title,
            "columns": [
                {"label": column.label, "numeric": is_numeric(column.kind)} for column in columns
            ],
            "rows": self.rendered_rows(table.chart.rows, columns),
        }

    def period_text(self) -> str:
        if not self.form.is_valid():
            return ""
        data = self.form.cleaned_data
        start, end = data.get("date_from"), data.get("date_to")
        if start and end:
            return _("%(start)s to %(end)s") % {
                "start": start.strftime("%-d %b %Y"),
                "end": end.strftime("%-d %b %Y"),
            }
        if start:
            return _("from %(start)s") % {"start": start.strftime("%-d %b %Y")}
        if end:
            return _("up to %(end)s") % {"end": end.strftime("%-d %b %Y")}
        return str(_("all dates"))


def view_class(report: ReportDefinition) -> type[AttributionReportView]:
    name = "".join(part.title() for part in report.slug.split("-")) + "ReportView"
    return type(name, (AttributionReportView,), {"report": report})


VIEWS = {report.slug: view_class(report) for report in REPORTS}


def urlpatterns() -> list:
    """Each report's page and its results-only fragment, as Wagtail's own reports have."""
    patterns = []
    for report in REPORTS:
        view = VIEWS[report.slug]
        patterns += [
            path(f"reports/attribution/{report.slug}/", view.as_view(), name=report.url_name),
            path(
                f"reports/attribution/{report.slug}/results/",
                view.as_view(results_only=True),
                name=report.results_url_name,
            ),
        ]
    return patterns


class AttributionReportMenuItem(MenuItem):
    def is_shown(self, request) -> bool:
        return can_view_reports(request.user)


def menu_item_hook(report: ReportDefinition):
    """A `register_reports_menu_item` hook function for one report."""
    index = REPORTS.index(report)

    def menu_item() -> MenuItem:
        return AttributionReportMenuItem(
            _("Attribution: %(title)s") % {"title": report.title},
            reverse(report.url_name),
            name=f"attribution-{report.slug}",
            icon_name="table",
            order=960 + index,
        )

    return menu_item
