"""Outgoing messages in the admin: what was sent, what is waiting, what failed, and "Retry now".

Hub enquiry officers (and superusers) need to see that nothing is stuck, without seeing what the
messages say: bodies and webhook payloads are never shown, and the list leaves out recipients'
addresses (personal data). The detail page shows the recipient, so staff can tell a person whose
acknowledgement failed. Nobody adds, edits or deletes a message by hand; the only action is
asking the worker to try again now.
"""

from __future__ import annotations

import django_filters
from django.contrib import messages
from django.contrib.auth import get_permission_codename
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.tables import Column, DateColumn, StatusTagColumn, TitleColumn
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from core.admin_links import inspect_url_finder

from .models import OutboxMessage
from .tasks import retry

RETRYABLE = (OutboxMessage.Status.PENDING, OutboxMessage.Status.FAILED)
# Never loaded for the list: they may hold personal data and are not shown.
PRIVATE_FIELDS = ("body", "payload", "attachments", "recipient")


class OutboxPermissionPolicy(ModelPermissionPolicy):
    """Only "view" exists for outgoing messages: they are written by code, never by hand.

    Asking for a retry needs the same "view" permission: it changes nothing but the time of the
    next attempt.
    """

    def user_has_permission(self, user, action: str) -> bool:
        return action == "view" and super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions) -> bool:
        return "view" in actions and self.user_has_permission(user, "view")

    def users_with_any_permission(self, actions):
        return super().users_with_any_permission([a for a in actions if a == "view"])


permission_policy = OutboxPermissionPolicy(OutboxMessage)
register_permission_policy(OutboxMessage, permission_policy)


def can_view_outbox(user) -> bool:
    return bool(user and user.is_active and permission_policy.user_has_permission(user, "view"))


def topic_choices() -> list[tuple[str, str]]:
    topics = OutboxMessage.objects.order_by("topic").values_list("topic", flat=True).distinct()
    return [(topic, topic) for topic in topics]


class OutboxMessageFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=OutboxMessage.Status.choices, empty_label=_("Any")
    )
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=OutboxMessage.Kind.choices, empty_label=_("Any")
    )
    topic = django_filters.ChoiceFilter(
        label=_("Topic"), choices=topic_choices, empty_label=_("Any")
    )

    class Meta:
        model = OutboxMessage
        fields = ["status", "kind", "topic"]


class CreatedColumn(TitleColumn):
    """The row's link to the detail page, labelled with when the message was queued."""

    def get_value(self, instance: OutboxMessage) -> str:
        return date_format(timezone.localtime(instance.created_at), "j M Y, H:i:s")


class ErrorColumn(Column):
    def get_value(self, instance: OutboxMessage) -> str:
        return Truncator(instance.last_error).chars(120)


class NextAttemptColumn(DateColumn):
    """Only a waiting message has a next attempt worth showing."""

    def get_value(self, instance: OutboxMessage):
        return instance.next_attempt_at if instance.status == OutboxMessage.Status.PENDING else None


class RetryColumn(Column):
    """A small POST form ("Retry now") on rows that are waiting or failed."""

    cell_template_name = "outbox/retry_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        context["can_retry"] = instance.status in RETRYABLE
        context["retry_url"] = reverse("outbox:retry", args=[instance.pk])
        # Table cells render without the request context, so {% csrf_token %} needs this.
        context["csrf_token"] = get_token(parent_context["request"])
        return context


class OutboxIndexView(generic.IndexView):
    page_title = _("Outgoing messages")
    default_ordering = "-created_at"

    def get_base_queryset(self) -> QuerySet[OutboxMessage]:
        return super().get_base_queryset().defer(*PRIVATE_FIELDS)

    @cached_property
    def columns(self):
        return [
            CreatedColumn(
                "created_at",
                label=_("Created"),
                sort_key="created_at",
                get_url=lambda message: reverse("outbox:inspect", args=[message.pk]),
            ),
            Column("topic", label=_("Topic"), sort_key="topic"),
            Column("reference", label=_("Reference"), sort_key="reference"),
            StatusTagColumn("get_status_display", label=_("Status"), sort_key="status"),
            Column("attempts", label=_("Attempts"), sort_key="attempts"),
            NextAttemptColumn(
                "next_attempt_at", label=_("Next attempt"), sort_key="next_attempt_at"
            ),
            ErrorColumn("last_error", label=_("Last error")),
            RetryColumn("retry", label=_("Action")),
        ]


class OutboxInspectView(generic.InspectView):
    template_name = "outbox/inspect.html"

    def get_fields_context(self):
        fields = self.fields
        if self.object.kind == OutboxMessage.Kind.EMAIL:
            fields = [name for name in fields if name != "signing_council"]
        return [self.get_context_for_field(name) for name in fields]

    def get_context_for_field(self, field_name):
        context = super().get_context_for_field(field_name)
        if context["value"] is None or context["value"] == "":
            context["value"] = "—"
        return context

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_retry"] = self.object.status in RETRYABLE
        context["retry_url"] = reverse("outbox:retry", args=[self.object.pk])
        return context


@require_POST
def retry_view(request, pk: int):
    """Staff asked to send a failed or waiting message now (the worker picks it up at once)."""
    if not can_view_outbox(request.user):
        raise PermissionDenied
    message = get_object_or_404(OutboxMessage.objects.defer(*PRIVATE_FIELDS), pk=pk)
    if retry(message):
        messages.success(
            request,
            _("%(message)s will be sent again in a moment.") % {"message": message},
        )
    elif message.status in (OutboxMessage.Status.PENDING, OutboxMessage.Status.FAILED):
        # Still retryable, but its row is locked: a worker is sending it at this moment.
        messages.warning(
            request,
            _("%(message)s is being sent right now. Look again in a moment.")
            % {"message": message},
        )
    else:
        messages.warning(
            request,
            _("%(message)s was not retried: it is %(status)s.")
            % {"message": message, "status": message.get_status_display().lower()},
        )
    return redirect("outbox:inspect", pk=message.pk)


class OutboxMessageViewSet(ModelViewSet):
    model = OutboxMessage
    icon = "resubmit"
    menu_label = _("Outgoing messages")
    menu_order = 210
    url_prefix = "outbox"
    url_namespace = "outbox"
    add_to_admin_menu = True
    index_view_class = OutboxIndexView
    inspect_view_class = OutboxInspectView
    inspect_view_enabled = True
    copy_view_enabled = False
    add_to_reference_index = False
    filterset_class = OutboxMessageFilterSet
    search_fields = ["reference"]
    search_backend_name = None
    list_per_page = 50
    inspect_view_fields = [
        "kind",
        "status",
        "topic",
        "reference",
        "recipient",
        "subject",
        "signing_council",
        "attempts",
        "created_at",
        "last_attempt_at",
        "next_attempt_at",
        "sent_at",
        "last_error",
    ]

    @property
    def url_finder_class(self):
        """Links to a message go to its page: there is no edit view."""
        return inspect_url_finder(self)

    def get_permissions_to_register(self):
        """Only "view" means anything for messages (see OutboxPermissionPolicy)."""
        return Permission.objects.filter(
            content_type=ContentType.objects.get_for_model(OutboxMessage),
            codename=get_permission_codename("view", OutboxMessage._meta),
        )

    def get_urlpatterns(self):
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("inspect/<int:pk>/", self.inspect_view, name="inspect"),
            path("retry/<int:pk>/", retry_view, name="retry"),
        ]


outbox_viewset = OutboxMessageViewSet("outbox")


class FailedMessagesPanel(Component):
    """A dashboard panel telling outbox staff how many messages gave up and need a look."""

    name = "outbox_failed_messages"
    order = 90
    template_name = "outbox/failed_panel.html"

    def __init__(self, failed: int) -> None:
        self.failed = failed

    def get_context_data(self, parent_context=None):
        return {
            "failed": self.failed,
            "list_url": reverse("outbox:index") + f"?status={OutboxMessage.Status.FAILED}",
        }
