"""Campaign performance: for each campaign the enquiries it brought, how far those enquirers
got, what it cost in the period and the cost per enquiry and application; and, for one
campaign, the drill-down by the tags (source, medium, content) of the deciding touch.

Marketing leads read these to see which campaign, and which advert within it, brings people
who go on to foster, not only clicks.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Case, CharField, Q, Sum, Value, When
from django.db.models.fields.json import KT
from django.utils.translation import gettext as _

from attribution.classification import Channel
from attribution.models import Campaign
from councils.models import Council

from .base import (
    NOT_SURE_YET,
    OWNER_NONE,
    Chart,
    Column,
    Kind,
    ReportFilters,
    Table,
    add_conversions,
    add_costs,
    all_row_cost_note,
    campaign_counts,
    channel_label,
    conversion_columns,
    cost_columns,
    funnel_columns,
    funnel_counts,
)

FUNNEL_KEYS = ("enquiries", "initial_visits", "applications", "approvals")
BROUGHT_KEYS = ("campaign_enquiries", "campaign_applications")
TAG_KEYS = ("utm_source", "utm_medium", "utm_content")
NONE_SHOWN = "(none)"


def campaign_performance(filters: ReportFilters) -> Table:
    """One row per campaign with enquiries or spend in the period, plus "No campaign" last.

    Each row carries `campaign_id` (None for "No campaign") for the drill-down link; it is not
    a displayed column. Spend is the campaign's filtered spend; a regional campaign has no
    spend when a council is chosen (regional spend is not split between councils). The "All
    enquiries" row's costs are over the enquiries the counted campaigns brought.
    """
    counts = {
        aggregate["campaign_id"]: aggregate
        for aggregate in filters.enquiries()
        .order_by()
        .values("campaign_id")
        .annotate(**funnel_counts(), **campaign_counts(filters.counted_campaigns()))
    }
    spend_by_campaign: dict[int, Decimal] = {
        entry["campaign_id"]: Decimal(entry["total"]).quantize(Decimal("0.01"))
        for entry in filters.spend().order_by().values("campaign_id").annotate(total=Sum("amount"))
    }
    campaign_ids = {key for key in counts if key is not None} | set(spend_by_campaign)
    campaigns = {
        campaign["pk"]: campaign
        for campaign in Campaign.objects.filter(pk__in=campaign_ids).values(
            "pk", "name", "council_id", "channel", "start_date", "end_date"
        )
    }
    council_names = dict(
        Council.objects.filter(
            pk__in={c["council_id"] for c in campaigns.values() if c["council_id"]}
        ).values_list("pk", "name")
    )
    spend_possible = filters.owner != OWNER_NONE and filters.council_id != NOT_SURE_YET

    rows = []
    for campaign_id, campaign in campaigns.items():
        row = _funnel_row(counts.get(campaign_id))
        regional = campaign["council_id"] is None
        row.update(
            campaign_id=campaign_id,
            campaign=campaign["name"],
            owner=_("The hub (regional)")
            if regional
            else _("%(council)s (local)") % {"council": council_names.get(campaign["council_id"])},
            channel=channel_label(campaign["channel"]),
            start_date=campaign["start_date"],
            end_date=campaign["end_date"],
            spend=(
                spend_by_campaign.get(campaign_id, Decimal("0.00"))
                if spend_possible and spend_in_scope(filters, campaign)
                else None
            ),
        )
        for name in BROUGHT_KEYS:
            row[name] = counts[campaign_id][name] if campaign_id in counts else 0
        rows.append(row)
    rows.sort(key=lambda row: (-row["enquiries"], row["campaign"].casefold(), row["campaign_id"]))
    if None in counts:
        rows.append(
            {
                **_funnel_row(counts[None]),
                "campaign_id": None,
                "campaign": _("No campaign"),
                "owner": "",
                "channel": "",
                "start_date": None,
                "end_date": None,
                "spend": None,
            }
        )

    total = _funnel_row(None)
    for name in BROUGHT_KEYS:
        total[name] = sum(counts[key][name] for key in counts if key is not None)
    for row in rows:
        for name in FUNNEL_KEYS:
            total[name] += row[name]
    total.update(
        campaign_id=None,
        campaign=_("All enquiries"),
        owner="",
        channel="",
        start_date=None,
        end_date=None,
        spend=(sum(spend_by_campaign.values(), Decimal("0.00")) if spend_possible else None),
    )
    for row in [*rows, total]:
        add_conversions(row)
        add_costs(row)

    notes = [
        _(
            "Enquiries received in the period, and every step those enquirers have reached "
            "since. Spend is counted by the date it was spent. Campaigns with neither "
            "enquiries nor spend in the period are left out."
        )
    ]
    if note := all_row_cost_note(total):
        notes.append(note)
    if filters.council_id and filters.council_id != NOT_SURE_YET:
        notes.append(
            _("Regional spend is not split between councils: regional campaigns show no spend.")
        )
    return Table(
        title=_("Campaign performance"),
        columns=[
            Column("campaign", _("Campaign")),
            Column("owner", _("Owner")),
            Column("channel", _("Channel"), on_screen=False),
            Column("start_date", _("Starts"), Kind.DATE, on_screen=False),
            Column("end_date", _("Ends"), Kind.DATE, on_screen=False),
            *funnel_columns(),
            *conversion_columns(),
            # A campaign's own enquiries are what its spend brought: the column is for the
            # "All enquiries" row, whose note says so, and the spreadsheet.
            *cost_columns(brought_on_screen=False),
        ],
        rows=rows,
        totals=total,
        chart=Chart(
            label_key="campaign",
            series=["enquiries", "applications"],
            kind="bar",
            title=_("Enquiries and applications by campaign"),
        ),
        notes=notes,
    )


def spend_in_scope(filters: ReportFilters, campaign: dict[str, Any]) -> bool:
    """Whether the filters count this campaign's spend: with a council chosen only that
    council's own campaigns' (regional spend is not split between councils), and with a channel
    chosen only campaigns run on that channel, so no row shows a misleading £0.00."""
    if filters.council_id and campaign["council_id"] != filters.council_id:
        return False
    return not (filters.channel and campaign["channel"] != filters.channel)


def deciding_tag(key: str) -> Case:
    """A tag of the enquiry's deciding touch, read in the database: the last (non-direct)
    touch when there is one, else the first touch."""
    return Case(
        When(Q(last_touch={}) | Q(last_touch__isnull=True), then=KT(f"first_touch__{key}")),
        default=KT(f"last_touch__{key}"),
        output_field=CharField(),
    )


def campaign_breakdown(filters: ReportFilters, campaign_id: int) -> Table:
    """One campaign's enquiries by the source, medium and content of their deciding touch.

    Shows which placement or advert within a campaign brought the enquiries. Enquiries entered
    by staff carry no tags and get a row of their own. Raises Campaign.DoesNotExist for an
    unknown campaign.
    """
    campaign = Campaign.objects.get(pk=campaign_id)
    staff = Channel.STAFF_ENTERED.value
    aggregates = (
        filters.enquiries()
        .filter(campaign_id=campaign_id)
        .order_by()
        .annotate(
            staff_entered=Case(
                When(channel=staff, then=Value(staff)),
                default=Value(""),
                output_field=CharField(),
            ),
            **{
                f"tag_{key}": Case(
                    When(channel=staff, then=Value("")),
                    default=deciding_tag(key),
                    output_field=CharField(),
                )
                for key in TAG_KEYS
            },
        )
        .values("staff_entered", *(f"tag_{key}" for key in TAG_KEYS))
        .annotate(**funnel_counts())
    )
    merged: dict[tuple, dict[str, Any]] = {}
    for aggregate in aggregates:
        is_staff = bool(aggregate["staff_entered"])
        tags = tuple("" if is_staff else aggregate[f"tag_{key}"] or "" for key in TAG_KEYS)
        row = merged.setdefault((is_staff, tags), _funnel_row(None))
        for name in FUNNEL_KEYS:
            row[name] += aggregate[name]
        if is_staff:
            label = _("Entered by staff")
            row.update(utm_source=label, utm_medium="", utm_content="", touch=label)
        else:
            shown = [tag or NONE_SHOWN for tag in tags]
            row.update(dict(zip(TAG_KEYS, shown, strict=True)), touch=" / ".join(shown))
        row["entered_by_staff"] = is_staff

    rows = sorted(
        merged.values(),
        key=lambda row: (
            row["entered_by_staff"],
            -row["enquiries"],
            *(row[key] == NONE_SHOWN for key in TAG_KEYS),
            *(row[key] for key in TAG_KEYS),
        ),
    )
    total = _funnel_row(None)
    for row in rows:
        for name in FUNNEL_KEYS:
            total[name] += row[name]
    total.update(
        utm_source=_("All enquiries"),
        utm_medium="",
        utm_content="",
        touch=_("All enquiries"),
        entered_by_staff=False,
    )
    for row in [*rows, total]:
        add_conversions(row)

    return Table(
        title=_("Campaign: %(name)s") % {"name": campaign.name},
        columns=[
            Column("utm_source", _("Source (utm_source)")),
            Column("utm_medium", _("Medium (utm_medium)")),
            Column("utm_content", _("Content (utm_content)")),
            *funnel_columns(),
            *conversion_columns(),
        ],
        rows=rows,
        totals=total,
        chart=Chart(
            label_key="touch",
            series=["enquiries", "applications"],
            kind="bar",
            title=_("Enquiries and applications by source, medium and content"),
        ),
        notes=[
            _(
                "Tags of the touch that decided each enquiry's campaign: the last tracked visit "
                "before the enquiry, or the first visit when there was no later one. "
                "(none) means the link carried no such tag."
            )
        ],
    )


def _funnel_row(aggregate: dict[str, Any] | None) -> dict[str, Any]:
    return {name: (aggregate[name] if aggregate else 0) for name in FUNNEL_KEYS}
