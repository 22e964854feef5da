"""The enquirer's journey: where people first came from against what decided the enquiry, what
people say brought them against what was tracked, and how quickly councils respond.

Like every report, each function aggregates in the database (a few grouped queries) and only
arranges the aggregated rows in Python.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.db.models import Count, F, Func, IntegerField, Q
from django.utils.translation import gettext as _

from attribution.models import Campaign
from core.formatting import format_value
from councils.models import Council
from enquiry.models import HearAboutOption

from .base import (
    NOT_SURE_YET,
    OWNER_LOCAL,
    OWNER_NONE,
    OWNER_REGIONAL,
    Chart,
    Column,
    Kind,
    ReportFilters,
    Table,
    channel_label,
    channel_order,
    group_labels,
    group_sort_key,
    owner_key,
    percentage,
)

FIRST_VS_LAST_GROUPINGS = ["channel", "owner"]
# "Contacted quickly": first contact within this many days of the day the enquiry came in.
PROMPT_CONTACT_DAYS = 2
# What timeliness counts per row before working out rates, means and medians.
COUNTED = (
    "enquiries",
    "contacted",
    "contacted_promptly",
    "contact_days_sum",
    "initial_visits",
    "visit_days_sum",
)


# --- First touch versus last touch ---------------------------------------------------------------


def first_vs_last(filters: ReportFilters, by: str = "channel") -> Table:
    """Enquiries counted by their first touch and by their last (deciding) touch, side by side.

    `by` is "channel" (channel groups) or "owner" (the hub's regional campaigns, each council's
    local campaigns, no campaign; the first touch's owner is its campaign's). Enquiries recorded
    before first touches were classified (empty first channel) count their deciding touch as
    their first. Applications are counted against the first touch, so leads see which channels
    introduce people who go on to apply. Filters on owner, channel and campaign select by the
    deciding touch, as in every report. One grouped query (and, by owner, one for campaigns).
    """
    if by not in FIRST_VS_LAST_GROUPINGS:
        raise ValueError(f"by must be one of {', '.join(FIRST_VS_LAST_GROUPINGS)}")
    fields = ["first_channel", "channel"]
    if by == "owner":
        fields = ["first_channel", "first_campaign_id", "owner", "owner_council_id"]
    counts = list(
        filters.enquiries()
        .order_by()
        .values(*fields)
        .annotate(
            enquiries=Count("pk"),
            applications=Count("pk", filter=Q(application_on__isnull=False)),
        )
    )
    campaign_councils: dict[int, int | None] = {}
    if by == "owner":
        campaign_ids = {row["first_campaign_id"] for row in counts if row["first_campaign_id"]}
        campaign_councils = dict(
            Campaign.objects.filter(pk__in=campaign_ids).values_list("pk", "council_id")
        )

    rows: dict[Any, dict[str, Any]] = {}
    for aggregate in counts:
        first_key, last_key = _first_and_last_keys(by, aggregate, campaign_councils)
        first = rows.setdefault(first_key, _empty_journey_row(first_key))
        first["first_touch"] += aggregate["enquiries"]
        first["first_touch_applications"] += aggregate["applications"]
        rows.setdefault(last_key, _empty_journey_row(last_key))["last_touch"] += aggregate[
            "enquiries"
        ]

    labels = group_labels(by, rows.keys())
    total = _empty_journey_row("total")
    for key, row in rows.items():
        row["group"] = labels.get(key, str(key))
        for name in ("first_touch", "first_touch_applications", "last_touch"):
            total[name] += row[name]
    total["group"] = _("All enquiries")
    ordered = sorted(rows.values(), key=lambda row: group_sort_key(by, row["key"], row["group"]))
    for row in [*ordered, total]:
        row["difference"] = row["last_touch"] - row["first_touch"]
        row["first_touch_application_rate"] = percentage(
            row["first_touch_applications"], row["first_touch"]
        )
        row.pop("key", None)

    group_label = _("Channel") if by == "channel" else _("Owner")
    return Table(
        title=_("First touch and last touch"),
        columns=[
            Column("group", group_label),
            Column("first_touch", _("Enquiries by first touch"), Kind.COUNT),
            Column("last_touch", _("Enquiries by last (deciding) touch"), Kind.COUNT),
            Column("difference", _("Difference (last minus first)"), Kind.COUNT),
            Column("first_touch_applications", _("Applications by first touch"), Kind.COUNT),
            Column(
                "first_touch_application_rate",
                _("Enquiry to application, by first touch"),
                Kind.PERCENT,
                base=("first_touch_applications", "first_touch"),
            ),
        ],
        rows=ordered,
        totals=total,
        chart=Chart(
            label_key="group",
            series=["first_touch", "last_touch"],
            kind="bar",
            title=_("Enquiries by first and by last touch, by %(group)s")
            % {"group": group_label.lower()},
        ),
        notes=[
            _(
                "The first touch is how a person first came to the website; the last touch is "
                "the last visit from somewhere other than typing the address or a bookmark "
                "before they enquired, and it decides the channel in the other reports. A "
                "channel with more first touches than last touches tends to introduce people "
                "who come back another way; one with more last touches tends to be where they "
                "decide to enquire."
            ),
            _(
                "Enquiries recorded before first touches were kept count their last touch as "
                "their first. Applications are counted against the first touch."
            ),
        ],
    )


def _empty_journey_row(key: Any) -> dict[str, Any]:
    return {"key": key, "first_touch": 0, "first_touch_applications": 0, "last_touch": 0}


def _first_and_last_keys(
    by: str, aggregate: dict[str, Any], campaign_councils: dict[int, int | None]
) -> tuple[Any, Any]:
    """The group an aggregated cell belongs to by its first touch, and by its last touch."""
    old_row = not aggregate["first_channel"]
    if by == "channel":
        last = aggregate["channel"]
        return (last if old_row else aggregate["first_channel"]), last
    last = owner_key(aggregate["owner"], aggregate["owner_council_id"])
    campaign_id = aggregate["first_campaign_id"]
    if campaign_id:
        council_id = campaign_councils.get(campaign_id)
        first = (OWNER_LOCAL, council_id) if council_id else OWNER_REGIONAL
    elif old_row:
        first = last
    else:
        first = OWNER_NONE
    return first, last


# --- Tracked versus self-reported ----------------------------------------------------------------


def self_reported_agreement(filters: ReportFilters) -> Table:
    """For each tracked channel, how many enquirers gave each "How did you hear about us?"
    answer, and how often the answer agrees with the tracked channel.

    Agreement counts only enquirers whose answer names channels (an answer's
    `matching_channels`): of those, the percentage whose answer names the row's channel. It is
    None when nobody in the row gave such an answer. Answers still offered, or given by an
    enquiry in the period, are columns, in the form's order. One grouped query by (channel,
    answer); agreement is worked out from those few cells.
    """
    cells = list(
        filters.enquiries()
        .order_by()
        .values("channel", "heard_about_id")
        .annotate(enquiries=Count("pk"))
    )
    answered = {cell["heard_about_id"] for cell in cells if cell["heard_about_id"]}
    options = list(
        HearAboutOption.objects.filter(
            Q(is_active=True, locale__language_code=settings.LANGUAGE_CODE) | Q(pk__in=answered)
        )
        .order_by(F("sort_order").asc(nulls_last=True), "pk")
        .values("pk", "label", "matching_channels")
    )
    matching = {
        option["pk"]: set(option["matching_channels"])
        if isinstance(option["matching_channels"], list)
        else set()
        for option in options
    }
    answer_keys = [f"answer_{option['pk']}" for option in options]

    def empty_row(channel: str) -> dict[str, Any]:
        row: dict[str, Any] = {"key": channel, **dict.fromkeys(answer_keys, 0)}
        row.update(no_answer=0, enquiries=0, compared=0, agreeing=0)
        return row

    rows: dict[str, dict[str, Any]] = {}
    for cell in cells:
        channel, answer, count = cell["channel"], cell["heard_about_id"], cell["enquiries"]
        row = rows.setdefault(channel, empty_row(channel))
        row["enquiries"] += count
        if answer not in matching:
            row["no_answer"] += count
            continue
        row[f"answer_{answer}"] += count
        if matching[answer]:
            row["compared"] += count
            if channel in matching[answer]:
                row["agreeing"] += count

    total = empty_row("total")
    for channel, row in rows.items():
        row["group"] = channel_label(channel)
        for name, value in row.items():
            if name not in ("key", "group"):
                total[name] += value
    total["group"] = _("All enquiries")
    ordered = sorted(rows.values(), key=lambda row: (channel_order(row["key"]), row["group"]))
    for row in [*ordered, total]:
        row["agreement"] = percentage(row["agreeing"], row["compared"])
        row.pop("key", None)

    overall = total["agreement"]
    # On screen: the three answers given most (the rest a choice or the spreadsheet away).
    given = sorted(answer_keys, key=lambda key: (-total[key], answer_keys.index(key)))
    most_given = set(given[:3])
    return Table(
        title=_("Tracked and self-reported source"),
        columns=[
            Column("group", _("Tracked channel")),
            *[
                Column(
                    f"answer_{option['pk']}",
                    option["label"],
                    Kind.COUNT,
                    on_screen=f"answer_{option['pk']}" in most_given,
                )
                for option in options
            ],
            Column("no_answer", _("No answer"), Kind.COUNT),
            Column("enquiries", _("Enquiries"), Kind.COUNT),
            Column("compared", _("Answers that name a channel"), Kind.COUNT, on_screen=False),
            Column("agreeing", _("Answers that agree"), Kind.COUNT, on_screen=False),
            Column("agreement", _("Agreement"), Kind.PERCENT, base=("agreeing", "compared")),
        ],
        rows=ordered,
        totals=total,
        chart=Chart(
            label_key="group",
            series=["agreement"],
            kind="bar",
            title=_("How often the answer agrees with the tracked channel"),
        ),
        notes=[
            _(
                "Each row is the channel tracking recorded; each column is what people answered "
                "to “How did you hear about us?”. Agreement is the share of people whose answer "
                "names the row’s channel, out of those whose answer names any channel (set on "
                "each answer in Settings)."
            ),
            _("Overall agreement: %(rate)s") % {"rate": "–" if overall is None else f"{overall} %"},
        ],
    )


# --- Timeliness ----------------------------------------------------------------------------------


class DaysBetween(Func):
    """Whole days from the date `earlier` to the date `later`; NULL when either is NULL."""

    arity = 2
    output_field = IntegerField()

    def as_sql(self, compiler, connection, **extra_context):
        # PostgreSQL: date minus date is the number of days, an integer.
        return super().as_sql(
            compiler, connection, template="(%(expressions)s)", arg_joiner=" - ", **extra_context
        )

    def as_sqlite(self, compiler, connection, **extra_context):
        # SQLite stores dates as 'YYYY-MM-DD' text; Julian day numbers subtract to days.
        return super().as_sql(
            compiler,
            connection,
            template="CAST(ROUND(JULIANDAY(%(expressions)s)) AS INTEGER)",
            arg_joiner=") - JULIANDAY(",
            **extra_context,
        )


def timeliness(filters: ReportFilters) -> Table:
    """For each council the enquiries are for (and "not sure yet"): how many were contacted and
    had an initial visit, and how many days that took from the day the enquiry came in.

    Days count from the enquiry's UK date (`received_on`), so an enquiry at 23:30 contacted the
    next morning took 1 day. "Contacted within 2 days" is a share of the enquiries contacted,
    the same base as the median and mean beside it (a share of every enquiry beside a median
    of those contacted would read as "most were slow"); how many are not contacted yet is the
    difference of the first two columns. One grouped query counts the enquiries per
    council and number of days to each milestone (a few thousand cells at most); counts, means
    and exact medians come from those cells, which is faster than sorting every row for
    PERCENTILE_CONT and works the same on SQLite.
    """
    cells = (
        filters.enquiries()
        .order_by()
        .annotate(
            contact_days=DaysBetween(F("contacted_on"), F("received_on")),
            visit_days=DaysBetween(F("visit_done_on"), F("received_on")),
        )
        .values("council_id", "contact_days", "visit_days")
        .annotate(n=Count("pk"))
    )
    rows: dict[Any, dict[str, Any]] = {}
    histograms: dict[Any, dict[str, dict[int, int]]] = {}
    for cell in cells:
        for key in (cell["council_id"] or NOT_SURE_YET, "total"):
            row = rows.setdefault(key, {"key": key, **dict.fromkeys(COUNTED, 0)})
            histogram = histograms.setdefault(key, {"contact": {}, "visit": {}})
            row["enquiries"] += cell["n"]
            for milestone, counted, summed in (
                ("contact", "contacted", "contact_days_sum"),
                ("visit", "initial_visits", "visit_days_sum"),
            ):
                days = cell[f"{milestone}_days"]
                if days is None:
                    continue
                row[counted] += cell["n"]
                row[summed] += days * cell["n"]
                histogram[milestone][days] = histogram[milestone].get(days, 0) + cell["n"]
                if milestone == "contact" and days <= PROMPT_CONTACT_DAYS:
                    row["contacted_promptly"] += cell["n"]
    total = rows.pop("total", {"key": "total", **dict.fromkeys(COUNTED, 0)})
    for key, row in [*rows.items(), ("total", total)]:
        histogram = histograms.get(key, {"contact": {}, "visit": {}})
        row["contact_median"] = median_of_counts(histogram["contact"].items())
        row["visit_median"] = median_of_counts(histogram["visit"].items())

    names = dict(
        Council.objects.filter(pk__in=[k for k in rows if k != NOT_SURE_YET]).values_list(
            "pk", "name"
        )
    )
    for key, row in rows.items():
        row["group"] = _("Not sure yet") if key == NOT_SURE_YET else names.get(key, "?")
    total["group"] = _("All enquiries")
    ordered = sorted(rows.values(), key=lambda row: (row["key"] == NOT_SURE_YET, row["group"]))
    for row in [*ordered, total]:
        row["median_days_to_contact"] = as_days(row.pop("contact_median"))
        row["mean_days_to_contact"] = mean_days(row.pop("contact_days_sum"), row["contacted"])
        row["contacted_within_2_days"] = row.pop("contacted_promptly")
        row["contacted_within_2_days_rate"] = percentage(
            row["contacted_within_2_days"], row["contacted"]
        )
        row["median_days_to_visit"] = as_days(row.pop("visit_median"))
        row["mean_days_to_visit"] = mean_days(row.pop("visit_days_sum"), row["initial_visits"])
        row.pop("key", None)

    return Table(
        title=_("Timeliness"),
        columns=[
            Column("group", _("Council")),
            Column("enquiries", _("Enquiries"), Kind.COUNT),
            Column("contacted", _("Contacted"), Kind.COUNT),
            Column("median_days_to_contact", _("Median days to first contact"), Kind.DAYS),
            Column(
                "contacted_within_2_days_rate",
                _("Of those contacted: within 2 days"),
                Kind.PERCENT,
                base=("contacted_within_2_days", "contacted"),
                base_text=_("%(part)s of %(whole)s contacted"),
            ),
            Column(
                "contacted_within_2_days",
                _("Contacted within 2 days"),
                Kind.COUNT,
                on_screen=False,
            ),
            Column(
                "mean_days_to_contact",
                _("Mean days to first contact"),
                Kind.DAYS,
                on_screen=False,
            ),
            Column("initial_visits", _("Initial visits"), Kind.COUNT),
            Column("median_days_to_visit", _("Median days to initial visit"), Kind.DAYS),
            Column(
                "mean_days_to_visit", _("Mean days to initial visit"), Kind.DAYS, on_screen=False
            ),
        ],
        rows=ordered,
        totals=total,
        chart=Chart(
            label_key="group",
            series=["median_days_to_contact", "median_days_to_visit"],
            kind="bar",
            title=_("Median days to first contact and to initial visit, by council"),
        ),
        notes=[
            _(
                "Days are counted from the day the enquiry came in (UK time): contacted the "
                "same day is 0 days. “Of those contacted: within 2 days” is a share of the "
                "enquiries contacted so far, like the median and mean days beside it; "
                "enquiries not contacted yet are in neither."
            ),
            *_timeliness_summary(total),
        ],
    )


def _timeliness_summary(total: dict[str, Any]) -> list[str]:
    """The whole period's promptness in one sentence, the share beside its base and median."""
    if not total["contacted"]:
        return []
    return [
        _(
            "All enquiries: %(rate)s of those contacted were contacted within 2 days "
            "(%(part)s of %(whole)s contacted); the median time to first contact was "
            "%(median)s days."
        )
        % {
            "rate": format_value(total["contacted_within_2_days_rate"], Kind.PERCENT),
            "part": format_value(total["contacted_within_2_days"], Kind.COUNT),
            "whole": format_value(total["contacted"], Kind.COUNT),
            "median": format_value(total["median_days_to_contact"], Kind.DAYS),
        }
    ]


def median_of_counts(counts: Iterable[tuple[int, int]]) -> float | None:
    """The median of values given as (value, how many times) pairs; None when there are none.

    With an even number of values it is the mean of the two middle ones, as PERCENTILE_CONT(0.5).
    """
    ordered = sorted((value, count) for value, count in counts if count)
    size = sum(count for _value, count in ordered)
    if not size:
        return None
    wanted = [(size - 1) // 2, size // 2]  # zero-based positions of the middle value(s)
    found: list[int] = []
    seen = 0
    for value, count in ordered:
        while wanted and wanted[0] < seen + count:
            found.append(value)
            wanted.pop(0)
        seen += count
    return (found[0] + found[1]) / 2


def as_days(value: Any) -> Decimal | None:
    """A number of days as a Decimal to one decimal place (None stays None)."""
    if value is None:
        return None
    return Decimal(str(value)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def mean_days(total_days: int | None, count: int) -> Decimal | None:
    if not count:
        return None
    return (Decimal(total_days or 0) / count).quantize(Decimal("0.1"), ROUND_HALF_UP)
