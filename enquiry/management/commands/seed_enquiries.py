"""`manage.py seed_enquiries --count N`: realistic synthetic enquiries, fast enough for a million.

The attribution reports must stay under a second at 1,000,000 enquiries, and that can only be
shown with data shaped like the real thing: enquiries spread over two years (more recently, as a
hub grows), across the partner councils (and "not sure yet"), campaigns (regional and local),
channels, self-reported answers, and a funnel with realistic drop-off and approvals 6+ months
after the enquiry. This command makes such data, and nothing that could reach a real person:
every name is "Synthetic Enquirer", every address `seed-<n>@example.invalid`, every reference
`SEED-<year>-<n>`. It writes enquiry rows only (no history, consents or outbox messages), so it
never sends anything; and it refuses to run unless DEMO_CONTENT_ALLOWED is True, because
synthetic rows would pollute a real site's reports.

On PostgreSQL the rows are streamed with COPY inside one transaction, then VACUUMed and
ANALYZEd (about a minute per million on 2 cores); other databases get bulk_create in batches.
"""

from __future__ import annotations

import json
import math
import random
import time
from bisect import bisect
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.db.models import IntegerField, Max
from django.db.models.functions import Cast, Substr
from django.utils import timezone

from attribution.classification import RULESET_VERSION, Channel
from attribution.models import Campaign, SpendEntry
from councils.models import Council
from enquiry.models import Enquiry, HearAboutOption, Stage
from enquiry.search import phone_key, postcode_key

REFERENCE_PREFIX = "SEED"
SEED_PHONE = "07700 900000"
SEED_CAMPAIGN_PREFIX = "Seed:"
MIN_CAMPAIGNS = 6
REBUILD_INDEXES_FROM = 100_000  # rows in one run: drop and rebuild plain indexes
NOT_SURE_SHARE = 0.08
CAMPAIGN_SHARE = 0.45  # of all enquiries, brought by a campaign in the registry
SAME_FIRST_CHANNEL = 0.72  # first touch in the same channel (and campaign) as the deciding one
APPROVAL_AFTER_DAYS = 183
EPOCH_ORDINAL = date(1970, 1, 1).toordinal()  # approvals come at least six months after the enquiry

# Channels with no campaign behind them, with their share of all enquiries (they add up to
# 1 - CAMPAIGN_SHARE), the rule that would decide them and a typical deciding touch.
ORGANIC_CHANNELS: list[tuple[str, float, str, dict[str, Any]]] = [
    (
        Channel.ORGANIC_SEARCH,
        0.16,
        "organic_search",
        {"referrer_domain": "google.com", "landing_path": "/"},
    ),
    (Channel.DIRECT, 0.11, "direct", {}),
    (Channel.REFERRAL, 0.04, "referral", {"referrer_domain": "fosteringnetwork.example"}),
    (
        Channel.ORGANIC_SOCIAL,
        0.07,
        "organic_social",
        {"referrer_domain": "facebook.com", "landing_path": "/"},
    ),
    (
        Channel.EMAIL,
        0.02,
        "email",
        {"utm_source": "hub-newsletter", "utm_medium": "email", "landing_path": "/"},
    ),
    (Channel.STAFF_ENTERED, 0.05, "staff_entered", {"entered_by_staff": True}),
    (
        Channel.PARTNER_ORGANISATION,
        0.01,
        "partner_organisation",
        {"referrer_domain": "thefosteringcharity.example"},
    ),
    (
        Channel.ORGANIC_VIDEO,
        0.005,
        "organic_video",
        {"referrer_domain": "youtube.com", "landing_path": "/"},
    ),
    (Channel.UNASSIGNED, 0.005, "unassigned", {"utm_source": "qwerty"}),
]
PARTNER_COUNCIL_SHARE = 0.08  # split between the councils, from their own websites

# The rule that classifies a campaign's tagged link, by the campaign's channel.
CAMPAIGN_RULES = {
    Channel.OFFLINE: "offline_medium",
    Channel.PAID_SEARCH: "paid_search",
    Channel.PAID_SOCIAL: "paid_social",
    Channel.DISPLAY: "display_medium",
    Channel.AUDIO: "audio",
    Channel.PARTNER_COUNCIL: "partner_council",
    Channel.EMAIL: "email",
    Channel.SMS: "sms",
    Channel.ORGANIC_SOCIAL: "organic_social",
    Channel.ORGANIC_VIDEO: "organic_video",
    Channel.ORGANIC_SEARCH: "organic_search",
    Channel.PARTNER_ORGANISATION: "partner_organisation",
    Channel.REFERRAL: "referral",
}

# Seed campaigns: (name, code suffix, channel, source, medium, relative weight, monthly £).
REGIONAL_SEED_CAMPAIGNS = [
    ("Hub paid social", "paid-social", Channel.PAID_SOCIAL, "facebook", "paid-social", 10, 2400),
    ("Hub search ads", "search-ads", Channel.PAID_SEARCH, "google", "cpc", 6, 1800),
    ("Hub radio", "radio", Channel.AUDIO, "capital-east-midlands", "radio", 3, 3000),
    ("Hub bus adverts", "bus", Channel.OFFLINE, "bus-side", "outdoor", 2, 1500),
    ("Hub display banners", "display", Channel.DISPLAY, "news-sites", "display", 0.5, 900),
]
LOCAL_SEED_CAMPAIGNS = [
    ("Facebook", "facebook", Channel.PAID_SOCIAL, "facebook", "paid-social", 3, 600),
    ("leaflets", "leaflets", Channel.OFFLINE, "leaflet", "print", 1.5, 250),
    ("newsletter", "newsletter", Channel.EMAIL, "council-newsletter", "email", 1, 0),
]

# Funnel: the chance of reaching each milestone having reached the one before (≈60 % contacted,
# 30 % visit booked, 25 % visit done, 8 % application, 3 % approved, of those old enough),
# and the days each step takes (low, high).
STEPS = [
    ("contacted_on", 0.60, (0, 4)),
    ("visit_booked_on", 0.50, (3, 21)),
    ("visit_done_on", 0.83, (7, 28)),
    ("application_on", 0.32, (14, 90)),
    ("approved_on", 0.375, (90, 200)),
]
STEP_STAGES = [
    Stage.CONTACTED,
    Stage.VISIT_BOOKED,
    Stage.VISIT_DONE,
    Stage.APPLICATION,
    Stage.APPROVED,
]
CLOSED_REASONS = [("withdrawn", 50), ("not_proceeding", 35), ("not_eligible", 15)]

# The columns written for each enquiry, in order (every other column keeps its default).
COLUMNS = [
    "reference",
    "submission_token",
    "created_at",
    "received_on",
    "received_via",
    "language",
    "first_name",
    "last_name",
    "email",
    "phone",
    "postcode",
    "search_phone",
    "search_postcode",
    "postcode_district",
    "council_id",
    "spare_bedroom",
    "contact_method",
    "contact_time",
    "heard_about_id",
    "heard_about_label",
    "first_touch",
    "last_touch",
    "campaign_id",
    "owner",
    "owner_council_id",
    "channel",
    "first_channel",
    "first_campaign_id",
    "channel_rule",
    "ruleset_version",
    "stage",
    "closed_reason",
    "contacted_on",
    "visit_booked_on",
    "visit_done_on",
    "application_on",
    "approved_on",
    "closed_on",
    "handed_over_on",
]
JSON_COLUMNS = {"first_touch", "last_touch"}


class Command(BaseCommand):
    help = (
        "Create N realistic synthetic enquiries (names 'Synthetic Enquirer', addresses "
        "seed-<n>@example.invalid, references SEED-<year>-<n>) across the active councils, the "
        "campaigns (creating 'Seed:' campaigns with monthly spend when there are fewer than "
        f"{MIN_CAMPAIGNS}), channels and stages, received over the last --months months. "
        "Writes enquiry rows only: no history, keep-in-touch consents or outbox messages, so "
        "nothing is ever sent. For benchmarks and demos: refuses to run unless "
        "DEMO_CONTENT_ALLOWED is True. Uses COPY on PostgreSQL (about a minute per million)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--count", type=int, required=True, help="How many enquiries.")
        parser.add_argument(
            "--months", type=int, default=24, help="Spread over this many months up to now."
        )
        parser.add_argument("--seed", type=int, default=1, help="Random seed (repeatable data).")
        parser.add_argument(
            "--batch-size", type=int, default=20000, help="Rows per COPY write or bulk_create."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not getattr(settings, "DEMO_CONTENT_ALLOWED", False):
            raise CommandError(
                "Synthetic enquiries are switched off here (DEMO_CONTENT_ALLOWED is False). They "
                "would count in the real reports, so they only go in with the dev or test "
                "settings (or a benchmark's)."
            )
        count, months, batch_size = options["count"], options["months"], options["batch_size"]
        if count < 1 or months < 1 or batch_size < 1:
            raise CommandError("--count, --months and --batch-size must be at least 1.")
        started = time.perf_counter()
        phases: dict[str, float] = {}
        with transaction.atomic():
            plan = SeedPlan.build(months=months, rng=random.Random(options["seed"]))
            rows = plan.rows(count, first_number=next_seed_number())
            if connection.vendor == "postgresql":
                phases = copy_rows(rows, batch_size, count)
            else:
                create_rows(rows, batch_size)
        if connection.vendor == "postgresql":
            # Statistics for the planner; outside a transaction also VACUUM, which sets the
            # hint bits and visibility map a long-lived table has (autovacuum's work), so the
            # first reports do not pay for it.
            analysed = time.perf_counter()
            table = connection.ops.quote_name(Enquiry._meta.db_table)
            command = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
            with connection.cursor() as cursor:
                cursor.execute(f"{command} {table}")
            phases[command] = time.perf_counter() - analysed
        seconds = time.perf_counter() - started
        if options["verbosity"] >= 1:
            self.print_summary(plan, count, seconds, phases)

    def print_summary(
        self, plan: SeedPlan, count: int, seconds: float, phases: dict[str, float]
    ) -> None:
        write = self.stdout.write
        write(
            self.style.SUCCESS(
                f"Created {count:,} synthetic enquiries in {seconds:.1f} s "
                f"({count / seconds:,.0f} a second)"
                + (
                    f"; created {plan.created_campaigns} seed campaigns"
                    if plan.created_campaigns
                    else ""
                )
                + "."
            )
        )
        if phases:
            write("Time: " + ", ".join(f"{name} {value:.1f} s" for name, value in phases.items()))
        names = dict(Council.objects.values_list("pk", "name"))
        write("By owner:")
        for (owner, council_id), number in sorted(
            plan.by_owner.items(), key=lambda item: (item[0][0] != "regional", str(item[0]))
        ):
            label = {
                "regional": "The hub (regional)",
                "": "No campaign",
            }.get(owner, f"{names.get(council_id, '?')} (local)")
            write(f"  {label:<40} {number:>10,}")
        write("By stage:")
        for stage in Stage:
            write(f"  {stage.label:<40} {plan.by_stage.get(stage.value, 0):>10,}")


def language_for(chance: float) -> str:
    """About one enquiry in twenty in each of the site's other languages, the rest English."""
    others = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
    index = int(chance / 0.05)
    return others[index] if index < len(others) else settings.LANGUAGE_CODE


def next_seed_number() -> int:
    """The first free SEED number: references stay unique however often the command runs."""
    highest = (
        Enquiry.objects.filter(reference__startswith=f"{REFERENCE_PREFIX}-")
        .annotate(number=Cast(Substr("reference", len(REFERENCE_PREFIX) + 7), IntegerField()))
        .aggregate(highest=Max("number"))["highest"]
    )
    return (highest or 0) + 1


def picker(rng: random.Random, weights: Sequence[float]) -> Callable[[], int]:
    """A fast weighted choice of an index (one random number and a bisect)."""
    cumulative, total = [], 0.0
    for weight in weights:
        total += weight
        cumulative.append(total)
    draw = rng.random
    last = len(cumulative) - 1

    def pick() -> int:
        return min(bisect(cumulative, draw() * total), last)

    return pick


def escape(value: str) -> str:
    """A value in COPY's text format (data from the database may hold tabs or backslashes)."""
    return (
        value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    )


@dataclass
class Source:
    """One way enquiries arrive: a campaign, or a channel with no campaign behind it."""

    weight: float
    channel: str
    rule: str
    touch: dict[str, Any]
    campaign_id: int | None = None
    owner: str = ""
    owner_council_id: int | None = None
    council_id: int | None = None  # the council it mostly brings enquiries for (local, partner)

    def __post_init__(self) -> None:
        opening = json.dumps(self.touch)[:-1]
        self._prefix = escape(opening + (", " if self.touch else "") + '"at": "')

    def touch_json(self, at: str) -> str:
        """The stored touch with its time, as JSON text (built cheaply per row)."""
        return f'{self._prefix}{at}"}}'


@dataclass
class SeedPlan:
    """Everything decided once (councils, campaigns, sources, answers); then rows per enquiry."""

    rng: random.Random
    months: int
    councils: list[tuple[int, list[str]]]
    sources: list[Source]
    answers: list[tuple[int, str, list[str]]]
    created_campaigns: int = 0
    by_owner: Counter = field(default_factory=Counter)
    by_stage: Counter = field(default_factory=Counter)

    @classmethod
    def build(cls, *, months: int, rng: random.Random) -> SeedPlan:
        councils = list(Council.objects.active().order_by("pk"))
        if not councils:
            raise CommandError("There are no active councils: add the partner councils first.")
        created = 0
        if Campaign.objects.count() < MIN_CAMPAIGNS:
            created = create_seed_campaigns(councils, months, rng)
        sources = campaign_sources(rng)
        for channel, share, rule, touch in ORGANIC_CHANNELS:
            sources.append(Source(share, channel, rule, touch))
        for council in councils:
            domain = (council.website_domains.split() or [f"{council.short_name}.gov.uk"])[0]
            sources.append(
                Source(
                    PARTNER_COUNCIL_SHARE / len(councils),
                    Channel.PARTNER_COUNCIL,
                    "partner_council",
                    {"referrer_domain": domain, "landing_path": "/"},
                    council_id=council.pk,
                )
            )
        answers = [
            (option.pk, escape(option.label), list(option.matching_channels or []))
            for option in HearAboutOption.objects.originals().order_by("sort_order", "pk")
        ]
        return cls(
            rng=rng,
            months=months,
            councils=[
                (council.pk, [escape(d) for d in council.districts] or ["ZZ99"])
                for council in councils
            ],
            sources=sources,
            answers=answers,
            created_campaigns=created,
        )

    def rows(self, count: int, first_number: int) -> Iterator[list[str | None]]:
        """One list of column values (strings, or None for NULL) per enquiry, in COLUMNS order."""
        rng = self.rng
        draw = rng.random

        def randint(low: int, high: int) -> int:  # random.randint without its checks: faster
            return low + int(draw() * (high - low + 1))

        def utc_text(moment: int) -> str:  # ISO 8601 in UTC, faster than datetime.isoformat
            seconds = moment % 86400
            return (
                f"{day(EPOCH_ORDINAL + moment // 86400)}T{seconds // 3600:02d}:"
                f"{seconds // 60 % 60:02d}:{seconds % 60:02d}+00:00"
            )

        now = timezone.now()
        today = timezone.localdate().toordinal()
        span = self.months * 30.44 * 86400
        start = now.timestamp() - span
        london = timezone.get_current_timezone()
        day_text: dict[int, str] = {}

        def day(ordinal: int) -> str:
            text = day_text.get(ordinal)
            if text is None:
                text = day_text[ordinal] = date.fromordinal(ordinal).isoformat()
            return text

        sources = self.sources
        pick_source = picker(rng, [source.weight for source in sources])
        pick_council = picker(rng, [1.0 + draw() for _ in self.councils])
        councils = self.councils
        by_id = {council[0]: council for council in councils}
        extras = extra_columns()
        answers_for = {
            channel.value: [a for a in self.answers if channel.value in a[2]] for channel in Channel
        }
        answers = self.answers
        pick_reason = picker(rng, [weight for _reason, weight in CLOSED_REASONS])
        pick_bedroom = picker(rng, [70, 10, 20])
        pick_time = picker(rng, [40, 20, 25, 15])
        bedrooms = ["yes", "no", "not_yet"]
        methods = ["phone", "email", "text"]
        times = ["any", "morning", "afternoon", "evening"]
        token_prefix = (
            f"{rng.getrandbits(32):08x}-{rng.getrandbits(16):04x}-4{rng.getrandbits(12):03x}-"
        )
        token_prefix += f"{0x8000 | rng.getrandbits(14):04x}-"
        by_owner, by_stage = self.by_owner, self.by_stage

        for number in range(first_number, first_number + count):
            # Received: more recently is more likely (density rising linearly to three times).
            moment = int(start + span * (math.sqrt(1 + 8 * draw()) - 1) / 2)
            local = datetime.fromtimestamp(moment, london)
            received = local.toordinal()
            created_at = at = utc_text(moment)

            source = sources[pick_source()]
            if source.council_id and draw() < 0.85:
                council_id, districts = by_id[source.council_id]
            elif draw() < NOT_SURE_SHARE:
                council_id, districts = None, councils[pick_council()][1]
            else:
                council_id, districts = councils[pick_council()]
            district = districts[randint(0, len(districts) - 1)]

            if draw() < SAME_FIRST_CHANNEL:
                first, first_at = source, at
            else:
                first = sources[pick_source()]
                first_at = utc_text(moment - randint(3600, 40 * 86400))

            answer_id, answer_label = None, ""
            if draw() < 0.65:
                agreeing = answers_for.get(source.channel, [])
                pool = agreeing if agreeing and draw() < 0.6 else answers
                if pool:
                    answer_id, answer_label, _channels = pool[randint(0, len(pool) - 1)]

            # The funnel: each step reached with its chance, on a later date, never in the future.
            dates: list[int | None] = [None] * 5
            last = received
            reached = -1
            for index, (_name, chance, (low, high)) in enumerate(STEPS):
                if draw() >= chance:
                    break
                when = last + randint(low, high)
                if index == 4:
                    when = max(when, received + APPROVAL_AFTER_DAYS + randint(0, 60))
                if when > today:
                    break
                dates[index] = when
                last = when
                reached = index
            stage = STEP_STAGES[reached] if reached >= 0 else Stage.NEW
            closed_reason, closed_on = "", None
            if reached < 4 and last + 30 < today:
                roll = draw()
                if roll < 0.45:
                    stage = Stage.CLOSED
                    closed_reason = CLOSED_REASONS[pick_reason()][0]
                    closed_on = min(today, last + randint(7, 60))
                elif roll < 0.55 and reached < 3:
                    stage = Stage.KEEP_IN_TOUCH
            staff = source.channel == Channel.STAFF_ENTERED
            by_owner[(source.owner, source.owner_council_id)] += 1
            by_stage[stage] += 1

            yield [
                f"{REFERENCE_PREFIX}-{local.year}-{number:07d}",
                f"{token_prefix}{number:012x}",
                created_at,
                day(received),
                ("phone" if draw() < 0.7 else "email") if staff else "website",
                language_for(draw()),
                "Synthetic",
                "Enquirer",
                f"seed-{number}@example.invalid",
                SEED_PHONE,
                (postcode := f"{district} {randint(1, 9)}ZZ"),
                phone_key(SEED_PHONE),
                postcode_key(postcode),
                district,
                None if council_id is None else str(council_id),
                bedrooms[pick_bedroom()],
                methods[randint(0, 2)],
                times[pick_time()],
                None if answer_id is None else str(answer_id),
                answer_label,
                first.touch_json(first_at),
                source.touch_json(at) if source.touch else "{}",
                None if source.campaign_id is None else str(source.campaign_id),
                source.owner,
                None if source.owner_council_id is None else str(source.owner_council_id),
                source.channel,
                first.channel,
                None if first.campaign_id is None else str(first.campaign_id),
                source.rule,
                RULESET_VERSION,
                stage,
                closed_reason,
                *(None if when is None else day(when) for when in dates),
                None if closed_on is None else day(closed_on),
                day(dates[0]) if council_id is not None and dates[0] is not None else None,
                *extras.values(),
            ]


def extra_columns() -> dict[str, str | None]:
    """Every other NOT NULL column with its model default (e.g. an empty question), as COPY
    text, so a field added to Enquiry later does not break the seeding."""
    extras: dict[str, str | None] = {}
    for model_field in Enquiry._meta.concrete_fields:
        if model_field.primary_key or model_field.column in COLUMNS or model_field.null:
            continue
        value = model_field.get_default()
        if isinstance(value, bool):
            extras[model_field.column] = "t" if value else "f"
        elif isinstance(value, dict | list):
            extras[model_field.column] = escape(json.dumps(value))
        else:
            extras[model_field.column] = None if value is None else escape(str(value))
    return extras


def campaign_sources(rng: random.Random) -> list[Source]:
    """A source per campaign in the registry, sharing CAMPAIGN_SHARE of the enquiries."""
    campaigns = list(Campaign.objects.order_by("pk"))
    if not campaigns:
        return []
    seed_weights = {
        f"{SEED_CAMPAIGN_PREFIX} {name}": weight
        for name, _code, _channel, _source, _medium, weight, _spend in REGIONAL_SEED_CAMPAIGNS
    }
    local_weights = {
        suffix: weight
        for _name, suffix, _channel, _source, _medium, weight, _spend in LOCAL_SEED_CAMPAIGNS
    }
    weights = []
    for campaign in campaigns:
        weight = seed_weights.get(campaign.name)
        if weight is None and campaign.name.startswith(SEED_CAMPAIGN_PREFIX):
            weight = local_weights.get(campaign.code.rsplit("-", 1)[-1], 1.0)
        if weight is None:
            weight = 2.0 if campaign.council_id is None else 1.5
        weights.append(weight * (0.8 + 0.4 * rng.random()))
    total = sum(weights)
    return [
        Source(
            CAMPAIGN_SHARE * weight / total,
            campaign.channel,
            CAMPAIGN_RULES.get(campaign.channel, "campaign_registry"),
            {**campaign.tags, "landing_path": "/"},
            campaign_id=campaign.pk,
            owner="regional" if campaign.council_id is None else "local",
            owner_council_id=campaign.council_id,
            council_id=campaign.council_id,
        )
        for campaign, weight in zip(campaigns, weights, strict=True)
    ]


def create_seed_campaigns(councils: list[Council], months: int, rng: random.Random) -> int:
    """Regional campaigns and each council's local ones, named "Seed: …", with monthly spend."""
    today = timezone.localdate()
    first_month = month_start(today, -months)
    created = 0
    plans = [
        (f"{SEED_CAMPAIGN_PREFIX} {name}", f"seed-hub-{code}", None, channel, src, medium, spend)
        for name, code, channel, src, medium, _weight, spend in REGIONAL_SEED_CAMPAIGNS
    ]
    for council in councils:
        short = council.short_name.replace("_", "-")[:40]
        plans += [
            (
                f"{SEED_CAMPAIGN_PREFIX} {council.name} {name}",
                f"seed-{short}-{code}",
                council,
                channel,
                src,
                medium,
                spend,
            )
            for name, code, channel, src, medium, _weight, spend in LOCAL_SEED_CAMPAIGNS
        ]
    for name, code, council, channel, src, medium, monthly in plans:
        campaign, made = Campaign.objects.get_or_create(
            code=code,
            defaults={
                "name": name[:120],
                "council": council,
                "channel": channel,
                "source": src,
                "medium": medium,
                "start_date": first_month,
                "notes": "Synthetic campaign made by manage.py seed_enquiries.",
            },
        )
        if not made:
            continue
        created += 1
        entries = []
        for offset in range(months + 1):
            if monthly and rng.random() < 0.9:
                amount = Decimal(monthly * (0.6 + 0.8 * rng.random())).quantize(Decimal("0.01"))
                entries.append(
                    SpendEntry(
                        campaign=campaign,
                        spent_on=month_start(first_month, offset),
                        amount=amount,
                        description="Synthetic monthly spend",
                        sort_order=offset,
                    )
                )
        SpendEntry.objects.bulk_create(entries)
    return created


def month_start(day: date, offset: int) -> date:
    """The first of the month `offset` months after `day`'s month (negative: before)."""
    index = day.year * 12 + day.month - 1 + offset
    return date(index // 12, index % 12 + 1, 1)


def copy_rows(rows: Iterator[list[str | None]], batch_size: int, count: int) -> dict[str, float]:
    """Stream the rows into PostgreSQL with COPY (text format), batch_size lines per write.

    For a big load (at least REBUILD_INDEXES_FROM rows, and more than the table holds) the
    plain secondary indexes and the table's foreign keys are dropped first and put back after,
    in the same transaction, as pg_restore does: building an index once over all the rows, and
    checking a foreign key with one join, is several times faster than a million separate
    index insertions and key checks. Putting a foreign key back checks every row, so nothing
    unchecked gets in; unique indexes (and so the reference check) stay in place throughout.
    Returns the seconds spent in each phase.
    """
    table = connection.ops.quote_name(Enquiry._meta.db_table)
    columns = ", ".join(
        connection.ops.quote_name(column) for column in [*COLUMNS, *extra_columns()]
    )
    phases: dict[str, float] = {}
    with connection.cursor() as cursor:
        indexes: list[tuple[str, str]] = []
        keys: list[tuple[str, str]] = []
        cursor.execute(
            "SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [Enquiry._meta.db_table]
        )
        existing = max(0, cursor.fetchone()[0])
        if count >= REBUILD_INDEXES_FROM and count > existing:
            # Run the checks still queued in this transaction (the seed campaigns' keys): a
            # table with pending checks cannot be altered.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE conrelid = %s::regclass AND contype = 'f'",
                [Enquiry._meta.db_table],
            )
            keys = cursor.fetchall()
            for name, _definition in keys:
                cursor.execute(
                    f"ALTER TABLE {table} DROP CONSTRAINT {connection.ops.quote_name(name)}"
                )
            cursor.execute(
                "SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i "
                "JOIN pg_class c ON c.oid = i.indexrelid "
                "WHERE i.indrelid = %s::regclass AND NOT i.indisunique AND NOT i.indisprimary "
                "AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)",
                [Enquiry._meta.db_table],
            )
            indexes = cursor.fetchall()
            for name, _definition in indexes:
                cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
        started = time.perf_counter()
        with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            lines: list[str] = []
            for row in rows:
                lines.append("\t".join("\\N" if value is None else value for value in row))
                if len(lines) >= batch_size:
                    copy.write("\n".join(lines) + "\n")
                    lines.clear()
            if lines:
                copy.write("\n".join(lines) + "\n")
        phases["generate and COPY"] = time.perf_counter() - started
        if indexes or keys:
            started = time.perf_counter()
            cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
            for _name, definition in indexes:
                cursor.execute(definition)
            phases["rebuild indexes"] = time.perf_counter() - started
            started = time.perf_counter()
            for name, definition in keys:
                cursor.execute(
                    f"ALTER TABLE {table} ADD CONSTRAINT {connection.ops.quote_name(name)} "
                    f"{definition}"
                )
            phases["check foreign keys"] = time.perf_counter() - started
    return phases


def create_rows(rows: Iterator[list[str | None]], batch_size: int) -> None:
    """The portable way (SQLite in development): bulk_create in batches."""
    unescape = {"\\\\": "\\", "\\t": "\t", "\\n": "\n", "\\r": "\r"}

    def plain(value: str) -> str:
        for escaped, raw in unescape.items():
            value = value.replace(escaped, raw)
        return value

    batch: list[Enquiry] = []
    for row in rows:
        values = dict(zip(COLUMNS, row[: len(COLUMNS)], strict=True))
        for column in JSON_COLUMNS:
            values[column] = json.loads(values[column])
        values["heard_about_label"] = plain(values["heard_about_label"])
        values["postcode"] = plain(values["postcode"])
        values["postcode_district"] = plain(values["postcode_district"])
        batch.append(Enquiry(**values))
        if len(batch) >= batch_size:
            Enquiry.objects.bulk_create(batch, batch_size=min(batch_size, 500))
            batch.clear()
    if batch:
        Enquiry.objects.bulk_create(batch, batch_size=min(batch_size, 500))
