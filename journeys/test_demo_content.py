"""The demo loader: `make run` loads it every time, so a second run must change nothing.

It lives beside the browser tests because it shares their session's committed demo database
(loaded once by the `demo_server` fixture), rather than loading the demo a second time.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.test import override_settings
from wagtail.images import get_image_model
from wagtail.models import Page, Revision

from attribution.models import Campaign, SpendEntry
from councils.models import Council, CouncilPage, HubSettings
from enquiry.models import Enquiry, HearAboutOption
from fostering_types.models import FosteringTypePage
from home.models import NavigationSettings

# django_db: pytest-django creates the test database only for runs that include such a test.
pytestmark = [pytest.mark.browser, pytest.mark.django_db]


def inventory() -> dict[str, object]:
    return {
        "pages": sorted(Page.objects.values_list("pk", "path", "live", "latest_revision_id")),
        "revisions": Revision.objects.count(),
        "images": sorted(get_image_model().objects.values_list("pk", "title", "file")),
        "councils": sorted(Council.objects.values_list("pk", "short_name", "postcode_districts")),
        "users": sorted(get_user_model().objects.values_list("pk", "username", "password")),
        "groups": Group.objects.count(),
        "settings": (HubSettings.objects.count(), NavigationSettings.objects.count()),
        "campaigns": sorted(Campaign.objects.values_list("pk", "code", "council_id")),
        "spend": SpendEntry.objects.count(),
        "enquiries": sorted(Enquiry.objects.values_list("pk", "reference", "channel")),
    }


def test_loading_the_demo_twice_changes_nothing(demo_server, django_db_blocker, capsys):
    with django_db_blocker.unblock():
        before = inventory()
        call_command("load_demo_content")
        after = inventory()
    assert "nothing created" in capsys.readouterr().out
    assert after == before


def test_the_demo_fills_every_part_of_the_site(demo_server, django_db_blocker):
    with django_db_blocker.unblock():
        assert Council.objects.active().count() == 4
        english = CouncilPage.objects.live().filter(locale__language_code="en-gb")
        assert english.count() == 4
        assert FosteringTypePage.objects.live().filter(locale__language_code="en-gb").count() >= 8
        # Translated into Polish and Urdu: the home page, every page the menus link to (how
        # to foster, types of fostering, councils, support, stories, FAQs, about, the
        # policies, the enquiry page), every council page, two types of fostering, the events
        # index and an event; every other page is there as a copy.
        for code in ("pl", "ur"):
            translated = Page.objects.live().filter(
                locale__language_code=code, alias_of__isnull=True
            )
            kinds = sorted(type(page).__name__ for page in translated.specific())
            assert kinds == [
                "AccessibilityStatementPage",
                "CouncilIndexPage",
                "CouncilPage",
                "CouncilPage",
                "CouncilPage",
                "CouncilPage",
                "EnquiryPage",
                "EventIndexPage",
                "EventPage",
                "FAQPage",
                "FosteringTypeIndexPage",
                "FosteringTypePage",
                "FosteringTypePage",
                "HomePage",
                "PolicyPage",
                "PolicyPage",
                "StandardPage",
                "StandardPage",
                "StepsPage",
                "StoryIndexPage",
            ], code
            below_root = Page.objects.filter(depth__gt=1)
            assert below_root.filter(locale__language_code=code).count() == (
                below_root.filter(locale__language_code="en-gb").count()
            ), f"every English page is in {code} too"
            assert HearAboutOption.objects.filter(locale__language_code=code).count() == (
                HearAboutOption.objects.originals().count()
            )
        derby = Council.objects.get(short_name="derby")
        assert Council.objects.for_postcode("DE1 2AB") == derby
        # Regional and local campaigns with spend, and enquiries they brought in.
        assert Campaign.objects.regional().count() >= 2
        assert Campaign.objects.local().count() >= 3
        assert SpendEntry.objects.exists()
        assert Enquiry.objects.filter(owner="regional").exists()
        assert Enquiry.objects.filter(owner="local").exists()
        hub = HubSettings.objects.get()
        assert hub.phone_number and hub.enquiry_page and hub.logo
        usernames = set(get_user_model().objects.values_list("username", flat=True))
    assert {
        "admin",
        "hub.comms",
        "derby.comms",
        "hub.enquiries",
        "derby.fostering",
        "marketing.lead",
    } <= usernames


def test_the_demo_loader_refuses_to_run_outside_dev_and_test(demo_server, django_db_blocker):
    with (
        django_db_blocker.unblock(),
        override_settings(DEMO_CONTENT_ALLOWED=False),
        pytest.raises(CommandError, match="DEMO_CONTENT_ALLOWED"),
    ):
        call_command("load_demo_content")
