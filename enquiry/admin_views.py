"""Enquiry handling in the Wagtail admin: list, detail, stage pipeline, handover, recording an
enquiry taken by phone, outcome import, and the spam counts.

Who sees which enquiry is decided in one place, `Enquiry.objects.for_user`, and every view that
lists, shows, changes, exports or imports enquiries reads rows only through
`EnquiryRowRuleMixin`. Wagtail's generic views check model permissions only (the index lists
every row, the edit view loads any pk), so the mixin replaces their querysets and object
look-ups. A row the person may not see answers 404, exactly like one that does not exist.
"""

from __future__ import annotations

import django_filters
from django.contrib.admin.utils import quote, unquote
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views.generic import FormView
from django.views.generic.edit import FormMixin
from wagtail.admin import messages
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.menus import MenuItem as ListMenuItem
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.views.reports import ReportView
from wagtail.admin.widgets.button import Button, HeaderButton
from wagtail.permission_policies import ModelPermissionPolicy

from core.exports import SafeSpreadsheetExportMixin
from outbox.models import OutboxMessage
from outbox.queue import queue_webhook

from . import imports
from .admin_forms import (
    EnquiryAnonymised,
    EnquiryDetailsEditForm,
    HandoverForm,
    KeepInTouchForm,
    OutcomeImportForm,
    SourceCorrectionForm,
    StaffEnquiryForm,
    StageChangeForm,
)
from .detail_sections import sections_for
from .exports import EnquiryExportMixin
from .filters import EnquiryFilterSet
from .models import (
    JOURNEY,
    MILESTONE_FIELDS,
    ClosedReason,
    Enquiry,
    ReceivedVia,
    RejectedSubmission,
    Stage,
)
from .search import search_condition
from .services import queue_handover_notification, record_enquiry, webhook_payload
from .source import source_rows

HANDLING_ACTIONS = ["add", "change", "view"]


# --- Who may do what -----------------------------------------------------------------------------


class EnquiryPermissionPolicy(ModelPermissionPolicy):
    """Model permissions for enquiries, with two rules on top.

    Nobody deletes an enquiry through the admin, not even a superuser (erasure is a separate,
    recorded data-protection action), and a permission on one enquiry also needs the row-level
    rule to let the person see it.
    """

    def user_has_permission(self, user, action: str) -> bool:
        if action == "delete":
            return False
        return super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions) -> bool:
        return any(self.user_has_permission(user, action) for action in actions)

    def users_with_any_permission(self, actions):
        actions = [action for action in actions if action != "delete"]
        if not actions:
            return get_user_model().objects.none()
        return super().users_with_any_permission(actions)

    def user_has_permission_for_instance(self, user, action: str, instance: Enquiry) -> bool:
        return (
            self.user_has_permission(user, action)
            and Enquiry.objects.for_user(user).filter(pk=instance.pk).exists()
        )

    def instances_user_has_any_permission_for(self, user, actions) -> QuerySet:
        if not self.user_has_any_permission(user, actions):
            return Enquiry.objects.none()
        return Enquiry.objects.for_user(user)


def can_hand_over(user) -> bool:
    """Handover is the hub's decision: hub enquiry officers (who see every enquiry)."""
    return user.has_perm("enquiry.view_all_enquiries") and user.has_perm("enquiry.change_enquiry")


def can_correct_source(user) -> bool:
    """Correcting an enquiry's channel or campaign is the hub's, like handover: the reports
    every council is compared in read them."""
    return can_hand_over(user)


def can_import_outcomes(user) -> bool:
    return user.has_perm("enquiry.import_outcomes")


class EnquiryRowRuleMixin:
    """The row-level rule for every enquiry view: rows come only from `for_user`.

    Someone with no enquiry role at all is refused before any row is looked up (Wagtail turns
    that into its usual "no permission" redirect), so the 404 is kept for "not yours".
    """

    enquiry_actions = HANDLING_ACTIONS

    def visible_enquiries(self) -> QuerySet:
        return Enquiry.objects.for_user(self.request.user)

    def require_enquiry_role(self) -> None:
        policy = EnquiryPermissionPolicy(Enquiry)
        if not policy.user_has_any_permission(self.request.user, self.enquiry_actions):
            raise PermissionDenied

    def get_enquiry(self, pk, queryset: QuerySet | None = None) -> Enquiry:
        self.require_enquiry_role()
        queryset = self.visible_enquiries() if queryset is None else queryset
        return get_object_or_404(queryset, pk=unquote(str(pk)))


def inspect_url(enquiry: Enquiry) -> str:
    return reverse("enquiries:inspect", args=[quote(enquiry.pk)])


def stage_url(enquiry: Enquiry) -> str:
    return reverse("enquiries:stage", args=[quote(enquiry.pk)])


def handover_url(enquiry: Enquiry) -> str:
    return reverse("enquiries:handover", args=[quote(enquiry.pk)])


def source_url(enquiry: Enquiry) -> str:
    return reverse("enquiries:source", args=[quote(enquiry.pk)])


def enquiry_breadcrumbs(base: list[dict], *items: dict) -> list[dict]:
    """Home > Enquiries > ... for every enquiry view."""
    return [
        *base,
        {"url": reverse("enquiries:index"), "label": capfirst(_("enquiries"))},
        *items,
    ]


def council_label(enquiry: Enquiry) -> str:
    return enquiry.council.name if enquiry.council_id else _("Not sure yet")


def name_label(enquiry: Enquiry) -> str:
    return _("Personal data removed") if enquiry.is_anonymised else enquiry.full_name


# --- The list ------------------------------------------------------------------------------------


class EnquiryIndexView(EnquiryRowRuleMixin, EnquiryExportMixin, generic.IndexView):
    """Enquiries, newest first, with filters, search and spreadsheet export."""

    filterset_class = EnquiryFilterSet
    default_ordering = "-created_at"
    search_fields = ["reference", "first_name", "last_name", "email", "phone", "postcode"]
    search_backend_name = None
    page_title = gettext_lazy("Enquiries")

    def get_base_queryset(self) -> QuerySet:
        return self.visible_enquiries().select_related("council")

    def search_queryset(self, queryset: QuerySet) -> QuerySet:
        """The reference, a name, the email address, the phone number or the postcode, however
        the number or postcode is written (`enquiry.search`), among the rows already visible."""
        if not self.is_searching:
            return queryset
        return queryset.filter(search_condition(self.search_query))

    @cached_property
    def columns(self) -> list[Column]:
        title_column = self._get_title_column_class(TitleColumn)
        return [
            title_column(
                "reference",
                label=_("Reference"),
                sort_key="reference",
                get_url=inspect_url,
            ),
            Column(
                "received",
                label=_("Received"),
                accessor=lambda enquiry: timezone.localdate(enquiry.created_at),
                sort_key="created_at",
            ),
            Column("name", label=pgettext("a person", "Name"), accessor=name_label),
            Column("council", label=_("Council"), accessor=council_label),
            Column("stage", label=_("Stage"), accessor="get_stage_display", sort_key="stage"),
            Column("received_via", label=_("How it came in"), accessor="get_received_via_display"),
            Column("heard_about", label=_("How they heard"), accessor="heard_about_label"),
        ]

    @cached_property
    def add_item_label(self) -> str:
        return _("Record an enquiry")

    def get_list_more_buttons(self, instance: Enquiry) -> list:
        buttons = [
            ListMenuItem(_("View"), url=inspect_url(instance), icon_name="info-circle", priority=5)
        ]
        if self.user_has_permission("change"):
            buttons.append(
                ListMenuItem(
                    _("Change stage"), url=stage_url(instance), icon_name="arrow-right", priority=10
                )
            )
            if not instance.is_anonymised:
                buttons.append(
                    ListMenuItem(
                        _("Edit details"),
                        url=reverse(self.edit_url_name, args=[quote(instance.pk)]),
                        icon_name="edit",
                        priority=20,
                    )
                )
        return buttons

    @cached_property
    def header_more_buttons(self) -> list:
        buttons = list(super().header_more_buttons)
        if can_import_outcomes(self.request.user):
            buttons.append(
                Button(
                    _("Import outcomes"),
                    url=reverse("enquiries:import"),
                    icon_name="upload",
                    priority=80,
                )
            )
        from .held_views import POLICY as held_policy

        if held_policy.user_has_permission(self.request.user, "view"):
            buttons.append(
                Button(
                    _("Suspected spam"),
                    url=reverse("held_submissions:index"),
                    icon_name="warning",
                    priority=90,
                )
            )
        return buttons


# --- The detail view -----------------------------------------------------------------------------


class EnquiryInspectView(EnquiryRowRuleMixin, generic.InspectView):
    """Everything about one enquiry: details, permissions, milestones, history, messages."""

    template_name = "enquiry/admin/inspect.html"
    page_title = gettext_lazy("Enquiry")

    def get_object(self, queryset=None) -> Enquiry:
        return self.get_enquiry(
            self.pk,
            self.visible_enquiries()
            .select_related("council", "entered_by", "campaign", "first_campaign", "owner_council")
            .prefetch_related("fostering_types"),
        )

    def get_fields(self) -> list[str]:
        return []  # the template lays the enquiry out in sections instead

    def get_page_subtitle(self) -> str:
        return self.object.reference

    def get_edit_url(self) -> str | None:
        if self.user_has_permission("change") and not self.object.is_anonymised:
            return reverse(self.edit_url_name, args=[quote(self.object.pk)])
        return None

    def get_delete_url(self) -> None:
        return None

    @cached_property
    def header_buttons(self) -> list:
        buttons = []
        if self.user_has_permission("change"):
            buttons.append(
                HeaderButton(_("Change stage"), url=stage_url(self.object), icon_name="arrow-right")
            )
        return buttons

    @cached_property
    def header_more_buttons(self) -> list:
        buttons = []
        if edit_url := self.get_edit_url():
            buttons.append(Button(_("Edit details"), url=edit_url, icon_name="edit", priority=10))
        if can_hand_over(self.request.user) and not self.object.is_anonymised:
            buttons.append(
                Button(
                    _("Hand over to a council"),
                    url=handover_url(self.object),
                    icon_name="group",
                    priority=20,
                )
            )
        if can_correct_source(self.request.user):
            buttons.append(
                Button(
                    _("Correct the channel or campaign"),
                    url=source_url(self.object),
                    icon_name="tag",
                    priority=30,
                )
            )
        return buttons

    def get_breadcrumbs_items(self) -> list[dict]:
        return enquiry_breadcrumbs(
            self.breadcrumbs_items,
            {"url": "", "label": self.object.reference},
        )

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        enquiry = self.object
        outgoing = list(
            OutboxMessage.objects.filter(reference=enquiry.reference)
            .select_related("signing_council")
            .order_by("created_at", "pk")
        )
        consents = list(enquiry.consents.all())
        can_change = self.request.user.has_perm("enquiry.change_enquiry")
        context.update(
            enquiry=enquiry,
            keep_in_touch_url=(
                reverse("enquiries:keep_in_touch", args=[enquiry.pk])
                if can_change
                and not enquiry.is_anonymised
                and any(consent.is_current for consent in consents)
                else ""
            ),
            person=self.person_rows(enquiry),
            answers=self.answer_rows(enquiry),
            arrival=self.arrival_rows(enquiry),
            milestones=self.milestone_rows(enquiry),
            source=source_rows(enquiry),
            # What the apps above this one add (the events app: the person's bookings).
            sections=sections_for(self.request, enquiry),
            source_url=source_url(enquiry) if can_correct_source(self.request.user) else "",
            consents=consents,
            history=list(enquiry.history.select_related("by")),
            outgoing=outgoing,
            has_failed_message=any(m.status == OutboxMessage.Status.FAILED for m in outgoing),
            failed_status=OutboxMessage.Status.FAILED,
            webhook_kind=OutboxMessage.Kind.WEBHOOK,
        )
        return context

    @staticmethod
    def person_rows(enquiry: Enquiry) -> list[tuple[str, str]]:
        return [
            (_("First name"), enquiry.first_name),
            (_("Last name"), enquiry.last_name),
            (_("Email address"), enquiry.email),
            (_("Phone number"), enquiry.phone),
            (_("Postcode"), enquiry.postcode),
        ]

    @staticmethod
    def answer_rows(enquiry: Enquiry) -> list[tuple[str, str]]:
        types = ", ".join(page.title for page in enquiry.fostering_types.all())
        return [
            (_("Council"), council_label(enquiry)),
            (_("Postcode district"), enquiry.postcode_district),
            (_("Types of fostering"), types or _("None chosen")),
            (_("Spare bedroom"), enquiry.get_spare_bedroom_display()),
            (_("Best way to contact"), enquiry.get_contact_method_display()),
            (_("Best time to contact"), enquiry.get_contact_time_display()),
            (_("Question"), enquiry.question or _("None")),
            (_("How they heard about us"), enquiry.heard_about_label or _("Not given")),
        ]

    @staticmethod
    def arrival_rows(enquiry: Enquiry) -> list[tuple[str, object]]:
        rows = [
            (_("Reference"), enquiry.reference),
            (_("Received"), timezone.localtime(enquiry.created_at)),
            (_("How it came in"), enquiry.get_received_via_display()),
        ]
        if enquiry.received_via != ReceivedVia.WEBSITE:
            recorded_by = enquiry.entered_by
            rows.append(
                (
                    _("Recorded by"),
                    (recorded_by.get_full_name() or recorded_by.get_username())
                    if recorded_by
                    else _("Unknown"),
                )
            )
        return rows

    @staticmethod
    def milestone_rows(enquiry: Enquiry) -> list[tuple[str, object]]:
        rows = [(_("Stage"), enquiry.get_stage_display())]
        if enquiry.stage == Stage.CLOSED:
            rows.append((_("Closed because"), enquiry.get_closed_reason_display()))
        for stage in [*JOURNEY[1:], Stage.CLOSED]:
            field = MILESTONE_FIELDS[stage]
            rows.append(
                (capfirst(Enquiry._meta.get_field(field).verbose_name), getattr(enquiry, field))
            )
        rows.append((_("Handed over to the council"), enquiry.handed_over_on))
        return rows


# --- Changing an enquiry -------------------------------------------------------------------------


class EnquiryEditView(EnquiryRowRuleMixin, generic.EditView):
    """Correct a person's details (same validation as the website form)."""

    form_class = EnquiryDetailsEditForm
    panel = None
    template_name = "enquiry/admin/edit.html"
    page_title = gettext_lazy("Edit details")
    success_message = gettext_lazy("Details of enquiry %(object)s saved.")
    error_message = gettext_lazy("The details could not be saved because of errors.")
    enquiry_actions = ["change"]

    def get_queryset(self) -> QuerySet:
        return (
            self.visible_enquiries()
            .select_related("campaign", "owner_council")
            .prefetch_related("fostering_types")
        )

    def get_context_data(self, **kwargs) -> dict:
        """Where the enquiry came from, above the details: corrected on its own page, by the
        hub (`SourceCorrectionView`), so that it can be corrected after anonymisation too."""
        context = super().get_context_data(**kwargs)
        context["current_source"] = source_rows(self.object)[:3]
        if can_correct_source(self.request.user):
            context["source_url"] = source_url(self.object)
        return context

    def get_object(self, queryset=None) -> Enquiry:
        return self.get_enquiry(self.object_pk, self.get_queryset())

    def get_panel(self):
        return None

    def get_form_class(self):
        return self.form_class

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        if refused := self.refuse_anonymised():
            return refused
        return self.render_to_response(self.get_context_data())

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        if refused := self.refuse_anonymised():
            return refused
        return super().post(request, *args, **kwargs)

    def refuse_anonymised(self) -> HttpResponseRedirect | None:
        if self.object.is_anonymised:
            return self.anonymised_response()
        return None

    def anonymised_response(self) -> HttpResponseRedirect:
        messages.error(
            self.request, _("This enquiry’s personal data was removed: it cannot be edited.")
        )
        return redirect(inspect_url(self.object))

    def form_valid(self, form):
        """Save, unless the enquiry was anonymised (or removed) since it was loaded."""
        try:
            return super().form_valid(form)
        except EnquiryAnonymised:
            return self.anonymised_response()
        except Enquiry.DoesNotExist as gone:
            raise Http404 from gone

    def get_form_kwargs(self) -> dict:
        kwargs = FormMixin.get_form_kwargs(self)
        kwargs["instance"] = self.object
        return kwargs

    def save_instance(self) -> Enquiry:
        return self.form.save(by=self.request.user)

    def get_success_url(self) -> str:
        return inspect_url(self.object)

    def get_page_subtitle(self) -> str:
        return self.object.reference

    def get_breadcrumbs_items(self) -> list[dict]:
        return enquiry_breadcrumbs(
            self.breadcrumbs_items,
            {"url": inspect_url(self.object), "label": self.object.reference},
            {"url": "", "label": _("Edit details")},
        )

    def get_inspect_url(self) -> str:
        return inspect_url(self.object)


class EnquiryCreateView(generic.CreateView):
    """Record an enquiry that came by phone, email or in person."""

    form_class = StaffEnquiryForm
    panel = None
    page_title = gettext_lazy("Record an enquiry")
    submit_button_label = gettext_lazy("Record the enquiry")
    submit_button_active_label = gettext_lazy("Recording…")
    success_message = gettext_lazy("Enquiry %(object)s recorded.")
    error_message = gettext_lazy("The enquiry could not be recorded because of errors.")

    def get_panel(self):
        return None

    def get_form_class(self):
        return self.form_class

    def get_form_kwargs(self) -> dict:
        kwargs = FormMixin.get_form_kwargs(self)
        kwargs["user"] = self.request.user
        return kwargs

    def get_page_subtitle(self) -> str:
        return ""

    def get_breadcrumbs_items(self) -> list[dict]:
        return enquiry_breadcrumbs(
            self.breadcrumbs_items,
            {"url": "", "label": _("Record an enquiry")},
        )

    def form_valid(self, form: StaffEnquiryForm):
        """Record the enquiry once: the same form posted again leads to the first one."""
        self.form = form
        enquiry, created = record_enquiry(
            form.to_details(form.consents()),
            submission_token=form.cleaned_data["submission_token"],
            received_via=form.cleaned_data["received_via"],
            entered_by=self.request.user,
            staff_campaign=form.cleaned_data.get("campaign"),
            staff_channel=form.cleaned_data.get("channel") or "",
            received_at=form.cleaned_data.get("received_at"),
        )
        self.object = enquiry
        if created:
            response = self.save_action()
            hook_response = self.run_after_hook()
            return response if hook_response is None else hook_response
        if Enquiry.objects.for_user(self.request.user).filter(pk=enquiry.pk).exists():
            messages.warning(
                self.request,
                _("This enquiry was already recorded as %(reference)s.")
                % {"reference": enquiry.reference},
            )
            return redirect(inspect_url(enquiry))
        # Handed over to another council since: do not say which enquiry it was.
        messages.warning(self.request, _("This enquiry was already recorded."))
        return redirect("enquiries:index")

    def get_success_url(self) -> str:
        return inspect_url(self.object)

    def get_success_buttons(self) -> list:
        return []


class EnquiryActionView(
    PermissionCheckedMixin, EnquiryRowRuleMixin, WagtailAdminTemplateMixin, FormView
):
    """Base for a form about one enquiry (change its stage, hand it over)."""

    model = Enquiry
    permission_required = "change"
    enquiry_actions = ["change"]
    template_name = "enquiry/admin/enquiry_form.html"
    index_url_name = None
    inspect_url_name = None
    header_icon = "mail"
    action_label = ""
    submit_button_label = ""
    error_message = ""

    @cached_property
    def permission_policy(self) -> EnquiryPermissionPolicy:
        return EnquiryPermissionPolicy(Enquiry)

    def get(self, request, *args, **kwargs):
        # PermissionCheckedMixin.dispatch has already refused anyone without the permission.
        self.object = self.get_enquiry(kwargs["pk"])
        if refused := self.refuse():
            return refused
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.object = self.get_enquiry(kwargs["pk"])
        if refused := self.refuse():
            return refused
        return super().post(request, *args, **kwargs)

    def refuse(self) -> HttpResponseRedirect | None:
        """A redirect when this action does not apply to this enquiry (after the 404 check)."""
        return None

    def get_form_kwargs(self) -> dict:
        kwargs = super().get_form_kwargs()
        kwargs["enquiry"] = self.object
        return kwargs

    def get_page_title(self) -> str:
        return str(self.action_label)

    def get_page_subtitle(self) -> str:
        return self.object.reference

    def get_breadcrumbs_items(self) -> list[dict]:
        return enquiry_breadcrumbs(
            self.breadcrumbs_items,
            {"url": inspect_url(self.object), "label": self.object.reference},
            {"url": "", "label": str(self.action_label)},
        )

    def get_success_url(self) -> str:
        return inspect_url(self.object)

    def form_invalid(self, form):
        messages.validation_error(self.request, str(self.error_message), form)
        return super().form_invalid(form)

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        form = context["form"]
        context.update(
            enquiry=self.object,
            action_url=self.request.path,
            submit_button_label=self.submit_button_label,
            submit_button_active_label=self.submit_button_label,
            has_unsaved_changes=form.is_bound,
            media=form.media,
            cancel_url=inspect_url(self.object),
        )
        return context


class StageChangeView(EnquiryActionView):
    form_class = StageChangeForm
    action_label = gettext_lazy("Change stage")
    submit_button_label = gettext_lazy("Change stage")
    error_message = gettext_lazy("The stage could not be changed because of errors.")

    def get_context_data(self, **kwargs) -> dict:
        """Show the dates recorded so far: a new date may not be earlier than the ones kept."""
        context = super().get_context_data(**kwargs)
        fields = [MILESTONE_FIELDS[stage] for stage in [*JOURNEY[1:], Stage.CLOSED]]
        context["recorded_dates"] = [
            (capfirst(Enquiry._meta.get_field(field).verbose_name), getattr(self.object, field))
            for field in fields
            if getattr(self.object, field) is not None
        ]
        return context

    def form_valid(self, form: StageChangeForm):
        try:
            entry = form.save(by=self.request.user)
        except ValidationError as error:  # the enquiry's dates changed since it was loaded
            form.add_error("on", error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Enquiry %(reference)s moved to “%(stage)s”.")
            % {"reference": self.object.reference, "stage": entry.to_label},
        )
        return redirect(self.get_success_url())


class KeepInTouchView(EnquiryActionView):
    """Staff record that the person renewed or withdrew their keep-in-touch permission."""

    form_class = KeepInTouchForm
    action_label = gettext_lazy("Keep-in-touch permission")
    submit_button_label = gettext_lazy("Save")
    error_message = gettext_lazy("The permission could not be changed because of errors.")

    def refuse(self) -> HttpResponseRedirect | None:
        if (
            self.object.is_anonymised
            or not self.object.consents.filter(ended_at__isnull=True).exists()
        ):
            messages.error(self.request, _("This enquiry has no current keep-in-touch permission."))
            return redirect(inspect_url(self.object))
        return None

    def form_valid(self, form: KeepInTouchForm):
        entry = form.save(by=self.request.user)
        messages.success(self.request, entry.note)
        return redirect(inspect_url(self.object))


class SourceCorrectionView(EnquiryActionView):
    """A hub enquiry officer corrects the channel and campaign, with the reason. Also for an
    anonymised enquiry: its attribution is kept for the reports."""

    form_class = SourceCorrectionForm
    action_label = gettext_lazy("Correct the channel or campaign")
    submit_button_label = gettext_lazy("Save the correction")
    error_message = gettext_lazy("The correction could not be saved because of errors.")

    def refuse(self) -> HttpResponseRedirect | None:
        if not can_correct_source(self.request.user):
            raise PermissionDenied
        return None

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        context["current_source"] = source_rows(self.object)[:3]
        return context

    def form_valid(self, form: SourceCorrectionForm):
        form.save(by=self.request.user)
        messages.success(
            self.request,
            _("The channel and campaign of enquiry %(reference)s were corrected.")
            % {"reference": self.object.reference},
        )
        return redirect(self.get_success_url())


class HandoverView(EnquiryActionView):
    """The hub hands an enquiry to a council (and, if it has one, to the council's system)."""

    form_class = HandoverForm
    action_label = gettext_lazy("Hand over to a council")
    submit_button_label = gettext_lazy("Hand over")
    error_message = gettext_lazy("The enquiry could not be handed over because of errors.")

    def refuse(self) -> HttpResponseRedirect | None:
        if not can_hand_over(self.request.user):
            raise PermissionDenied
        if self.object.is_anonymised:
            messages.error(
                self.request,
                _("This enquiry’s personal data was removed: it cannot be handed over."),
            )
            return redirect(inspect_url(self.object))
        return None

    def form_valid(self, form: HandoverForm):
        data = form.cleaned_data
        council = data["council"]
        with transaction.atomic():
            enquiry = Enquiry.objects.select_for_update().get(pk=self.object.pk)
            enquiry.hand_over(council, by=self.request.user, on=data["on"], note=data["note"])
            queue_handover_notification(enquiry)
            sent = None
            if data.get("send_to_council_system"):
                sent = queue_webhook(
                    council=council,
                    topic="enquiry.handed_over",
                    payload=webhook_payload(enquiry),
                    reference=enquiry.reference,
                )
        message = _("Enquiry %(reference)s handed over to %(council)s.") % {
            "reference": enquiry.reference,
            "council": council.name,
        }
        if sent is not None:
            message += " " + _("It will be sent to the council’s system.")
        messages.success(self.request, message)
        return redirect(self.get_success_url())


# --- Importing outcomes ----------------------------------------------------------------------------


class OutcomeImportView(PermissionCheckedMixin, WagtailAdminTemplateMixin, FormView):
    """Upload a council's outcomes; check every row; apply all of them or none."""

    model = Enquiry
    form_class = OutcomeImportForm
    template_name = "enquiry/admin/import.html"
    page_title = gettext_lazy("Import outcomes")
    header_icon = "upload"
    index_url_name = None

    def dispatch(self, request, *args, **kwargs):
        if not can_import_outcomes(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self) -> list[dict]:
        return enquiry_breadcrumbs(
            self.breadcrumbs_items,
            {"url": "", "label": str(self.page_title)},
        )

    def form_valid(self, form: OutcomeImportForm):
        upload = form.cleaned_data["file"]
        if upload.size > imports.MAX_BYTES:
            checked = imports.CheckedFile(
                errors=[imports.RowError(None, _("The file must be 2 MB or smaller"))]
            )
        else:
            checked = imports.check_outcomes(upload.read(), self.request.user)
        if not checked.is_valid:
            messages.error(
                self.request, _("Nothing was imported. Correct the file and upload it again.")
            )
            return self.render_to_response(self.get_context_data(form=form, checked=checked))
        try:
            changed = imports.apply_outcomes(checked, self.request.user)
        except PermissionError:
            messages.error(self.request, _("Nothing was imported: your access changed meanwhile."))
            return redirect("enquiries:import")
        except ValidationError:
            messages.error(
                self.request,
                _(
                    "Nothing was imported: an enquiry in the file changed meanwhile. "
                    "Upload the file again to check it."
                ),
            )
            return redirect("enquiries:import")
        unchanged = len(checked.outcomes) - changed
        message = _("%(changed)s enquiries changed.") % {"changed": changed}
        if unchanged:
            message += " " + _("%(unchanged)s were already at that stage.") % {
                "unchanged": unchanged
            }
        messages.success(self.request, message)
        return redirect("enquiries:index")

    def form_invalid(self, form):
        messages.validation_error(self.request, _("Select a CSV file to import."), form)
        return super().form_invalid(form)

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        form = context["form"]
        context.update(
            columns=imports.COLUMNS,
            stages=Stage.choices,
            closed_reasons=ClosedReason.choices,
            max_rows=imports.MAX_ROWS,
            action_url=self.request.path,
            submit_button_label=_("Check and import"),
            submit_button_active_label=_("Importing…"),
            has_unsaved_changes=False,
            media=form.media,
        )
        return context


# --- Spam turned away ------------------------------------------------------------------------------


class RejectedSubmissionFilterSet(WagtailFilterSet):
    day = django_filters.DateFromToRangeFilter(label=_("Day"), widget=DateRangePickerWidget)
    reason = django_filters.ChoiceFilter(
        label=gettext_lazy("Reason"),
        choices=RejectedSubmission.Reason.choices,
        empty_label=gettext_lazy("Any reason"),
    )

    class Meta:
        model = RejectedSubmission
        fields = ["day", "reason"]


class RejectedSubmissionReportView(SafeSpreadsheetExportMixin, ReportView):
    """How many form posts the spam checks doubted, per day and reason, what happened to them,
    and how many of the held ones staff released as genuine (no personal data). Its CSV/XLSX
    goes through `core.exports` like every export of ours."""

    model = RejectedSubmission
    page_title = gettext_lazy("Spam turned away")
    header_icon = "warning"
    permission_required = "view"
    index_url_name = "enquiry_spam_report"
    index_results_url_name = "enquiry_spam_report_results"
    filterset_class = RejectedSubmissionFilterSet
    export_columns = [
        ("day", gettext_lazy("Day"), lambda row: row.day),
        ("form", gettext_lazy("Form"), lambda row: row.form),
        ("reason", gettext_lazy("Reason"), lambda row: row.get_reason_display()),
        ("count", gettext_lazy("Posts"), lambda row: row.count),
        ("outcome", gettext_lazy("What happened"), lambda row: row.outcome),
        ("released", gettext_lazy("Released as genuine"), lambda row: row.released),
    ]
    export_filename_stem = "spam-turned-away"
    # Too-fast and rate-limited posts are held for review (Reports → Suspected spam), and the
    # ones staff release are counted: how often the checks doubted a real person.
    columns = [
        Column("day", label=gettext_lazy("Day")),
        Column("form", label=gettext_lazy("Form")),
        Column("reason", label=gettext_lazy("Reason"), accessor="get_reason_display"),
        Column("count", label=gettext_lazy("Posts")),
        Column("outcome", label=gettext_lazy("What happened")),
        Column("released", label=gettext_lazy("Released as genuine")),
    ]

    def get_base_queryset(self) -> QuerySet:
        return RejectedSubmission.objects.order_by("-day", "form", "reason")

    def get_filtered_queryset(self) -> QuerySet:
        return self.get_queryset()  # already filtered by BaseListingView.get_queryset


class RejectedSubmissionMenuItem(MenuItem):
    def is_shown(self, request) -> bool:
        return request.user.has_perm("enquiry.view_rejectedsubmission")


def spam_report_menu_item() -> MenuItem:
    return RejectedSubmissionMenuItem(
        _("Spam turned away"),
        reverse("enquiry_spam_report"),
        name="spam-turned-away",
        icon_name="warning",
        order=950,
    )
