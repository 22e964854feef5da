"""Reports → Site history with the row rules: each person sees the entries of the rows they may
see, not every entry of a model they hold any permission on.

Wagtail's report (`LogEntriesView`) filters entries by model: a council's comms officer, who
may manage campaigns, saw every council's campaign entries; a marketing lead, whose "booking
numbers" permission sits on bookings, saw every attendance record (reference, attended, who
recorded it). This view replaces it at the same address (config/urls.py puts it before
Wagtail's admin URLs, the documented way to replace an admin view) and changes only which
entries it reads, its filters' choices included:

- pages: Wagtail's own rule, the pages the person may edit or see in the explorer;
- a user account: the person's own; everyone else's only to superusers;
- any other row: the rows its model's permission policy lets the person see
  (`instances_user_has_any_permission_for`, the row rule of enquiries, bookings, campaigns and
  held posts; model permissions for the rest). The entries of rows deleted since (a held post
  is deleted once released) only to people whose rule shows every row of the model.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, IntegerField, Q, QuerySet, Value
from django.db.models.functions import Cast
from django.urls import path
from wagtail.admin.auth import require_admin_access
from wagtail.admin.filters import ContentTypeFilter
from wagtail.admin.views.reports.audit_logging import LogEntriesView, SiteHistoryReportFilterSet
from wagtail.log_actions import registry as log_registry
from wagtail.models import ModelLogEntry
from wagtail.permissions import policy_registry

ROW_ACTIONS = ["add", "change", "delete", "view"]


def rows_seen(user, model) -> Q | None:
    """Which entries of this model's rows the person sees, as a condition on `object_id`
    (None: no entry; an empty Q: every entry)."""
    if model is get_user_model():
        return Q(object_id=str(user.pk))
    policy = policy_registry.get_by_type(model)
    if policy is None or not policy.user_has_any_permission(user, ROW_ACTIONS):
        return None
    rows = policy.instances_user_has_any_permission_for(user, ROW_ACTIONS)
    if not rows.query.has_filters():  # every row: and so the entries of rows deleted since
        return Q()
    ids = (
        rows.order_by().annotate(entry_object_id=Cast("pk", CharField())).values("entry_object_id")
    )
    return Q(object_id__in=ids)


def model_entries(user) -> QuerySet[ModelLogEntry]:
    """The entries about rows other than pages that this person may see."""
    entries = ModelLogEntry.objects.all()
    if user.is_superuser:
        return entries
    seen = Q(pk__in=[])
    for content_type_id in entries.order_by().values_list("content_type_id", flat=True).distinct():
        model = ContentType.objects.get_for_id(content_type_id).model_class()
        if model is None:  # a model since removed: superusers only
            continue
        condition = rows_seen(user, model)
        if condition is not None:
            seen |= Q(content_type_id=content_type_id) & condition
    return entries.filter(seen)


def visible_entries(user, log_model) -> QuerySet:
    """The entries of one log model that this person may see."""
    if not user.is_active:
        return log_model.objects.none()
    if log_model is ModelLogEntry:
        return model_entries(user)
    return log_model.objects.viewable_by_user(user)  # pages: edit or explore


def every_visible_entries(request) -> list[tuple[type, QuerySet]]:
    """(log model, the entries of it this person may see), worked out once per request: the
    list and its three filters all read them, and each reads the row rules."""
    if not hasattr(request, "_visible_log_entries"):
        request._visible_log_entries = [
            (model, visible_entries(request.user, model))
            for model in log_registry.get_log_entry_models()
        ]
    return request._visible_log_entries


def content_types_seen(request) -> QuerySet[ContentType]:
    ids = set()
    for _model, entries in every_visible_entries(request):
        ids.update(entries.get_content_type_ids())
    return ContentType.objects.filter(pk__in=ids).order_by("model")


class SiteHistoryFilterSet(SiteHistoryReportFilterSet):
    """Wagtail's filters, offering only the types, actions and people of the entries shown."""

    object_type = ContentTypeFilter(
        label=SiteHistoryReportFilterSet.base_filters["object_type"].label,
        method="filter_object_type",
        queryset=content_types_seen,
    )

    def get_action_choices(self) -> list[tuple[str, str]]:
        actions = set()
        for _model, entries in every_visible_entries(self.request):
            actions.update(entries.get_actions())
        return [choice for choice in log_registry.get_choices() if choice[0] in actions]

    def get_users_queryset(self) -> QuerySet:
        """The people who made the entries shown (Wagtail's offers everyone who ever changed
        a page, whoever asks)."""
        ids = set()
        for _model, entries in every_visible_entries(self.request):
            ids.update(entries.get_user_ids())
        User = get_user_model()
        return User.objects.filter(pk__in=ids).order_by(User.USERNAME_FIELD)

    get_user_choices = get_users_queryset


class SiteHistoryView(LogEntriesView):
    """Wagtail's site history (list, filters, CSV and XLSX) over the entries this person may
    see (`visible_entries`)."""

    filterset_class = SiteHistoryFilterSet

    def get_filtered_queryset(self):
        """Wagtail's union of every log model's entries (see its docstring), each model's
        entries read through `visible_entries` instead of its `viewable_by_user`."""
        queryset = None
        seen = every_visible_entries(self.request)
        self.log_models = [log_model for log_model, _entries in seen]
        for index, (_log_model, visible) in enumerate(seen):
            entries = visible.values("pk", "timestamp").annotate(
                log_model_index=Value(index, output_field=IntegerField())
            )
            entries = self.filter_queryset(entries).order_by()
            queryset = entries if queryset is None else queryset.union(entries, all=True)
        return queryset.order_by("-timestamp")


urlpatterns = [
    path("", require_admin_access(SiteHistoryView.as_view()), name="accounts_site_history"),
    path(
        "results/",
        require_admin_access(SiteHistoryView.as_view(results_only=True)),
        name="accounts_site_history_results",
    ),
]
