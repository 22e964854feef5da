"""Upgrading a laptop's demo site: the foundation's stand-in /enquire/ page becomes the form."""

import pytest
from wagtail.models import Site

from councils.models import HubSettings
from demo.loader import DemoLoader
from enquiry.models import EnquiryPage
from home.models import NavigationSettings
from home.tests.factories import StandardPageFactory

pytestmark = pytest.mark.django_db


def footer_link(page_id: int) -> list[dict]:
    return [{"type": "link", "value": {"label": "Contact us", "page": page_id, "external_url": ""}}]


def test_the_interim_enquiry_page_is_replaced_and_links_follow(home):
    interim = StandardPageFactory(parent=home, title="Enquire about fostering", slug="enquire")
    interim.save_revision().publish()
    site = Site.objects.get(is_default_site=True)
    hub = HubSettings.for_site(site)
    hub.enquiry_page = interim
    hub.save()
    navigation = NavigationSettings.for_site(site)
    navigation.footer_menu = footer_link(interim.pk)
    navigation.save()

    loader = DemoLoader()
    loader.home = home
    loader.retire_interim_enquiry_page(home)

    page = home.get_children().get(slug="enquire").specific
    assert isinstance(page, EnquiryPage) and page.live
    assert HubSettings.for_site(site).enquiry_page_id == page.pk
    navigation = NavigationSettings.objects.get(site=site)
    assert navigation.footer_menu.raw_data[0]["value"]["page"] == page.pk


def test_an_edited_interim_page_is_left_for_its_editors(home):
    interim = StandardPageFactory(parent=home, title="Enquire about fostering", slug="enquire")
    interim.save_revision().publish()
    interim.save_revision().publish()  # an editor changed it

    loader = DemoLoader()
    loader.home = home
    loader.retire_interim_enquiry_page(home)

    assert type(home.get_children().get(slug="enquire").specific).__name__ == "StandardPage"
