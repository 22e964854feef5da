"""The site-wide layout follows what comms officers set in the admin, on every page.

Brand (name, colours, phone), navigation, breadcrumbs and the tags search engines and social
sites read all come from settings and page fields, so changing them needs no developer.
"""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from django.test import RequestFactory
from django.views.defaults import server_error
from wagtail.models import Site

import testkit.html
from core.tests.factories import ImageFactory
from councils.models import HubSettings
from home.models import NavigationSettings
from home.tests.factories import StandardPageFactory

pytestmark = pytest.mark.django_db


def soup(response) -> BeautifulSoup:
    assert response.status_code == 200
    return testkit.html.soup(response)


@pytest.fixture
def site(home):
    return Site.objects.get(is_default_site=True)


@pytest.fixture
def brand(site, enquiry_page):
    hub = HubSettings.for_site(site)
    hub.hub_name = "Foster Riverside"
    hub.primary_colour = "#0b5a3c"
    hub.accent_colour = "#ffd23f"
    hub.phone_number = "0300 123 4567"
    hub.phone_hours = "Monday to Friday, 9am to 5pm"
    hub.save()
    return hub


@pytest.fixture
def pages(home):
    about = StandardPageFactory(parent=home, title="About the hub", slug="about")
    support = StandardPageFactory(
        parent=home,
        title="The support you get",
        slug="support",
        search_description="Training, a buddy and help day or night.",
        social_image=ImageFactory(),
    )
    groups = StandardPageFactory(parent=support, title="Support groups", slug="groups")
    return {"about": about, "support": support, "groups": groups}


@pytest.fixture
def menu(site, pages):
    navigation = NavigationSettings.for_site(site)
    navigation.main_menu = [
        {
            "type": "link",
            "value": {"label": "About us", "page": pages["about"].pk, "external_url": ""},
        },
        {
            "type": "link",
            "value": {"label": "Support", "page": pages["support"].pk, "external_url": ""},
        },
    ]
    navigation.footer_menu = [
        {"type": "link", "value": {"label": "Contact", "page": None, "external_url": "/enquire/"}}
    ]
    navigation.save()
    return navigation


def test_brand_settings_shape_every_page(client, brand, pages):
    for url in ("/", pages["support"].url):
        page = soup(client.get(url))
        assert page.title.string.strip().endswith("Foster Riverside")
        style = " ".join(tag.get_text() for tag in page.find_all("style"))
        assert "--brand-primary: #0b5a3c" in style
        assert "--brand-accent: #ffd23f" in style
        phone = page.header.find("a", href="tel:03001234567")
        assert phone and "0300 123 4567" in phone.get_text()
        assert page.header.find("a", href="/enquire/"), "the enquire link is in the header"
        assert page.footer.find("a", href="tel:03001234567"), "and the phone is in the footer"


def test_main_navigation_comes_from_the_settings_and_marks_the_current_section(client, menu, pages):
    page = soup(client.get(pages["groups"].url))
    nav = page.find("nav", attrs={"aria-label": "Main"})
    labels = [link.get_text(strip=True) for link in nav.find_all("a")]
    assert labels[:2] == ["About us", "Support"]
    current = nav.find_all("a", attrs={"aria-current": "page"})
    assert [link.get_text(strip=True) for link in current] == ["Support"], (
        "a page deep in a section marks that section as current"
    )
    footer_links = [link["href"] for link in page.footer.find_all("a")]
    assert "/enquire/" in footer_links


def test_breadcrumbs_lead_from_home_to_the_current_page(client, pages):
    page = soup(client.get(pages["groups"].url))
    crumbs = page.find("nav", attrs={"aria-label": "Breadcrumb"})
    items = crumbs.find("ol").find_all("li")
    assert [item.get_text(strip=True) for item in items] == [
        "Home",
        "The support you get",
        "Support groups",
    ]
    assert items[-1].find(attrs={"aria-current": "page"}) or items[-1].get("aria-current")
    assert not soup(client.get("/")).find("nav", attrs={"aria-label": "Breadcrumb"})


def test_head_tells_search_engines_and_social_sites_about_the_page(client, brand, pages):
    page = soup(client.get(pages["support"].url))
    meta = {
        tag.get("property") or tag.get("name"): tag.get("content") for tag in page.find_all("meta")
    }
    assert meta["description"] == "Training, a buddy and help day or night."
    assert meta["og:title"] == "The support you get"
    assert meta["og:description"] == meta["description"]
    assert meta["og:site_name"] == "Foster Riverside"
    canonical = page.find("link", rel="canonical")["href"]
    assert canonical.startswith("http") and canonical.endswith("/support/")
    assert meta["og:url"] == canonical
    assert meta["og:image"].startswith("http"), "social sites need an absolute image address"
    assert page.html["lang"] == "en-GB" and page.html["dir"] == "ltr"
    assert page.find("a", href="#main-content"), "skip link"
    assert page.find("main", id="main-content")


def test_server_error_page_stands_alone(home):
    """The 500 page renders with no request context and no database, and still offers help."""
    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    page = testkit.html.soup(response)
    assert page.html.get("lang")
    assert page.find("h1")
    assert page.find("a", href="/"), "a way back to the home page"
