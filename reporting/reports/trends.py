"""Trends: enquiries by channel month by month (or week by week), and funnel cohorts, the
enquiries of each month followed through to approval.

Periods are London calendar months and weeks starting on Monday, so an enquiry at 23:30 on
the last evening of a month counts in that month whatever the clocks say.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db.models import Count
from django.db.models.functions import Trunc
from django.utils import dateformat, timezone
from django.utils.translation import gettext as _

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

    def label(channel: str) -> str:
        return channel_label("" if channel == NOT_CLASSIFIED else channel)

    period_heading = _("Month") if period == "month" else _("Week")
    return Table(
        title=_("Enquiries by channel, month by month")
        if period == "month"
        else _("Enquiries by channel, week by week"),
        columns=[
            Column("period", period_heading),
            Column("period_start", _("Starts"), Kind.DATE),
            *(Column(channel, label(channel), Kind.COUNT) for channel in channels),
            Column("total", _("All channels"), Kind.COUNT),
        ],
        rows=rows,
        totals=total,
        chart=Chart(
            label_key="period",
            series=list(channels),
            kind="line",
            title=_("Enquiries by channel over time"),
        ),
        notes=[
            _(
                "Enquiries by the London date they were received; weeks start on Monday. "
                "The channel is that of the touch that decided the enquiry."
            )
        ],
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
    for row in rows:
        row.pop("key")

    return Table(
        title=_("Funnel by enquiry month and channel")
        if by == "channel"
        else _("Funnel by enquiry month and owner"),
        columns=[
            Column("cohort", _("Enquiry month"), Kind.MONTH),
            Column("group", _("Channel") if by == "channel" else _("Owner")),
            *funnel_columns(),
            *conversion_columns(),
            Column("months_since", _("Months since the month ended"), Kind.COUNT),
            Column("maturity", _("Maturity")),
        ],
        rows=rows,
        totals=total,
        chart=Chart(
            label_key="label",
            series=["enquiries", "applications", "approvals"],
            kind="bar",
            title=_("Each month's enquiries and how far they got"),
        ),
        notes=[
            _(
                "Each row follows the enquiries received in one month to every step they have "
                "reached since. Approvals usually arrive 6 to 9 months after the enquiry, so a "
                "cohort is still maturing until 9 whole months have passed since its month "
                "ended: its figures, above all approvals, will still rise."
            )
        ],
    )


def _group_key(by: str, aggregate: dict[str, Any]) -> Any:
    if by == "channel":
        return aggregate["channel"]
    return owner_key(aggregate["owner"], aggregate["owner_council_id"])
