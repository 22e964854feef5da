"""Register the campaign admin (see attribution.viewsets)."""

from wagtail import hooks
from wagtail.permissions import register_permission_policy

from . import report_views
from .models import Campaign
from .viewsets import CampaignPermissionPolicy, campaign_viewset

register_permission_policy(Campaign, CampaignPermissionPolicy(Campaign))


@hooks.register("register_admin_viewset")
def register_campaign_viewset():
    return campaign_viewset


# The attribution reports (see attribution.report_views): pages under Reports, for people with
# attribution.view_attribution_reports only (the menu items hide themselves from others).


@hooks.register("register_admin_urls")
def register_attribution_report_urls():
    return report_views.urlpatterns()


for _report in report_views.REPORTS:
    hooks.register("register_reports_menu_item", report_views.menu_item_hook(_report))
