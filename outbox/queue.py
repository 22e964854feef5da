"""Writing messages to the outbox. Call these inside the transaction that saves the subject."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from .models import OutboxMessage
from .tasks import enqueue_delivery


def queue_email(
    *,
    topic: str,
    to: list[str],
    subject: str,
    body: str,
    reference: str = "",
    attachments: list[dict] | None = None,
    send_after: datetime | None = None,
) -> OutboxMessage | None:
    """Queue one email (one row per message, so each recipient group retries on its own), with
    its first attempt no sooner than `send_after` (a reminder due the day before an event)."""
    recipients = [address for address in to if address]
    if not recipients:
        return None
    with transaction.atomic():
        message = OutboxMessage.objects.create(
            kind=OutboxMessage.Kind.EMAIL,
            topic=topic,
            reference=reference,
            recipient="\n".join(recipients),
            subject=subject,
            body=body,
            attachments=attachments or [],
            next_attempt_at=send_after or timezone.now(),
        )
        enqueue_delivery(message)
    return message


def queue_webhook(
    *, council, topic: str, payload: dict, reference: str = ""
) -> OutboxMessage | None:
    """Queue a signed webhook to a council's system, if the council has one configured."""
    if not (council and council.webhook_url and council.webhook_secret):
        return None
    with transaction.atomic():
        message = OutboxMessage.objects.create(
            kind=OutboxMessage.Kind.WEBHOOK,
            topic=topic,
            reference=reference,
            recipient=council.webhook_url,
            payload=payload,
            signing_council=council,
        )
        enqueue_delivery(message)
    return message
