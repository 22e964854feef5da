"""Fixtures shared by the tests: the site's home page and people in each role."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group


@pytest.fixture
def home(db):
    """The default site's home page (created by migration home/0002)."""
    from home.factories import default_home

    return default_home()


@pytest.fixture
def make_user(db):
    """make_user("name", *groups): an active staff-less user in these groups (names or Groups)."""

    def make(username: str, *groups, **fields):
        user = get_user_model().objects.create_user(
            username=username, email=f"{username}@example.org", password="not-used", **fields
        )
        for group in groups:
            user.groups.add(group if isinstance(group, Group) else Group.objects.get(name=group))
        return user

    return make


@pytest.fixture
def enquiry_page(home):
    """The enquiry page at /enquire/, chosen in the hub settings as the demo does: Enquire links
    appear only while the hub has a live enquiry page."""
    from wagtail.models import Site

    from enquiry.factories import EnquiryPageFactory
    from home.models import HubSettings

    page = EnquiryPageFactory(parent=home)
    hub = HubSettings.for_site(Site.objects.get(is_default_site=True))
    hub.enquiry_page = page
    hub.save()
    return page
