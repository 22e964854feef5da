"""The outbox as the tests of several apps drive it: a real SMTP server on a local port, the
real worker run in batch mode, retries made due, and the hub's inbox for notifications."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from datetime import timedelta
from email import message_from_bytes
from email.policy import default as default_policy

from aiosmtpd.controller import Controller
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from wagtail.models import Site

from councils.models import HubSettings
from outbox.models import OutboxMessage

HUB_INBOX = "enquiries@hub.example"


class Inbox:
    """An aiosmtpd handler that keeps every message it is given."""

    def __init__(self, delay: float = 0.0) -> None:
        self.delay = delay
        self.messages: list[dict] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        parsed = message_from_bytes(envelope.content, policy=default_policy)
        with self.lock:
            self.messages.append(
                {
                    "to": tuple(sorted(envelope.rcpt_tos)),
                    "subject": str(parsed["subject"]),
                    "body": parsed.get_content(),
                }
            )
        return "250 Message accepted for delivery"

    def keys(self) -> list[tuple]:
        return [(m["to"], m["subject"]) for m in self.messages]


@contextlib.contextmanager
def smtp_server(port: int, delay: float = 0.0, inbox=None):
    """A real SMTP server on 127.0.0.1:port for as long as the block runs (keeping what it is
    sent in an Inbox, or in the aiosmtpd handler given)."""
    inbox = inbox or Inbox(delay)
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox
    finally:
        controller.stop()


def smtp_settings(port: int):
    return override_settings(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=port,
        EMAIL_USE_TLS=False,
        EMAIL_USE_SSL=False,
        EMAIL_HOST_USER="",
        EMAIL_HOST_PASSWORD="",
        EMAIL_TIMEOUT=5,
    )


def run_worker() -> None:
    """The real worker, in batch mode: run every task that is due, then exit."""
    call_command(
        "db_worker",
        "--batch",
        "--backend",
        "outbox",
        "--queue-name",
        "outbox",
        "--no-startup-delay",
        verbosity=0,
    )


def make_retries_due() -> None:
    """Pretend the backoff time has passed: the messages and their queued tasks are due now."""
    past = timezone.now() - timedelta(seconds=1)
    OutboxMessage.objects.pending().update(next_attempt_at=past)
    DBTaskResult.objects.filter(status="READY").update(run_after=past)


def set_hub_inbox(address: str = HUB_INBOX) -> None:
    hub = HubSettings.for_site(Site.objects.get(is_default_site=True))
    hub.enquiry_notification_email = address
    hub.save()
