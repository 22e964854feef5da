"""Admin pages for data protection requests: subject access, erasure, and their logs.

Only people with `enquiry.manage_personal_data` may use them; anyone else gets 403. The email
address a request is about is always sent in a POST body, never in a URL (URLs end up in
browser history, proxy logs and Referer headers), and every response is marked no-store so no
cache keeps a copy of someone's data. Every subject access export, shown on screen or
downloaded, leaves a record in the subject access log (who, when, what it found; never the
address).

The lead registers these from enquiry/wagtail_hooks.py:

    @hooks.register("register_admin_urls")
    def register_personal_data_urls():
        return [path("personal-data/", include(data_protection_views))]

    @hooks.register("register_admin_menu_item")
    def register_personal_data_menu_item():
        return data_protection_views.menu_item()
"""

from __future__ import annotations

import json

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse, reverse_lazy
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, ListView
from wagtail.admin.auth import require_admin_access
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from .data_protection import (
    erase_person,
    origins,
    preview_erasure,
    record_subject_access,
    subject_access_csv,
    subject_access_export,
    summary,
)
from .models import ErasureRecord, SubjectAccessRecord

app_name = "personal_data"
PERMISSION = "enquiry.manage_personal_data"
TEMPLATES = "enquiry/admin/data_protection/"


def can_manage_personal_data(user) -> bool:
    return bool(user and user.is_active and user.has_perm(PERMISSION))


class EmailForm(forms.Form):
    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        help_text=_("Matched without regard to capital letters."),
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


class SubjectAccessForm(EmailForm):
    format = forms.ChoiceField(
        choices=[("json", "JSON"), ("csv", "CSV")], required=False, widget=forms.HiddenInput
    )


class ErasureForm(EmailForm):
    reason = forms.CharField(
        label=_("The request"),
        max_length=200,
        help_text=_(
            "How and when the person asked, e.g. “Email to the hub of 3 March 2027”. This is "
            "kept in the erasure log: do not write their name or address here."
        ),
    )
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        email, reason = data.get("email"), data.get("reason")
        if email and reason and email.lower() in reason.lower():
            self.add_error(
                "reason", ValidationError(_("Remove the email address from the request."))
            )
        return data


class PersonalDataViewMixin(WagtailAdminTemplateMixin):
    """403 for anyone without the permission; no-store on every response."""

    header_icon = "user"
    page_title = _("Personal data")

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not can_manage_personal_data(request.user):
            response = TemplateResponse(
                request,
                TEMPLATES + "forbidden.html",
                {"page_title": _("Personal data")},
                status=403,
            )
        else:
            response = super().dispatch(request, *args, **kwargs)
        add_never_cache_headers(response)
        return response

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("personal_data:subject_access"), "label": _("Personal data")},
            {"url": "", "label": self.get_page_title()},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["sections"] = [
            ("personal_data:subject_access", _("Subject access")),
            ("personal_data:subject_access_records", _("Subject access log")),
            ("personal_data:erase", _("Erase a person’s data")),
            ("personal_data:erasure_records", _("Erasure log")),
        ]
        return context


class SubjectAccessView(PersonalDataViewMixin, FormView):
    """Find what is held about an address, then download it as JSON or CSV."""

    page_title = _("Subject access")
    form_class = SubjectAccessForm
    template_name = TEMPLATES + "subject_access.html"

    def form_valid(self, form: SubjectAccessForm) -> HttpResponse:
        export = subject_access_export(form.cleaned_data["email"])
        file_format = form.cleaned_data.get("format")
        record_subject_access(
            export,
            by=self.request.user,
            delivered_as=file_format or SubjectAccessRecord.DeliveredAs.SCREEN,
        )
        if not file_format:
            return self.render_to_response(
                self.get_context_data(
                    form=form,
                    export=export,
                    summary=summary(export),
                    total=sum(len(records) for records in export["sections"].values()),
                    references=[r["reference"] for r in export["sections"]["enquiries"]],
                    origins=origins(export),
                )
            )
        stamp = timezone.localtime().strftime("%Y-%m-%d-%H%M%S")
        if file_format == "csv":
            response = HttpResponse(
                subject_access_csv(export), content_type="text/csv; charset=utf-8"
            )
        else:
            response = HttpResponse(
                json.dumps(export, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
                content_type="application/json; charset=utf-8",
            )
        # The file name says when, never whom (downloads lists and logs keep file names).
        response["Content-Disposition"] = (
            f'attachment; filename="subject-access-{stamp}.{file_format}"'
        )
        return response


class EraseView(PersonalDataViewMixin, FormView):
    """Email and request → a page listing what will be erased → confirm (another POST)."""

    page_title = _("Erase a person’s data")
    form_class = ErasureForm
    template_name = TEMPLATES + "erase.html"

    def form_valid(self, form: ErasureForm) -> HttpResponse:
        email = form.cleaned_data["email"]
        if not form.cleaned_data.get("confirm"):
            confirm_form = ErasureForm(initial={**form.cleaned_data, "confirm": True})
            return TemplateResponse(
                self.request,
                TEMPLATES + "confirm_erase.html",
                self.get_context_data(
                    form=confirm_form,
                    preview=preview_erasure(email),
                    reason=form.cleaned_data["reason"],
                ),
            )
        record = erase_person(email, by=self.request.user, reason=form.cleaned_data["reason"])
        messages.success(
            self.request,
            _("The person’s data was erased. Enquiries anonymised: %(references)s.")
            % {"references": record.references},
        )
        return redirect("personal_data:erasure_records")


class SubjectAccessRecordListView(PersonalDataViewMixin, ListView):
    """Each subject access export: who ran it, when, how it went out and what it found."""

    page_title = _("Subject access log")
    model = SubjectAccessRecord
    paginate_by = 50
    template_name = TEMPLATES + "subject_access_records.html"
    context_object_name = "records"


class ErasureRecordListView(PersonalDataViewMixin, ListView):
    page_title = _("Erasure log")
    model = ErasureRecord
    paginate_by = 50
    template_name = TEMPLATES + "erasure_records.html"
    context_object_name = "records"


urlpatterns = [
    path("", require_admin_access(SubjectAccessView.as_view()), name="subject_access"),
    path(
        "subject-access-log/",
        require_admin_access(SubjectAccessRecordListView.as_view()),
        name="subject_access_records",
    ),
    path("erase/", require_admin_access(EraseView.as_view()), name="erase"),
    path(
        "erasures/",
        require_admin_access(ErasureRecordListView.as_view()),
        name="erasure_records",
    ),
]


class PersonalDataMenuItem(MenuItem):
    def is_shown(self, request: HttpRequest) -> bool:
        return can_manage_personal_data(request.user)


def menu_item() -> MenuItem:
    """The "Personal data" admin menu (shown only to people who may use it)."""
    return SubmenuMenuItem(
        _("Personal data"),
        Menu(
            items=[
                PersonalDataMenuItem(
                    _("Subject access"),
                    reverse_lazy("personal_data:subject_access"),
                    name="personal-data-subject-access",
                    icon_name="download",
                    order=100,
                ),
                PersonalDataMenuItem(
                    _("Subject access log"),
                    reverse_lazy("personal_data:subject_access_records"),
                    name="personal-data-subject-access-log",
                    icon_name="list-ul",
                    order=150,
                ),
                PersonalDataMenuItem(
                    _("Erase a person’s data"),
                    reverse_lazy("personal_data:erase"),
                    name="personal-data-erase",
                    icon_name="bin",
                    order=200,
                ),
                PersonalDataMenuItem(
                    _("Erasure log"),
                    reverse_lazy("personal_data:erasure_records"),
                    name="personal-data-erasure-log",
                    icon_name="list-ul",
                    order=300,
                ),
            ]
        ),
        name="personal-data",
        icon_name="user",
        order=320,
    )
