"""Councils join and leave the partnership: what the public and the council's teams see then."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from wagtail.models import PageViewRestriction
from wagtail.test.utils.form_data import nested_form_data, querydict_from_html, streamfield

from accounts.roles import HUB_COMMS, sync_roles
from councils.models import CouncilPage, CouncilTeam
from councils.tests.factories import CouncilFactory, CouncilPageFactory
from testkit.html import parse

pytestmark = pytest.mark.django_db


@pytest.fixture
def derby(home):
    page = CouncilPageFactory(
        council__name="Derby City Council", council__short_name="derby", intro="Foster in Derby."
    )
    sync_roles()  # the hub-wide groups
    return page


def comms_officer(make_user, council_page):
    group = CouncilTeam.objects.get(council=council_page.council, role=CouncilTeam.Role.COMMS).group
    return make_user("derby-comms", group)


def publish_form_data(client, edit_url: str, **fields):
    """The edit form as a browser would post it (StreamFields are built by JavaScript there)."""
    data = querydict_from_html(client.get(edit_url).content.decode(), form_id="page-edit-form")
    data.update(nested_form_data({"body": streamfield([]), "action-publish": "action-publish"}))
    for name, value in fields.items():
        data[name] = value
    return data


def test_a_council_that_leaves_has_no_public_page(client, derby):
    assert client.get(derby.url).status_code == 200
    derby.council.is_active = False
    derby.council.save()

    assert client.get(derby.url).status_code == 404
    assert derby.url not in client.get("/sitemap.xml").content.decode()
    results = parse(client.get("/search/", {"query": "Derby"}))
    assert not results.links_to(derby.url)
    assert not parse(client.get("/")).links_to(derby.url)


def test_deleting_a_council_removes_its_teams_and_their_access(db):
    council = CouncilFactory(name="Rutland County Council")
    group_ids = list(council.teams.values_list("group_id", flat=True))
    assert len(group_ids) == 2
    council.delete()
    assert not Group.objects.filter(pk__in=group_ids).exists()


def test_a_council_page_cannot_be_copied(client, derby, make_user):
    client.force_login(make_user("hub-comms", HUB_COMMS))
    url = reverse("wagtailadmin_pages:copy", args=[derby.pk])
    response = client.post(
        url,
        {
            "new_title": "Derby again",
            "new_slug": "derby-again",
            "new_parent_page": derby.get_parent().pk,
        },
    )
    assert response.status_code == 302
    assert CouncilPage.objects.filter(council=derby.council).count() == 1


def test_council_comms_officer_cannot_hide_their_council_page(client, derby, make_user):
    client.force_login(comms_officer(make_user, derby))
    response = client.post(
        reverse("wagtailadmin_pages:set_privacy", args=[derby.pk]), {"restriction_type": "login"}
    )
    assert response.status_code in (302, 403)
    assert not PageViewRestriction.objects.filter(page=derby).exists()


def test_council_comms_officer_cannot_set_their_council_page_to_expire(client, derby, make_user):
    client.force_login(comms_officer(make_user, derby))
    edit_url = reverse("wagtailadmin_pages:edit", args=[derby.pk])
    data = publish_form_data(client, edit_url, expire_at="2030-01-01 10:00")
    response = client.post(edit_url, data)
    assert response.status_code == 200, "the form comes back with an error"
    assert "Only the people who manage the partner councils" in response.content.decode()
    derby.refresh_from_db()
    assert derby.expire_at is None


def test_hub_comms_officer_can_schedule_a_council_page_to_expire(client, derby, make_user):
    client.force_login(make_user("hub-comms", HUB_COMMS))
    edit_url = reverse("wagtailadmin_pages:edit", args=[derby.pk])
    data = publish_form_data(client, edit_url, expire_at="2030-01-01 10:00")
    assert client.post(edit_url, data).status_code == 302
    derby.refresh_from_db()
    assert derby.expire_at is not None
