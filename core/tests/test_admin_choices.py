"""Every admin form lists a translatable item once, as its English original.

wagtail-localize keeps a Polish and an Urdu copy of every page, so a choice field built from
all the pages of a type listed each type of fostering three times, under the same title, and
an editor could tag a story with a copy. The page forms (`core.admin_forms.HubPageForm`, the
base of every page type's form) offer the originals only, which is what every language's page
shows in its own words. The campaign and event forms are tested beside their apps.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from core.localization import synchronise_trees
from fostering_types.models import FosteringTypePage
from fostering_types.tests.factories import FosteringTypePageFactory
from home.tests.factories import StoryIndexPageFactory, StoryPageFactory
from testkit.html import clean, soup

pytestmark = pytest.mark.django_db


def checkbox_labels(response, name: str) -> list[str]:
    return [
        clean(box.find_parent("label").get_text())
        for box in soup(response).select(f'input[name="{name}"]')
    ]


def test_the_story_form_lists_each_type_of_fostering_once(home, client):
    for title in ("Teenagers", "Sibling groups"):
        FosteringTypePageFactory(title=title)
    story_index = StoryIndexPageFactory(parent=home)
    story = StoryPageFactory(parent=story_index)
    synchronise_trees()
    assert FosteringTypePage.objects.count() == 6  # each in English, Polish and Urdu
    client.force_login(get_user_model().objects.create_superuser("editor", "e@example.org", "x"))
    for url in (
        reverse("wagtailadmin_pages:add", args=["home", "storypage", story_index.pk]),
        reverse("wagtailadmin_pages:edit", args=[story.pk]),
    ):
        assert checkbox_labels(client.get(url), "fostering_types") == [
            "Teenagers",
            "Sibling groups",
        ]
