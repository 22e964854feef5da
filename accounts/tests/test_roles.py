"""Who can do what in the admin: each hub role and each council's teams.

Checked twice: with Wagtail's own permission API, and with the admin edit view a person would
open, so a mistake in either the groups or the admin wiring shows up.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from wagtail.models import GroupCollectionPermission, GroupPagePermission, Site
from wagtail.test.utils.form_data import (
    nested_form_data,
    querydict_from_html,
    rich_text,
    streamfield,
)

from accounts.roles import HUB_COMMS, HUB_ENQUIRY, MARKETING_LEADS, sync_roles
from councils.models import CouncilTeam
from councils.tests.factories import CouncilFactory, CouncilPageFactory
from fostering_types.tests.factories import FosteringTypePageFactory
from home.tests.factories import StandardPageFactory

pytestmark = pytest.mark.django_db


def snapshot() -> dict[str, set]:
    """Every group and permission row the roles consist of."""
    return {
        "groups": set(Group.objects.values_list("name", flat=True)),
        "group_permissions": set(
            Group.permissions.through.objects.values_list(
                "group__name", "permission__content_type__app_label", "permission__codename"
            )
        ),
        "page_permissions": set(
            GroupPagePermission.objects.values_list("group__name", "page_id", "permission_id")
        ),
        "collection_permissions": set(
            GroupCollectionPermission.objects.values_list(
                "group__name", "collection_id", "permission_id"
            )
        ),
        "teams": set(CouncilTeam.objects.values_list("council__name", "role", "group__name")),
    }


def row_counts() -> tuple[int, ...]:
    return (
        Group.objects.count(),
        Group.permissions.through.objects.count(),
        GroupPagePermission.objects.count(),
        GroupCollectionPermission.objects.count(),
        CouncilTeam.objects.count(),
    )


def edit_url(page) -> str:
    return reverse("wagtailadmin_pages:edit", args=[page.pk])


def assert_admin_refuses(response) -> None:
    """Wagtail answers a forbidden admin page with a redirect to the dashboard (or a 403)."""
    assert response.status_code in (302, 403)
    if response.status_code == 302:
        assert response.url == reverse("wagtailadmin_home")


@pytest.fixture
def councils(home):
    """Two councils with pages; the first has an extra page under its council page."""
    derby_page = CouncilPageFactory(council__name="Derby City Council", council__short_name="derby")
    notts_page = CouncilPageFactory(
        council__name="Nottingham City Council", council__short_name="nottingham"
    )
    derby_child = StandardPageFactory(parent=derby_page, title="Derby support groups")
    sync_roles()
    return {"derby": derby_page, "derby_child": derby_child, "nottingham": notts_page}


def comms_group(council_page) -> Group:
    return CouncilTeam.objects.get(council=council_page.council, role=CouncilTeam.Role.COMMS).group


# --- Keeping the groups in step ---------------------------------------------------------------


def test_sync_roles_is_idempotent(councils):
    before, counts = snapshot(), row_counts()
    sync_roles()
    sync_roles()
    assert snapshot() == before
    assert row_counts() == counts
    assert {HUB_COMMS, HUB_ENQUIRY, MARKETING_LEADS} <= before["groups"]


def test_a_new_council_gets_its_two_teams_at_once(db):
    council = CouncilFactory(name="Derbyshire County Council")
    teams = {team.role: team.group.name for team in council.teams.select_related("group")}
    assert teams == {
        "comms": "Council comms officers: Derbyshire County Council",
        "fostering": "Council fostering staff: Derbyshire County Council",
    }
    for team in council.teams.all():
        assert team.group.permissions.filter(codename="access_admin").exists()


def test_a_renamed_council_renames_its_teams(db):
    council = CouncilFactory(name="Derbyshire County Council")
    council.name = "Derbyshire Council"
    council.save()
    assert set(council.teams.values_list("group__name", flat=True)) == {
        "Council comms officers: Derbyshire Council",
        "Council fostering staff: Derbyshire Council",
    }


def test_a_new_council_page_is_editable_by_its_comms_team(home):
    council = CouncilFactory()
    page = CouncilPageFactory(council=council)
    group = CouncilTeam.objects.get(council=council, role=CouncilTeam.Role.COMMS).group
    codenames = set(
        GroupPagePermission.objects.filter(group=group, page=page).values_list(
            "permission__codename", flat=True
        )
    )
    assert {"add_page", "change_page", "publish_page"} <= codenames


# --- Council comms officers --------------------------------------------------------------------


def test_council_comms_officer_edits_only_their_council(councils, home, make_user, client):
    officer = make_user("derby-comms", comms_group(councils["derby"]))
    assert not officer.is_superuser

    for own in (councils["derby"], councils["derby_child"]):
        permissions = own.permissions_for_user(officer)
        assert permissions.can_edit(), own.title
        assert permissions.can_publish(), own.title
    assert councils["derby"].permissions_for_user(officer).can_add_subpage()

    for other in (councils["nottingham"], home):
        permissions = other.permissions_for_user(officer)
        assert not permissions.can_edit(), other.title
        assert not permissions.can_publish(), other.title

    client.force_login(officer)
    assert client.get(edit_url(councils["derby"])).status_code == 200
    assert client.get(edit_url(councils["derby_child"])).status_code == 200
    assert_admin_refuses(client.get(edit_url(councils["nottingham"])))
    assert_admin_refuses(client.get(edit_url(home)))


def test_council_comms_officer_can_publish_their_page_in_the_admin(councils, make_user, client):
    officer = make_user("derby-comms", comms_group(councils["derby"]))
    client.force_login(officer)
    page = councils["derby"]
    form = client.get(edit_url(page))
    data = querydict_from_html(form.content.decode(), form_id="page-edit-form")
    data.update(
        nested_form_data(
            {
                "intro": "Derby's new introduction.",
                "body": streamfield([("rich_text", rich_text("<p>New words.</p>"))]),
                "action-publish": "action-publish",
            }
        )
    )
    response = client.post(edit_url(page), data)
    assert response.status_code == 302
    page.refresh_from_db()
    assert page.intro == "Derby's new introduction."
    assert page.live and not page.has_unpublished_changes
    assert "New words." in str(page.body)


def test_council_comms_officer_cannot_change_hub_settings(councils, make_user, client):
    officer = make_user("derby-comms", comms_group(councils["derby"]))
    client.force_login(officer)
    assert not officer.has_perm("councils.change_hubsettings")
    site = Site.objects.get(is_default_site=True)
    assert_admin_refuses(
        client.get(reverse("wagtailsettings:edit", args=["councils", "hubsettings", site.pk]))
    )


def test_council_fostering_staff_cannot_edit_pages(councils, make_user, client):
    group = CouncilTeam.objects.get(
        council=councils["derby"].council, role=CouncilTeam.Role.FOSTERING
    ).group
    staff = make_user("derby-fostering", group)
    assert staff.has_perm("wagtailadmin.access_admin")
    assert not councils["derby"].permissions_for_user(staff).can_edit()
    client.force_login(staff)
    assert client.get(reverse("wagtailadmin_home")).status_code == 200
    assert_admin_refuses(client.get(edit_url(councils["derby"])))


def test_council_comms_officer_cannot_take_their_council_off_the_site(councils, make_user, client):
    """Deleting or unpublishing a council's page is for whoever manages the partnership; the
    council's own comms officers can still remove the extra pages they made under it."""
    officer = make_user("derby-comms", comms_group(councils["derby"]))
    council_page, child = councils["derby"], councils["derby_child"]
    permissions = council_page.permissions_for_user(officer)
    assert not permissions.can_delete()
    assert not permissions.can_unpublish()
    assert not permissions.can_set_view_restrictions()
    assert child.permissions_for_user(officer).can_delete()

    # Without child pages Wagtail would let anyone who may edit a page delete it: not here.
    leaf = councils["nottingham"]
    leaf_officer = make_user("nottingham-comms", comms_group(leaf))
    assert leaf.permissions_for_user(leaf_officer).can_edit()
    assert not leaf.permissions_for_user(leaf_officer).can_delete()

    client.force_login(officer)
    delete_url = reverse("wagtailadmin_pages:delete", args=[council_page.pk])
    unpublish_url = reverse("wagtailadmin_pages:unpublish", args=[council_page.pk])
    assert_admin_refuses(client.post(delete_url))
    assert_admin_refuses(client.post(unpublish_url))
    council_page.refresh_from_db()
    assert council_page.live

    response = client.post(reverse("wagtailadmin_pages:delete", args=[child.pk]))
    assert response.status_code == 302
    assert not type(child).objects.filter(pk=child.pk).exists()


def test_hub_comms_officer_can_take_a_council_page_off_the_site(councils, make_user, client):
    officer = make_user("hub-comms", HUB_COMMS)
    page = councils["nottingham"]
    assert page.permissions_for_user(officer).can_unpublish()
    client.force_login(officer)
    response = client.post(reverse("wagtailadmin_pages:delete", args=[page.pk]))
    assert response.status_code == 302
    assert not type(page).objects.filter(pk=page.pk).exists()


# --- Hub-wide roles ------------------------------------------------------------------------------


def test_hub_comms_officer_edits_any_page_and_the_hub_settings(councils, home, make_user, client):
    officer = make_user("hub-comms", HUB_COMMS)
    type_page = FosteringTypePageFactory()
    for page in (
        home,
        councils["derby"],
        councils["nottingham"],
        councils["derby_child"],
        type_page,
    ):
        permissions = page.permissions_for_user(officer)
        assert permissions.can_edit(), page.title
        assert permissions.can_publish(), page.title
    assert officer.has_perm("councils.change_hubsettings")
    assert officer.has_perm("councils.change_council")

    client.force_login(officer)
    for page in (home, councils["nottingham"], type_page):
        assert client.get(edit_url(page)).status_code == 200
    site = Site.objects.get(is_default_site=True)
    settings_url = reverse("wagtailsettings:edit", args=["councils", "hubsettings", site.pk])
    assert client.get(settings_url).status_code == 200


@pytest.mark.parametrize("role", [MARKETING_LEADS, HUB_ENQUIRY])
def test_marketing_leads_and_enquiry_officers_use_the_admin_but_not_pages(
    role, councils, home, make_user, client
):
    person = make_user("person", role)
    assert person.has_perm("wagtailadmin.access_admin")
    for page in (home, councils["derby"]):
        permissions = page.permissions_for_user(person)
        assert not permissions.can_edit()
        assert not permissions.can_publish()

    client.force_login(person)
    assert client.get(reverse("wagtailadmin_home")).status_code == 200
    assert_admin_refuses(client.get(edit_url(home)))
    assert_admin_refuses(client.get(edit_url(councils["derby"])))


def test_people_without_a_role_cannot_log_in_to_the_admin(make_user, client):
    client.force_login(make_user("member-of-public"))
    response = client.get(reverse("wagtailadmin_home"))
    assert response.status_code == 302
    assert reverse("wagtailadmin_login") in response.url
