"""Sending outbox messages, run by the background worker (`manage.py db_worker`)."""

from __future__ import annotations

import logging
import re
import smtplib
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import OperationalError, transaction
from django.utils import timezone
from django_tasks import task

from .models import OutboxMessage
from .webhooks import CouncilSystemClient, CouncilSystemError

logger = logging.getLogger(__name__)

OUTBOX_BACKEND = "outbox"
# How long a task that found its message locked by someone else waits before looking again.
LOCKED_RECHECK_SECONDS = 30
# Anything that looks like an email address (a quoted local part too), wherever it appears in an
# error: mail servers repeat the refused address in their answers.
EMAIL_ADDRESS = re.compile(r"""(?:"[^"\n]*"|[^\s@<>()\[\]"',;:]+)@[^\s@<>()\[\]"',;:]+""")
ADDRESS_REMOVED = "[address removed]"
# PostgreSQL's "lock not available", raised by SELECT ... FOR UPDATE NOWAIT.
LOCK_NOT_AVAILABLE = "55P03"


def enqueue_delivery(message: OutboxMessage) -> None:
    """Ask the worker to send a message at its next attempt time.

    With the database task backend the task row is written in the caller's transaction, so the
    message and the request to send it commit (or roll back) together.
    """
    deliver_message.using(run_after=message.next_attempt_at).enqueue(message.pk)


def describe_error(error: BaseException) -> str:
    """What went wrong, for last_error (shown to staff), without any email address in it.

    A refused recipient's exception holds the addresses as keys; only the servers' answers are
    kept, and any address they repeat is removed too.
    """
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        answers = []
        for answer in error.recipients.values():
            code, text = answer if isinstance(answer, tuple) else ("", answer)
            if isinstance(text, bytes):
                text = text.decode("utf-8", "replace")
            answers.append(f"{code} {text}".strip())
        detail = "; ".join(answers) or "every recipient was refused"
    else:
        detail = str(error)
    text = f"{type(error).__name__}: {detail}" if detail else type(error).__name__
    return EMAIL_ADDRESS.sub(ADDRESS_REMOVED, text)[:2000]


def _send(message: OutboxMessage) -> None:
    if message.kind == OutboxMessage.Kind.EMAIL:
        email = EmailMessage(
            subject=message.subject,
            body=message.body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[line.strip() for line in message.recipient.splitlines() if line.strip()],
        )
        for attachment in message.attachments:
            email.attach(attachment["filename"], attachment["content"], attachment["mimetype"])
        # Leave the mail server (QUIT) only once the commit recording the message as sent is
        # done: a crash between the server's "250 accepted" and that commit sends the message
        # again, and the QUIT round trip would otherwise sit inside that window. (A rolled-back
        # transaction drops the callback; the socket closes with the connection object.)
        email.connection = get_connection(fail_silently=False)
        email.connection.open()
        transaction.on_commit(email.connection.close, robust=True)
        email.send()
    else:
        # Sent to the address recorded when it was queued, and only while that is still the
        # council's address: after a change the old data must not go to the new system (which
        # may belong to someone else), nor anything more to the old one.
        council = message.signing_council
        if council is None or not council.webhook_url or not council.webhook_secret:
            raise CouncilSystemError("The council no longer has a webhook address and secret.")
        if message.recipient.strip() != council.webhook_url.strip():
            raise CouncilSystemError(
                "The council changed its webhook address after this message was queued, so it "
                "was sent to neither address; send the enquiry to the council's system again "
                "from the enquiry if the new address should have it."
            )
        CouncilSystemClient(
            message.recipient.strip(),
            council.webhook_secret,
            allowed_networks=tuple(settings.WEBHOOK_ALLOWED_PRIVATE_NETWORKS),
        ).send(message.topic, message.payload, delivery=str(message.pk))


def deliver(message_id: int) -> str:
    """Send one message if it is due, exactly once even with several workers.

    The row stays locked while it is sent, so a second worker skips it (and looks again a little
    later, in case the lock was not a worker's); a failure schedules the next try (1, 2, 4...
    minutes) until OUTBOX_MAX_ATTEMPTS, then marks it failed for staff.
    """
    with transaction.atomic():
        message = (
            OutboxMessage.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("signing_council")
            .filter(pk=message_id, status=OutboxMessage.Status.PENDING)
            .first()
        )
        if message is None:
            if OutboxMessage.objects.filter(
                pk=message_id, status=OutboxMessage.Status.PENDING
            ).exists():
                # Someone else holds the row: another worker sending it, or a staff or
                # maintenance update. Look again shortly rather than finishing this task, or a
                # message whose only task this was would wait with nothing to send it.
                deliver_message.using(
                    run_after=timezone.now() + timedelta(seconds=LOCKED_RECHECK_SECONDS)
                ).enqueue(message_id)
                return "locked; will look again"
            return "nothing to send"
        now = timezone.now()
        if message.next_attempt_at > now:
            return "not due yet"
        message.attempts += 1
        message.last_attempt_at = now
        try:
            _send(message)
        except Exception as error:  # any failure of the mail server or the council's system
            # Errors can carry the recipient's address: the row gets a redacted description,
            # the log only the kind of error and the message id.
            message.last_error = describe_error(error)
            if message.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
                message.status = OutboxMessage.Status.FAILED
                logger.error(
                    "Outbox message %s failed for good (%s)", message.pk, type(error).__name__
                )
            else:
                message.next_attempt_at = now + OutboxMessage.backoff(message.attempts)
                enqueue_delivery(message)
                logger.warning(
                    "Outbox message %s attempt %s failed (%s); will try again",
                    message.pk,
                    message.attempts,
                    type(error).__name__,
                )
            message.save()
            return "failed"
        message.status = OutboxMessage.Status.SENT
        message.sent_at = timezone.now()
        message.last_error = ""
        message.save()
        return "sent"


@task(backend=OUTBOX_BACKEND, queue_name="outbox")
def deliver_message(message_id: int) -> str:
    return deliver(message_id)


def requeue_overdue() -> int:
    """Re-ask the worker for pending messages whose task went missing. Safe to run any time."""
    count = 0
    with transaction.atomic():
        for message in OutboxMessage.objects.overdue().select_for_update(skip_locked=True):
            message.next_attempt_at = timezone.now()
            message.save(update_fields=["next_attempt_at"])
            enqueue_delivery(message)
            count += 1
    return count


class _RowBusy(Exception):
    """Someone else holds the message's row lock."""


def retry(message: OutboxMessage) -> bool:
    """Staff asked to try a failed or waiting message again now; False if it is not retryable.

    The row is locked first: a worker may be sending it at this moment, and putting a message
    that has just gone back to "waiting" would send it twice. A message sent or cancelled
    meanwhile is left alone. The lock is not waited for (a send can take the whole webhook
    deadline, and the staff member's request would hang): a busy row is "not now", False.
    """
    try:
        with transaction.atomic():
            try:
                locked = (
                    OutboxMessage.objects.select_for_update(nowait=True, of=("self",))
                    .filter(
                        pk=message.pk,
                        status__in=[OutboxMessage.Status.PENDING, OutboxMessage.Status.FAILED],
                    )
                    .only("pk", "status", "next_attempt_at", "attempts")
                    .first()
                )
            except OperationalError as error:
                cause = error.__cause__
                code = getattr(cause, "sqlstate", None) or getattr(cause, "pgcode", None)
                if code != LOCK_NOT_AVAILABLE:
                    raise
                raise _RowBusy from error
            if locked is None:
                message.refresh_from_db(fields=["status"])
                return False
            locked.status = OutboxMessage.Status.PENDING
            locked.next_attempt_at = timezone.now()
            locked.attempts = 0
            locked.save(update_fields=["status", "next_attempt_at", "attempts"])
            enqueue_delivery(locked)
    except _RowBusy:
        # A worker is sending it (or staff are changing it) right now: not retryable now.
        message.refresh_from_db(fields=["status"])
        return False
    message.status = locked.status
    message.next_attempt_at = locked.next_attempt_at
    message.attempts = locked.attempts
    return True
