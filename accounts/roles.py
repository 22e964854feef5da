"""The hub's roles as Django groups with Wagtail permissions, kept in step with the councils.

Roles give rights across every app (pages, campaigns, enquiries, bookings), so they live here,
on the top floor, beside sign-in: the apps below never need to know who may do what by role.

`sync_roles()` is idempotent: run it after migrating (`manage.py sync_roles`), and it runs by
itself when a council or a council page is created, so a new partner's teams exist at once. It
also sets up Hub review, the workflow the hub's comms officers review pages in (publishing.py).
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Page, Site

from councils.models import Council, CouncilPage, CouncilTeam
from events.models import EventIndexPage

from .publishing import sync_review_workflow

HUB_COMMS = "Hub comms officers"
HUB_ENQUIRY = "Hub enquiry officers"
MARKETING_LEADS = "Marketing leads"

PAGE_EDITING = ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"]
PAGE_MANAGING = [*PAGE_EDITING, "bulk_delete_page"]
MEDIA_EDITING = [
    "add_image",
    "change_image",
    "choose_image",
    "add_document",
    "change_document",
    "choose_document",
]
MEDIA_USING = ["add_image", "choose_image", "add_document", "choose_document"]

# Model-level permissions, as "app_label.codename".
ADMIN_ACCESS = ["wagtailadmin.access_admin"]
# Campaigns: a council's comms officers manage their own council's local campaigns only (the
# row-level rule in `attribution.access.visible_campaigns`); "view_all_campaigns" lifts that rule.
CAMPAIGN_MANAGING = [
    "attribution.add_campaign",
    "attribution.change_campaign",
    "attribution.delete_campaign",
    "attribution.view_campaign",
]
VIEW_ALL_CAMPAIGNS = "attribution.view_all_campaigns"
# The attribution reports: aggregates of every council's enquiries, never personal data.
VIEW_REPORTS = "attribution.view_attribution_reports"
# Translating pages and snippets with wagtail-localize (the translation editor, PO files).
TRANSLATING = "wagtail_localize.submit_translation"
# Permissions no model declares in its Meta: (app_label, model, codename, name).
EXTRA_PERMISSIONS = [
    ("attribution", "campaign", "view_all_campaigns", "Can see every council's campaigns"),
    ("events", "registration", "view_event_numbers", "Can see booking numbers per event"),
]
# Event bookings: who booked and attendance. Which bookings is the row-level rule in
# `events.querysets.RegistrationQuerySet.for_user` (the hub all, a council its hosted events').
EVENT_BOOKINGS = ["events.view_registration", "events.change_registration"]
# Counts per event (bookings, places, waiting, attended, no-shows): no personal data.
EVENT_NUMBERS = "events.view_event_numbers"
HUB_COMMS_MODEL_PERMISSIONS = [
    *ADMIN_ACCESS,
    "councils.add_council",
    "councils.change_council",
    "councils.change_hubsettings",
    "home.change_navigationsettings",
    "wagtailredirects.add_redirect",
    "wagtailredirects.change_redirect",
    "wagtailredirects.delete_redirect",
    # The "How did you hear about us?" answers the enquiry form offers.
    "enquiry.add_hearaboutoption",
    "enquiry.change_hearaboutoption",
    "enquiry.view_hearaboutoption",
    *CAMPAIGN_MANAGING,
    VIEW_ALL_CAMPAIGNS,
    VIEW_REPORTS,
    EVENT_NUMBERS,
    TRANSLATING,
]
# Marketing leads read every campaign (and the reports); they change none.
MARKETING_LEAD_MODEL_PERMISSIONS = [
    *ADMIN_ACCESS,
    "attribution.view_campaign",
    VIEW_ALL_CAMPAIGNS,
    VIEW_REPORTS,
    EVENT_NUMBERS,
]
COUNCIL_COMMS_MODEL_PERMISSIONS = [*ADMIN_ACCESS, *CAMPAIGN_MANAGING, TRANSLATING]
# Nobody deletes enquiries in the admin: erasure is its own recorded data-protection action.
ENQUIRY_HANDLING = [
    "enquiry.view_enquiry",
    "enquiry.add_enquiry",
    "enquiry.change_enquiry",
    "enquiry.import_outcomes",
]
# Suspected spam held for review: only the hub's enquiry officers see it (the row rule in
# `HeldSubmission.objects.for_user` also asks for view_all_enquiries), release ("change") it into
# the normal flow or delete it. Nobody adds one: the spam checks do.
HELD_SUBMISSION_REVIEW = [
    "enquiry.view_heldsubmission",
    "enquiry.change_heldsubmission",
    "enquiry.delete_heldsubmission",
]
HUB_ENQUIRY_MODEL_PERMISSIONS = [
    *ADMIN_ACCESS,
    *ENQUIRY_HANDLING,
    "enquiry.view_all_enquiries",
    "enquiry.manage_personal_data",
    "enquiry.add_hearaboutoption",
    "enquiry.change_hearaboutoption",
    "enquiry.view_hearaboutoption",
    "enquiry.view_rejectedsubmission",
    *HELD_SUBMISSION_REVIEW,
    "outbox.view_outboxmessage",
    VIEW_REPORTS,
    *EVENT_BOOKINGS,
    EVENT_NUMBERS,
]
# A council's fostering team handles its own council's enquiries (Enquiry.objects.for_user).
COUNCIL_FOSTERING_MODEL_PERMISSIONS = [*ADMIN_ACCESS, *ENQUIRY_HANDLING, *EVENT_BOOKINGS]
# Council comms officers draft events under the events index: "add" lets them create events and
# edit their own drafts, and submit them for moderation; hub comms officers publish them.
EVENT_DRAFTING = ["add_page"]


def team_group_name(council: Council, role: str) -> str:
    return f"{CouncilTeam.Role(role).label}: {council.name}"


def _model_permissions(names: list[str]) -> list[Permission]:
    permissions = []
    for name in names:
        app_label, codename = name.split(".")
        permissions.append(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    return permissions


def _page_permissions(group: Group, page: Page, codenames: list[str]) -> None:
    for permission in Permission.objects.filter(
        content_type__app_label="wagtailcore", codename__in=codenames
    ):
        GroupPagePermission.objects.get_or_create(group=group, page=page, permission=permission)


def _collection_permissions(group: Group, codenames: list[str]) -> None:
    root = Collection.get_first_root_node()
    for permission in Permission.objects.filter(codename__in=codenames):
        GroupCollectionPermission.objects.get_or_create(
            group=group, collection=root, permission=permission
        )


def _ensure_extra_permissions() -> None:
    for app_label, model, codename, name in EXTRA_PERMISSIONS:
        content_type = ContentType.objects.get_by_natural_key(app_label, model)
        Permission.objects.get_or_create(
            content_type=content_type, codename=codename, defaults={"name": name}
        )


@transaction.atomic
def sync_roles() -> None:
    """Create or update every hub and council group and its permissions."""
    _ensure_extra_permissions()
    hub_comms, _created = Group.objects.get_or_create(name=HUB_COMMS)
    hub_comms.permissions.add(*_model_permissions(HUB_COMMS_MODEL_PERMISSIONS))
    for site in Site.objects.select_related("root_page"):
        # The site's home page in every language: translators edit the Polish and Urdu trees.
        for root in site.root_page.get_translations(inclusive=True):
            _page_permissions(hub_comms, root, PAGE_MANAGING)
    _collection_permissions(hub_comms, MEDIA_EDITING)
    # What council comms officers submit (their pages, the events they draft), hub comms review.
    sync_review_workflow(reviewers=hub_comms)

    hub_enquiry, _created = Group.objects.get_or_create(name=HUB_ENQUIRY)
    hub_enquiry.permissions.add(*_model_permissions(HUB_ENQUIRY_MODEL_PERMISSIONS))

    marketing, _created = Group.objects.get_or_create(name=MARKETING_LEADS)
    marketing.permissions.add(*_model_permissions(MARKETING_LEAD_MODEL_PERMISSIONS))

    for council in Council.objects.all():
        sync_council_teams(council)


def sync_council_teams(council: Council) -> dict[str, Group]:
    """Make sure the council's comms and fostering teams exist with the right permissions.

    Comms officers edit and publish their own council's page and its children, draft events
    under the events index (hub comms publish them), and manage their council's local campaigns (which ones is the row-level rule in `attribution.access`).
    Fostering staff handle enquiries and their council's event bookings; which ones (their
    council's only) is the row-level rule in `Enquiry.objects.for_user` and
    `RegistrationQuerySet.for_user`, not a permission.
    """
    admin_access = _model_permissions(ADMIN_ACCESS)
    groups = {}
    for role in CouncilTeam.Role:
        team = (
            CouncilTeam.objects.filter(council=council, role=role).select_related("group").first()
        )
        if team is None:
            group, _created = Group.objects.get_or_create(name=team_group_name(council, role))
            team = CouncilTeam.objects.create(council=council, role=role, group=group)
        elif team.group.name != team_group_name(council, role):  # the council was renamed
            team.group.name = team_group_name(council, role)
            team.group.save(update_fields=["name"])
        team.group.permissions.add(*admin_access)
        groups[role] = team.group

    groups[CouncilTeam.Role.FOSTERING].permissions.add(
        *_model_permissions(COUNCIL_FOSTERING_MODEL_PERMISSIONS)
    )

    comms = groups[CouncilTeam.Role.COMMS]
    comms.permissions.add(*_model_permissions(COUNCIL_COMMS_MODEL_PERMISSIONS))
    for page in CouncilPage.objects.filter(council=council):
        _page_permissions(comms, page, PAGE_EDITING)
    for index in EventIndexPage.objects.all():
        _page_permissions(comms, index, EVENT_DRAFTING)
    _collection_permissions(comms, MEDIA_USING)
    return groups
