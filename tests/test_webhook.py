"""A council's case-management system receives each new enquiry as a signed POST, through the
same outbox as the emails (so it is retried, and lost never).

The receiving system is a real HTTP server on a local port. The council record only accepts an
https address (its form validator), so the test sets the plain-http local address directly on
the model, the way a fixture would; TLS itself is not what is tested here.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from councils.factories import CouncilFactory
from councils.models import Council
from enquiry.factories import EnquiryFactory
from outbox.models import OutboxMessage
from outbox.webhooks import verify
from tests.test_outbox import make_retries_due, run_worker, set_hub_inbox

SECRET = "s3cret-shared-with-the-council-system-0123456789"


class CouncilSystem:
    """A council's receiving endpoint: records every request, answers with scripted statuses."""

    def __init__(self, statuses: list[int]) -> None:
        self.statuses = list(statuses)
        self.requests: list[dict] = []
        system = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                system.requests.append({"path": self.path, "headers": self.headers, "body": body})
                status = system.statuses.pop(0) if system.statuses else 200
                self.send_response(status)
                self.end_headers()

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
