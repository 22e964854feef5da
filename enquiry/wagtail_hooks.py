"""Register the enquiry admin. The viewsets and views live in their own modules."""

from django.urls import include, path
from wagtail import hooks
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet

from . import data_protection_views
from .admin_views import (
    EnquiryPermissionPolicy,
    RejectedSubmissionReportView,
    spam_report_menu_item,
)
from .models import Enquiry
from .viewsets import enquiry_viewset, hear_about_viewset

register_permission_policy(Enquiry, EnquiryPermissionPolicy(Enquiry))


@hooks.register("register_admin_viewset")
def register_enquiry_viewset():
    return enquiry_viewset


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
