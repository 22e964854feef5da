"""What every attribution report shares: the filters, the enquiries and spend they select, and
the table (columns, rows, chart) that the admin screen, the CSV/XLSX export and
`manage.py attribution_report` all render from the same rows.

Reports count cohorts: the enquiries received in the date range, and every milestone those
enquirers have reached since (an approval can arrive nine months after the enquiry). Spend is
counted by the date it was spent, and a cost divides it only by the enquiries it brought.
Every figure is aggregated in the database; Python only arranges a few dozen aggregated rows.

A board reads these on a laptop, so a table says which of its columns matter most (shown
first, the rest a choice or the spreadsheet away), each share names its base, and a figure
that cannot be worked out is left blank with the reason rather than shown as £0.00.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.utils import timezone, translation
from django.utils.dateparse import parse_date
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from attribution.classification import CHANNEL_LABELS, Channel
from attribution.models import Campaign, SpendEntry
from core.formatting import Kind, format_value  # how a column's values are shown and exported
from councils.models import Council
from enquiry.models import Enquiry

OWNER_REGIONAL = "regional"
OWNER_LOCAL = "local"
OWNER_NONE = "none"
OWNER_CHOICES = [
    (OWNER_REGIONAL, _("The hub (regional)")),
    (OWNER_LOCAL, _("A council (local)")),
    (OWNER_NONE, _("No campaign")),
]
NOT_SURE_YET = "not-sure"

# The funnel every report counts, as (column key, label, the milestone date that marks it).
FUNNEL = [
    ("initial_visits", _("Initial visits"), "visit_done_on"),
    ("applications", _("Applications"), "application_on"),
    ("approvals", _("Approvals"), "approved_on"),
]


@dataclass(frozen=True)
class Column:
    """One column of a report: the key of its value in each row, its heading and its kind.

    `on_screen`: shown before anyone chooses columns. The key figures (spend and costs among
    them) fit a laptop's screen; the rest are a choice or the spreadsheet away. `exported`: in
    the spreadsheets and the command's output; False for a summary only the screen needs
    ("Other channels", which a spreadsheet's sums would count twice). `base`: for a percentage,
    the keys of its part and its whole, so the screen says what it is a share of ("2 of 4");
    `base_text` words it, with %(part)s and %(whole)s.
    """

    key: str
    label: str
    kind: str = Kind.TEXT
    on_screen: bool = True
    exported: bool = True
    base: tuple[str, str] | None = None
    base_text: str = ""


@dataclass(frozen=True)
class Chart:
    """What to draw: one bar (or point) per row, labelled by `label_key`, for each series key.

    `kind` is "bar" (grouped horizontal bars, one group per row) or "line" (a trend over the
    rows in order, one line per series). `rows`: rows of its own to draw instead of the
    table's (a summary of them, such as each channel's total over the months); the screen
    shows their figures beside the chart.
    """

    label_key: str
    series: list[str]
    kind: str = "bar"
    title: str = ""
    rows: list[dict[str, Any]] | None = None


@dataclass
class Table:
    """A report's result: the same rows feed the screen, the export and the command."""

    title: str
    columns: list[Column]
    rows: list[dict[str, Any]]
    chart: Chart | None = None
    totals: dict[str, Any] | None = None
    notes: list[str] = field(default_factory=list)

    def column(self, key: str) -> Column:
        return next(column for column in self.columns if column.key == key)

    @property
    def exported_columns(self) -> list[Column]:
        """The columns of the spreadsheets and of `manage.py attribution_report`: all of them
        but the screen's own summaries."""
        return [column for column in self.columns if column.exported]

    def screen_columns(self, chosen: Iterable[str] = ()) -> list[Column]:
        """The columns the screen shows: the first (what each row is) and those chosen, in the
        table's order; the `on_screen` ones when none of the chosen is a column."""
        keys = set(chosen)
        first, *others = self.columns
        if not keys & {column.key for column in others}:
            return [first, *(column for column in others if column.on_screen)]
        return [first, *(column for column in others if column.key in keys)]


# A row's words for its blank figures: {column key: why it is blank}, e.g. "No spend". The
# figure itself is None, an empty cell in the spreadsheets; the screen says why.
WHY_BLANK = "why_blank"


def leave_blank(row: dict[str, Any], key: str, why: str) -> None:
    """Leave a row's figure blank, saying why on the screen."""
    row[key] = None
    row.setdefault(WHY_BLANK, {})[key] = why


@dataclass(frozen=True)
class ReportFilters:
    """The filters every report offers. Empty values mean "any"."""

    date_from: date | None = None
    date_to: date | None = None
    council_id: int | str | None = None  # an enquiry's council id, or NOT_SURE_YET
    owner: str = ""  # OWNER_REGIONAL, OWNER_LOCAL or OWNER_NONE
    channel: str = ""  # a Channel value (the tracked, deciding-touch channel)
    campaign_id: int | None = None

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> ReportFilters:
        """Filters from request.GET or command options; values that do not parse are ignored
        (the admin's filter form reports them to the person)."""

        def as_date(value: Any) -> date | None:
            if isinstance(value, date):
                return value
            try:
                return parse_date(str(value)) if value else None
            except ValueError:
                return None

        def as_id(value: Any) -> int | None:
            try:
                return int(value) if value not in (None, "") else None
            except (TypeError, ValueError):
                return None

        council = data.get("council")
        owner = data.get("owner") or ""
        channel = data.get("channel") or ""
        return cls(
            date_from=as_date(data.get("date_from")),
            date_to=as_date(data.get("date_to")),
            council_id=NOT_SURE_YET if council == NOT_SURE_YET else as_id(council),
            owner=owner if owner in dict(OWNER_CHOICES) else "",
            channel=channel if channel in {c.value for c in Channel} else "",
            campaign_id=as_id(data.get("campaign")),
        )

    # --- What the filters select ------------------------------------------------------------

    def received_range(self) -> Q:
        """Enquiries received in the date range (UK dates, both ends included)."""
        condition = Q()
        if self.date_from:
            condition &= Q(received_on__gte=self.date_from)
        if self.date_to:
            condition &= Q(received_on__lte=self.date_to)
        return condition

    def enquiries(self) -> QuerySet[Enquiry]:
        """The enquiries the filters select (every council's: reports hold no personal data)."""
        queryset = Enquiry.objects.filter(self.received_range())
        if self.council_id == NOT_SURE_YET:
            queryset = queryset.filter(council__isnull=True)
        elif self.council_id:
            queryset = queryset.filter(council_id=self.council_id)
        if self.owner:
            queryset = queryset.filter(owner="" if self.owner == OWNER_NONE else self.owner)
        if self.channel:
            queryset = queryset.filter(channel=self.channel)
        if self.campaign_id:
            queryset = queryset.filter(campaign_id=self.campaign_id)
        return queryset

    def spend(self) -> QuerySet[SpendEntry]:
        """The spend entries the filters select, by the date the money was spent.

        Spend belongs to a campaign, so it follows the campaign's owner and channel. With a
        council chosen, only that council's local campaigns count: regional spend is not split
        between councils. With "no campaign" chosen there is no spend.
        """
        queryset = SpendEntry.objects.all()
        if self.date_from:
            queryset = queryset.filter(spent_on__gte=self.date_from)
        if self.date_to:
            queryset = queryset.filter(spent_on__lte=self.date_to)
        if self.council_id == NOT_SURE_YET or self.owner == OWNER_NONE:
            return queryset.none()
        if self.council_id:
            queryset = queryset.filter(campaign__council_id=self.council_id)
        if self.owner == OWNER_REGIONAL:
            queryset = queryset.filter(campaign__council__isnull=True)
        elif self.owner == OWNER_LOCAL:
            queryset = queryset.filter(campaign__council__isnull=False)
        if self.channel:
            queryset = queryset.filter(campaign__channel=self.channel)
        if self.campaign_id:
            queryset = queryset.filter(campaign_id=self.campaign_id)
        return queryset

    def counted_campaigns(self) -> Q:
        """The enquiries brought by a campaign whose spend the filters count (see `spend`):
        the enquiries that money brought, which its cost per enquiry is worked out over."""
        if self.council_id == NOT_SURE_YET or self.owner == OWNER_NONE:
            return Q(campaign__isnull=False) & Q(campaign__isnull=True)  # none: no spend counts
        condition = Q(campaign__isnull=False)
        if self.council_id:
            condition &= Q(campaign__council_id=self.council_id)
        if self.owner == OWNER_REGIONAL:
            condition &= Q(campaign__council__isnull=True)
        elif self.owner == OWNER_LOCAL:
            condition &= Q(campaign__council__isnull=False)
        if self.channel:
            condition &= Q(campaign__channel=self.channel)
        return condition

    def describe(self) -> str:
        """The date range in words, for headings and file names."""
        start = self.date_from.isoformat() if self.date_from else "start"
        end = self.date_to.isoformat() if self.date_to else timezone.localdate().isoformat()
        return f"{start} to {end}"


# --- Building blocks ---------------------------------------------------------------------------


def funnel_counts() -> dict[str, Count]:
    """The aggregate expressions for enquiries and each funnel milestone reached."""
    counts = {"enquiries": Count("pk")}
    for key, _label, milestone in FUNNEL:
        counts[key] = Count("pk", filter=Q(**{f"{milestone}__isnull": False}))
    return counts


def funnel_columns(on_screen: Iterable[str] = ("applications",)) -> list[Column]:
    """Enquiries (always shown) and each milestone; those in `on_screen` shown by default."""
    shown = set(on_screen)
    return [Column("enquiries", str(_("Enquiries")), Kind.COUNT)] + [
        Column(key, str(label), Kind.COUNT, on_screen=key in shown)
        for key, label, _milestone in FUNNEL
    ]


def campaign_counts(brought: Q, prefix: str = "") -> dict[str, Count]:
    """The aggregate expressions for the enquiries, and their applications, that the spent
    money brought: those matching `brought` (the campaigns whose spend a row counts)."""
    return {
        f"{prefix}campaign_enquiries": Count("pk", filter=brought),
        f"{prefix}campaign_applications": Count(
            "pk", filter=brought & Q(application_on__isnull=False)
        ),
    }


def cost_columns(*, brought_on_screen: bool = True) -> list[Column]:
    """Spend, what it brought, and the costs: spend over the enquiries and applications the
    spend brought."""
    return [
        Column(
            "campaign_enquiries",
            str(_("Enquiries the spend brought")),
            Kind.COUNT,
            on_screen=brought_on_screen,
        ),
        Column(
            "campaign_applications",
            str(_("Applications the spend brought")),
            Kind.COUNT,
            on_screen=False,
        ),
        Column("spend", str(_("Spend")), Kind.MONEY),
        Column("cost_per_enquiry", str(_("Cost per enquiry")), Kind.MONEY),
        Column("cost_per_application", str(_("Cost per application")), Kind.MONEY),
    ]


COST_KEYS = (
    "campaign_enquiries",
    "campaign_applications",
    "spend",
    "cost_per_enquiry",
    "cost_per_application",
)


def add_costs(row: dict[str, Any]) -> dict[str, Any]:
    """Cost per enquiry and per application of a row holding its `spend` (None when none of
    the spend is counted in the row) and the `campaign_enquiries` and `campaign_applications`
    that spend brought.

    Costs exist only where money was spent: without spend the money figures are blank (the
    spend says "No spend", never £0.00, and what it cost or brought is not applicable), and a
    cost over nothing is blank too ("Brought no enquiries").
    """
    spend = row.get("spend")
    if spend is None or not spend:
        for key in COST_KEYS:
            row[key] = None
        if spend is not None:
            leave_blank(row, "spend", gettext("No spend"))
        return row
    row["cost_per_enquiry"] = cost_per(spend, row["campaign_enquiries"])
    row["cost_per_application"] = cost_per(spend, row["campaign_applications"])
    if not row["campaign_enquiries"]:
        leave_blank(row, "cost_per_enquiry", gettext("Brought no enquiries"))
    if not row["campaign_applications"]:
        leave_blank(row, "cost_per_application", gettext("Brought no applications"))
    return row


def all_row_cost_note(totals: dict[str, Any]) -> str | None:
    """What the "All enquiries" row's cost per enquiry is over, in words; None without one."""
    if totals.get("cost_per_enquiry") is None:
        return None
    return gettext(
        "In the “All enquiries” row, cost per enquiry is the spend (%(spend)s) divided by the "
        "enquiries its campaigns brought (%(brought)s of %(all)s), not by every enquiry."
    ) % {
        "spend": format_value(totals["spend"], Kind.MONEY),
        "brought": format_value(totals["campaign_enquiries"], Kind.COUNT),
        "all": format_value(totals["enquiries"], Kind.COUNT),
    }


CONVERSIONS = [
    ("visit_rate", _("Enquiry to initial visit"), "initial_visits", "enquiries"),
    (
        "visit_to_application_rate",
        _("Initial visit to application"),
        "applications",
        "initial_visits",
    ),
    ("application_rate", _("Enquiry to application"), "applications", "enquiries"),
    ("approval_rate", _("Enquiry to approval"), "approvals", "enquiries"),
]


def conversion_columns(on_screen: Iterable[str] = ("application_rate",)) -> list[Column]:
    """The conversion rates, each stating its base; those in `on_screen` shown by default."""
    shown = set(on_screen)
    return [
        Column(
            key,
            str(label),
            Kind.PERCENT,
            on_screen=key in shown,
            base=(numerator, denominator),
        )
        for key, label, numerator, denominator in CONVERSIONS
    ]


def add_conversions(row: dict[str, Any]) -> dict[str, Any]:
    """Add the conversion rates to a row holding the funnel counts."""
    for key, _label, numerator, denominator in CONVERSIONS:
        row[key] = percentage(row.get(numerator) or 0, row.get(denominator) or 0)
    return row


def percentage(part: int, whole: int) -> Decimal | None:
    """part / whole as a percentage to one decimal place; None when whole is 0."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def money(amount: Decimal | int | None) -> Decimal | None:
    """An amount in pounds and pence (SQLite sums decimals without their places)."""
    if amount is None:
        return None
    return Decimal(amount).quantize(Decimal("0.01"), ROUND_HALF_UP)


def cost_per(spend: Decimal | None, count: int) -> Decimal | None:
    """Spend divided by a count, in pounds and pence; None without spend or without a count."""
    if spend is None or not count:
        return None
    return (Decimal(spend) / count).quantize(Decimal("0.01"), ROUND_HALF_UP)


def channel_label(value: str) -> str:
    """The report label of a stored channel value ("Not classified" for an empty one)."""
    try:
        return CHANNEL_LABELS[Channel(value)]
    except ValueError:
        return str(_("Not classified"))


def channel_order(value: str) -> int:
    """Channels sort in the order classification tries them."""
    order = list(Channel)
    try:
        return order.index(Channel(value))
    except ValueError:
        return len(order)


# --- Groups: the rows reports are split into ---------------------------------------------------
# A group key is OWNER_REGIONAL, (OWNER_LOCAL, council id) or OWNER_NONE when grouping by owner;
# a council id or NOT_SURE_YET by council; a campaign id or OWNER_NONE by campaign; a channel
# value by channel.

SPECIAL_KEYS = {OWNER_REGIONAL, OWNER_NONE, NOT_SURE_YET}


def owner_key(owner: str, owner_council_id: int | None) -> Any:
    """The owner group of an enquiry's stored owner and owning council."""
    if owner == OWNER_REGIONAL:
        return OWNER_REGIONAL
    if owner == OWNER_LOCAL:
        return (OWNER_LOCAL, owner_council_id)
    return OWNER_NONE


def group_labels(by: str, keys) -> dict[Any, str]:
    """Labels for group keys, with one query for the councils or campaigns they name."""
    keys = list(keys)
    if by in ("owner", "council"):
        council_ids = {
            key[1] if isinstance(key, tuple) else key for key in keys if key not in SPECIAL_KEYS
        }
        names = dict(Council.objects.filter(pk__in=council_ids).values_list("pk", "name"))
        labels: dict[Any, str] = {
            OWNER_REGIONAL: str(_("The hub (regional)")),
            OWNER_NONE: str(_("No campaign")),
            NOT_SURE_YET: str(_("Not sure yet")),
        }
        for key in keys:
            if isinstance(key, tuple):
                labels[key] = str(_("%(council)s (local)")) % {"council": names.get(key[1], "?")}
            elif key not in SPECIAL_KEYS:
                labels[key] = names.get(key, "?")
        return labels
    if by == "campaign":
        ids = [key for key in keys if key != OWNER_NONE]
        names = dict(Campaign.objects.filter(pk__in=ids).values_list("pk", "name"))
        return {key: names.get(key, str(_("No campaign"))) for key in keys}
    if by == "language":
        return {key: language_label(key) for key in keys}
    return {key: channel_label(key) for key in keys}


def language_label(code: str) -> str:
    """A language as staff read it: "Polish (Polski)"; a code no longer configured as itself."""
    try:
        info = translation.get_language_info(code)
    except KeyError:
        return code
    name = str(_(info["name"]))
    return name if info["name_local"].lower() == name.lower() else f"{name} ({info['name_local']})"


def group_sort_key(by: str, key: Any, label: str, enquiries: int = 0) -> tuple:
    """Rows in a stable, meaningful order: the hub first, then councils by name, then "no
    campaign"; councils by name with "not sure yet" last; campaigns by enquiries; channels in
    classification order."""
    if by == "owner":
        rank = 0 if key == OWNER_REGIONAL else 2 if key == OWNER_NONE else 1
        return (rank, label)
    if by == "council":
        return (key == NOT_SURE_YET, label)
    if by == "campaign":
        return (key == OWNER_NONE, -enquiries, label)
    if by == "language":
        return (key != settings.LANGUAGE_CODE, -enquiries, label)
    return (channel_order(key), label)
