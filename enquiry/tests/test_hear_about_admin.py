"""Hub staff say which tracked channels each "How did you hear about us?" answer agrees with,
by ticking boxes; the tracked versus self-reported report reads the list they save."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from accounts.roles import HUB_ENQUIRY, sync_roles
from enquiry.models import HearAboutOption
from enquiry.tests.factories import HearAboutOptionFactory


@pytest.fixture
def hub_officer(home, make_user):
    sync_roles()
    return make_user("hub-officer", HUB_ENQUIRY)


def test_hub_officer_saves_an_answer_with_two_channels(client, hub_officer):
    client.force_login(hub_officer)
    form = client.get(reverse("wagtailsnippets_enquiry_hearaboutoption:add"))
    assert form.status_code == 200
    page = form.content.decode()
    assert 'type="checkbox" name="matching_channels" value="paid-social"' in page
    assert "Organic social" in page

    response = client.post(
        reverse("wagtailsnippets_enquiry_hearaboutoption:add"),
        {
            "label": "Social media",
            "is_active": "on",
            "matching_channels": ["organic-social", "paid-social"],
        },
    )

    assert response.status_code == 302
    option = HearAboutOption.objects.get(label="Social media")
    # Stored in the order the channels are listed.
    assert option.matching_channels == ["paid-social", "organic-social"]
    listing = client.get(reverse("wagtailsnippets_enquiry_hearaboutoption:list")).content.decode()
    assert "Paid social, Organic social" in listing


def test_an_unknown_channel_is_refused(client, hub_officer):
    client.force_login(hub_officer)
    response = client.post(
        reverse("wagtailsnippets_enquiry_hearaboutoption:add"),
        {"label": "Television", "is_active": "on", "matching_channels": ["paid-social", "tv"]},
    )

    assert response.status_code == 200
    assert "Select channels from the list" in response.content.decode()
    assert not HearAboutOption.objects.filter(label="Television").exists()


def test_editing_shows_the_ticked_channels_and_can_clear_them(client, hub_officer):
    option = HearAboutOptionFactory(label="Search engine", matching_channels=["organic-search"])
    client.force_login(hub_officer)
    url = reverse("wagtailsnippets_enquiry_hearaboutoption:edit", args=[option.pk])

    page = client.get(url).content.decode()
    boxes = re.findall(r'<input type="checkbox" name="matching_channels"[^>]*>', page)
    ticked = [box for box in boxes if re.search(r"\bchecked\b", box)]
    assert len(boxes) == 16
    assert len(ticked) == 1
    assert 'value="organic-search"' in ticked[0]

    response = client.post(url, {"label": "Search engine", "is_active": "on"})
    assert response.status_code == 302
    option.refresh_from_db()
    assert option.matching_channels == []
