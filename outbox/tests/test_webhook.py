"""A council's case-management system receives each new enquiry as a signed POST, through the
same outbox as the emails (so it is retried, and lost never).

The receiving system is a real HTTP server on a local port (loopback, which the test settings
allow: WEBHOOK_ALLOWED_PRIVATE_NETWORKS). The council record only accepts an https address (its
validator, as in production), so the test sets the plain-http local address directly on the
model, the way a fixture would; TLS itself is not what is tested here.
"""

from __future__ import annotations

import ipaddress
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.test import override_settings

from core.addresses import is_public_address
from councils.models import Council
from councils.tests.factories import CouncilFactory
from enquiry.tests.factories import EnquiryFactory
from outbox.models import OutboxMessage
from outbox.webhooks import (
    CouncilSystemClient,
    CouncilSystemError,
    CouncilSystemRejected,
    sign,
    verify,
)
from testkit.outbox import make_retries_due, run_worker, set_hub_inbox

SECRET = "s3cret-shared-with-the-council-system-0123456789"


class CouncilSystem:
    """A council's receiving endpoint: records every request, answers with scripted statuses
    (a 3xx with a Location header pointing to another path on the same server)."""

    def __init__(self, statuses: list[int]) -> None:
        self.statuses = list(statuses)
        self.requests: list[dict] = []
        system = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                system.requests.append(
                    {
                        "method": self.command,
                        "path": self.path,
                        "headers": self.headers,
                        "body": body,
                    }
                )
                status = system.statuses.pop(0) if system.statuses else 200
                self.send_response(status)
                if 300 <= status < 400:
                    self.send_header("Location", "/moved-here")
                self.send_header("Content-Length", "0")
                self.end_headers()

            do_GET = do_POST

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/enquiries"

    def __enter__(self) -> CouncilSystem:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()


def council_with_webhook(url: str) -> Council:
    council = CouncilFactory()
    # Set on the model directly: the admin form insists on https (see the module docstring).
    Council.objects.filter(pk=council.pk).update(webhook_url=url, webhook_secret=SECRET)
    council.refresh_from_db()
    return council


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_council_system_gets_a_signed_post_retried_after_a_server_error():
    set_hub_inbox()
    with CouncilSystem(statuses=[500, 200]) as system:
        council = council_with_webhook(system.url)
        enquiry = EnquiryFactory(council=council, first_name="Ada", email="ada@example.org")
        webhook = OutboxMessage.objects.get(reference=enquiry.reference, kind="webhook")
        assert webhook.recipient == system.url
        assert webhook.signing_council == council

        run_worker()
        webhook.refresh_from_db()
        assert (webhook.status, webhook.attempts) == ("pending", 1)
        assert "HTTP 500" in webhook.last_error

        make_retries_due()
        run_worker()
        webhook.refresh_from_db()
        assert (webhook.status, webhook.attempts) == ("sent", 2)

        assert len(system.requests) == 2
        assert {request["method"] for request in system.requests} == {"POST"}
        for request in system.requests:
            headers, body = request["headers"], request["body"]
            assert request["path"] == "/enquiries"
            assert headers["Content-Type"] == "application/json"
            assert headers["X-Hub-Event"] == "enquiry.created"
            assert verify(SECRET, headers["X-Hub-Timestamp"], body, headers["X-Hub-Signature"])
            # A changed body, a changed time or another secret fails the check.
            tampered = body.replace(b"Ada", b"Eve")
            assert tampered != body
            assert not verify(
                SECRET, headers["X-Hub-Timestamp"], tampered, headers["X-Hub-Signature"]
            )
            assert not verify(
                SECRET,
                str(int(headers["X-Hub-Timestamp"]) + 1),
                body,
                headers["X-Hub-Signature"],
            )
            assert not verify(
                "another-secret", headers["X-Hub-Timestamp"], body, headers["X-Hub-Signature"]
            )
            assert not verify(SECRET, "not-a-time", body, headers["X-Hub-Signature"])
            # Both tries are the same delivery, so the council can keep only one.
            assert headers["X-Hub-Delivery"] == str(webhook.pk)
            assert json.loads(body)["delivery"] == str(webhook.pk)

        sent = json.loads(system.requests[-1]["body"])
        assert sent["event"] == "enquiry.created"
        assert sent["data"]["reference"] == enquiry.reference
        assert sent["data"]["council"] == council.short_name
        # The council's own system, under the data sharing agreement, gets the details.
        assert sent["data"]["first_name"] == "Ada"
        assert sent["data"]["email"] == "ada@example.org"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_council_without_a_webhook_gets_none_and_other_councils_are_not_called():
    set_hub_inbox()
    with CouncilSystem(statuses=[]) as system:
        council_with_webhook(system.url)  # another council's system
        plain = CouncilFactory()
        enquiry = EnquiryFactory(council=plain)
        not_sure = EnquiryFactory(council=None)
        assert not OutboxMessage.objects.filter(kind="webhook").exists()
        run_worker()
        assert system.requests == []
        assert OutboxMessage.objects.filter(reference=enquiry.reference).count() == 3
        assert OutboxMessage.objects.filter(reference=not_sure.reference).count() == 2


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_webhook_to_a_council_that_lost_its_address_is_not_sent_anywhere():
    """Between queueing and sending the council removed its system: the message waits and
    fails visibly rather than going to an old address."""
    set_hub_inbox()
    with CouncilSystem(statuses=[]) as system:
        council = council_with_webhook(system.url)
        enquiry = EnquiryFactory(council=council)
        Council.objects.filter(pk=council.pk).update(webhook_url="", webhook_secret="")
        run_worker()
        webhook = OutboxMessage.objects.get(reference=enquiry.reference, kind="webhook")
        assert (webhook.status, webhook.attempts) == ("pending", 1)
        assert "no longer has a webhook" in webhook.last_error
        assert system.requests == []


# --- only a 2xx is received; redirects are not followed -----------------------------------------


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_redirect_is_a_rejection_and_is_not_followed():
    """Following a 301 would turn the POST into a bodiless GET, whose 200 would mark the
    enquiry sent though the council received nothing."""
    set_hub_inbox()
    with CouncilSystem(statuses=[301, 204]) as system:
        council = council_with_webhook(system.url)
        enquiry = EnquiryFactory(council=council)
        run_worker()
        webhook = OutboxMessage.objects.get(reference=enquiry.reference, kind="webhook")
        assert (webhook.status, webhook.attempts) == ("pending", 1)
        assert "HTTP 301" in webhook.last_error
        assert "redirects are not followed" in webhook.last_error
        assert [(r["method"], r["path"]) for r in system.requests] == [("POST", "/enquiries")]

        # Any 2xx is success (here 204 No Content).
        make_retries_due()
        run_worker()
        webhook.refresh_from_db()
        assert (webhook.status, webhook.attempts) == ("sent", 2)
        assert [(r["method"], r["path"]) for r in system.requests] == [("POST", "/enquiries")] * 2


@pytest.mark.parametrize("status", [302, 303, 307, 308])
def test_every_redirect_status_is_a_rejection(status):
    with CouncilSystem(statuses=[status]) as system:
        client = CouncilSystemClient(system.url, SECRET, allow_private_addresses=True)
        with pytest.raises(CouncilSystemRejected) as raised:
            client.send("enquiry.created", {"reference": "HUB-2025-000001"})
        assert raised.value.status == status
        assert [r["method"] for r in system.requests] == ["POST"]


# --- the address: the one recorded, and only a public one ---------------------------------------


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_after_the_council_changes_its_address_the_old_message_goes_to_neither():
    set_hub_inbox()
    with CouncilSystem(statuses=[]) as old, CouncilSystem(statuses=[]) as new:
        council = council_with_webhook(old.url)
        enquiry = EnquiryFactory(council=council)
        webhook = OutboxMessage.objects.get(reference=enquiry.reference, kind="webhook")
        assert webhook.recipient == old.url
        Council.objects.filter(pk=council.pk).update(webhook_url=new.url)
        council.refresh_from_db()

        run_worker()
        webhook.refresh_from_db()
        assert (webhook.status, webhook.attempts) == ("pending", 1)
        assert "changed its webhook address" in webhook.last_error
        assert old.requests == [] and new.requests == []

        # A new enquiry is queued for, and goes to, the new address only.
        later = EnquiryFactory(council=council)
        make_retries_due()
        run_worker()
        sent = OutboxMessage.objects.get(reference=later.reference, kind="webhook")
        assert (sent.recipient, sent.status) == (new.url, "sent")
        assert old.requests == []
        assert [json.loads(r["body"])["data"]["reference"] for r in new.requests] == [
            later.reference
        ]
        webhook.refresh_from_db()
        assert (webhook.status, webhook.attempts) == ("pending", 2)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_webhook_to_a_private_address_is_refused_before_connecting():
    set_hub_inbox()
    with (
        CouncilSystem(statuses=[]) as system,
        override_settings(WEBHOOK_ALLOWED_PRIVATE_NETWORKS=[]),
    ):
        council = council_with_webhook(system.url)  # http://127.0.0.1:<port>/enquiries
        enquiry = EnquiryFactory(council=council)
        run_worker()
        webhook = OutboxMessage.objects.get(reference=enquiry.reference, kind="webhook")
        assert (webhook.status, webhook.attempts) == ("pending", 1)
        assert "127.0.0.1, which is not a public internet address" in webhook.last_error
        assert system.requests == []


@pytest.mark.parametrize(
    "host",
    [
        "localhost",
        "127.0.0.2",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",  # cloud metadata
        "100.100.100.200",  # shared address space, also used for metadata
        "0.0.0.0",
        "224.0.0.1",
        "240.0.0.1",
        "[::1]",
        "[::]",
        "[fe80::1]",
        "[fd00::1]",
        "[ff02::1]",
        "[::ffff:127.0.0.1]",
    ],
)
def test_non_public_hosts_are_refused(host):
    client = CouncilSystemClient(f"https://{host}:9/hook", SECRET)
    with pytest.raises(CouncilSystemError, match="not a public internet address"):
        client.send("enquiry.created", {})


def test_only_the_networks_the_setting_names_are_allowed_at_send_time():
    """The worker's client allows loopback in tests (WEBHOOK_ALLOWED_PRIVATE_NETWORKS), and
    still refuses every other private address however the council's address resolves now."""
    for host in ("10.1.2.3", "192.168.1.1", "169.254.169.254", "[fd00::1]"):
        client = CouncilSystemClient(
            f"https://{host}:9/hook", SECRET, allowed_networks=("127.0.0.0/8", "::1/128")
        )
        with pytest.raises(CouncilSystemError, match="not a public internet address"):
            client.send("enquiry.created", {})


def test_public_addresses_are_public():
    for address in ("8.8.8.8", "2001:4860:4860::8888", "::ffff:8.8.8.8"):
        assert is_public_address(ipaddress.ip_address(address)), address


def test_only_http_addresses_are_used():
    for url in ("file:///etc/passwd", "ftp://example.org/", "https:///no-host"):
        with pytest.raises(CouncilSystemError, match="not an http"):
            CouncilSystemClient(url, SECRET).send("enquiry.created", {})


# --- an overall deadline ------------------------------------------------------------------------


class TricklingSystem:
    """A server that answers one byte at a time, each well within a per-read timeout."""

    def __init__(self, pause: float = 0.1, length: int = 200) -> None:
        self.stop = threading.Event()
        system = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self.rfile.read(int(self.headers["Content-Length"]))
                self.wfile.write(b"HTTP/1.1 200 OK\r\nX-Slow: ")
                self.wfile.flush()
                for _ in range(length):
                    if system.stop.wait(pause):
                        return
                    try:
                        self.wfile.write(b"a")
                        self.wfile.flush()
                    except OSError:
                        return
                self.wfile.write(b"\r\nContent-Length: 0\r\n\r\n")

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/enquiries"

    def __enter__(self) -> TricklingSystem:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        self.server.shutdown()
        self.server.server_close()


def test_a_trickling_server_is_cut_off_at_the_deadline():
    """Each byte comes within the per-read timeout, so only a total deadline ends the call
    (the answer would otherwise take 20 seconds, holding the worker and the row lock)."""
    with TricklingSystem(pause=0.1, length=200) as system:
        client = CouncilSystemClient(
            system.url, SECRET, timeout=1.0, deadline=1.5, allow_private_addresses=True
        )
        started = time.monotonic()
        with pytest.raises(CouncilSystemError, match=r"did not answer within 1\.5 seconds in all"):
            client.send("enquiry.created", {"reference": "HUB-2025-000001"})
        assert 1.4 <= time.monotonic() - started < 3


def test_a_quick_enough_trickle_is_received():
    with TricklingSystem(pause=0.01, length=20) as system:
        client = CouncilSystemClient(
            system.url, SECRET, timeout=1.0, deadline=5, allow_private_addresses=True
        )
        assert client.send("enquiry.created", {}) == 200


# --- replay protection --------------------------------------------------------------------------


def test_verify_refuses_old_and_future_timestamps():
    body = b'{"data": {}, "delivery": "7", "event": "enquiry.created"}'
    sent_at = 1_750_000_000
    signature = sign(SECRET, sent_at, body)
    for now in (sent_at, sent_at + 300, sent_at - 300):
        assert verify(SECRET, str(sent_at), body, signature, now=now)
    for now in (sent_at + 301, sent_at - 301, sent_at + 86400):
        assert not verify(SECRET, str(sent_at), body, signature, now=now)
    assert verify(SECRET, str(sent_at), body, signature, tolerance=3600, now=sent_at + 3600)
    assert not verify(SECRET, str(sent_at), body, signature)  # today is long after 2025-06
    assert not verify(SECRET, "", body, signature, now=sent_at)
