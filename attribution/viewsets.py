"""The campaign admin: list, filters, create and edit with spend entries, inspect with links and
QR codes, history, export, and the link builder.

Every view takes its rows from `attribution.access.visible_campaigns` (the row-level rule): a
council's comms officers get a 404 for any campaign that is not their own council's. Wagtail's
usage view is switched off: campaigns are not in the reference index, so it could only ever
say "not used".
"""

from __future__ import annotations

import django_filters
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet, Sum
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.panels import ObjectList
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import HeaderButton
from wagtail.permission_policies import ModelPermissionPolicy

from core.exports import SafeSpreadsheetExportMixin
from councils.models import Council

from . import views
from .access import has_campaign_role, visible_campaigns
from .forms import CampaignForm
from .models import CAMPAIGN_CHANNELS, Campaign


class CampaignPermissionPolicy(ModelPermissionPolicy):
    """Model permissions, plus the row-level rule for any one campaign."""

    def user_has_permission_for_instance(self, user, action: str, instance: Campaign) -> bool:
        return (
            self.user_has_permission(user, action)
            and visible_campaigns(user).filter(pk=instance.pk).exists()
        )

    def instances_user_has_any_permission_for(self, user, actions) -> QuerySet:
        if not self.user_has_any_permission(user, actions):
            return Campaign.objects.none()
        return visible_campaigns(user)


def owner_choices() -> list[tuple[str, str]]:
    councils = [(f"council-{pk}", name) for pk, name in Council.objects.values_list("pk", "name")]
    return [
        ("regional", _("The hub (regional)")),
        ("local", _("Any council (local)")),
        *councils,
    ]


class CampaignFilterSet(WagtailFilterSet):
    owner = django_filters.ChoiceFilter(
        label=_("Owner"), choices=owner_choices, method="filter_owner", empty_label=_("Any owner")
    )
    channel = django_filters.ChoiceFilter(
        label=_("Channel"), choices=CAMPAIGN_CHANNELS, empty_label=_("Any channel")
    )
    running = django_filters.ChoiceFilter(
        label=_("Running today"),
        choices=[("yes", _("Running today")), ("no", _("Not running today"))],
        method="filter_running",
        empty_label=_("Any"),
    )

    class Meta:
        model = Campaign
        fields = ["owner", "channel", "running"]

    def filter_owner(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if value == "regional":
            return queryset.regional()
        if value == "local":
            return queryset.local()
        if value.startswith("council-"):
            return queryset.filter(council_id=value.removeprefix("council-"))
        return queryset

    def filter_running(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        today = timezone.localdate()
        running = Q(start_date__lte=today) & (Q(end_date__isnull=True) | Q(end_date__gte=today))
        if value == "yes":
            return queryset.filter(running)
        if value == "no":
            return queryset.exclude(running)
        return queryset


def spend_display(campaign: Campaign) -> str:
    return f"£{campaign.spend_total or 0:,.2f}"


class CampaignRowRuleMixin:
    """Rows only from `visible_campaigns`: someone without a campaign role is refused first, then
    a campaign that is not theirs is a 404."""

    def get_object(self, queryset=None):
        if getattr(self, "object", None):
            return self.object
        if not has_campaign_role(self.request.user):
            raise PermissionDenied
        pk = unquote(str(self.kwargs["pk"]))
        return get_object_or_404(visible_campaigns(self.request.user), pk=pk)


class CampaignIndexView(SafeSpreadsheetExportMixin, ModelViewSet.index_view_class):
    """The campaigns list, and its CSV/XLSX export: a comms officer types a campaign's name and
    notes, so every cell is neutralised (`core.exports`) before a spreadsheet opens it."""

    export_columns = [
        ("name", _("Name"), lambda campaign: campaign.name),
        ("code", _("Campaign code"), lambda campaign: campaign.code),
        ("owner_label", _("Owner"), lambda campaign: campaign.owner_label),
        ("channel", _("Channel"), lambda campaign: campaign.get_channel_display()),
        ("source", _("Source"), lambda campaign: campaign.source),
        ("medium", _("Medium"), lambda campaign: campaign.medium),
        ("start_date", _("Starts"), lambda campaign: campaign.start_date),
        ("end_date", _("Ends"), lambda campaign: campaign.end_date),
        ("short_code", _("Short link code"), lambda campaign: campaign.short_code),
        ("spend_total", _("Total spend (£)"), lambda campaign: campaign.spend_total),
    ]
    export_filename_stem = "campaigns"

    def get_base_queryset(self) -> QuerySet:
        return (
            visible_campaigns(self.request.user)
            .select_related("council")
            .annotate(spend_total=Sum("spend__amount"))
        )

    @property
    def header_buttons(self):
        return [
            *super().header_buttons,
            HeaderButton(
                _("Link builder"), url=reverse("campaigns:link_builder"), icon_name="link"
            ),
        ]


class CampaignEditView(CampaignRowRuleMixin, ModelViewSet.edit_view_class):
    pass


class CampaignDeleteView(CampaignRowRuleMixin, ModelViewSet.delete_view_class):
    """Deleting a campaign that brought enquiries would take it out of every report: refuse,
    and suggest ending it instead."""

    def form_valid(self, form):
        count = self.object.enquiries.count()
        if count:
            messages.error(
                self.request,
                ngettext(
                    "“%(name)s” brought %(count)d enquiry, so the reports need it: "
                    "give it an end date instead of deleting it.",
                    "“%(name)s” brought %(count)d enquiries, so the reports need it: "
                    "give it an end date instead of deleting it.",
                    count,
                )
                % {"name": self.object.name, "count": count},
            )
            return redirect("campaigns:edit", self.object.pk)
        return super().form_valid(form)


class CampaignHistoryView(CampaignRowRuleMixin, ModelViewSet.history_view_class):
    """Who changed the campaign and when (Wagtail's history), for people who may see it."""


class CampaignInspectView(CampaignRowRuleMixin, ModelViewSet.inspect_view_class):
    template_name = "attribution/campaign_inspect.html"

    def get_council_display_value(self) -> str:
        """The owner as the listing names it: a regional campaign has no council, so the
        field alone would read "None"."""
        return self.object.owner_label

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["links"] = views.campaign_links(self.object)
        context["site_address"] = views.site_address()
        context["svg_download"] = reverse("campaigns:qr", args=[self.object.pk, "svg"])
        context["png_download"] = reverse("campaigns:qr", args=[self.object.pk, "png"])
        context["link_builder"] = f"{reverse('campaigns:link_builder')}?campaign={self.object.pk}"
        context["total_spend"] = self.object.total_spend()
        return context


class CampaignViewSet(ModelViewSet):
    model = Campaign
    icon = "tag"
    menu_label = _("Campaigns")
    menu_order = 180
    url_prefix = "campaigns"
    url_namespace = "campaigns"
    add_to_admin_menu = True
    add_to_reference_index = False
    copy_view_enabled = False
    inspect_view_enabled = True
    list_per_page = 50
    index_view_class = CampaignIndexView
    edit_view_class = CampaignEditView
    delete_view_class = CampaignDeleteView
    inspect_view_class = CampaignInspectView
    history_view_class = CampaignHistoryView
    filterset_class = CampaignFilterSet
    search_fields = ["name", "code", "short_code"]
    list_display = [
        TitleColumn("name", label=_("Name"), url_name="campaigns:inspect", sort_key="name"),
        Column("code", label=_("Code"), sort_key="code"),
        Column("owner", label=_("Owner"), accessor="owner_label"),
        Column("channel", label=_("Channel"), accessor="get_channel_display", sort_key="channel"),
        Column("start_date", label=_("Starts"), sort_key="start_date"),
        Column("end_date", label=_("Ends"), sort_key="end_date"),
        Column("spend_total", label=_("Total spend"), accessor=spend_display),
    ]
    # The export's columns are the index view's (CampaignIndexView.export_columns).
    inspect_view_fields = [
        "name",
        "code",
        "council",
        "channel",
        "source",
        "medium",
        "start_date",
        "end_date",
        "audience_focus",
        "landing_page",
        "short_code",
        "notes",
    ]

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(usage_url_name=None, **kwargs)

    def get_edit_handler(self):
        return ObjectList(Campaign.panels, base_form_class=CampaignForm).bind_to_model(Campaign)

    def get_permissions_to_register(self):
        """Offer "can see every council's campaigns" in the group editor too."""
        return super().get_permissions_to_register() | Permission.objects.filter(
            content_type__app_label="attribution", codename="view_all_campaigns"
        )

    def get_urlpatterns(self):
        return [
            *(pattern for pattern in super().get_urlpatterns() if pattern.name != "usage"),
            path("qr/<int:pk>/<str:kind>/", views.campaign_qr, name="qr"),
            path("link-builder/", views.LinkBuilderView.as_view(), name="link_builder"),
            path("link-builder/qr/<str:kind>/", views.link_builder_qr, name="link_builder_qr"),
        ]


campaign_viewset = CampaignViewSet("campaigns")
