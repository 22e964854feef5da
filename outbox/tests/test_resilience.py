"""When the database goes away, nobody is told an enquiry was sent that was not, and nothing the
outbox owes is lost or sent twice: a worker killed mid-send, or cut off from the database
mid-send, leaves every message to be sent exactly once.

Real parts only: the site served by a real server thread (pytest-django's live server) with the
production connection settings (persistent connections, health checks), the real `db_worker`
in its own process on production settings (bench/settings.py), a real SMTP server (aiosmtpd),
and real outages: PostgreSQL refuses new connections to the database (`ALLOW_CONNECTIONS
false`, as during a restart) and every open one is cut (`pg_terminate_backend`).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from datetime import timedelta
from email import message_from_bytes
from email.policy import default as default_policy
from pathlib import Path

import psycopg
import pytest
import requests
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from psycopg import sql

from councils.tests.factories import CouncilFactory
from enquiry.models import Enquiry
from enquiry.tests.factories import EnquiryFactory
from outbox.models import OutboxMessage
from testkit.database import transactional
from testkit.html import soup
from testkit.outbox import run_worker, set_hub_inbox, smtp_server, smtp_settings
from testkit.postgres import free_port

ROOT = Path(__file__).resolve().parents[2]  # the checkout: outbox/tests/ is two levels down


# --- a real outage --------------------------------------------------------------------------------


@contextlib.contextmanager
def database_unreachable():
    """The site's database refuses new connections and every open one is cut, as while
    PostgreSQL restarts; this test's own connection is kept so it can look at the rows."""
    params = connection.settings_dict
    name = params["NAME"]
    own_pid = connection.cursor().connection.info.backend_pid
    admin = psycopg.connect(
        host=params["HOST"],
        port=params["PORT"],
        user=params["USER"],
        password=params.get("PASSWORD") or None,
        dbname="postgres",
        autocommit=True,
    )
    database = sql.Identifier(name)
    try:
        admin.execute(sql.SQL("ALTER DATABASE {} ALLOW_CONNECTIONS false").format(database))
        admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> %s",
            [name, own_pid],
        )
        yield
    finally:
        admin.execute(sql.SQL("ALTER DATABASE {} ALLOW_CONNECTIONS true").format(database))
        admin.close()


@contextlib.contextmanager
def production_connections():
    """Persistent connections with health checks, as config/settings/production.py has them."""
    database = settings.DATABASES["default"]  # the very dict every connection reads
    saved = {key: database.get(key) for key in ("CONN_MAX_AGE", "CONN_HEALTH_CHECKS")}
    database.update(CONN_MAX_AGE=60, CONN_HEALTH_CHECKS=True)
    try:
        yield
    finally:
        database.update(saved)


# --- the visitor's side ---------------------------------------------------------------------------


def form_fields(html: str) -> list[tuple[str, str]]:
    """What a browser would send: the enquiry form's hidden fields and typed answers."""
    form = soup(html).find("input", attrs={"name": "form_token"})
    form = form.find_parent("form")
    fields = [
        (field["name"], field.get("value", ""))
        for field in form.find_all("input", attrs={"type": "hidden"})
    ]
    return [
        *fields,
        ("first_name", "Zofia"),
        ("last_name", "Kowalska-Ó'Brien"),
        ("email", "zofia@example.org"),
        ("phone", "07700 900456"),
        ("postcode", "DE1 2AB"),
        ("council", "derby"),
        ("spare_bedroom", "yes"),
        ("contact_method", "phone"),
        ("contact_time", "evening"),
        ("question", "Czy mogę zostać rodziną zastępczą?\nI work shifts."),
    ]


def resend_form(html: str) -> tuple[str, list[tuple[str, str]]]:
    form = soup(html).find("form", attrs={"method": "post"})
    fields = [(field["name"], field["value"]) for field in form.find_all("input")]
    return form["action"], fields


@pytest.fixture
def enquiry_site(enquiry_page):
    CouncilFactory(name="Derby City Council", short_name="derby")
    return enquiry_page


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_while_the_database_is_down_visitors_are_told_nothing_was_saved_and_can_send_again(
    live_server, enquiry_site
):
    browser = requests.Session()
    url = live_server.url
    with production_connections():
        form_page = browser.get(url + "/enquire/")
        assert form_page.status_code == 200
        answers = form_fields(form_page.text)

        with database_unreachable():
            response = browser.post(url + "/enquire/", data=answers, allow_redirects=False)
            # Not a confirmation, not a redirect to one: a clear "not sent", for now.
            assert response.status_code == 503
            assert response.headers["Retry-After"] == "30"
            assert "no-store" in response.headers["Cache-Control"]
            page = soup(response.text)
            assert page.h1.get_text() == "Sorry, we could not send your answers"
            assert page.title.get_text() == page.h1.get_text()
            text = page.get_text(" ", strip=True)
            assert "nothing you sent has been saved" in text
            assert "HUB-" not in text and "Thank you" not in text
            # What they typed is kept, to send again as it was (the same signed form token).
            action, kept = resend_form(response.text)
            assert action == "/enquire/"
            assert sorted(kept) == sorted(answers)
            assert page.find("button", string="Send again") is not None

            # Any page: unavailable, in the visitor's language, with no form to send.
            for path, language, heading in (
                ("/", "en-gb", "Sorry, the service is unavailable"),
                ("/ur/", "ur", "معذرت، یہ سروس دستیاب نہیں ہے"),
            ):
                response = browser.get(url + path)
                assert response.status_code == 503
                assert response.headers["Retry-After"] == "30"
                page = soup(response.text)
                assert page.html["lang"].lower() == language
                assert page.html["dir"] == ("rtl" if language == "ur" else "ltr")
                assert page.h1.get_text() == heading
                assert page.find("form") is None
            # The load balancer takes the web process out of service meanwhile.
            assert browser.get(url + "/health/").status_code == 503
            assert not Enquiry.objects.exists()

        # The database is back: the same web process serves again, without a restart.
        assert browser.get(url + "/health/").text == "ok"
        assert browser.get(url + "/").status_code == 200
        confirmed = browser.post(url + action, data=kept)
        assert confirmed.status_code == 200
        assert "HUB-" in confirmed.text
        # Pressing "Send again" twice (or the browser resending) still makes one enquiry.
        browser.post(url + action, data=kept)
    enquiry = Enquiry.objects.get()
    assert (enquiry.first_name, enquiry.email) == ("Zofia", "zofia@example.org")
    assert enquiry.question == "Czy mogę zostać rodziną zastępczą?\nI work shifts."
    assert enquiry.reference in confirmed.text


# --- the outbox worker ----------------------------------------------------------------------------


class SlowToRefuseFirst:
    """A mail server that turns the first message away after a pause (451, try later), then
    accepts everything: the pause is when the worker is mid-send, holding the message's lock."""

    def __init__(self, pause: float = 1.5) -> None:
        self.pause = pause
        self.first_arrived = threading.Event()
        self.accepted: list[tuple[tuple[str, ...], str]] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        if not self.first_arrived.is_set():
            self.first_arrived.set()
            await asyncio.sleep(self.pause)
            return "451 4.3.0 Try again later"
        subject = str(message_from_bytes(envelope.content, policy=default_policy)["subject"])
        with self.lock:
            self.accepted.append((tuple(sorted(envelope.rcpt_tos)), subject))
        return "250 Message accepted for delivery"


@contextlib.contextmanager
def worker_process(smtp_port: int, log: Path, **settings: str):
    """`manage.py db_worker` as production runs it, in its own process, on this test database
    (`settings`: environment variables of the production settings to change)."""
    params = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DATABASE_URL": (
            f"postgresql://{params['USER']}@{params['HOST']}:{params['PORT']}/{params['NAME']}"
        ),
        "EMAIL_PORT": str(smtp_port),
        "PYTHONUNBUFFERED": "1",
        **settings,
    }
    with open(log, "w") as output:
        process = subprocess.Popen(
            [
                sys.executable,
                "manage.py",
                "db_worker",
                "--backend",
                "outbox",
                "--queue-name",
                "outbox",
                "--interval",
                "0.1",
                "--no-startup-delay",
                "--no-reload",
            ],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        try:
            yield process
        finally:
            if process.poll() is None:
                process.terminate()
                process.wait(timeout=15)


def expected_emails(messages) -> list[tuple[tuple[str, ...], str]]:
    return sorted(
        (tuple(sorted(line for line in m.recipient.splitlines() if line)), m.subject)
        for m in messages
    )


def wait_for(check, timeout: float = 30) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.1)
    return check()


@pytest.fixture
def three_emails():
    """An enquiry for a council: acknowledgement, hub and council notifications waiting."""
    set_hub_inbox()
    enquiry = EnquiryFactory(council=CouncilFactory(), email="robin@example.org")
    messages = OutboxMessage.objects.filter(reference=enquiry.reference)
    assert messages.count() == 3
    return messages


@transactional
def test_a_worker_killed_mid_send_leaves_each_message_to_be_sent_once(three_emails, tmp_path):
    port = free_port()
    with smtp_server(port, inbox=SlowToRefuseFirst()) as mail:
        with worker_process(port, tmp_path / "worker.log") as worker:
            assert mail.first_arrived.wait(60), (tmp_path / "worker.log").read_text()
            worker.send_signal(signal.SIGKILL)  # mid-send: the message's row is locked
            worker.wait(timeout=10)
        # PostgreSQL ended the dead worker's transaction: nothing recorded, its task "running"
        # for ever; the worker may have sent the other two before it died.
        assert DBTaskResult.objects.filter(status="RUNNING").count() == 1
        assert three_emails.filter(status="pending").exists()
        assert len(mail.accepted) == 3 - three_emails.filter(status="pending").count()

        # Ten minutes later cron runs requeue_outbox; a new worker sends what is left.
        OutboxMessage.objects.pending().update(
            next_attempt_at=timezone.now() - timedelta(minutes=11)
        )
        call_command("requeue_outbox", stdout=open(os.devnull, "w"))  # noqa: SIM115
        with smtp_settings(port):
            run_worker()
    assert sorted(mail.accepted) == expected_emails(three_emails)  # each exactly once
    assert set(three_emails.values_list("status", flat=True)) == {"sent"}


@transactional
def test_the_worker_waits_out_a_database_outage_mid_send_and_sends_each_message_once(
    three_emails, tmp_path
):
    port = free_port()
    log = tmp_path / "worker.log"
    # Without the connection pool (as behind PgBouncer): the pool would wait out an outage this
    # short by itself, and this test is about the worker's own recovery when a query fails.
    unpooled = worker_process(port, log, DATABASE_POOL_MAX_SIZE="0")
    with smtp_server(port, inbox=SlowToRefuseFirst()) as mail, unpooled as worker:
        assert mail.first_arrived.wait(60), log.read_text()
        with database_unreachable():
            # The mail server refuses the first message while the database is gone: the
            # worker cannot record the attempt, and must neither exit nor forget the message.
            time.sleep(mail.pause + 1)
            assert worker.poll() is None, log.read_text()
        # The database is back: the same worker process sends all three, each once, with no
        # requeue_outbox (the interrupted task is put back at once).
        assert wait_for(lambda: not three_emails.exclude(status="sent").exists()), log.read_text()
        assert worker.poll() is None
        time.sleep(0.5)  # a second copy, if any, would arrive now
    assert sorted(mail.accepted) == expected_emails(three_emails)
    assert "lost the database" in log.read_text()


class CountsSentAtGoodbye:
    """A mail server that, when the worker says goodbye (QUIT), looks at how many messages the
    outbox has already recorded as sent."""

    def __init__(self) -> None:
        self.sent_at_quit: list[int] = []

    async def handle_DATA(self, server, session, envelope):
        return "250 Message accepted for delivery"

    async def handle_QUIT(self, server, session, envelope):
        self.sent_at_quit.append(await asyncio.to_thread(self.sent_count))
        return "221 Bye"

    @staticmethod
    def sent_count() -> int:
        try:
            return OutboxMessage.objects.filter(status="sent").count()
        finally:
            connection.close()  # this thread's own connection


@transactional
def test_a_message_is_recorded_as_sent_before_the_worker_leaves_the_mail_server(three_emails):
    # A crash between the server's "250 accepted" and the commit sends a message again; the
    # goodbye to the server (a network round trip) must not widen that window.
    port = free_port()
    with smtp_server(port, inbox=CountsSentAtGoodbye()) as mail, smtp_settings(port):
        run_worker()
    assert mail.sent_at_quit == [1, 2, 3]
