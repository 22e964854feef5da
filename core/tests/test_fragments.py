"""The fragment cache makes a render cheap and is never stale, never personal.

What every page shares (the header, menus, footer, breadcrumbs, a page's body, cards and each
image's <picture> markup) is rendered once per content generation (core.fragments). These
tests render a page, change content the way the admin does (a saved setting or image, a
published page) and render again: the change must show at once, as it did without the cache.
The cache is the real Redis of the test run, with the page cache off (PAGE_CACHE_SECONDS=0).
"""

from __future__ import annotations

from unittest import mock

import pytest
from bs4 import BeautifulSoup
from django.core.cache import cache
from django.db import connection
from django.template import Context, Template
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from wagtail.images import get_image_model
from wagtail.models import Site

import testkit.html
from core import fragments
from core.tests.factories import ImageFactory, image_block, stream
from councils.models import HubSettings
from home import page_cache
from home.models import NavigationSettings
from home.tests.factories import StandardPageFactory, StoryIndexPageFactory, StoryPageFactory

pytestmark = pytest.mark.django_db


def soup(response) -> BeautifulSoup:
    assert response.status_code == 200
    return testkit.html.soup(response)


def sql_of(client, url: str) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return [query["sql"] for query in queries]


@pytest.fixture
def site(home):
    return Site.objects.get(is_default_site=True)


@pytest.fixture
def hub(site):
    hub = HubSettings.for_site(site)
    hub.hub_name = "Foster Riverside"
    hub.logo = ImageFactory(file__width=400, file__height=224, file__format="PNG")
    hub.save()
    return hub


@pytest.fixture
def sections(home):
    return {
        "about": StandardPageFactory(parent=home, title="About the hub", slug="about"),
        "support": StandardPageFactory(parent=home, title="Support", slug="support"),
    }


def menu_link(label: str, page) -> dict:
    return {"type": "link", "value": {"label": label, "page": page.pk, "external_url": ""}}


@pytest.fixture
def menu(site, sections):
    navigation = NavigationSettings.for_site(site)
    navigation.main_menu = stream(
        menu_link("About us", sections["about"]), menu_link("Support", sections["support"])
    )
    navigation.save()
    return navigation


def main_nav(page: BeautifulSoup):
    return page.find("nav", attrs={"aria-label": "Main"})


def test_a_warm_render_looks_up_no_rendition_and_reads_no_settings_twice(client, home, hub, menu):
    home.hero_image = ImageFactory(file__width=1600, file__height=1200)
    home.save_revision().publish()
    stories = StoryIndexPageFactory(parent=home)
    StoryPageFactory(parent=stories, listing_image=ImageFactory())
    image_model = get_image_model()
    with mock.patch.object(
        image_model, "get_renditions", autospec=True, side_effect=image_model.get_renditions
    ) as get_renditions:
        first = soup(client.get("/"))
        assert get_renditions.call_count >= 3, "the hero, the logo and the story's card"
        get_renditions.reset_mock()
        warm = sql_of(client, "/")
        assert get_renditions.call_count == 0
    assert not [sql for sql in warm if "wagtailimages_rendition" in sql]
    assert not [sql for sql in warm if "home_navigationsettings" in sql]
    assert soup(client.get("/")).find_all("picture") == first.find_all("picture")


def test_changed_hub_settings_show_at_once(client, hub, sections):
    for url in ("/", sections["about"].url):
        assert "Foster Riverside" in soup(client.get(url)).footer.get_text()
    hub.hub_name = "Foster the Vale"
    hub.phone_number = "0300 765 4321"
    hub.save()
    for url in ("/", sections["about"].url):
        page = soup(client.get(url))
        assert "Foster the Vale" in page.footer.get_text()
        assert page.header.find("img", alt="Foster the Vale"), "the logo's alt text"
        assert page.header.find("a", href="tel:03007654321")


def test_changed_navigation_shows_at_once(client, menu, sections, home):
    labels = [a.get_text(strip=True) for a in main_nav(soup(client.get("/"))).find_all("a")]
    assert labels[:2] == ["About us", "Support"]
    extra = StandardPageFactory(parent=home, title="Events", slug="events-info")
    menu.main_menu = stream(menu_link("What's on", extra), menu_link("About us", sections["about"]))
    menu.save()
    labels = [a.get_text(strip=True) for a in main_nav(soup(client.get("/"))).find_all("a")]
    assert labels[:2] == ["What's on", "About us"]


def test_an_unpublished_page_leaves_the_menu_at_once(client, menu, sections):
    nav = main_nav(soup(client.get("/")))
    assert nav.find("a", href=sections["support"].url)
    sections["support"].unpublish()
    nav = main_nav(soup(client.get("/")))
    assert not nav.find("a", string="Support")


def test_a_published_page_shows_at_once_in_its_breadcrumbs_body_and_cards(client, home):
    parent = StandardPageFactory(parent=home, title="Support", slug="support")
    child = StandardPageFactory(
        parent=parent, title="Groups", slug="groups", body=stream(image_block(ImageFactory(), "A"))
    )
    stories = StoryIndexPageFactory(parent=home)
    story = StoryPageFactory(parent=stories, title="Amira's story", listing_image=ImageFactory())
    before = soup(client.get(child.url))
    assert "Support" in before.find("nav", attrs={"aria-label": "Breadcrumb"}).get_text()
    assert before.find("img", alt="A")
    assert soup(client.get(stories.url)).find("a", string="Amira's story")

    parent.title = "Support for carers"
    parent.save_revision().publish()
    child.body = stream(image_block(ImageFactory(), "B"))
    child.save_revision().publish()
    story.title = "Amira and Joe's story"
    story.save_revision().publish()

    after = soup(client.get(child.url))
    assert "Support for carers" in after.find("nav", attrs={"aria-label": "Breadcrumb"}).get_text()
    assert after.find("img", alt="B") and not after.find("img", alt="A")
    listing = soup(client.get(stories.url))
    assert listing.find("a", string="Amira and Joe's story")
    assert soup(client.get("/")).find("a", string="Read the story: Amira and Joe's story")


def test_a_saved_image_shows_at_once(client, home):
    """A new focal point crops the hero differently: new renditions, new markup."""
    home.hero_image = ImageFactory(file__width=1600, file__height=1200)
    home.save_revision().publish()
    before = soup(client.get("/")).find("img", class_="hero__image")["src"]
    image = get_image_model().objects.get(pk=home.hero_image_id)
    image.focal_point_x, image.focal_point_y = 200, 200
    image.focal_point_width, image.focal_point_height = 100, 100
    image.save()
    after = soup(client.get("/")).find("img", class_="hero__image")["src"]
    assert after != before


def test_the_current_section_is_marked_on_each_page(client, menu, sections):
    for name, label in (("about", "About us"), ("support", "Support"), ("about", "About us")):
        nav = main_nav(soup(client.get(sections[name].url)))
        current = [a.get_text(strip=True) for a in nav.find_all("a", attrs={"aria-current": True})]
        assert current == [label], name
    search = main_nav(soup(client.get("/search/")))
    current = [a.get_text(strip=True) for a in search.find_all("a", attrs={"aria-current": True})]
    assert current == ["Search"]


def test_nothing_personal_comes_from_the_cache(hub, sections, make_user):
    """However much of the page is shared, nothing of one visitor reaches another: no token or
    nonce at all, and what a signed-in editor sees (the user bar) never reaches a visitor."""
    editor = Client()
    editor.force_login(make_user("editor", is_superuser=True))
    signed_in = editor.get(sections["about"].url).content.decode()
    assert "wagtail-userbar" in signed_in
    pages = [Client().get(sections["about"].url).content.decode() for _ in range(2)]
    assert pages[0] == pages[1]
    assert "csrfmiddlewaretoken" not in pages[0] and "nonce=" not in pages[0]
    assert "wagtail-userbar" not in pages[0]
    banner = soup(Client().get(sections["support"].url)).find("input", attrs={"name": "next"})
    assert banner["value"].startswith(sections["support"].url)


FRAGMENT = Template('{% load hub_tags %}{% fragment "test" part %}{{ value }}{% endfragment %}')


def render_fragment(value, part="a", preview: bool = False) -> str:
    request = RequestFactory().get("/")
    request.is_preview = preview
    return FRAGMENT.render(Context({"request": request, "value": value, "part": part}))


def test_a_fragment_is_kept_per_part_and_never_for_a_preview(site):
    fragments.begin_request()
    try:
        assert render_fragment("one") == "one"
        assert render_fragment("two") == "one", "the same key: from the cache"
        assert render_fragment("two", part="b") == "two", "another part: another fragment"
        assert render_fragment("draft", preview=True) == "draft", "a preview is never cached"
        assert render_fragment("three") == "one"
    finally:
        fragments.end_request()
    assert render_fragment("outside") == "outside", "outside a request nothing is cached"


def test_the_page_caches_generation_makes_every_fragment_new(
    client, hub, django_capture_on_commit_callbacks
):
    assert "Foster Riverside" in soup(client.get("/")).footer.get_text()
    # A change no signal reports (another process's, say): this process keeps its fragments...
    HubSettings.objects.filter(pk=hub.pk).update(hub_name="Foster the Vale")
    assert "Foster Riverside" in soup(client.get("/")).footer.get_text()
    # ...until the page cache's purge gives every process a new generation.
    with django_capture_on_commit_callbacks(execute=True):
        page_cache.purge_all()
    assert "Foster the Vale" in soup(client.get("/")).footer.get_text()
    # A lost generation (evicted, or Redis restarted) is made again: nothing old comes back.
    HubSettings.objects.filter(pk=hub.pk).update(hub_name="Foster the Dales")
    cache.delete(page_cache.GENERATION_KEY)
    assert "Foster the Dales" in soup(client.get("/")).footer.get_text()


def test_pages_render_when_the_cache_cannot_be_reached(client, hub, sections):
    class Broken:
        def __getattr__(self, name):
            def fail(*args, **kwargs):
                raise ConnectionError("Redis is down")

            return fail

    with mock.patch.object(fragments, "caches", {"default": Broken()}):
        page = soup(client.get(sections["about"].url))
    assert "Foster Riverside" in page.footer.get_text()
    assert page.header.find("picture")


def test_the_generation_is_read_once_per_request(client, hub, menu, sections):
    client.get("/")
    with mock.patch.object(
        fragments, "_shared_generation", side_effect=fragments._shared_generation
    ) as read:
        assert client.get(sections["about"].url).status_code == 200
    assert read.call_count == 1
