"""Register the outgoing-messages admin and its dashboard warning."""

from wagtail import hooks

from .models import OutboxMessage
from .viewsets import FailedMessagesPanel, can_view_outbox, outbox_viewset


@hooks.register("register_admin_viewset")
def register_outbox_viewset():
    return outbox_viewset


@hooks.register("construct_homepage_panels")
def add_failed_messages_panel(request, panels) -> None:
    """Only people who can act on it see it, and only when something failed."""
    if not can_view_outbox(request.user):
        return
    failed = OutboxMessage.objects.filter(status=OutboxMessage.Status.FAILED).count()
    if failed:
        panels.append(FailedMessagesPanel(failed))
