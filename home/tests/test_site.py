"""Site-wide addresses that search engines, load balancers and lost visitors rely on."""

from __future__ import annotations

import re
from xml.etree import ElementTree

import pytest

from core.tests.factories import rich_text, stream
from home.tests.factories import StandardPageFactory
from testkit.html import parse

pytestmark = pytest.mark.django_db

SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def test_robots_txt_keeps_crawlers_out_of_the_admin_and_points_at_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert "User-agent: *" in lines
    assert "Disallow: /admin/" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines


def test_robots_txt_uses_the_requested_host(client):
    response = client.get("/robots.txt", headers={"host": "fosterhub.example.org"})
    assert "Sitemap: http://fosterhub.example.org/sitemap.xml" in response.content.decode()


def test_sitemap_lists_live_pages_and_not_drafts(client, home):
    live = StandardPageFactory(parent=home, title="About the hub")
    draft = StandardPageFactory(parent=home, title="Coming soon", live=False)
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    root = ElementTree.fromstring(response.content)
    locations = {loc.text for loc in root.findall("sm:url/sm:loc", SITEMAP_NS)}
    assert live.full_url in locations
    assert home.full_url in locations
    assert draft.full_url not in locations
    assert all(loc.startswith(("http://", "https://")) for loc in locations)


def test_search_finds_a_page_by_its_content(client, home):
    page = StandardPageFactory(
        parent=home,
        title="Support for carers",
        body=stream(rich_text("<p>Our carers meet for trampolining every summer.</p>")),
    )
    StandardPageFactory(parent=home, title="Unrelated page")
    response = client.get("/search/", {"query": "trampolining"})
    assert response.status_code == 200
    results = parse(response)
    assert results.links_to(page.url)
    assert "Unrelated page" not in [link.text for link in results.links]


def test_search_leaves_out_drafts(client, home):
    published = StandardPageFactory(
        parent=home, body=stream(rich_text("<p>Trampolining with foster children.</p>"))
    )
    draft = StandardPageFactory(
        parent=home,
        live=False,
        body=stream(rich_text("<p>A draft about trampolining.</p>")),
    )
    results = parse(client.get("/search/", {"query": "trampolining"}))
    assert results.links_to(published.url)
    assert not results.links_to(draft.url)


def test_search_shows_no_results_for_nonsense(client, home):
    page = StandardPageFactory(parent=home, title="Support for carers")
    response = client.get("/search/", {"query": "zqxjkvw"})
    assert response.status_code == 200
    results = parse(response)
    assert not results.links_to(page.url)
    assert results.has_text("no results")


def test_search_without_a_query_shows_the_form(client, home):
    response = client.get("/search/")
    assert response.status_code == 200
    assert re.search(r'<input[^>]+name="query"', response.content.decode())


def test_unknown_address_gives_the_friendly_404(client, home):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "404.html" in [template.name for template in response.templates]
    page = parse(response)
    assert page.has_heading("Page not found")
    assert page.links_to("/"), "a way back to the home page"
    assert re.search(r'<input[^>]+name="query"', response.content.decode()), "a search box"


def test_health_check(client):
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.content == b"ok"
