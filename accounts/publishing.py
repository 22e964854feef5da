"""How a page reaches the site from the admin: Hub review, its emails, and cancelled schedules.

Hub review is the one workflow every page goes through when its editor submits it: council comms
officers submit their council's pages and the events they draft; the hub's comms officers (the
task's group) review them, approving with or without edits or asking for changes, and can
publish any page directly. Wagtail's own default, "Moderators approval", waits for a group
nobody is in, so `sync_review_workflow()` (run by `sync_roles()`) switches it off, gives back to
their editors the pages that were waiting in it, and puts Hub review on the root page.

Wagtail's workflow emails are queued in the outbox rather than sent from inside the editor's
request, like every email the site sends: the worker retries while the mail server is down, and
no address is written to a log.
"""

from __future__ import annotations

from datetime import timedelta
from typing import ClassVar

from django.contrib.auth.models import Group
from django.db.models.signals import post_save
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.dateparse import parse_datetime
from wagtail.admin.mail import (
    GroupApprovalTaskStateSubmissionEmailNotifier,
    WorkflowStateApprovalEmailNotifier,
    WorkflowStateRejectionEmailNotifier,
    WorkflowStateSubmissionEmailNotifier,
)
from wagtail.models import (
    GroupApprovalTask,
    Page,
    Revision,
    TaskState,
    Workflow,
    WorkflowPage,
    WorkflowState,
    WorkflowTask,
)
from wagtail.signals import task_submitted, workflow_approved, workflow_rejected, workflow_submitted

from outbox.models import OutboxMessage
from outbox.queue import queue_email

HUB_REVIEW = "Hub review"
# The workflow Wagtail's migration (wagtailcore 0048) puts on the root page for its Moderators.
WAGTAIL_DEFAULT_WORKFLOW = "Moderators approval"
MILLISECOND = timedelta(milliseconds=1)


def sync_review_workflow(reviewers: Group) -> Workflow:
    """Make sure Hub review exists, is reviewed by this group, and is every page's workflow.

    Idempotent; the task and the workflow are found by their name. Groups an administrator adds
    to the task stay, and so do a workflow given to a section of the tree and a Hub review
    switched off in the admin.
    """
    task = GroupApprovalTask.objects.filter(name=HUB_REVIEW).first()
    if task is None:
        task = GroupApprovalTask.objects.create(name=HUB_REVIEW)
    task.groups.add(reviewers)

    workflow, created = Workflow.objects.get_or_create(name=HUB_REVIEW)
    if created:
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)

    for default in Workflow.objects.filter(name=WAGTAIL_DEFAULT_WORKFLOW, active=True):
        # What waits in it (in review, or sent back) returns to its editor to submit again.
        for state in WorkflowState.objects.active().filter(workflow=default):
            state.cancel()
        default.deactivate()  # and its assignments go, the root page's among them

    WorkflowPage.objects.get_or_create(
        page=Page.get_first_root_node(), defaults={"workflow": workflow}
    )
    return workflow


# --- The emails -------------------------------------------------------------------------------


class QueuedInTheOutbox:
    """Wagtail's notifier, with each email written to the outbox instead of sent at once.

    Wagtail renders the email (its templates, in the recipient's admin language) and chooses
    the recipients (active, with an email address and the notification switched on in their
    account); only the sending differs. Plain text, as `WAGTAILADMIN_NOTIFICATION_USE_HTML`
    is off: the outbox sends text.
    """

    notification: str
    subject_length: ClassVar[int] = OutboxMessage._meta.get_field("subject").max_length

    def send_emails(self, template_set, context, recipients, **kwargs) -> bool:
        for recipient in recipients:
            context["user"] = recipient
            with translation.override(recipient.wagtail_userprofile.get_preferred_language()):
                subject = render_to_string(template_set["subject"], context)
                body = render_to_string(template_set["text"], context).strip()
            queue_email(
                topic=f"workflow.{self.notification}",
                to=[recipient.email],
                subject=" ".join(subject.split())[: self.subject_length],
                body=body,
            )
        return True


class ReviewRequested(QueuedInTheOutbox, GroupApprovalTaskStateSubmissionEmailNotifier):
    """To each member of the task's groups (the hub's comms officers) but the submitter."""


class Submitted(QueuedInTheOutbox, WorkflowStateSubmissionEmailNotifier):
    """To superusers, only if WAGTAILADMIN_NOTIFICATION_INCLUDE_SUPERUSERS (off here)."""


class ChangesRequested(QueuedInTheOutbox, WorkflowStateRejectionEmailNotifier):
    """To the submitter, with the reviewer's name and comment."""


class Approved(QueuedInTheOutbox, WorkflowStateApprovalEmailNotifier):
    """To the submitter, with the reviewer's comment when they left one (Wagtail's own email
    leaves it out: "Approve with comment" would otherwise reach only the history)."""

    def get_context(self, workflow_state: WorkflowState, **kwargs) -> dict:
        context = super().get_context(workflow_state, **kwargs)
        task_state = workflow_state.current_task_state
        context["comment"] = task_state.specific.get_comment() if task_state else ""
        return context

    def get_template_set(self, instance, **kwargs) -> dict[str, str]:
        return {
            **super().get_template_set(instance, **kwargs),
            "text": "accounts/notifications/workflow_state_approved.txt",
        }


# Wagtail's receivers, by the dispatch_uid wagtail.admin.signal_handlers connects them with.
NOTIFIERS = [
    (task_submitted, TaskState, "group_approval_task_submitted_email_notification", ReviewRequested()),
    (workflow_submitted, WorkflowState, "workflow_state_submitted_email_notification", Submitted()),
    (workflow_rejected, WorkflowState, "workflow_state_rejected_email_notification", ChangesRequested()),
    (workflow_approved, WorkflowState, "workflow_state_approved_email_notification", Approved()),
]  # fmt: skip


def queue_workflow_emails() -> None:
    """Put our notifiers in the place of Wagtail's (same signals, senders and dispatch_uid)."""
    for signal, sender, dispatch_uid, notifier in NOTIFIERS:
        signal.disconnect(sender=sender, dispatch_uid=dispatch_uid)
        signal.connect(notifier, sender=sender, dispatch_uid=dispatch_uid, weak=False)


# --- A cancelled schedule stays cancelled -----------------------------------------------------


def forget_cancelled_go_live_date(
    sender, instance: Revision, update_fields=None, raw: bool = False, **kwargs
) -> None:
    """After "Cancel scheduled publish", the old go-live date is gone from the draft too.

    Wagtail cancels by saving the scheduled revision's `approved_go_live_at` alone, set to None
    (and logs `wagtail.schedule.cancel` for exactly that save). The date itself survives in that
    revision's content, in any later draft's, and (for a page never published) on the page
    row; the editor opens the latest draft, so the next save carried the date again and the
    next publish waited for it without a word. Here it is forgotten where it survives. The
    history entry of the cancellation still records it.
    """
    cancelled = (
        not raw
        and update_fields is not None
        and "approved_go_live_at" in update_fields
        and instance.approved_go_live_at is None
    )
    go_live_at = instance.content.get("go_live_at") if cancelled else None
    if not go_live_at:
        return
    later = Revision.objects.filter(
        base_content_type_id=instance.base_content_type_id,
        object_id=instance.object_id,
        created_at__gte=instance.created_at,
    )
    for revision in later.only("content"):
        if revision.content.get("go_live_at") == go_live_at:
            # An update, not save(): the in-memory revision Wagtail logs the cancellation from
            # keeps the date, and no signal runs again.
            Revision.objects.filter(pk=revision.pk).update(
                content={**revision.content, "go_live_at": None}
            )
    # The content holds the date to the millisecond (DjangoJSONEncoder), the row to the
    # microsecond.
    since = parse_datetime(go_live_at)
    model = instance.content_type.model_class()
    model._default_manager.filter(
        pk=instance.object_id, go_live_at__gte=since, go_live_at__lt=since + MILLISECOND
    ).update(go_live_at=None)


def connect() -> None:
    queue_workflow_emails()
    post_save.connect(
        forget_cancelled_go_live_date, sender=Revision, dispatch_uid="accounts.cancelled_schedule"
    )
