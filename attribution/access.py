"""Who sees which campaigns: THE row rule every campaign screen, form and export reads.

Kept apart from the views so that the campaign form (which limits the owner to the person's own
councils) and the views can both use it without importing each other.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import QuerySet

from councils.models import Council, CouncilTeam

from .models import Campaign

VIEW_ALL_CAMPAIGNS = "attribution.view_all_campaigns"
CAMPAIGN_ACTIONS = ("add", "change", "delete", "view")


def comms_councils(user: User | AnonymousUser) -> QuerySet[Council]:
    """The councils whose comms team the person belongs to."""
    if not user.is_authenticated:
        return Council.objects.none()
    return Council.objects.filter(
        teams__role=CouncilTeam.Role.COMMS, teams__group__in=user.groups.all()
    ).distinct()


def visible_campaigns(user: User | AnonymousUser) -> QuerySet[Campaign]:
    """THE row-level rule for campaigns in the admin (list, edit, delete, inspect, export, QR).

    Hub roles (with "view_all_campaigns") and superusers see every campaign; a council's comms
    officers see their own council's local campaigns, never the hub's or another council's.
    """
    if not user.is_authenticated or not user.is_active:
        return Campaign.objects.none()
    if user.has_perm(VIEW_ALL_CAMPAIGNS):
        return Campaign.objects.all()
    return Campaign.objects.filter(council__in=comms_councils(user))


def has_campaign_role(user: User | AnonymousUser) -> bool:
    return any(user.has_perm(f"attribution.{action}_campaign") for action in CAMPAIGN_ACTIONS)
