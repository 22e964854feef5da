"""Regional versus local: for each campaign owner (or council, campaign or channel) the
enquiries, how far those enquirers got, the spend and the cost per enquiry and application.

This is the report the hub board reads to decide where the next pound goes, and the one
`manage.py attribution_report` prints for scheduled reporting. A cost is the spend divided by
the enquiries that spend brought (those of the campaigns it was spent on), never by enquiries
no campaign brought: otherwise a council's leaflets would look cheaper for every enquiry the
hub's radio brought it.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import F, Q, Sum
from django.utils.translation import gettext as _

from .base import (
    NOT_SURE_YET,
    OWNER_LOCAL,
    OWNER_NONE,
    OWNER_REGIONAL,
    Chart,
    Column,
    ReportFilters,
    Table,
    add_conversions,
    add_costs,
    all_row_cost_note,
    campaign_counts,
    conversion_columns,
    cost_columns,
    funnel_columns,
    funnel_counts,
    group_labels,
    group_sort_key,
    money,
    owner_key,
)

GROUPINGS = ["owner", "council", "campaign", "channel", "language"]

# For each grouping: the enquiry fields that make the group, and the spend entry fields that
# give the same group (None: spend is not split that way).
ENQUIRY_GROUP_FIELDS = {
    "owner": ["owner", "owner_council_id"],
    "council": ["council_id"],
    "campaign": ["campaign_id"],
    "channel": ["channel"],
    "language": ["language"],
}
SPEND_GROUP_FIELDS = {
    "owner": ["campaign__council_id"],
    "council": ["campaign__council_id"],
    "campaign": ["campaign_id"],
    "channel": ["campaign__channel"],
    "language": None,  # a campaign's money is not spent in one language
}


def regional_vs_local(filters: ReportFilters, by: str = "owner") -> Table:
    """One row per group with its funnel, conversion rates, spend and costs, plus a total.

    `by` is "owner" (the hub's regional campaigns, each council's local campaigns, and no
    campaign), "council" (the council the enquiry is for; spend is that council's local
    campaigns' spend, since regional spend is not split between councils), "campaign" or
    "channel" (the tracked channel group; spend is that of campaigns run on the channel) or
    "language" (the language the person used the site in; spend is not split by language).
    Groups with spend but no enquiries are shown: money that brought nobody matters most.
    """
    if by not in GROUPINGS:
        raise ValueError(f"by must be one of {', '.join(GROUPINGS)}")
    counted = filters.counted_campaigns()
    counts = (
        filters.enquiries()
        .order_by()
        .values(*ENQUIRY_GROUP_FIELDS[by])
        .annotate(
            **funnel_counts(),
            # What each row's spend brought, and what all the counted spend brought.
            **campaign_counts(counted & _brought_by_the_rows_spend(by)),
            **campaign_counts(counted, prefix="all_"),
        )
    )
    rows: dict[Any, dict[str, Any]] = {}
    total = _empty_row("total")
    for aggregate in counts:
        key = _enquiry_group_key(by, aggregate)
        row = rows.setdefault(key, _empty_row(key))
        for name in COUNTED:
            row[name] += aggregate[name]
        for name in ("campaign_enquiries", "campaign_applications"):
            total[name] += aggregate[f"all_{name}"]

    spend_by_key: dict[Any, Decimal] = {}
    spend_fields = SPEND_GROUP_FIELDS[by]
    spend_entries = (
        filters.spend().order_by().values(*spend_fields).annotate(total=Sum("amount"))
        if spend_fields
        else []
    )
    for entry in spend_entries:
        key = _spend_group_key(by, entry)
        if key is None:
            continue
        spend_by_key[key] = spend_by_key.get(key, Decimal("0")) + entry["total"]
        rows.setdefault(key, _empty_row(key))

    labels = group_labels(by, rows.keys())
    for key, row in rows.items():
        row["group"] = labels.get(key, str(key))
        has_spend = _has_spend(by, key, filters)
        row["spend"] = money(spend_by_key.get(key, Decimal("0"))) if has_spend else None
        for name in ("enquiries", "initial_visits", "applications", "approvals"):
            total[name] += row[name]
    total["group"] = _("All enquiries")
    total["spend"] = None
    if _spend_possible(filters):
        total_spend = filters.spend().aggregate(total=Sum("amount"))["total"]
        total["spend"] = money(total_spend or Decimal("0"))

    ordered = sorted(
        rows.values(),
        key=lambda row: group_sort_key(by, row["key"], row["group"], row["enquiries"]),
    )
    for row in [*ordered, total]:
        add_conversions(row)
        add_costs(row)
        row.pop("key", None)

    group_label = {
        "owner": _("Owner"),
        "council": _("Council"),
        "campaign": _("Campaign"),
        "channel": _("Channel"),
        "language": _("Language"),
    }[by]
    columns = [
        Column("group", group_label),
        *funnel_columns(),
        *conversion_columns(),
        *cost_columns(),
    ]
    notes = [
        _(
            "Enquiries received in the period, and every step those enquirers have reached "
            "since. Spend is counted by the date it was spent."
        ),
        _(
            "Cost per enquiry and per application divide a row’s spend by the enquiries and "
            "applications that spend brought: those of the campaigns it was spent on."
        ),
    ]
    if note := all_row_cost_note(total):
        notes.append(note)
    if by == "council" or (filters.council_id and filters.council_id != NOT_SURE_YET):
        notes.append(
            _(
                "Regional spend is not split between councils: a council's spend is its own local campaigns'."
            )
        )
    return Table(
        title=_("Regional and local campaigns"),
        columns=columns,
        rows=ordered,
        totals=total,
        chart=Chart(
            label_key="group",
            series=["enquiries", "initial_visits", "applications", "approvals"],
            kind="bar",
            title=_("Enquiries and how far they got, by %(group)s")
            % {"group": group_label.lower()},
        ),
        notes=notes,
    )


COUNTED = (
    "enquiries",
    "initial_visits",
    "applications",
    "approvals",
    "campaign_enquiries",
    "campaign_applications",
)


def _empty_row(key: Any) -> dict[str, Any]:
    return {"key": key, **dict.fromkeys(COUNTED, 0)}


def _brought_by_the_rows_spend(by: str) -> Q:
    """Which of a row's enquiries its spend brought: by council, those of the council's own
    campaigns (the hub's spend is not the council's); by channel, those of campaigns run on
    the channel; by owner or campaign, every counted campaign's, as the row is its owner's or
    its campaign's."""
    if by == "council":
        return Q(campaign__council_id=F("council_id"))
    if by == "channel":
        return Q(campaign__channel=F("channel"))
    return Q()


def _enquiry_group_key(by: str, aggregate: dict[str, Any]) -> Any:
    if by == "owner":
        return owner_key(aggregate["owner"], aggregate["owner_council_id"])
    if by == "council":
        return aggregate["council_id"] or NOT_SURE_YET
    if by == "campaign":
        return aggregate["campaign_id"] or OWNER_NONE
    if by == "language":
        return aggregate["language"]
    return aggregate["channel"]


def _spend_group_key(by: str, entry: dict[str, Any]) -> Any:
    if by == "owner":
        council_id = entry["campaign__council_id"]
        return (OWNER_LOCAL, council_id) if council_id else OWNER_REGIONAL
    if by == "council":
        # Regional spend is not split between councils.
        return entry["campaign__council_id"]
    if by == "campaign":
        return entry["campaign_id"]
    return entry["campaign__channel"]


def _spend_possible(filters: ReportFilters) -> bool:
    return filters.owner != OWNER_NONE and filters.council_id != NOT_SURE_YET


def _has_spend(by: str, key: Any, filters: ReportFilters) -> bool:
    """Whether a row can carry spend at all (no campaign, or not sure yet, cannot)."""
    if not _spend_possible(filters):
        return False
    if by == "owner":
        if key == OWNER_NONE:
            return False
        if filters.council_id:
            # With a council chosen, only its own local spend is in scope: the hub's regional
            # spend is not split onto it, and another council's campaigns are not its spend.
            return key == (OWNER_LOCAL, filters.council_id)
        return True
    if by == "council":
        return key != NOT_SURE_YET and (not filters.council_id or key == filters.council_id)
    if by == "campaign":
        return key != OWNER_NONE
    return by == "channel"
