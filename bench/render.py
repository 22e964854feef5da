#!/usr/bin/env python
"""Render benchmark: what one page costs to render in-process (a page-cache miss), per page type.

    .venv/bin/python bench/render.py [--renders 50] [--profile "home page"]

What it does (everything is private to the run and removed afterwards, bench/stack.py):

1. Starts PostgreSQL and Redis in a temporary directory, migrates and loads the demo content, on
   production settings (bench/settings.py) with the page cache off (PAGE_CACHE_SECONDS=0), so
   every request renders the page: the cost of a miss.
2. Picks the first live English page of each page type in the demo (by tree order), and adds
   the events archive, search results and the Polish home page.
3. For each, with one Django test Client (an anonymous visitor, over https as the TLS proxy
   would say), renders it five times to warm up (renditions, settings rows, site root paths
   and the fragment cache are made on first use), then `--renders` more times: the median and
   p90 of the wall-clock time of `client.get()`; then the SQL queries of one more render.

`--profile NAME` (a row's name, e.g. "home page") prints the cProfile of its warm renders instead,
sorted by cumulative time. With `--database-url` and `--redis-url` (and MEDIA_ROOT and
STATIC_ROOT in the environment) it uses an already-loaded database instead of starting one.

The figures are for comparing before and after on one machine, not absolute: no test asserts a
time.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.stack import HOST, Stack

SEARCH_QUERY = "fostering"


def pages_to_render() -> list[tuple[str, str]]:
    """(name, path) for one live English page of each type, then the routable extras."""
    from django.conf import settings
    from wagtail.models import Page

    rows: list[tuple[str, str]] = []
    seen: set[int] = set()
    events = None
    english = (
        Page.objects.live()
        .public()
        .filter(depth__gt=1, locale__language_code=settings.LANGUAGE_CODE)
        .order_by("path")
        .select_related("content_type")
    )
    for page in english:
        if page.content_type_id in seen:
            continue
        seen.add(page.content_type_id)
        url = page.get_url()
        model = page.content_type.model_class()
        if url:
            rows.append((str(model._meta.verbose_name), url))
            if model.__name__ == "EventIndexPage":
                events = url
    extras = []
    if events:
        extras.append(("event archive", events + "past/"))
    extras.append(("search results", f"/search/?query={SEARCH_QUERY}"))
    polish = next((code for code, _ in settings.WAGTAIL_CONTENT_LANGUAGES if code == "pl"), None)
    if polish:
        extras.append(("home (Polish)", "/pl/"))
    return rows + extras


def render(client, path: str) -> float:
    """One request's wall-clock milliseconds."""
    started = time.perf_counter()
    response = client.get(path, secure=True, headers={"X-Forwarded-Proto": "https"})
    elapsed = time.perf_counter() - started
    if response.status_code != 200:
        raise SystemExit(f"{path} answered {response.status_code}")
    return elapsed * 1000


def count_queries(client, path: str) -> int:
    """The SQL queries of one more render (counted apart: logging them slows the render)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        render(client, path)
    return len(queries)


def measure(rows: list[tuple[str, str]], renders: int, warmup: int) -> None:
    from django.test import Client

    client = Client(HTTP_HOST=HOST)
    print(f"{'page':<32} {'path':<44} {'median ms':>9} {'p90 ms':>7} {'queries':>7}")
    for name, path in rows:
        for _ in range(warmup):
            render(client, path)
        times = sorted(render(client, path) for _ in range(renders))
        queries = count_queries(client, path)
        p90 = times[min(len(times) - 1, round(0.9 * (len(times) - 1)))]
        median = statistics.median(times)
        print(f"{name:<32} {path:<44} {median:>9.1f} {p90:>7.1f} {queries:>7}")


def profile(rows: list[tuple[str, str]], name: str, renders: int, warmup: int) -> None:
    from django.test import Client

    path = dict(rows).get(name)
    if path is None:
        raise SystemExit(f"No page called {name!r}; one of: {', '.join(n for n, _ in rows)}")
    client = Client(HTTP_HOST=HOST)
    for _ in range(warmup):
        render(client, path)
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(renders):
        render(client, path)
    profiler.disable()
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(60)
    pstats.Stats(profiler).sort_stats("tottime").print_stats(30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--renders", type=int, default=50, help="warm renders per page")
    parser.add_argument("--warmup", type=int, default=5, help="renders before timing")
    parser.add_argument("--profile", metavar="NAME", help="cProfile one page's warm renders")
    parser.add_argument("--database-url", help="an already-migrated database with the demo")
    parser.add_argument("--redis-url", help="its Redis (with --database-url)")
    args = parser.parse_args()

    os.environ["PAGE_CACHE_SECONDS"] = "0"  # every request renders: the cost of a miss
    stack = None
    if args.database_url:
        os.environ.update(
            DATABASE_URL=args.database_url,
            BENCH_REDIS_URL=args.redis_url or "",
            DJANGO_SETTINGS_MODULE="bench.settings",
        )
        import django

        django.setup()
    else:
        stack = Stack()
        print(f"Starting PostgreSQL and Redis, loading the demo content ({stack.workdir}) ...")
        stack.start_postgres()
        stack.start_redis()
        stack.prepare(demo=True)
    try:
        rows = pages_to_render()
        if args.profile:
            profile(rows, args.profile, args.renders, args.warmup)
        else:
            measure(rows, args.renders, args.warmup)
    finally:
        if stack is not None:
            stack.stop()


if __name__ == "__main__":
    main()
