"""Register the campaign admin (see attribution.viewsets)."""

from wagtail import hooks
from wagtail.permissions import register_permission_policy

from .models import Campaign
from .viewsets import CampaignPermissionPolicy, campaign_viewset

register_permission_policy(Campaign, CampaignPermissionPolicy(Campaign))


@hooks.register("register_admin_viewset")
def register_campaign_viewset():
    return campaign_viewset
