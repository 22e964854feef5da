"""Register the enquiry admin. The viewsets and views live in their own modules."""

from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet

from . import data_protection_views, held_views, quarantine
from .admin_views import (
    EnquiryPermissionPolicy,
    RejectedSubmissionReportView,
    spam_report_menu_item,
)
from .models import Enquiry, HeldSubmission
from .viewsets import enquiry_viewset, hear_about_viewset, held_submission_viewset

register_permission_policy(Enquiry, EnquiryPermissionPolicy(Enquiry))
register_permission_policy(HeldSubmission, held_views.POLICY)


@hooks.register("register_admin_viewset")
def register_enquiry_viewset():
    return enquiry_viewset


@hooks.register("register_admin_viewset")
def register_held_submission_viewset():
    return held_submission_viewset


@hooks.register("register_reports_menu_item")
def register_held_submission_menu_item():
    return held_views.menu_item()


@hooks.register("register_log_actions")
def register_held_submission_log_actions(actions):
    actions.register_action(
        quarantine.RELEASE_ACTION, _("Release suspected spam"), _("Suspected spam released")
    )
    actions.register_action(
        quarantine.DELETE_ACTION, _("Delete suspected spam"), _("Suspected spam deleted")
    )


register_snippet(hear_about_viewset)


@hooks.register("register_admin_urls")
def register_spam_report_urls():
    view = RejectedSubmissionReportView
    return [
        path("reports/spam-turned-away/", view.as_view(), name="enquiry_spam_report"),
        path(
            "reports/spam-turned-away/results/",
            view.as_view(results_only=True),
            name="enquiry_spam_report_results",
        ),
    ]


@hooks.register("register_reports_menu_item")
def register_spam_report_menu_item():
    return spam_report_menu_item()


# Data protection: subject access, erasure and the erasure log.


@hooks.register("register_admin_urls")
def register_personal_data_urls():
    return [path("personal-data/", include(data_protection_views))]


@hooks.register("register_admin_menu_item")
def register_personal_data_menu_item():
    return data_protection_views.menu_item()
