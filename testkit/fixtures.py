"""Fixtures shared by the tests of every app: the site's home page and people in each role.

A pytest plugin, registered by the root conftest.py (`pytest_plugins`), so every `<app>/tests/`
and the journeys see these fixtures.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.roles import HUB_COMMS, HUB_ENQUIRY, MARKETING_LEADS, sync_roles
from councils.tests.factories import CouncilFactory
from enquiry.models import Enquiry
from enquiry.tests.factories import EnquiryFactory
from testkit.admin import comms_group, fostering_group
from testkit.clients import ADMIN_PASSWORD, signed_in


@pytest.fixture
def home(db):
    """The default site's home page (created by migration home/0002)."""
    from core.tests.factories import default_home

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

    from councils.models import HubSettings
    from enquiry.tests.factories import EnquiryPageFactory

    page = EnquiryPageFactory(parent=home)
    hub = HubSettings.for_site(Site.objects.get(is_default_site=True))
    hub.enquiry_page = page
    hub.save()
    return page


# --- Enquiry admin: two councils, one person in each role, and three enquiries -------------------


@pytest.fixture
def councils(home):
    """Derby and Nottingham, with their teams, and every role group."""
    derby = CouncilFactory(name="Derby City Council", short_name="derby")
    nottingham = CouncilFactory(name="Nottingham City Council", short_name="nottingham")
    sync_roles()
    return {"derby": derby, "nottingham": nottingham}


@pytest.fixture
def people(councils, make_user):
    """One person in each role, with real names so the history can show who did what."""
    return {
        "hub": make_user("hub-officer", HUB_ENQUIRY, first_name="Hana", last_name="Hub"),
        "derby": make_user(
            "derby-staff", fostering_group(councils["derby"]), first_name="Dev", last_name="Derby"
        ),
        "nottingham": make_user("nottingham-staff", fostering_group(councils["nottingham"])),
        "marketing": make_user("marketing-lead", MARKETING_LEADS),
        "hub_comms": make_user("hub-comms", HUB_COMMS),
        "derby_comms": make_user("derby-comms", comms_group(councils["derby"])),
    }


@pytest.fixture
def enquiries(councils):
    """One enquiry for each council and one from someone not sure yet, oldest first."""
    made = {
        "derby": EnquiryFactory(
            council=councils["derby"],
            first_name="Dana",
            last_name="Derbyshire",
            email="dana@example.org",
        ),
        "nottingham": EnquiryFactory(
            council=councils["nottingham"],
            first_name="Nia",
            last_name="Trent",
            email="nia@example.org",
        ),
        "unsure": EnquiryFactory(
            council=None, first_name="Uma", last_name="Unsure", email="uma@example.org"
        ),
    }
    # Spread them over three days so the order and the date filter mean something.
    now = timezone.now()
    for days_ago, key in ((3, "derby"), (2, "nottingham"), (1, "unsure")):
        received = now - timedelta(days=days_ago)
        Enquiry.objects.filter(pk=made[key].pk).update(
            created_at=received, received_on=timezone.localdate(received)
        )
        made[key].refresh_from_db()
    return made


@pytest.fixture
def client_as(people):
    """client_as("derby"): a client of its own, signed in (both steps) as that person of
    `people`: one signed-in client per role, several at once if a test needs them."""

    def sign_in(role: str, *, second_factor: bool = True):
        return signed_in(people[role], second_factor=second_factor)

    return sign_in


# --- Admin accounts (issue 7): someone who signs in to the admin with a password ----------------


@pytest.fixture
def no_login_failures():
    """Failed sign-ins are counted in the cache (django-axes): start and end with none."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def officer(councils):
    """A hub comms officer (who can reach the admin) with a known password and no app yet."""
    user = get_user_model().objects.create_user("hub.officer", password=ADMIN_PASSWORD)
    user.groups.add(Group.objects.get(name=HUB_COMMS))
    return user
