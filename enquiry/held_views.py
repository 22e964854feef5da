"""Suspected spam in the Wagtail admin: the posts the spam checks held, for review.

Hub enquiry officers list them (newest first, with why each was held and when), inspect one,
and *Release* it into the normal flow (`enquiry.quarantine.release`: the service of its kind
runs with the original time and attribution) or *Delete* it. What a post's page shows of its
answers and what a release says come from its kind (`quarantine.register_kind`). Both
actions ask first and happen only on a POST with the CSRF token. Which rows a person sees is
one rule, `HeldSubmission.objects.for_user`; a row they may not see answers 404 like one that
does not exist, and anyone without the permissions is refused before any row is read.
"""

from __future__ import annotations

import django_filters
from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views.generic import TemplateView
from wagtail.admin import messages
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.menus import MenuItem as ListMenuItem
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets.button import HeaderButton
from wagtail.permission_policies import ModelPermissionPolicy

from attribution.attribute import attribution_fields
from attribution.models import CHANNEL_CHOICES
from councils.models import Council
from fostering_types.models import FosteringTypePage

from . import quarantine
from .models import (
    ContactMethod,
    ContactTime,
    HearAboutOption,
    HeldSubmission,
    RejectedSubmission,
    SpareBedroom,
)

Kind = HeldSubmission.Kind
HELD_REASON_CHOICES = [(reason.value, reason.label) for reason in RejectedSubmission.HELD_REASONS]


class HeldSubmissionPermissionPolicy(ModelPermissionPolicy):
    """Model permissions on held posts, only for people who also see every council's
    enquiries (hub enquiry officers). Nobody adds one by hand."""

    def user_has_permission(self, user, action: str) -> bool:
        if action == "add":
            return False
        return super().user_has_permission(user, action) and user.has_perm(
            "enquiry.view_all_enquiries"
        )

    def user_has_any_permission(self, user, actions) -> bool:
        return any(self.user_has_permission(user, action) for action in actions)

    def user_has_permission_for_instance(self, user, action: str, instance) -> bool:
        return (
            self.user_has_permission(user, action)
            and HeldSubmission.objects.for_user(user).filter(pk=instance.pk).exists()
        )

    def instances_user_has_any_permission_for(self, user, actions) -> QuerySet:
        if not self.user_has_any_permission(user, actions):
            return HeldSubmission.objects.none()
        return HeldSubmission.objects.for_user(user)


POLICY = HeldSubmissionPermissionPolicy(HeldSubmission)


def index_url() -> str:
    return reverse("held_submissions:index")


def inspect_url(held: HeldSubmission) -> str:
    return reverse("held_submissions:inspect", args=[quote(held.pk)])


def release_url(held: HeldSubmission) -> str:
    return reverse("held_submissions:release", args=[quote(held.pk)])


def delete_url(held: HeldSubmission) -> str:
    return reverse("held_submissions:delete", args=[quote(held.pk)])


def received_label(held: HeldSubmission) -> str:
    return date_format(timezone.localtime(held.received_at), "j F Y, H:i")


def event_label(held: HeldSubmission) -> str:
    return held.event.title if held.event_id else "–"


def held_breadcrumbs(base: list[dict], *items: dict) -> list[dict]:
    return [*base, {"url": index_url(), "label": _("Suspected spam")}, *items]


class RowRuleMixin:
    """Rows only from `HeldSubmission.objects.for_user`; no role at all is refused first."""

    required_action = "view"

    def visible(self) -> QuerySet:
        return HeldSubmission.objects.for_user(self.request.user).select_related("event")

    def get_held(self, pk) -> HeldSubmission:
        if not POLICY.user_has_permission(self.request.user, self.required_action):
            raise PermissionDenied
        return get_object_or_404(self.visible(), pk=unquote(str(pk)))


# --- The list ------------------------------------------------------------------------------------


class HeldSubmissionFilterSet(WagtailFilterSet):
    kind = django_filters.ChoiceFilter(
        label=gettext_lazy("Kind"), choices=Kind.choices, empty_label=gettext_lazy("Any kind")
    )
    reason = django_filters.ChoiceFilter(
        label=gettext_lazy("Why it was held"),
        choices=HELD_REASON_CHOICES,
        empty_label=gettext_lazy("Any reason"),
    )

    class Meta:
        model = HeldSubmission
        fields = ["kind", "reason"]


class HeldSubmissionIndexView(RowRuleMixin, generic.IndexView):
    """Held posts, newest first: when each came in, what it is and why it was held."""

    filterset_class = HeldSubmissionFilterSet
    default_ordering = "-received_at"
    search_fields = ["name", "email"]
    search_backend_name = None
    page_title = gettext_lazy("Suspected spam")

    def get_base_queryset(self) -> QuerySet:
        return self.visible()

    def search_queryset(self, queryset: QuerySet) -> QuerySet:
        """Every word must match the name or the email address."""
        if not self.is_searching:
            return queryset
        for term in self.search_query.split():
            queryset = queryset.filter(Q(name__icontains=term) | Q(email__icontains=term))
        return queryset

    @cached_property
    def columns(self) -> list[Column]:
        title_column = self._get_title_column_class(TitleColumn)
        return [
            title_column(
                "received",
                label=_("Received"),
                accessor=received_label,
                sort_key="received_at",
                get_url=inspect_url,
            ),
            Column("kind", label=_("Kind"), accessor="get_kind_display"),
            Column("reason", label=_("Why it was held"), accessor="get_reason_display"),
            Column("name", label=pgettext("a person", "Name"), accessor="name"),
            Column("event", label=_("Event"), accessor=event_label),
        ]

    def get_list_more_buttons(self, instance: HeldSubmission) -> list:
        buttons = [
            ListMenuItem(_("View"), url=inspect_url(instance), icon_name="info-circle", priority=5)
        ]
        if POLICY.user_has_permission(self.request.user, "change"):
            buttons.append(
                ListMenuItem(_("Release"), url=release_url(instance), icon_name="tick", priority=10)
            )
        if POLICY.user_has_permission(self.request.user, "delete"):
            buttons.append(
                ListMenuItem(_("Delete"), url=delete_url(instance), icon_name="bin", priority=20)
            )
        return buttons

    @cached_property
    def add_url(self) -> None:
        return None


# --- One held post -------------------------------------------------------------------------------


def _label(choices, value) -> str:
    return str(choices(value).label) if value in choices.values else str(value or "")


def person_rows(held: HeldSubmission) -> list[tuple[str, str]]:
    answers = held.answers
    return [
        (_("First name"), answers.get("first_name", "")),
        (_("Last name"), answers.get("last_name", "")),
        (_("Email address"), answers.get("email", "")),
        (_("Phone number"), answers.get("phone", "") or _("Not given")),
        (_("Postcode"), answers.get("postcode", "")),
    ]


def heard_about_label(answers: dict) -> str:
    heard = HearAboutOption.objects.filter(pk=answers.get("heard_about")).first()
    return heard.label if heard else _("Not given")


def consents_label(answers: dict) -> str:
    return ", ".join(sorted(answers.get("consents") or {})) or _("None")


def enquiry_rows(held: HeldSubmission) -> list[tuple[str, str]]:
    """What a held enquiry told us (the enquiry kind's `describe`)."""
    answers = held.answers
    council = Council.objects.filter(pk=answers.get("council")).first()
    types = FosteringTypePage.objects.filter(pk__in=answers.get("fostering_types") or [])
    return [
        (_("Council"), council.name if council else _("Not sure yet")),
        (_("Types of fostering"), ", ".join(page.title for page in types) or _("None chosen")),
        (_("Spare bedroom"), _label(SpareBedroom, answers.get("spare_bedroom"))),
        (_("Best way to contact"), _label(ContactMethod, answers.get("contact_method"))),
        (_("Best time to contact"), _label(ContactTime, answers.get("contact_time"))),
        (_("Question"), answers.get("question") or _("None")),
        (_("How they heard about us"), heard_about_label(answers)),
        (_("Keep in touch by"), consents_label(answers)),
    ]


def enquiry_released(enquiry, created: bool) -> quarantine.Released:
    """What staff are told after releasing an enquiry: they go to it."""
    url = reverse("enquiries:inspect", args=[enquiry.pk])
    if created:
        message = _("Released: enquiry %(reference)s is with the team.")
        return quarantine.Released(message % {"reference": enquiry.reference}, url=url)
    message = _("This enquiry had already been saved as %(reference)s: nothing was sent twice.")
    return quarantine.Released(message % {"reference": enquiry.reference}, level="warning", url=url)


ENQUIRY_EXPLANATION = gettext_lazy(
    "The enquiry joins the others, dated when it came in with where it came from: it "
    "gets a reference, the person gets the acknowledgement and the hub and council "
    "are told."
)


def answer_rows(held: HeldSubmission) -> list[tuple[str, str]]:
    """The rows of "What they told us", as the post's kind shows them."""
    return quarantine.kind_of(held).describe(held)


def arrival_rows(held: HeldSubmission) -> list[tuple[str, object]]:
    touches = held.touches or {}
    channel = attribution_fields(touches.get("first"), touches.get("last")).get("channel", "")
    return [
        (_("Kind"), held.get_kind_display()),
        (_("Why it was held"), held.get_reason_display()),
        (_("Received"), timezone.localtime(held.received_at)),
        (_("Language"), held.language),
        (_("Channel"), dict(CHANNEL_CHOICES).get(channel, channel) or _("Not given")),
    ]


class HeldSubmissionInspectView(RowRuleMixin, generic.InspectView):
    template_name = "enquiry/admin/held_inspect.html"
    page_title = gettext_lazy("Suspected spam")

    def get_object(self, queryset=None) -> HeldSubmission:
        return self.get_held(self.pk)

    def get_fields(self) -> list[str]:
        return []

    def get_page_subtitle(self) -> str:
        return self.object.name

    def get_edit_url(self) -> None:
        return None

    def get_delete_url(self) -> None:
        return None

    @cached_property
    def header_buttons(self) -> list:
        buttons = []
        if POLICY.user_has_permission(self.request.user, "change"):
            buttons.append(
                HeaderButton(_("Release"), url=release_url(self.object), icon_name="tick")
            )
        if POLICY.user_has_permission(self.request.user, "delete"):
            buttons.append(HeaderButton(_("Delete"), url=delete_url(self.object), icon_name="bin"))
        return buttons

    def get_breadcrumbs_items(self) -> list[dict]:
        return held_breadcrumbs(self.breadcrumbs_items, {"url": "", "label": self.object.name})

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        held = self.object
        context.update(
            held=held,
            arrival=arrival_rows(held),
            person=person_rows(held),
            answers=answer_rows(held),
            release_url=(
                release_url(held) if POLICY.user_has_permission(self.request.user, "change") else ""
            ),
            delete_url=(
                delete_url(held) if POLICY.user_has_permission(self.request.user, "delete") else ""
            ),
        )
        return context


# --- Release and delete: asked first, done on POST -----------------------------------------------


class HeldActionView(RowRuleMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "enquiry/admin/held_confirm.html"
    header_icon = "warning"
    action_label = ""
    submit_label = ""
    explanation = ""
    button_class = "button"

    def dispatch(self, request, *args, **kwargs):
        self.object = self.get_held(kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self) -> str:
        return str(self.action_label)

    def get_page_subtitle(self) -> str:
        return self.object.name

    def get_breadcrumbs_items(self) -> list[dict]:
        return held_breadcrumbs(
            self.breadcrumbs_items,
            {"url": inspect_url(self.object), "label": self.object.name},
            {"url": "", "label": str(self.action_label)},
        )

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        context.update(
            held=self.object,
            explanation=self.explanation,
            submit_label=self.submit_label,
            button_class=self.button_class,
            action_url=self.request.path,
            cancel_url=inspect_url(self.object),
        )
        return context


class ReleaseView(HeldActionView):
    required_action = "change"
    action_label = gettext_lazy("Release")
    submit_label = gettext_lazy("Release it")
    header_icon = "tick"

    @property
    def explanation(self) -> str:
        return str(quarantine.kind_of(self.object).explanation)

    def post(self, request, *args, **kwargs):
        try:
            record, created = quarantine.release(self.object, by=request.user)
        except quarantine.AlreadyHandled:
            messages.warning(request, _("Someone has already released or deleted it."))
            return redirect(index_url())
        except quarantine.ReleaseRefused as refused:
            messages.error(request, str(refused))
            return redirect(inspect_url(self.object))
        outcome = quarantine.kind_of(self.object).released(record, created)
        tell = messages.warning if outcome.level == "warning" else messages.success
        tell(request, outcome.message)
        return redirect(outcome.url or index_url())


class DeleteView(HeldActionView):
    required_action = "delete"
    action_label = gettext_lazy("Delete")
    submit_label = gettext_lazy("Delete it")
    header_icon = "bin"
    button_class = "button no"

    @property
    def explanation(self) -> str:
        return _("Delete it only when you are sure it is spam: it cannot be undone.")

    def post(self, request, *args, **kwargs):
        try:
            quarantine.delete(self.object, by=request.user)
        except quarantine.AlreadyHandled:
            messages.warning(request, _("Someone has already released or deleted it."))
            return redirect(index_url())
        messages.success(request, _("Deleted."))
        return redirect(index_url())


class HeldSubmissionMenuItem(MenuItem):
    def is_shown(self, request) -> bool:
        return POLICY.user_has_permission(request.user, "view")


def menu_item() -> MenuItem:
    return HeldSubmissionMenuItem(
        _("Suspected spam"),
        reverse("held_submissions:index"),
        name="suspected-spam",
        icon_name="warning",
        order=940,
    )
