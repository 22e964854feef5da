"""Wiring of the enquiry admin: which views, under which URLs and menu items.

The views themselves (and the row-level rule they share) are in `enquiry.admin_views`.
`services.admin_url` reverses "enquiries:inspect", the link every notification email carries.
"""

from __future__ import annotations

from django.contrib.auth import get_permission_codename
from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.snippets.views.snippets import SnippetViewSet

from attribution.models import CHANNEL_CHOICES
from core.admin_links import inspect_url_finder

from .admin_forms import EnquiryDetailsEditForm, HearAboutOptionForm, StaffEnquiryForm
from .admin_views import (
    EnquiryCreateView,
    EnquiryEditView,
    EnquiryIndexView,
    EnquiryInspectView,
    HandoverView,
    KeepInTouchView,
    OutcomeImportView,
    SourceCorrectionView,
    StageChangeView,
)
from .held_views import (
    DeleteView,
    HeldSubmissionIndexView,
    HeldSubmissionInspectView,
    ReleaseView,
)
from .models import Enquiry, HearAboutOption, HeldSubmission


class EnquiryViewSet(ModelViewSet):
    """Enquiries: list, record, inspect, edit details, change stage, hand over, correct the
    channel or campaign, import.

    There is no delete, copy, usage or Wagtail history view: nobody deletes an enquiry in the
    admin, and the enquiry's own dated history is on its inspect page.
    """

    model = Enquiry
    icon = "mail"
    menu_label = _("Enquiries")
    menu_order = 190
    url_prefix = "enquiries"
    url_namespace = "enquiries"
    add_to_admin_menu = True
    add_to_reference_index = False
    inspect_view_enabled = True
    copy_view_enabled = False
    list_per_page = 50
    index_view_class = EnquiryIndexView
    add_view_class = EnquiryCreateView
    edit_view_class = EnquiryEditView
    inspect_view_class = EnquiryInspectView
    stage_view_class = StageChangeView
    handover_view_class = HandoverView
    source_view_class = SourceCorrectionView
    keep_in_touch_view_class = KeepInTouchView
    import_view_class = OutcomeImportView

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(
            delete_url_name=None,
            history_url_name=None,
            usage_url_name=None,
            **kwargs,
        )

    def get_form_class(self, for_update: bool = False):
        return EnquiryDetailsEditForm if for_update else StaffEnquiryForm

    def get_permissions_to_register(self):
        """Offer every enquiry permission in the group editor except delete."""
        return (
            super()
            .get_permissions_to_register()
            .exclude(codename=get_permission_codename("delete", self.model_opts))
        )

    @property
    def stage_view(self):
        return self.construct_view(self.stage_view_class)

    @property
    def handover_view(self):
        return self.construct_view(self.handover_view_class)

    @property
    def source_view(self):
        return self.construct_view(self.source_view_class)

    @property
    def keep_in_touch_view(self):
        return self.construct_view(self.keep_in_touch_view_class)

    @property
    def import_view(self):
        return self.construct_view(self.import_view_class)

    def get_urlpatterns(self):
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("new/", self.add_view, name="add"),
            path("import/", self.import_view, name="import"),
            path("inspect/<int:pk>/", self.inspect_view, name="inspect"),
            path("edit/<int:pk>/", self.edit_view, name="edit"),
            path("stage/<int:pk>/", self.stage_view, name="stage"),
            path("handover/<int:pk>/", self.handover_view, name="handover"),
            path("source/<int:pk>/", self.source_view, name="source"),
            path("keep-in-touch/<int:pk>/", self.keep_in_touch_view, name="keep_in_touch"),
        ]


def matching_channel_labels(option: HearAboutOption) -> str:
    """The channels an answer agrees with, in words, for the listing."""
    labels = dict(CHANNEL_CHOICES)
    channels = option.matching_channels if isinstance(option.matching_channels, list) else []
    return ", ".join(str(labels.get(value, value)) for value in channels) or "–"


class HearAboutOptionViewSet(SnippetViewSet):
    """The answers to "How did you hear about us?", in the order the form offers them.

    A snippet, so wagtail-localize offers "Translate" on each answer (and syncing, PO export and
    import) like a page: the public form shows each answer's translation in that language.
    """

    model = HearAboutOption
    icon = "list-ul"
    menu_label = _("“How did you hear?” answers")
    add_to_settings_menu = True
    add_to_reference_index = False
    copy_view_enabled = False
    list_display = [
        "label",
        Column(
            "matching_channels",
            label=_("Matching channels"),
            accessor=matching_channel_labels,
        ),
        "is_active",
    ]
    list_filter = ["is_active"]
    search_fields = ["label"]
    # The channels the answer agrees with are tick boxes (stored as a list of channel values).
    edit_handler = ObjectList(
        [FieldPanel("label"), FieldPanel("is_active"), FieldPanel("matching_channels")],
        base_form_class=HearAboutOptionForm,
    )


class HeldSubmissionViewSet(ModelViewSet):
    """Suspected spam held for review: list, inspect, release, delete (Reports → Suspected spam,
    for hub enquiry officers; see `enquiry.held_views`). Nobody adds or edits a held post."""

    model = HeldSubmission
    icon = "warning"
    menu_label = _("Suspected spam")
    url_prefix = "suspected-spam"
    url_namespace = "held_submissions"
    add_to_admin_menu = False
    add_to_reference_index = False
    inspect_view_enabled = True
    copy_view_enabled = False
    list_per_page = 50
    index_view_class = HeldSubmissionIndexView
    inspect_view_class = HeldSubmissionInspectView

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(
            add_url_name=None,
            edit_url_name=None,
            delete_url_name=None,
            history_url_name=None,
            usage_url_name=None,
            **kwargs,
        )

    @property
    def url_finder_class(self):
        """Links to a held post go to its page: there is no edit view."""
        return inspect_url_finder(self)

    def get_permissions_to_register(self):
        """Offer view, change (release) and delete in the group editor: nobody adds one."""
        return (
            super()
            .get_permissions_to_register()
            .exclude(codename=get_permission_codename("add", self.model_opts))
        )

    def get_urlpatterns(self):
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("inspect/<int:pk>/", self.inspect_view, name="inspect"),
            path("release/<int:pk>/", ReleaseView.as_view(), name="release"),
            path("delete/<int:pk>/", DeleteView.as_view(), name="delete"),
        ]


enquiry_viewset = EnquiryViewSet("enquiries")
held_submission_viewset = HeldSubmissionViewSet("held_submissions")
hear_about_viewset = HearAboutOptionViewSet()
