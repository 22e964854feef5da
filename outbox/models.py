"""The outbox: every email and webhook the site sends is first a row here.

A message is written in the same database transaction as the thing it is about (an enquiry, a
booking), so a saved enquiry always has its notifications, and a failed request never sends one.
The background worker (`outbox.tasks.deliver_message`) sends it, retrying with backoff, and the
row records what happened for staff to see.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutboxMessageQuerySet(models.QuerySet):
    def pending(self) -> OutboxMessageQuerySet:
        return self.filter(status=OutboxMessage.Status.PENDING)

    def due(self, now=None) -> OutboxMessageQuerySet:
        return self.pending().filter(next_attempt_at__lte=now or timezone.now())

    def overdue(self, grace: timedelta = timedelta(minutes=10)) -> OutboxMessageQuerySet:
        """Pending messages whose retry time passed long ago: their task was lost or failed."""
        return self.pending().filter(next_attempt_at__lte=timezone.now() - grace)


class OutboxMessage(models.Model):
    class Kind(models.TextChoices):
        EMAIL = "email", _("Email")
        WEBHOOK = "webhook", _("Webhook")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to send")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed (gave up)")
        CANCELLED = "cancelled", _("Cancelled")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    topic = models.CharField(
        _("topic"), max_length=60, help_text=_("What the message is, e.g. enquiry.acknowledgement")
    )
    reference = models.CharField(
        _("reference"),
        max_length=40,
        blank=True,
        db_index=True,
        help_text=_("The enquiry or booking reference the message is about."),
    )
    recipient = models.TextField(
        _("recipient"), help_text=_("Email addresses (one per line) or the webhook address.")
    )
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    body = models.TextField(_("body"), blank=True)
    payload = models.JSONField(_("webhook payload"), default=dict, blank=True)
    signing_council = models.ForeignKey(
        "councils.Council",
        verbose_name=_("signed for council"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("Webhooks are signed with this council's secret when they are sent."),
    )
    attachments = models.JSONField(
        _("attachments"),
        default=list,
        blank=True,
        help_text=_("A list of {filename, content, mimetype} with text content."),
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, db_index=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    objects = OutboxMessageQuerySet.as_manager()

    class Meta:
        verbose_name = _("outgoing message")
        verbose_name_plural = _("outgoing messages")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="outbox_due_idx")]

    def __str__(self) -> str:
        return f"{self.get_topic_display()} {self.reference}".strip()

    def get_topic_display(self) -> str:
        return self.topic

    @staticmethod
    def backoff(attempts: int) -> timedelta:
        """Wait 1, 2, 4, 8... minutes between tries, never more than OUTBOX_MAX_BACKOFF.

        Clamped in whole seconds before a timedelta is made: 60 * 2**41 seconds is beyond what
        a timedelta can hold, and an OverflowError here would stop a message ever failing.
        """
        first = max(settings.OUTBOX_FIRST_RETRY_SECONDS, 0)
        cap = max(settings.OUTBOX_MAX_BACKOFF_SECONDS, 0)
        # Past this many doublings any first delay of a second or more is beyond the cap, so
        # the exponent stays small however many attempts there were.
        doublings = min(max(attempts - 1, 0), int(cap).bit_length() + 1)
        return timedelta(seconds=min(first * 2**doublings, cap))
