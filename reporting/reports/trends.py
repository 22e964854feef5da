"""Trends: enquiries by channel month by month (or week by week), and funnel cohorts, the
enquiries of each month followed through to approval.

Periods are London calendar months and weeks starting on Monday, so an enquiry at 23:30 on
the last evening of a month counts in that month whatever the clocks say.

A chart tells apart at most six series (core.charts), and a board reads five lines better than
fourteen: both charts draw the five largest channels (or owners) and the rest as "Other". The
tables keep every channel; the screen shows the drawn ones first.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db.models import Count
from django.db.models.functions import Trunc
from django.utils import dateformat, timezone
from django.utils.translation import gettext as _

from core.charts import MAX_SERIES

from .base import (
    Chart,
    Column,
    Kind,
    ReportFilters,
    Table,
    add_conversions,
    channel_label,
    channel_order,
    conversion_columns,
    funnel_columns,
    funnel_counts,
    group_labels,
    group_sort_key,
    owner_key,
)

PERIODS = ["month", "week"]
COHORT_GROUPINGS = ["channel", "owner"]
FUNNEL_KEYS = ("enquiries", "initial_visits", "applications", "approvals")
# Approvals usually arrive six to nine months after the enquiry.
MATURE_AFTER_MONTHS = 9
NOT_CLASSIFIED = "not-classified"
# The key of the drawn "Other" series: everything but the largest MAX_SERIES - 1.
OTHER = "other"


def largest(totals: dict[Any, int], order: list[Any]) -> tuple[list[Any], list[Any]]:
    """The groups to draw on their own and the rest, drawn together as "Other".

    All of them when they fit in a chart; else the MAX_SERIES - 1 largest by `totals` (ties in
    `order`), which stay in `order`, and the rest."""
    if len(order) <= MAX_SERIES:
        return list(order), []
    ranked = sorted(order, key=lambda key: (-totals.get(key, 0), order.index(key)))
    kept = set(ranked[: MAX_SERIES - 1])
    return [key for key in order if key in kept], [key for key in order if key not in kept]


def period_start(day: date, period: str) -> date:
    """The first day of the month, or the Monday of the week, that holds `day`."""
    if period == "month":
        return day.replace(day=1)
    return day - timedelta(days=day.weekday())


def next_period(start: date, period: str) -> date:
    if period == "month":
        return date(start.year + start.month // 12, start.month % 12 + 1, 1)
    return start + timedelta(days=7)


def period_label(start: date, period: str) -> str:
    """ "Nov 2026" for a month, "w/c 2 Nov 2026" for a week."""
    if period == "month":
        return dateformat.format(start, "M Y")
    return _("w/c %(date)s") % {"date": dateformat.format(start, "j M Y")}


def channels_over_time(filters: ReportFilters, period: str = "month") -> Table:
    """One row per month (or week) with the enquiries of each channel that appears and a total.

    Periods without enquiries are shown as zeros: from the first to the last period with
    enquiries, or exactly the periods of the date range when one is chosen.
    """
    if period not in PERIODS:
        raise ValueError(f"period must be one of {', '.join(PERIODS)}")
    counts: dict[tuple[date, str], int] = {}
    for aggregate in (
        filters.enquiries()
        .order_by()
        .annotate(period=Trunc("received_on", period))
        .values("period", "channel")
        .annotate(enquiries=Count("pk"))
    ):
        start = aggregate["period"]
        key = aggregate["channel"] or NOT_CLASSIFIED
        counts[(start, key)] = counts.get((start, key), 0) + aggregate["enquiries"]

    channels = sorted(
        {channel for _start, channel in counts},
        key=lambda channel: (channel_order("" if channel == NOT_CLASSIFIED else channel), channel),
    )
    starts = [start for start, _channel in counts]
    first = min(starts, default=None)
    last = max(starts, default=None)
    if filters.date_from:
        # From the chosen start to the chosen end, or to today when there is none.
        first = period_start(filters.date_from, period)
        end = filters.date_to or max(timezone.localdate(), last or filters.date_from)
        last = period_start(end, period)
    elif filters.date_to:
        last = period_start(filters.date_to, period)
        first = min(first or last, last)

    rows = []
    start = first
    while start is not None and start <= last:
        row: dict[str, Any] = {
            "period": period_label(start, period),
            "period_start": start,
        }
        for channel in channels:
            row[channel] = counts.get((start, channel), 0)
        row["total"] = sum(row[channel] for channel in channels)
        rows.append(row)
        start = next_period(start, period)

    total: dict[str, Any] = {"period": _("All periods"), "period_start": None}
    for channel in channels:
        total[channel] = sum(row[channel] for row in rows)
    total["total"] = sum(row["total"] for row in rows)
    drawn, others = largest(total, channels)
    if others:
        for row in [*rows, total]:
            row[OTHER] = sum(row[channel] for channel in others)

    def label(channel: str) -> str:
        return channel_label("" if channel == NOT_CLASSIFIED else channel)

    other_columns = (
        # The screen's own summary of the channels not drawn: a spreadsheet has them all and
        # would count them twice.
        [Column(OTHER, _("Other channels"), Kind.COUNT, exported=False)] if others else []
    )
    notes = [
        _(
            "Enquiries by the London date they were received; weeks start on Monday. "
            "The channel is that of the touch that decided the enquiry."
        )
    ]
    if others:
        notes.append(
            _(
                "The chart draws the five channels with the most enquiries; “Other channels” "
                "are the rest together: %(channels)s."
            )
            % {"channels": ", ".join(label(channel) for channel in others)}
        )
    period_heading = _("Month") if period == "month" else _("Week")
    return Table(
        title=_("Enquiries by channel, month by month")
        if period == "month"
        else _("Enquiries by channel, week by week"),
        columns=[
            Column("period", period_heading),
            Column("period_start", _("Starts"), Kind.DATE, on_screen=False),
            *(
                Column(channel, label(channel), Kind.COUNT, on_screen=channel in drawn)
                for channel in channels
            ),
            *other_columns,
            Column("total", _("All channels"), Kind.COUNT),
        ],
        rows=rows,
        totals=total,
        chart=Chart(
            label_key="period",
            series=[*drawn, *([OTHER] if others else [])],
            kind="line",
            title=_("Enquiries by channel over time"),
        ),
        notes=notes,
    )


def months_between(cohort_month: date, today: date) -> int:
    """Whole months from the end of the cohort month to today (0 while it has not ended)."""
    end = next_period(cohort_month, "month")
    months = (today.year - end.year) * 12 + today.month - end.month
    if today.day < end.day:
        months -= 1
    return max(months, 0)


def funnel_cohorts(filters: ReportFilters, by: str = "channel", today: date | None = None) -> Table:
    """The enquiries of each month, per channel or owner, and every step they have reached.

    A cohort is "Still maturing" until nine whole months have passed since its month ended,
    because approvals usually arrive six to nine months after the enquiry; its approval rate
    will still rise. `today` is for reproducible output (default: the London date today).
    """
    if by not in COHORT_GROUPINGS:
        raise ValueError(f"by must be one of {', '.join(COHORT_GROUPINGS)}")
    today = today or timezone.localdate()
    fields = ["channel"] if by == "channel" else ["owner", "owner_council_id"]
    merged: dict[tuple[date, Any], dict[str, Any]] = {}
    for aggregate in (
        filters.enquiries()
        .order_by()
        .annotate(cohort=Trunc("received_on", "month"))
        .values("cohort", *fields)
        .annotate(**funnel_counts())
    ):
        month = aggregate["cohort"]
        key = _group_key(by, aggregate)
        row = merged.setdefault(
            (month, key), {"cohort": month, "key": key, **dict.fromkeys(FUNNEL_KEYS, 0)}
        )
        for name in FUNNEL_KEYS:
            row[name] += aggregate[name]

    labels = group_labels(by, {key for _month, key in merged})
    total: dict[str, Any] = {
        "cohort": None,
        "group": _("All enquiries"),
        **dict.fromkeys(FUNNEL_KEYS, 0),
        "months_since": None,
        "maturity": "",
    }
    rows = []
    for row in merged.values():
        row["group"] = labels[row["key"]]
        row["months_since"] = months_between(row["cohort"], today)
        row["maturity"] = (
            _("Mature") if row["months_since"] >= MATURE_AFTER_MONTHS else _("Still maturing")
        )
        row["label"] = f"{period_label(row['cohort'], 'month')}: {row['group']}"
        for name in FUNNEL_KEYS:
            total[name] += row[name]
        rows.append(row)
    rows.sort(key=lambda row: (row["cohort"], *group_sort_key(by, row["key"], row["group"])))
    for row in [*rows, total]:
        add_conversions(row)
    chart_rows, others = _groups_over_the_months(by, rows)
    for row in rows:
        row.pop("key")

    return Table(
        title=_("Funnel by enquiry month and channel")
        if by == "channel"
        else _("Funnel by enquiry month and owner"),
        columns=[
            Column("cohort", _("Enquiry month"), Kind.MONTH),
            Column("group", _("Channel") if by == "channel" else _("Owner")),
            *funnel_columns(on_screen=("initial_visits", "applications", "approvals")),
            *conversion_columns(on_screen=("application_rate",)),
            Column("months_since", _("Months since the month ended"), Kind.COUNT, on_screen=False),
            Column("maturity", _("Maturity")),
        ],
        rows=rows,
        totals=total,
        chart=Chart(
            label_key="group",
            series=list(FUNNEL_KEYS),
            kind="bar",
            title=(
                _("How far each channel’s enquiries got, all months together")
                if by == "channel"
                else _("How far each owner’s enquiries got, all months together")
            ),
            rows=chart_rows,
        ),
        notes=[
            _(
                "Each row follows the enquiries received in one month to every step they have "
                "reached since. Approvals usually arrive 6 to 9 months after the enquiry, so a "
                "cohort is still maturing until 9 whole months have passed since its month "
                "ended: its figures, above all approvals, will still rise."
            ),
            *(
                [
                    _(
                        "The chart adds up the months of the five with the most enquiries, and "
                        "of the rest together: %(groups)s."
                    )
                    % {"groups": ", ".join(others)}
                ]
                if others
                else []
            ),
        ],
    )


def _groups_over_the_months(
    by: str, rows: list[dict[str, Any]]
) -> tuple[list[dict[str, Any]], list[str]]:
    """Each channel's (or owner's) cohorts added up over the months, for the chart: a bar per
    stage for each of the five largest, and for the rest together as "Other", so the chart is
    a few groups tall however many months and channels the table has. Also the names of the
    groups in "Other"."""
    groups: dict[Any, dict[str, Any]] = {}
    for row in rows:
        group = groups.setdefault(
            row["key"], {"group": row["group"], **dict.fromkeys(FUNNEL_KEYS, 0)}
        )
        for name in FUNNEL_KEYS:
            group[name] += row[name]
    order = sorted(groups, key=lambda key: group_sort_key(by, key, groups[key]["group"]))
    drawn, others = largest({key: groups[key]["enquiries"] for key in order}, order)
    chart_rows = [groups[key] for key in drawn]
    if others:
        other = {
            "group": _("Other channels") if by == "channel" else _("Other owners"),
            **{name: sum(groups[key][name] for key in others) for name in FUNNEL_KEYS},
        }
        chart_rows.append(other)
    return chart_rows, [groups[key]["group"] for key in others]


def _group_key(by: str, aggregate: dict[str, Any]) -> Any:
    if by == "channel":
        return aggregate["channel"]
    return owner_key(aggregate["owner"], aggregate["owner_council_id"])
