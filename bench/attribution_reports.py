#!/usr/bin/env python
"""Attribution reports at scale: seed 1,000,000 enquiries, then time every report.

    .venv/bin/python bench/attribution_reports.py [--count 1000000] [--repeat 3] [--explain]

What it does (everything is private to the run and removed afterwards):

1. Starts its own PostgreSQL (testkit/postgres.py) and migrates it (from the test suite's
   migrated dump when there is one), on the test settings with DATABASE_URL pointing at it
   (they allow synthetic data: DEMO_CONTENT_ALLOWED).
2. Creates four partner councils and the usual "How did you hear about us?" answers, then
   times `manage.py seed_enquiries --count N` (which also makes the "Seed:" campaigns and their
   monthly spend).
3. Times every report function at that size, with the default filter (the last 12 months) and
   with no date filter: regional_vs_local by owner, council, campaign and channel, and those of
   campaign_performance, campaign_breakdown (for the campaign with most enquiries),
   channels_over_time (month, week), funnel_cohorts (channel, owner), first_vs_last,
   self_reported_agreement and timeliness that exist; then `manage.py attribution_report` as CSV
   and as JSON. Each is run once to warm up, then the best of --repeat runs is reported.
4. Prints a table of seconds per report and flags anything at or over one second; with
   --explain, prints EXPLAIN (ANALYZE, BUFFERS) of the slowest query of each flagged report.

Exits non-zero when a report takes a second or more.
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import io
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from testkit.postgres import MigratedDatabaseCache, start_server  # noqa: E402

SLOW_SECONDS = 1.0

COUNCILS = [
    ("Derby City Council", "derby", "E06000015", "derby.gov.uk", "DE1 DE3 DE21 DE22 DE23 DE24"),
    ("Derbyshire County Council", "derbyshire", "E10000007", "derbyshire.gov.uk", "DE4 DE45 S40"),
    ("Nottingham City Council", "nottingham", "E06000018", "nottinghamcity.gov.uk", "NG1 NG5 NG7"),
    (
        "Nottinghamshire County Council",
        "nottinghamshire",
        "E10000024",
        "nottinghamshire.gov.uk",
        "NG17 NG18 NG22 S80",
    ),
]
ANSWERS = [
    ("Social media", ["paid-social", "organic-social"]),
    ("Search engine", ["paid-search", "organic-search"]),
    ("Radio", ["audio"]),
    ("Poster, leaflet or bus advert", ["offline"]),
    ("My council's website", ["partner-council"]),
    ("Email or newsletter", ["email"]),
    ("A friend or family member", []),
    ("Other", []),
]

# (module, function, [(label suffix, keyword arguments)]): resolved by name, skipped if absent.
REPORTS: list[tuple[str, str, list[tuple[str, dict]]]] = [
    (
        "regional",
        "regional_vs_local",
        [(f"by={by}", {"by": by}) for by in ("owner", "council", "campaign", "channel")],
    ),
    ("campaigns", "campaign_performance", [("", {})]),
    ("campaigns", "campaign_breakdown", [("biggest campaign", {"campaign_id": None})]),
    (
        "trends",
        "channels_over_time",
        [("month", {"period": "month"}), ("week", {"period": "week"})],
    ),
    (
        "trends",
        "funnel_cohorts",
        [("by=channel", {"by": "channel"}), ("by=owner", {"by": "owner"})],
    ),
    ("journey", "first_vs_last", [("", {})]),
    ("journey", "self_reported_agreement", [("", {})]),
    ("journey", "timeliness", [("", {})]),
]


def prepare(postgres) -> None:
    os.environ.update(
        DJANGO_SETTINGS_MODULE="config.settings.test",
        DATABASE_URL=f"postgresql://postgres@{postgres.host}:{postgres.port}/bench",
    )
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    cache = MigratedDatabaseCache(postgres, settings.BASE_DIR / "var" / "test-db-cache")
    if not cache.restore("bench"):
        subprocess.run(
            [
                str(postgres.bin_dir / "createdb"),
                "--host",
                postgres.host,
                "--port",
                str(postgres.port),
                "--username",
                "postgres",
                "bench",
            ],
            check=True,
        )
    call_command("migrate", verbosity=0, interactive=False)

    from councils.models import Council
    from enquiry.models import HearAboutOption

    for name, short_name, code, domain, districts in COUNCILS:
        Council.objects.get_or_create(
            short_name=short_name,
            defaults={
                "name": name,
                "official_code": code,
                "website_domains": domain,
                "postcode_districts": districts,
                "handover_email": f"fostering@{domain}",
            },
        )
    for order, (label, channels) in enumerate(ANSWERS):
        HearAboutOption.objects.get_or_create(
            label=label, defaults={"matching_channels": channels, "sort_order": order}
        )


def resolve(module: str, name: str) -> Callable | None:
    try:
        return getattr(importlib.import_module(f"reporting.reports.{module}"), name, None)
    except ImportError:
        return None


def best_of(run: Callable[[], object], repeat: int) -> float:
    run()  # warm-up: caches, plans, the first page of each index
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - started)
    return best


def explain_slowest(run: Callable[[], object]) -> None:
    """EXPLAIN (ANALYZE, BUFFERS) of the slowest query a report makes."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        run()
    slowest = max(queries.captured_queries, key=lambda query: float(query["time"]))
    print(f"    slowest query ({slowest['time']} s of {len(queries)} queries):")
    print(f"    {slowest['sql'][:2000]}")
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {slowest['sql']}")
        for (line,) in cursor.fetchall():
            print(f"      {line}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE slow reports")
    arguments = parser.parse_args()

    postgres = start_server()
    try:
        started = time.perf_counter()
        prepare(postgres)
        print(f"PostgreSQL started and migrated in {time.perf_counter() - started:.1f} s")
        return run_bench(arguments)
    finally:
        from django.db import connections

        connections.close_all()
        postgres.stop()


def run_bench(arguments: argparse.Namespace) -> int:
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count
    from django.utils import timezone

    from enquiry.models import Enquiry
    from reporting.management.commands.attribution_report import year_before
    from reporting.reports.base import ReportFilters

    out = io.StringIO()
    started = time.perf_counter()
    call_command("seed_enquiries", "--count", str(arguments.count), stdout=out)
    seed_seconds = time.perf_counter() - started
    print(out.getvalue().rstrip())
    print(f"seed_enquiries --count {arguments.count:,}: {seed_seconds:.1f} s")
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_size_pretty(pg_total_relation_size('enquiry_enquiry'))")
        print(f"enquiry_enquiry with its indexes: {cursor.fetchone()[0]}")

    biggest = (
        Enquiry.objects.exclude(campaign=None)
        .values("campaign_id")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    today = timezone.localdate()
    filter_sets = {
        "12 months": ReportFilters(date_from=year_before(today), date_to=today),
        "all time": ReportFilters(),
    }
    cases: list[tuple[str, Callable[[], object]]] = []
    missing: list[str] = []
    for module, name, variants in REPORTS:
        function = resolve(module, name)
        if function is None:
            missing.append(f"{module}.{name}")
            continue
        accepted = inspect.signature(function).parameters
        for suffix, kwargs in variants:
            kwargs = {key: value for key, value in kwargs.items() if key in accepted}
            if "campaign_id" in kwargs:
                kwargs["campaign_id"] = biggest["campaign_id"]
            for filter_name, filters in filter_sets.items():
                label = f"{name} {suffix}".strip() + f" [{filter_name}]"
                cases.append((label, lambda f=function, a=filters, k=kwargs: f(a, **k)))
    for output_format in ("csv", "json"):
        cases.append(
            (
                f"attribution_report --format {output_format} [12 months]",
                lambda output_format=output_format: call_command(
                    "attribution_report", "--format", output_format, stdout=io.StringIO()
                ),
            )
        )

    print()
    print(f"{'report':<62} {'seconds':>8}")
    print(f"{'-' * 62} {'-' * 8}")
    slow: list[tuple[str, Callable[[], object]]] = []
    for label, run in cases:
        seconds = best_of(run, arguments.repeat)
        flag = "  <-- SLOW (>= 1 s)" if seconds >= SLOW_SECONDS else ""
        print(f"{label:<62} {seconds:>8.3f}{flag}", flush=True)
        if seconds >= SLOW_SECONDS:
            slow.append((label, run))
    if missing:
        print(f"\nNot present (skipped): {', '.join(missing)}")
    print(
        f"\n{len(cases) - len(slow)} of {len(cases)} under {SLOW_SECONDS:.0f} s at "
        f"{arguments.count:,} enquiries (best of {arguments.repeat} after a warm-up)."
    )
    if slow and arguments.explain:
        for label, run in slow:
            print(f"\n{label}:")
            explain_slowest(run)
    return 1 if slow else 0


if __name__ == "__main__":
    sys.exit(main())
