#!/usr/bin/env python
"""Page benchmark: requests per second and latency of five pages, cached and uncached, beside
nginx serving a file of the same size; the weight of each page; third parties before consent.

    .venv/bin/python bench/pages.py [--seconds 10] [--connections 16]

What it does (everything is private to the run and removed afterwards, bench/stack.py):

1. Starts PostgreSQL and Redis in a temporary directory, migrates, loads the demo content and
   collects the static files; then two gunicorn instances on production settings
   (bench/settings.py, config/gunicorn.py's worker count): one with PAGE_CACHE_SECONDS=300 (the
   anonymous page cache on) and one with PAGE_CACHE_SECONDS=0 (off), both with Google
   Analytics configured (GOOGLE_ANALYTICS_GTAG_PROPERTY_ID) as a real hub would have it.
2. For the home page, a council page, a fostering-type page, the events listing and the enquiry
   page, writes a file of the same size as the page's HTML and serves it from Debian's nginx:
   the practical ceiling on this machine (the same bytes with no Python at all).
3. `wrk --latency` against each page on each of the three, one at a time, in the same run:
   requests per second, p50 and p99, and the ratio to nginx. wrk sends what the TLS proxy would
   (Host, X-Forwarded-Proto: https), with no cookies: an anonymous visitor.
4. Headless Chromium (Playwright, /usr/bin/chromium) through nginx as the TLS proxy: each page's
   weight by kind (HTML, CSS, JS, fonts, images; bytes transferred) and every request to another
   host before any consent choice (must be 0) and after "Accept analytics cookies" (reported).
   Nothing leaves the machine: third-party requests are counted and then refused.

Exits non-zero if a third-party request happens before consent, or a page does not answer 200.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from http.client import HTTPConnection
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.stack import HOST, Stack

PAGES = [
    ("home", "/"),
    ("council", "/councils/derby/"),
    ("fostering type", "/types-of-fostering/long-term/"),
    ("events listing", "/events/"),
    ("enquiry", "/enquire/"),
]
GTAG_ID = "G-BENCH12345"
PROXY_HEADERS = {"Host": HOST, "X-Forwarded-Proto": "https"}
KINDS = {
    "document": "HTML",
    "stylesheet": "CSS",
    "script": "JS",
    "font": "fonts",
    "image": "images",
}


@dataclass
class Measure:
    rps: float
    p50_ms: float
    p99_ms: float
    bad: int


def fetch(port: int, path: str) -> tuple[int, bytes]:
    connection = HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", path, headers=PROXY_HEADERS)
    response = connection.getresponse()
    return response.status, response.read()


def milliseconds(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000}[unit]


def wrk(
    port: int,
    path: str,
    seconds: int,
    connections: int,
    proxy_headers: bool,
    script: Path | None = None,
) -> Measure:
    """wrk --latency against one address; `script` is a wrk Lua script (e.g. a new click id on
    every request)."""
    headers = PROXY_HEADERS if proxy_headers else {"Host": HOST}
    command = ["wrk", "--latency", "-t", "2", "-c", str(connections), "-d", f"{seconds}s"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    if script is not None:
        command += ["-s", str(script)]
    output = subprocess.run(
        [*command, f"http://127.0.0.1:{port}{path}"], capture_output=True, text=True, check=True
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p50 = milliseconds(re.search(r"\s50%\s+(\S+)", output).group(1))
    p99 = milliseconds(re.search(r"\s99%\s+(\S+)", output).group(1))
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    return Measure(rps, p50, p99, int(bad.group(1)) if bad else 0)


def throughput(stack: Stack, args) -> int:
    """The table of requests/s and latency; returns the number of problems."""
    files = stack.workdir / "same-size"
    files.mkdir()
    problems = 0
    for name, path in PAGES:
        status, body = fetch(stack.ports["uncached"], path)
        if status != 200:
            print(f"  {name} {path}: HTTP {status}")
            problems += 1
        (files / f"{name.replace(' ', '-')}.html").write_bytes(b"x" * len(body))
    nginx = stack.start_nginx("files", root=files)

    print(
        f"\nRequests per second and latency (wrk, {args.connections} connections, "
        f"{args.seconds} s each, one target at a time; client and servers share "
        f"{os.cpu_count()} cores)\n"
    )
    header = (
        f"{'page':<16} {'bytes':>7} | {'cached r/s':>10} {'p50':>7} {'p99':>7} {'/ nginx':>7} | "
        f"{'uncached r/s':>12} {'p50':>7} {'p99':>7} {'/ nginx':>7} | "
        f"{'nginx r/s':>9} {'p50':>6} {'p99':>6}"
    )
    print(header)
    print("-" * len(header))
    for name, path in PAGES:
        size = (files / f"{name.replace(' ', '-')}.html").stat().st_size
        for target in ("cached", "uncached"):  # warm up: templates, the page cache
            wrk(stack.ports[target], path, 2, args.connections, True)
        cached = wrk(stack.ports["cached"], path, args.seconds, args.connections, True)
        uncached = wrk(stack.ports["uncached"], path, args.seconds, args.connections, True)
        static = wrk(
            nginx, f"/{name.replace(' ', '-')}.html", args.seconds, args.connections, False
        )
        for label, measure in (("cached", cached), ("uncached", uncached)):
            if measure.bad:
                print(f"  {name}, {label}: {measure.bad} responses were not 2xx/3xx")
                problems += 1
        print(
            f"{name:<16} {size:>7} | {cached.rps:>10.0f} {cached.p50_ms:>5.1f}ms "
            f"{cached.p99_ms:>5.0f}ms {cached.rps / static.rps:>7.2%} | "
            f"{uncached.rps:>12.0f} {uncached.p50_ms:>5.1f}ms {uncached.p99_ms:>5.0f}ms "
            f"{uncached.rps / static.rps:>7.2%} | "
            f"{static.rps:>9.0f} {static.p50_ms:>4.1f}ms {static.p99_ms:>4.1f}ms",
            flush=True,
        )
    return problems


def weight_and_third_parties(proxy_port: int) -> int:
    """Page weight by kind, and requests to other hosts before and after consent."""
    from playwright.sync_api import sync_playwright

    base = f"https://{HOST}:{proxy_port}"
    own_hosts = {HOST, "127.0.0.1"}
    problems = 0
    with sync_playwright() as playwright:
        # The site's cookies are Secure (as in production): nginx terminates TLS with a
        # throwaway self-signed certificate, which this browser is told to accept.
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium")
        context = browser.new_context(ignore_https_errors=True)
        third_party: list[str] = []

        def refuse_other_hosts(route) -> None:
            host = urlsplit(route.request.url).hostname
            if host in own_hosts:
                route.continue_()
            else:
                third_party.append(route.request.url)
                route.abort()

        context.route("**/*", refuse_other_hosts)

        print("\nPage weight (Chromium, first visit, empty cache; bytes transferred)\n")
        header = f"{'page':<16}" + "".join(f"{kind:>9}" for kind in KINDS.values())
        header += f"{'other':>8}{'total':>10}{'requests':>10}{'3rd party':>10}"
        print(header)
        print("-" * len(header))
        for name, path in PAGES:
            page = context.new_page()
            sizes: dict[str, int] = dict.fromkeys([*KINDS.values(), "other"], 0)
            count = [0]

            def record(request, sizes=sizes, count=count) -> None:
                if urlsplit(request.url).hostname not in own_hosts:
                    return
                measured = request.sizes()
                kind = KINDS.get(request.resource_type, "other")
                sizes[kind] += measured["responseBodySize"] + measured["responseHeadersSize"]
                count[0] += 1

            page.on("requestfinished", record)
            before = len(third_party)
            page.goto(base + path, wait_until="networkidle")
            page.mouse.wheel(0, 20000)  # lazy images below the fold
            page.wait_for_load_state("networkidle")
            page.close()
            outside = len(third_party) - before
            print(
                f"{name:<16}"
                + "".join(f"{sizes[kind]:>9,}" for kind in KINDS.values())
                + f"{sizes['other']:>8,}{sum(sizes.values()):>10,}{count[0]:>10}{outside:>10}"
            )
            # A browser cache per page: every page is a first visit.
            context.clear_cookies()
        before_consent = list(third_party)
        print(
            f"\nThird-party requests before any consent choice, analytics configured "
            f"({GTAG_ID}): {len(before_consent)} (must be 0)"
        )
        for url in before_consent[:10]:
            print(f"  {url}")
        if before_consent:
            problems += 1

        page = context.new_page()
        page.goto(base + "/", wait_until="networkidle")
        page.get_by_role("button", name="Accept analytics cookies").click()
        page.wait_for_load_state("networkidle")
        third_party.clear()
        for _name, path in PAGES:
            page.goto(base + path, wait_until="networkidle")
        hosts = sorted({urlsplit(url).hostname for url in third_party})
        cookies = sorted(cookie["name"] for cookie in context.cookies())
        print(f"Cookies after 'Accept analytics cookies': {', '.join(cookies) or 'none'}")
        print(
            f"After 'Accept analytics cookies', the five pages made {len(third_party)} "
            f"third-party request(s) (refused here, nothing leaves the machine): "
            f"{', '.join(hosts) or 'none'}"
        )
        browser.close()
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=10, help="wrk duration per measurement")
    parser.add_argument("--connections", type=int, default=16)
    args = parser.parse_args()
    for program in ("wrk", "nginx"):
        if not (shutil.which(program) or Path(f"/usr/sbin/{program}").exists()):
            print(f"{program} is needed: apt-get install {program}")
            return 2

    stack = Stack()
    problems = 0
    try:
        print("Preparing: PostgreSQL, Redis, migrations, demo content, static files...", flush=True)
        stack.start_postgres()
        stack.start_redis()
        stack.prepare(demo=True)
        analytics = {"GOOGLE_ANALYTICS_GTAG_PROPERTY_ID": GTAG_ID}
        stack.start_gunicorn("cached", env={**analytics, "PAGE_CACHE_SECONDS": "300"})
        stack.start_gunicorn("uncached", env={**analytics, "PAGE_CACHE_SECONDS": "0"})
        from django.conf import settings

        workers = os.environ.get("WEB_CONCURRENCY") or f"{2 * (os.cpu_count() or 1) + 1}"
        print(
            f"Site: two gunicorn instances ({workers} sync workers each, config/gunicorn.py) on "
            f"production settings, PAGE_CACHE_SECONDS=300 and =0; cache "
            f"{settings.CACHES['default']['BACKEND'].rsplit('.', 1)[-1]}; PostgreSQL with "
            "fsync off; nginx "
            + subprocess.run(["nginx", "-v"], capture_output=True, text=True).stderr.strip()
        )
        if not hasattr(settings, "PAGE_CACHE_SECONDS"):
            print(
                "Note: this checkout has no page cache yet (PAGE_CACHE_SECONDS is not a "
                "setting), so the cached and uncached columns measure the same thing."
            )
        problems += throughput(stack, args)
        proxy = stack.start_nginx("proxy", upstream=stack.ports["uncached"], tls=True)
        problems += weight_and_third_parties(proxy)
    finally:
        stack.stop(keep_workdir=bool(problems))
    if problems:
        print(f"\nFAILED: {problems} problem(s). Logs: {stack.workdir}")
        return 1
    print("\nOK: every page answered, no third-party request before consent.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
