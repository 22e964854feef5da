#!/usr/bin/env python
"""Enquiry load benchmark: nothing is lost, nothing is sent twice, with mail down and up.

    .venv/bin/python bench/enquiry_load.py [--enquiries 200] [--clients 16] [--web-workers 3]
        [--scenarios mail-down,worker-kill,postgres-restart] [--kills 10] [--restarts 3]

What it does (everything is private to the run and removed afterwards):

1. Starts its own PostgreSQL (testkit/postgres.py), migrates it (from the test suite's migrated
   dump when there is one), collects static files, and creates an enquiry page, a partner
   council with a handover inbox and the hub's notification inbox: so each enquiry queues
   three emails (acknowledgement, hub, council).
2. Serves the site with gunicorn on production settings (bench/settings.py), and runs the
   outbox worker (`manage.py db_worker --backend outbox --queue-name outbox`) as a separate
   process. Both send mail to 127.0.0.1:<port> where, at first, nothing listens.
3. Run 1, mail failing: N simulated people post the form at once from C client threads. Each
   GETs /enquire/ (CSRF cookie, signed form token), POSTs it like a browser (the fields the
   page renders; the honeypot left empty), follows the 303 to the thank-you page and reads the
   reference there. Confirmed = a thank-you page that showed a reference. The database is
   then counted: lost = confirmed references missing from it (must be 0). The worker tries
   every email and records the failure.
4. Mail comes back (a real aiosmtpd server on that port); the retries are made due now instead
   of in a minute; every email must arrive exactly once.
5. Run 2, mail working: the same load; after the worker drains, delivered vs expected and
   duplicates (must be 0). (Steps 3-5 are `--scenarios mail-down`.)
6. Worker killed (`--scenarios worker-kill`): the same load while the outbox worker gets
   SIGKILL every `--kill-every` emails sent, up to `--kills` times, a new one started after each
   as a supervisor would; then `manage.py requeue_outbox` as cron would run it ten minutes later.
7. PostgreSQL restarted (`--scenarios postgres-restart`): the same load across `--restarts`
   `pg_ctl restart --mode fast`; gunicorn and the worker are left running. People who posted
   during a restart must get the "nothing was saved" page (503), never a confirmation.

Every scenario prints enquiries attempted, confirmed, stored, lost (confirmed but not stored),
errors shown, and notifications expected / sent / duplicates. Exits non-zero if anything
confirmed was lost, anything left undelivered, a failure was not the clear 503 page, or more
emails went twice than crashes could cause (one per kill or restart: the message whose SMTP
"250" arrived just before its commit was lost); in the mail-down runs, any duplicate at all.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from email import message_from_bytes
from email.policy import default as default_policy
from html.parser import HTMLParser
from http.client import HTTPConnection
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urljoin

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from testkit.postgres import MigratedDatabaseCache, free_port, start_server  # noqa: E402

HOST = "bench.localhost"
FORM_PATH = "/enquire/"
REFERENCE_RE = re.compile(r"HUB-\d{4}-\d{6}")
COUNCIL_SHORT_NAME = "benchshire"
HUB_INBOX = "enquiries@hub.bench.example"
COUNCIL_INBOX = "fostering@benchshire.bench.example"


# --- a small browser ---------------------------------------------------------------------------


class PostForm(HTMLParser):
    """The fields of the page's enquiry form (the POST form carrying a form_token)."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict] = []
        self._form: dict | None = None
        self._textarea: dict | None = None

    def handle_starttag(self, tag: str, attrs) -> None:
        attrs = dict(attrs)
        if tag == "form":
            self._form = {
                "action": attrs.get("action") or "",
                "method": attrs.get("method", "get"),
                "fields": [],
            }
            self.forms.append(self._form)
        elif self._form is not None and tag == "input" and attrs.get("name"):
            self._form["fields"].append(attrs)
        elif self._form is not None and tag == "textarea" and attrs.get("name"):
            self._textarea = {**attrs, "type": "textarea", "value": ""}
            self._form["fields"].append(self._textarea)

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea["value"] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "textarea":
            self._textarea = None

    def enquiry_form(self) -> dict:
        for form in self.forms:
            names = {f.get("name") for f in form["fields"]}
            if form["method"].lower() == "post" and "form_token" in names:
                return form
        raise RuntimeError("No enquiry form (a POST form with a form_token) on the page.")


def form_data(form: dict, n: int, run: str) -> list[tuple[str, str]]:
    """What a person types: the known text fields, the first option of each choice (the bench
    council for "which council"), boxes left unticked, hidden fields as given, honeypot empty."""
    typed = {
        "first_name": "Robin",
        "last_name": "Benchley",
        "email": f"person{n}@{run}.bench.example",
        "phone": "07700 900123",
        "postcode": "DE1 2AB",
        "question": "How long does it take to become a foster carer?",
    }
    data: list[tuple[str, str]] = []
    chosen: set[str] = set()
    radios: dict[str, list[str]] = {}
    for attrs in form["fields"]:
        name, kind = attrs["name"], attrs.get("type", "text").lower()
        if kind == "radio":
            radios.setdefault(name, []).append(attrs.get("value", ""))
        elif kind == "hidden":
            data.append((name, attrs.get("value", "")))
        elif name in typed and name not in chosen:
            chosen.add(name)
            data.append((name, typed[name]))
    for name, values in radios.items():
        data.append((name, COUNCIL_SHORT_NAME if COUNCIL_SHORT_NAME in values else values[0]))
    return data


class Browser:
    """One person's browser: cookies, and the headers the TLS proxy would add."""

    def __init__(self, port: int, client: int = 0) -> None:
        self.port = port
        # The address the TLS proxy saw (production trusts one proxy's X-Forwarded-For).
        self.address = f"10.{client // 65536 % 256}.{client // 256 % 256}.{client % 256}"
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: str | None = None) -> tuple[int, dict, str]:
        headers = {
            "Host": HOST,
            "X-Forwarded-Proto": "https",
            "X-Forwarded-For": self.address,
            "User-Agent": "enquiry-load/1",
        }
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = f"https://{HOST}"
            headers["Referer"] = f"https://{HOST}{FORM_PATH}"
        connection = HTTPConnection("127.0.0.1", self.port, timeout=120)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
            for value in response.headers.get_all("Set-Cookie") or []:
                cookie = SimpleCookie()
                cookie.load(value)
                for name, morsel in cookie.items():
                    self.cookies[name] = morsel.value
            return response.status, dict(response.headers), text
        finally:
            connection.close()


@dataclass
class Outcome:
    reference: str = ""
    error: str = ""
    post_seconds: float = 0.0
    total_seconds: float = 0.0
    page: str = ""  # what a failed step showed (read by the resilience scenarios)


def enquire(port: int, n: int, run: str) -> Outcome:
    """One person: show the form, send it, read the reference on the thank-you page."""
    browser = Browser(port, client=n)
    started = time.perf_counter()
    try:
        status, _headers, html = browser.request("GET", FORM_PATH)
        if status != 200:
            return Outcome(error=f"GET form: HTTP {status}", page=html)
        parser = PostForm()
        parser.feed(html)
        form = parser.enquiry_form()
        action = urljoin(FORM_PATH, form["action"]) if form["action"] else FORM_PATH
        body = urlencode(form_data(form, n, run))
        posted = time.perf_counter()
        status, headers, html = browser.request("POST", action, body)
        post_seconds = time.perf_counter() - posted
        if status != 303:
            return Outcome(error=f"POST: HTTP {status}", post_seconds=post_seconds, page=html)
        status, _headers, html = browser.request("GET", urljoin(action, headers["Location"]))
        match = REFERENCE_RE.search(html) if status == 200 else None
        if match is None:
            return Outcome(error=f"thank-you page without a reference (HTTP {status})", page=html)
        return Outcome(
            reference=match.group(0),
            post_seconds=post_seconds,
            total_seconds=time.perf_counter() - started,
        )
    except Exception as error:  # reported, never hidden
        return Outcome(error=f"{type(error).__name__}: {error}")


# --- a real SMTP server --------------------------------------------------------------------------


class Inbox:
    def __init__(self) -> None:
        self.received: list[tuple[tuple[str, ...], str]] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        subject = str(message_from_bytes(envelope.content, policy=default_policy)["subject"])
        with self.lock:
            self.received.append((tuple(sorted(envelope.rcpt_tos)), subject))
        return "250 OK"

    def for_references(self, references: set[str]) -> list[tuple[tuple[str, ...], str]]:
        with self.lock:
            return [
                item
                for item in self.received
                if (m := REFERENCE_RE.search(item[1])) and m.group(0) in references
            ]


# --- the site under test -------------------------------------------------------------------------


class Site:
    """PostgreSQL, gunicorn and the outbox worker, all started here and stopped at the end."""

    def __init__(self, web_workers: int, workdir: Path) -> None:
        self.web_workers = web_workers
        self.workdir = workdir
        self.postgres = None
        self.processes: list[subprocess.Popen] = []
        self.web_port = free_port()
        self.smtp_port = free_port()

    def prepare(self) -> None:
        self.postgres = start_server()
        database_url = f"postgresql://postgres@{self.postgres.host}:{self.postgres.port}/bench"
        os.environ.update(
            DJANGO_SETTINGS_MODULE="bench.settings",
            DATABASE_URL=database_url,
            EMAIL_PORT=str(self.smtp_port),
            STATIC_ROOT=str(self.workdir / "static"),
            MEDIA_ROOT=str(self.workdir / "media"),
        )
        import django

        django.setup()
        from django.conf import settings
        from django.core.management import call_command

        cache = MigratedDatabaseCache(self.postgres, settings.BASE_DIR / "var" / "test-db-cache")
        if not cache.restore("bench"):
            subprocess.run(
                [
                    str(self.postgres.bin_dir / "createdb"),
                    "--host",
                    self.postgres.host,
                    "--port",
                    str(self.postgres.port),
                    "--username",
                    "postgres",
                    "bench",
                ],
                check=True,
            )
        call_command("migrate", verbosity=0, interactive=False)
        call_command("collectstatic", verbosity=0, interactive=False)
        create_content()

    def start(self) -> None:
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        bin_dir = Path(sys.executable).parent
        log = open(self.workdir / "web.log", "w")  # noqa: SIM115 (closed with the process)
        self.processes.append(
            subprocess.Popen(
                [
                    str(bin_dir / "gunicorn"),
                    "config.wsgi",
                    "--workers",
                    str(self.web_workers),
                    "--bind",
                    f"127.0.0.1:{self.web_port}",
                    "--timeout",
                    "120",
                ],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        )
        log = open(self.workdir / "worker.log", "w")  # noqa: SIM115
        self.processes.append(
            subprocess.Popen(
                [sys.executable, *WORKER_COMMAND],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                status, _headers, _text = Browser(self.web_port).request("GET", "/health/")
                if status == 200:
                    return
            except OSError:
                pass
            for process in self.processes:
                if process.poll() is not None:
                    raise RuntimeError(f"A process stopped; see {self.workdir}/*.log")
            time.sleep(0.3)
        raise RuntimeError(f"gunicorn did not answer /health/; see {self.workdir}/web.log")

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
        from django.db import connections

        connections.close_all()
        if self.postgres is not None:
            self.postgres.stop()


def create_content() -> None:
    """An enquiry page, one partner council with a handover inbox, and the hub's inbox."""
    from wagtail.models import Site as WagtailSite

    from councils.models import Council, HubSettings
    from enquiry.models import EnquiryPage, HearAboutOption

    site = WagtailSite.objects.get(is_default_site=True)
    home = site.root_page.specific
    Council.objects.get_or_create(
        short_name=COUNCIL_SHORT_NAME,
        defaults={
            "name": "Benchshire County Council",
            "official_code": "E10000099",
            "postcode_districts": "DE1 DE2",
            "handover_email": COUNCIL_INBOX,
        },
    )
    page = EnquiryPage.objects.first()
    if page is None:
        page = EnquiryPage(
            title="Enquire about fostering",
            slug="enquire",
            intro="<p>Tell us a little about yourself.</p>",
            what_happens_next="<ol><li>We call you.</li><li>We visit you at home.</li></ol>",
            privacy_summary="<p>We use your details only to answer your enquiry.</p>",
        )
        home.add_child(instance=page)
    for label in ("Social media", "Radio", "A friend who fosters"):
        HearAboutOption.objects.get_or_create(label=label)
    hub = HubSettings.for_site(site)
    hub.enquiry_notification_email = HUB_INBOX
    hub.enquiry_page = page
    hub.phone_number = "0300 123 4567"
    hub.save()


# --- measuring -----------------------------------------------------------------------------------


@dataclass
class RunResult:
    name: str
    outcomes: list[Outcome]
    seconds: float
    references: set[str] = field(default_factory=set)
    saved: set[str] = field(default_factory=set)

    @property
    def confirmed(self) -> set[str]:
        return {o.reference for o in self.outcomes if o.reference}

    @property
    def errors(self) -> list[str]:
        return [o.error for o in self.outcomes if o.error]


def percentile(values: list[float], fraction: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def load(site: Site, run: str, enquiries: int, clients: int) -> RunResult:
    from enquiry.models import Enquiry

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        outcomes = list(pool.map(lambda n: enquire(site.web_port, n, run), range(enquiries)))
    result = RunResult(run, outcomes, time.perf_counter() - started)
    result.saved = set(
        Enquiry.objects.filter(email__endswith=f"@{run}.bench.example").values_list(
            "reference", flat=True
        )
    )
    return result


def report_load(result: RunResult, clients: int) -> int:
    posts = [o.post_seconds for o in result.outcomes if o.reference]
    totals = [o.total_seconds for o in result.outcomes if o.reference]
    lost = result.confirmed - result.saved
    print(f"  enquiries confirmed (303, thank-you page with a reference): {len(result.confirmed)}")
    print(f"  enquiries saved in the database:                           {len(result.saved)}")
    print(f"  LOST (confirmed but not saved):                            {len(lost)}")
    if result.errors:
        print(f"  requests that failed: {len(result.errors)} (first: {result.errors[0]})")
    unconfirmed = result.saved - result.confirmed
    if unconfirmed:
        print(f"  saved but not confirmed to the person: {len(unconfirmed)}")
    print(
        f"  throughput: {len(result.confirmed) / result.seconds:.1f} enquiries/s "
        f"({result.seconds:.1f} s, {clients} clients)"
    )
    print(
        "  latency of the POST (save + 303):             "
        f"p50 {percentile(posts, 0.5) * 1000:.0f} ms, p99 {percentile(posts, 0.99) * 1000:.0f} ms"
    )
    print(
        "  whole submission (GET form, POST, thank-you): "
        f"p50 {percentile(totals, 0.5) * 1000:.0f} ms, p99 {percentile(totals, 0.99) * 1000:.0f} ms"
    )
    return len(lost) + len(result.errors)


def messages_for(references: set[str]):
    from outbox.models import OutboxMessage

    return OutboxMessage.objects.filter(reference__in=references, kind="email")


def wait_until(check, timeout: float, interval: float = 0.5) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(interval)
    return check()


def check_delivery(inbox: Inbox, references: set[str], timeout: float) -> int:
    """Wait for the worker to send every email of these enquiries; report exactly-once."""
    messages = messages_for(references)
    started = time.monotonic()
    drained = wait_until(lambda: not messages.exclude(status="sent").exists(), timeout)
    drain_seconds = time.monotonic() - started
    expected = sorted(
        (tuple(sorted(line.strip() for line in m.recipient.splitlines())), m.subject)
        for m in messages
    )
    time.sleep(2)  # anything sent twice would arrive now
    delivered = inbox.for_references(references)
    duplicates = len(delivered) - len(set(delivered))
    missing = set(expected) - set(delivered)
    print(
        f"  emails delivered: {len(delivered)} of {len(expected)} expected "
        f"({len(references)} enquiries x 3), drained in {drain_seconds:.1f} s"
        + ("" if drained else " (TIMED OUT)")
    )
    print(f"  DUPLICATES: {duplicates}   missing: {len(missing)}")
    for recipients, subject in sorted(missing)[:5]:
        message = messages.filter(subject=subject, recipient="\n".join(recipients)).first()
        state = f"{message.status}, {message.attempts} attempt(s) {message.last_error[:80]}"
        print(
            f"    missing: {subject} to {len(recipients)} address(es): {state if message else '?'}"
        )
    return duplicates + len(missing) + (0 if drained else 1)


def make_retries_due() -> int:
    """What time would do a minute later: the failed emails' next attempt is now."""
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from outbox.models import OutboxMessage

    now = timezone.now()
    count = OutboxMessage.objects.filter(status="pending").update(next_attempt_at=now)
    DBTaskResult.objects.filter(status="READY", backend_name="outbox").update(run_after=now)
    return count


# --- resilience: the worker killed mid-burst, PostgreSQL restarted mid-burst ---------------------
# Kept apart from the start/stop helpers above: these only use a running Site.

SCENARIOS = ("mail-down", "worker-kill", "postgres-restart")
WORKER_COMMAND = [
    *("manage.py", "db_worker", "--backend", "outbox", "--queue-name", "outbox"),
    *("--interval", "0.2", "--no-reload", "--verbosity", "0"),
]
# The headings of site/templates/503.html (a lost database connection, core/errors.py).
NOT_SAVED_HEADING = "Sorry, we could not send your answers"
SAVED_HEADING = "We have received what you sent"
UNAVAILABLE_HEADING = "Sorry, the service is unavailable"


def outbox_worker(site: Site) -> subprocess.Popen:
    """The outbox worker process running now (the last one started)."""
    return [p for p in site.processes if "db_worker" in " ".join(map(str, p.args))][-1]


def start_outbox_worker(site: Site) -> subprocess.Popen:
    """Another outbox worker, as a supervisor would start it; stopped with the site."""
    log = open(site.workdir / "worker.log", "a")  # noqa: SIM115 (closed with the process)
    process = subprocess.Popen(
        [sys.executable, *WORKER_COMMAND],
        cwd=ROOT,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    site.processes.append(process)
    return process


def gunicorn_workers(site: Site) -> set[int]:
    """The gunicorn master's worker processes (a crashed worker is replaced: a new pid)."""
    master = next(p for p in site.processes if "gunicorn" in " ".join(map(str, p.args)))
    children = Path(f"/proc/{master.pid}/task/{master.pid}/children")
    return {int(pid) for pid in children.read_text().split()} if children.exists() else set()


class Burst:
    """The people of one run posting in the background, so a scenario can break things while
    they post; the database is counted only once they are done (it may be restarting now)."""

    def __init__(self, site: Site, run: str, args) -> None:
        self.run = run
        self.started = time.perf_counter()
        pool = ThreadPoolExecutor(max_workers=args.clients)
        self.futures = [pool.submit(enquire, site.web_port, n, run) for n in range(args.enquiries)]
        pool.shutdown(wait=False)

    def is_alive(self) -> bool:
        return not all(future.done() for future in self.futures)

    def result(self) -> RunResult:
        from enquiry.models import Enquiry

        outcomes = [future.result() for future in self.futures]
        result = RunResult(self.run, outcomes, time.perf_counter() - self.started)
        stored_count(self.run)  # a fresh connection
        result.saved = set(
            Enquiry.objects.filter(email__endswith=f"@{self.run}.bench.example").values_list(
                "reference", flat=True
            )
        )
        return result


def stored_count(run: str) -> int:
    from django.db import connections

    from enquiry.models import Enquiry

    connections.close_all()  # the database may have restarted since the last question
    return Enquiry.objects.filter(email__endswith=f"@{run}.bench.example").count()


@dataclass
class Told:
    """What the people whose submission failed were shown (site/templates/503.html)."""

    not_saved: list[int] = field(default_factory=list)  # "could not send your answers"
    received: list[int] = field(default_factory=list)  # "we have received what you sent"
    form_unavailable: int = 0  # the form page itself was down: nothing typed yet
    confirmation_unavailable: int = 0  # saved (303), then the thank-you page was down
    unclear: list[str] = field(default_factory=list)  # anything else: a 500, a dropped socket

    @classmethod
    def read(cls, outcomes: list[Outcome]) -> Told:
        told = cls()
        for n, outcome in enumerate(outcomes):
            if not outcome.error:
                continue
            if outcome.error == "POST: HTTP 503" and NOT_SAVED_HEADING in outcome.page:
                told.not_saved.append(n)
            elif outcome.error == "POST: HTTP 503" and SAVED_HEADING in outcome.page:
                told.received.append(n)
            elif outcome.error == "GET form: HTTP 503" and UNAVAILABLE_HEADING in outcome.page:
                told.form_unavailable += 1
            elif outcome.error.startswith("thank-you page") and "HTTP 503" in outcome.error:
                told.confirmation_unavailable += 1
            else:
                told.unclear.append(outcome.error)
        return told


def notification_figures(inbox: Inbox, references: set[str], timeout: float) -> dict:
    """Wait for the worker to send every email of these enquiries; count what arrived."""
    messages = messages_for(references)
    drained = wait_until(lambda: not messages.exclude(status="sent").exists(), timeout)
    expected = {
        (tuple(sorted(line.strip() for line in m.recipient.splitlines())), m.subject)
        for m in messages
    }
    time.sleep(2)  # anything sent twice would arrive now
    delivered = inbox.for_references(references)
    return {
        "expected": len(expected),
        "sent": len(set(delivered) & expected),
        "duplicates": len(delivered) - len(set(delivered)),
        "missing": len(expected - set(delivered)),
        "drained": drained,
    }


def report_scenario(result: RunResult, told: Told, mail: dict, allowed_duplicates: int) -> int:
    """The figures every scenario prints; the number of problems (0 = as claimed)."""
    from enquiry.models import Enquiry

    lost = result.confirmed - result.saved
    stored_emails = set(
        Enquiry.objects.filter(reference__in=result.saved).values_list("email", flat=True)
    )
    wrongly_told = [
        n for n in told.not_saved if f"person{n}@{result.name}.bench.example" in stored_emails
    ]
    errors = len(told.not_saved) + len(told.received) + told.form_unavailable
    errors += told.confirmation_unavailable
    print(f"  enquiries attempted:                         {len(result.outcomes)}")
    print(f"  confirmed (thank-you page with a reference): {len(result.confirmed)}")
    print(f"  stored in the database:                      {len(result.saved)}")
    print(f"  LOST (confirmed but not stored):             {len(lost)}")
    print(
        f"  errors shown (503, Retry-After):             {errors}: 'could not send, nothing "
        f"saved' {len(told.not_saved)}, 'received' {len(told.received)}, form page "
        f"unavailable {told.form_unavailable}, saved but thank-you page unavailable "
        f"{told.confirmation_unavailable}"
    )
    print(f"  unclear failures (500, dropped connection):  {len(told.unclear)}")
    for error in told.unclear[:3]:
        print(f"    {error[:100]}")
    print(f"  told 'nothing saved' but stored:             {len(wrongly_told)}")
    print(
        f"  notifications expected / sent / duplicates:  {mail['expected']} / {mail['sent']} / "
        f"{mail['duplicates']}" + ("" if mail["drained"] else " (TIMED OUT)")
    )
    problems = len(lost) + len(told.unclear) + mail["missing"] + (0 if mail["drained"] else 1)
    # A message the mail server accepted just before its worker (or its database connection)
    # died is sent again: at most one per crash, with one worker. More would be a bug.
    problems += max(0, mail["duplicates"] - allowed_duplicates)
    # Likewise a commit whose acknowledgement was lost in the restart is reported as not saved.
    problems += max(0, len(wrongly_told) - allowed_duplicates)
    return problems


def requeue_as_cron(timeout: float) -> tuple[int, int]:
    """Wait for the workers to finish what they can, then run requeue_outbox as cron would
    ten minutes later (the clock is moved by putting the waiting messages' times back ten
    minutes, as make_retries_due does for the backoff). Returns (orphaned tasks, requeued)."""
    from datetime import timedelta
    from io import StringIO

    from django.core.management import call_command
    from django.db.models import F
    from django_tasks_db.models import DBTaskResult

    from outbox.models import OutboxMessage

    ready = DBTaskResult.objects.ready().filter(backend_name="outbox")
    wait_until(lambda: not ready.exists(), timeout)
    orphaned = DBTaskResult.objects.filter(backend_name="outbox", status="RUNNING").count()
    OutboxMessage.objects.pending().update(
        next_attempt_at=F("next_attempt_at") - timedelta(minutes=10)
    )
    output = StringIO()
    call_command("requeue_outbox", stdout=output)
    return orphaned, int(re.search(r"\d+", output.getvalue()).group(0))


def worker_kill_scenario(site: Site, inbox: Inbox, args) -> int:
    """SIGKILL the outbox worker again and again while people post; a supervisor restarts it."""
    from django_tasks_db.models import DBTaskResult

    print(
        f"\nWorker killed: SIGKILL to the outbox worker every {args.kill_every} emails sent, "
        f"up to {args.kills} times, a new worker started after each (as systemd would)"
    )
    burst = Burst(site, "kill", args)
    kills = 0
    kill_timing = random.Random(7)  # the same moments every run
    # Work a worker can still pick up (a killed worker's own task is "running" for good).
    waiting = DBTaskResult.objects.ready().filter(backend_name="outbox")

    def busy() -> bool:
        return burst.is_alive() or waiting.exists()

    while kills < args.kills:
        before = len(inbox.received)
        wait_until(
            lambda b=before: len(inbox.received) >= b + args.kill_every or not busy(), 60, 0.05
        )
        if not busy():
            break
        # A moment later at random: the count moves just as a message is accepted, and a kill
        # timed by it would land in the very window that sends a message twice.
        time.sleep(kill_timing.uniform(0, 0.25))
        worker = outbox_worker(site)
        worker.send_signal(signal.SIGKILL)
        worker.wait()
        kills += 1
        start_outbox_worker(site)
    result = burst.result()
    orphaned, requeued = requeue_as_cron(args.timeout)
    print(
        f"  kills: {kills}; tasks the killed workers left 'running': {orphaned}; "
        f"requeue_outbox (cron, ten minutes later) requeued {requeued} message(s)"
    )
    mail = notification_figures(inbox, result.saved, args.timeout)
    return report_scenario(result, Told.read(result.outcomes), mail, allowed_duplicates=kills)


def restart_postgres(site: Site) -> float:
    """`pg_ctl restart --mode fast`: every connection is cut; returns the seconds it took."""
    started = time.monotonic()
    result = site.postgres._run(
        "pg_ctl",
        *("--pgdata", str(site.postgres.data_dir), "--log", str(site.postgres.log_file)),
        *("--mode", "fast", "--wait", "restart"),
    )
    if result.returncode != 0:
        raise RuntimeError(f"pg_ctl restart failed: {result.stdout}{result.stderr}")
    return time.monotonic() - started


def postgres_restart_scenario(site: Site, inbox: Inbox, args) -> int:
    """Restart PostgreSQL (fast mode) while people post; nothing else is restarted."""
    print(
        f"\nPostgreSQL restarted: pg_ctl restart --mode fast, {args.restarts} time(s) during "
        "the burst; gunicorn and the outbox worker are left running"
    )
    web_before, worker = gunicorn_workers(site), outbox_worker(site)
    burst = Burst(site, "pgrestart", args)
    took = []
    for n in range(1, args.restarts + 1):
        target = args.enquiries * n // (args.restarts + 1)
        wait_until(lambda t=target: stored_count("pgrestart") >= t or not burst.is_alive(), 120)
        if burst.is_alive():
            took.append(restart_postgres(site))
    wait_until(lambda: not burst.is_alive(), 600)
    result = burst.result()
    after = [Browser(site.web_port, client=n).request("GET", FORM_PATH)[0] for n in range(20)]
    web_after = gunicorn_workers(site)
    survived = worker.poll() is None
    if not survived:  # it should not die; if it did, a supervisor would start another
        start_outbox_worker(site)
    print(
        "  restarts took " + ", ".join(f"{t:.1f} s" for t in took) + "; afterwards "
        f"{after.count(200)} of {len(after)} form pages served; gunicorn workers replaced: "
        f"{len(web_before - web_after)} of {len(web_before)}; outbox worker "
        + ("survived (waited out the outage)" if survived else "DIED and was restarted")
    )
    mail = notification_figures(inbox, result.saved, args.timeout)
    problems = report_scenario(result, Told.read(result.outcomes), mail, len(took))
    return problems + (len(after) - after.count(200)) + (0 if survived else 1)


def run_resilience_scenarios(site: Site, inbox: Inbox, chosen: list[str], args) -> int:
    problems = 0
    if "worker-kill" in chosen:
        problems += worker_kill_scenario(site, inbox, args)
    if "postgres-restart" in chosen:
        problems += postgres_restart_scenario(site, inbox, args)
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--enquiries", type=int, default=200)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--web-workers", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=180, help="seconds to wait for mail")
    # Resilience scenarios (issue 7): which to run, and how hard.
    parser.add_argument(
        "--scenarios",
        default=",".join(SCENARIOS),
        help=f"comma-separated, from {', '.join(SCENARIOS)} (default: all)",
    )
    parser.add_argument("--kills", type=int, default=10, help="worker-kill: SIGKILLs")
    parser.add_argument("--kill-every", type=int, default=25, help="worker-kill: emails between")
    parser.add_argument("--restarts", type=int, default=3, help="postgres-restart: restarts")
    args = parser.parse_args()
    chosen = [name.strip() for name in args.scenarios.split(",") if name.strip()]
    if unknown := set(chosen) - set(SCENARIOS):
        parser.error(f"unknown scenario(s): {', '.join(sorted(unknown))}")

    workdir = Path(tempfile.mkdtemp(prefix="enquiry-bench-"))
    site = Site(args.web_workers, workdir)
    problems = 0
    controller = None
    try:
        print("Preparing: PostgreSQL, migrations, static files, content...", flush=True)
        site.prepare()
        site.start()
        from django.conf import settings
        from django.db import connection

        cache = settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
        print(
            f"\nSite: gunicorn {args.web_workers} workers + 1 outbox worker, production settings "
            f"(bench/settings.py), {os.cpu_count()} CPUs, PostgreSQL "
            f"{connection.cursor().connection.info.server_version // 10000} (throwaway: fsync "
            f"off), cache {cache}"
            + (" (no Redis here; rate limit lifted)" if cache == "LocMemCache" else "")
        )
        print(f"Load: {args.enquiries} enquiries from {args.clients} concurrent clients per run")

        if "mail-down" in chosen:
            print(f"\nRun 1: mail failing (nothing listens on 127.0.0.1:{site.smtp_port})")
            first = load(site, "run1", args.enquiries, args.clients)
            problems += report_load(first, args.clients)
            messages = messages_for(first.saved)
            wait_until(lambda: not messages.filter(attempts=0).exists(), args.timeout)
            errors = set(messages.exclude(last_error="").values_list("last_error", flat=True))
            print(
                f"  emails queued: {messages.count()}; tried and failed: "
                f"{messages.filter(status='pending', attempts__gte=1).count()}; sent: "
                f"{messages.filter(status='sent').count()}"
                + (f" ({sorted(errors)[0][:60]})" if errors else "")
            )

        from aiosmtpd.controller import Controller

        inbox = Inbox()
        controller = Controller(inbox, hostname="127.0.0.1", port=site.smtp_port)
        controller.start()
        if "mail-down" in chosen:
            due = make_retries_due()
            print(
                f"\nMail back (aiosmtpd on 127.0.0.1:{site.smtp_port}); {due} retries made due now"
            )
            problems += check_delivery(inbox, first.saved, args.timeout)

            print("\nRun 2: mail working")
            second = load(site, "run2", args.enquiries, args.clients)
            problems += report_load(second, args.clients)
            problems += check_delivery(inbox, second.saved, args.timeout)
        problems += run_resilience_scenarios(site, inbox, chosen, args)
    finally:
        if controller is not None:
            controller.stop()
        site.stop()
    if problems:
        print(f"\nFAILED: {problems} problem(s). Logs: {workdir}")
        return 1
    shutil.rmtree(workdir, ignore_errors=True)
    print(
        "\nOK: nothing lost, every email delivered"
        + (
            " (twice only where a crash could cause it: at most one per crash)."
            if set(chosen) - {"mail-down"}
            else " exactly once."
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
