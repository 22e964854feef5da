"""Forms for the campaign admin: the campaign itself and the link builder."""

from __future__ import annotations

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.widgets import AdminPageChooser
from wagtail.models import Page

from core.admin_forms import OriginalChoicesMixin
from councils.models import Council

from .access import VIEW_ALL_CAMPAIGNS, comms_councils
from .models import TAG_VALUE, Campaign


class CampaignForm(OriginalChoicesMixin, WagtailAdminModelForm):
    """The campaign form, with the owner limited to what the person may manage and the
    audience focus offering each type of fostering once (its English original).

    A council's comms officers (who cannot see every campaign) must pick one of their own
    councils: they cannot create a regional campaign or one for another council.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.for_user
        council = self.fields.get("council")
        if council is None:
            return
        # A plain select (there are few councils) rather than the snippet chooser, whose modal
        # would list every council whatever the person may choose.
        council.widget = forms.Select()
        if user is None or user.has_perm(VIEW_ALL_CAMPAIGNS):
            council.queryset = Council.objects.order_by("name")
            council.empty_label = _("The hub (regional)")
            return
        councils = comms_councils(user).order_by("name")
        council.queryset = councils
        council.required = True
        council.empty_label = None if councils.count() == 1 else _("Choose your council")
        council.help_text = _("Campaigns you add are your council's local campaigns.")


class LinkBuilderForm(forms.Form):
    """A one-off tagged link: a campaign's tags plus optional utm_content and landing page."""

    campaign = forms.ModelChoiceField(
        label=_("Campaign"), queryset=Campaign.objects.none(), empty_label=_("Choose a campaign")
    )
    utm_content = forms.CharField(
        label=_("Content (utm_content)"),
        required=False,
        max_length=60,
        validators=[TAG_VALUE],
        help_text=_("Tells placements apart, e.g. poster-a3-library. Optional."),
    )
    landing_page = forms.ModelChoiceField(
        label=_("Landing page"),
        queryset=Page.objects.live().filter(depth__gt=1),
        required=False,
        widget=AdminPageChooser(),
        help_text=_("Leave empty for the campaign's own landing page."),
    )

    def __init__(self, *args, campaigns: QuerySet[Campaign], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["campaign"].queryset = campaigns.select_related("landing_page")
