"""Every listing, in every language, shows each item once: the page's own language's version
where there is one (a translation, or wagtail-localize's copy of the English), else the English
original; never two versions side by side, and none missing.

The site below has items in every state a listing meets: translated, only copied, translated
and then unpublished, made after the copies (English only). Every page type is rendered in
English, Polish and Urdu, and each listing on it (marked `data-listing`, its items
`data-item="<translation key>"`) is compared with what it should list: each translation key
once, linking to the version the rule picks. The menus, search and the sitemap too.
"""

from __future__ import annotations

import datetime
import re
from collections import Counter
from dataclasses import dataclass, field

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from wagtail.models import Locale, Page, Site

from core.localization import synchronise_trees
from core.tests.factories import ImageFactory, stream
from councils.models import HubSettings
from councils.tests.factories import CouncilFactory, CouncilIndexPageFactory, CouncilPageFactory
from demo.translations import translate_page
from enquiry.tests.factories import EnquiryPageFactory
from events.tests.factories import EventIndexPageFactory, EventPageFactory
from fostering_types.tests.factories import FosteringTypeIndexPageFactory, FosteringTypePageFactory
from home.models import NavigationSettings
from home.tests.factories import (
    AccessibilityStatementPageFactory,
    FAQPageFactory,
    PolicyPageFactory,
    StandardPageFactory,
    StepsPageFactory,
    StoryIndexPageFactory,
    StoryPageFactory,
)
from testkit.html import soup

pytestmark = pytest.mark.django_db

LANGUAGES = ("en-gb", "pl", "ur")
MENUS = {"main-menu", "footer-menu"}
SEARCH_TERM = "kinship"


def locale(code: str) -> Locale:
    return Locale.objects.get(language_code=code)


def days(n: int) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(days=n)


@dataclass
class Hub:
    """The English originals by name, and what each page's listings should hold (names)."""

    pages: dict[str, Page]
    listings: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    menus: dict[str, list[str]] = field(default_factory=dict)
    search: list[str] = field(default_factory=list)

    def key(self, name: str) -> str:
        return str(self.pages[name].translation_key)

    def name_of(self, key: str) -> str:
        names = [name for name, page in self.pages.items() if str(page.translation_key) == key]
        return names[0] if names else key


def link(items: list[Page]):
    return stream(
        *[
            {"type": "link", "value": {"label": page.title, "page": page.pk, "external_url": ""}}
            for page in items
        ]
    )


@pytest.fixture
def hub(home) -> Hub:
    derby = CouncilFactory(name="Derby City Council", short_name="derby")
    notts = CouncilFactory(name="Nottingham City Council", short_name="nottingham")
    councils = CouncilIndexPageFactory(parent=home, title="Our councils", slug="councils")
    types = FosteringTypeIndexPageFactory(parent=home, title="Types of fostering", slug="types")
    stories = StoryIndexPageFactory(parent=home, title="Carer stories", slug="stories")
    events = EventIndexPageFactory(parent=home, title="Events", slug="events")
    p = {
        "home": home,
        "councils": councils,
        "derby": CouncilPageFactory(
            parent=councils, council=derby, slug="derby", listing_image=ImageFactory()
        ),
        "notts": CouncilPageFactory(parent=councils, council=notts, slug="nottingham"),
        "types": types,
        "short-term": FosteringTypePageFactory(
            parent=types, title="Short-term", slug="short-term", listing_image=ImageFactory()
        ),
        "teenagers": FosteringTypePageFactory(parent=types, title="Teenagers", slug="teenagers"),
        "stories": stories,
        "events": events,
        "support": StandardPageFactory(
            parent=home, title="Support", slug="support", intro="Kinship care explained."
        ),
        "faqs": FAQPageFactory(parent=home, slug="faqs"),
        "steps": StepsPageFactory(parent=home, slug="how-to-foster"),
        "privacy": PolicyPageFactory(parent=home, title="Privacy notice", slug="privacy"),
        "accessibility": AccessibilityStatementPageFactory(parent=home, slug="accessibility"),
        "enquire": EnquiryPageFactory(parent=home, title="Enquire", slug="enquire"),
    }

    def story(name, council, tags, age, intro="How we came to foster."):
        p[name] = StoryPageFactory(
            parent=stories,
            title=f"Story {name}",
            slug=name,
            council=council,
            fostering_types=[p[tag] for tag in tags],
            first_published_at=days(-age),
            intro=intro,
            listing_image=ImageFactory(),
        )

    def event(name, hosts, tags, when):
        p[name] = EventPageFactory(
            parent=events, title=f"Event {name}", slug=name, starts_at=days(when), hosts=hosts
        )
        p[name].fostering_types = [p[tag] for tag in tags]
        p[name].save()

    story("first", derby, ["short-term", "teenagers"], age=4)
    story("second", derby, ["short-term"], age=3, intro="Kinship care, then fostering.")
    story("third", notts, ["teenagers"], age=2)
    event("evening", [derby], ["short-term"], when=3)
    event("coffee", [derby, notts], ["teenagers"], when=5)
    event("drop-in", [derby], ["short-term"], when=-20)  # the archive's

    home.featured_story = p["first"]
    home.save_revision().publish()
    site = Site.objects.get(is_default_site=True)
    settings = HubSettings.for_site(site)
    settings.enquiry_page, settings.events_page = p["enquire"], p["events"]
    settings.save()

    synchronise_trees()  # every page so far is copied into the Polish and Urdu trees

    # Made afterwards, outside the admin: English only, with no copy in any other language.
    story("late", notts, ["short-term"], age=1, intro="Kinship carers tell us why.")
    event("late-event", [notts], ["teenagers"], when=8)

    # Translated: Polish and Urdu pages with their own words (their tags stay the English).
    for name in ("first", "short-term", "derby", "evening", "types", "home"):
        translate_page(p[name], locale("pl"), {p[name].title: f"{p[name].title} (po polsku)"})
    for name in ("second", "teenagers", "councils"):
        translate_page(p[name], locale("ur"), {p[name].title: f"{p[name].title} (اردو)"})
    # Translated and then taken down, and a copy taken down: the English stands in for them.
    translate_page(p["teenagers"], locale("pl"), {"Teenagers": "Nastolatki"})
    p["teenagers"].get_translation(locale("pl")).unpublish()
    p["third"].get_translation(locale("ur")).unpublish()

    navigation = NavigationSettings.for_site(site)
    navigation.main_menu = link(
        [p[name] for name in ("councils", "types", "stories", "events", "late", "teenagers")]
    )
    navigation.footer_menu = link([p["support"], p["enquire"]])
    navigation.save()

    hub = Hub(pages=p)
    hub.menus = {
        "main-menu": ["councils", "types", "stories", "events", "late", "teenagers"],
        "footer-menu": ["support", "enquire"],
    }
    story_types = {"first": ["short-term", "teenagers"], "second": ["short-term"]}
    story_types |= {"third": ["teenagers"], "late": ["short-term"]}
    event_types = {"evening": ["short-term"], "coffee": ["teenagers"]}
    event_types |= {"drop-in": ["short-term"], "late-event": ["teenagers"]}
    hub.listings = {
        "home": {
            "councils": ["derby", "notts"],
            "types": ["short-term", "teenagers"],
            "featured-story": ["first"],
        },
        "councils": {"councils": ["derby", "notts"]},
        "derby": {"stories": ["second", "first"], "events": ["evening", "coffee"]},
        "notts": {"stories": ["late", "third"], "events": ["coffee", "late-event"]},
        "types": {"types": ["short-term", "teenagers"]},
        "short-term": {"stories": ["late", "second", "first"]},
        "teenagers": {"stories": ["third", "first"]},
        "stories": {"stories": ["late", "third", "second", "first"]},
        "events": {"events": ["evening", "coffee", "late-event"]},
        "events/past": {"events": ["drop-in"]},
        **{name: {"types": tags} for name, tags in story_types.items()},
        **{name: {"types": tags} for name, tags in event_types.items()},
        **{name: {} for name in ("support", "faqs", "steps", "privacy", "accessibility")},
        "enquire": {},
    }
    hub.search = ["support", "second", "late"]
    return hub


# --- What the rule says, worked out from the database ----------------------------------------


def version(key: str, code: str) -> Page:
    """The version of an item a reader of `code` should be shown: live in that language (a
    translation or a copy), else the English original."""
    pages = Page.objects.filter(translation_key=key, live=True)
    return (
        pages.filter(locale__language_code=code).first() or pages.get(locale__language_code="en-gb")
    ).specific


def page_url(hub: Hub, name: str, code: str) -> str | None:
    """Where the page `name` is in `code`'s tree; None where it has no live version there."""
    base, _, sub = name.partition("/")
    english = hub.pages[base]
    found = Page.objects.filter(
        translation_key=english.translation_key, locale__language_code=code, live=True
    ).first()
    return found.url + (sub + "/" if sub else "") if found else None


def listings(html: BeautifulSoup) -> dict[str, list[tuple[str, str]]]:
    """{listing name: [(translation key, link)]} of every marked listing on a page."""
    found: dict[str, list[tuple[str, str]]] = {}
    for listing in html.select("[data-listing]"):
        name = listing["data-listing"]
        assert name not in found, f"two listings called {name}"
        items = [listing] if listing.has_attr("data-item") else listing.select("[data-item]")
        found[name] = [(item["data-item"], item.find("a")["href"]) for item in items]
    return found


def check_listing(hub: Hub, where: str, name: str, items, expected: list[str], code: str):
    keys = [key for key, _href in items]
    twice = [hub.name_of(key) for key, count in Counter(keys).items() if count > 1]
    assert not twice, f"{where}: {name} lists {twice} more than once"
    shown = [hub.name_of(key) for key in keys]
    assert sorted(shown) == sorted(expected), f"{where}: {name} lists {shown}, not {expected}"
    for key, href in items:
        chosen = version(key, code)
        assert href == chosen.url, (
            f"{where}: {name} links {hub.name_of(key)} to {href}, not {chosen.url}"
        )


# --- Every page type, every language, every listing -------------------------------------------


@pytest.mark.parametrize("code", LANGUAGES)
def test_every_listing_on_every_page_shows_each_item_once_in_the_pages_language(client, hub, code):
    walked, links = 0, set()
    for name, expected in hub.listings.items():
        url = page_url(hub, name, code)
        if url is None:  # taken down, or never copied into this language: nothing to walk
            continue
        response = client.get(url)
        assert response.status_code == 200, f"{url}: {response.status_code}"
        found = listings(soup(response))
        assert set(found) == set(expected) | MENUS, f"{url} has the listings {sorted(found)}"
        for listing, items in found.items():
            wanted = hub.menus[listing] if listing in MENUS else expected[listing]
            check_listing(hub, url, listing, items, wanted, code)
            links |= {href for _key, href in items}
        walked += 1
    if code != "en-gb":  # the listings met translations, copies and English stand-ins
        prefix = f"/{code}/"
        assert {f"{prefix}stories/first/", f"{prefix}stories/second/"} <= links
        assert {"/stories/late/", "/events/late-event/"} <= links
        assert ("/types/teenagers/" in links) == (code == "pl")
        assert ("/stories/third/" in links) == (code == "ur")
    assert walked == {"en-gb": 24, "pl": 21, "ur": 21}[code], "every page was walked"


@pytest.mark.parametrize("code", LANGUAGES)
def test_listings_keep_the_english_order_in_every_language(client, hub, code):
    """Listings keep the English order (the editors' and the newest first) in every language,
    whichever version of each item they show."""
    for name in ("stories", "short-term", "councils", "events"):
        html = soup(client.get(page_url(hub, name, code)))
        listing = html.select_one("main [data-listing]")
        shown = [hub.name_of(item["data-item"]) for item in listing.select("[data-item]")]
        assert shown == hub.listings[name][listing["data-listing"]], f"{name} in {code}: {shown}"


@pytest.mark.parametrize("code", LANGUAGES)
def test_search_results_show_each_page_once_in_the_visitors_language(client, hub, code):
    with translation.override(code):
        url = reverse("search")
    response = client.get(url, {"query": SEARCH_TERM})
    found = listings(soup(response))
    assert set(found) == {"results"} | MENUS
    check_listing(hub, url, "results", found["results"], hub.search, code)
    for menu in MENUS:
        check_listing(hub, url, menu, found[menu], hub.menus[menu], code)


def test_the_sitemap_lists_each_languages_own_pages_once(client, hub):
    """Each language's own pages: the English originals, and in Polish and Urdu their
    translations; never a copy of the English (its canonical is the English page)."""
    xml = client.get("/sitemap.xml").content.decode()
    locations = re.findall(r"<loc>http://localhost([^<]+)</loc>", xml)
    assert len(locations) == len(set(locations)), "a page is listed twice"
    by_url = {page.url: page for page in Page.objects.filter(depth__gt=1).live()}
    listed = Counter(
        (str(by_url[url].translation_key), by_url[url].locale.language_code) for url in locations
    )
    assert all(count == 1 for count in listed.values())
    for code in LANGUAGES:
        own = Page.objects.live().filter(
            depth__gt=1, locale__language_code=code, alias_of__isnull=True
        )
        expected = {str(key) for key in own.values_list("translation_key", flat=True)}
        shown = {key for key, language in listed if language == code}
        assert shown == expected, f"{code}: {sorted(hub.name_of(key) for key in shown ^ expected)}"
    assert (hub.key("late"), "en-gb") in listed and (hub.key("late"), "pl") not in listed
    assert (hub.key("first"), "pl") in listed and (hub.key("first"), "ur") not in listed
    assert (hub.key("teenagers"), "pl") not in listed, "taken down"


# --- And they cost the same however many items, in every language ------------------------------


def count_queries(client, url: str) -> int:
    client.get(url)  # warm up: renditions, settings rows, cached site root paths
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200, url
    return len(queries)


@pytest.mark.parametrize("cached", [True, False], ids=["fragments", "nothing cached"])
def test_listings_in_other_languages_cost_the_same_however_many_items(
    client, hub, settings, cached
):
    settings.FRAGMENT_CACHE = cached
    names = ("home", "councils", "derby", "types", "short-term", "stories", "first", "events")
    urls = [page_url(hub, name, code) for name in names for code in ("pl", "ur")]
    urls += [page_url(hub, "events/past", "pl"), "/pl/search/?query=kinship"]
    before = {url: count_queries(client, url) for url in urls}
    p = hub.pages
    for n in range(3):
        more = StoryPageFactory(
            parent=p["stories"],
            council=p["derby"].council,
            fostering_types=[p["short-term"]],
            intro="Kinship care, in our words.",
            listing_image=ImageFactory(),
        )
        more_event = EventPageFactory(
            parent=p["events"], starts_at=days(10 + n), hosts=[p["derby"].council]
        )
        CouncilPageFactory(parent=p["councils"], listing_image=ImageFactory())
        FosteringTypePageFactory(parent=p["types"], listing_image=ImageFactory())
        EventPageFactory(parent=p["events"], starts_at=days(-30 - n))
        if n == 0:
            synchronise_trees()  # copies of some, English only for the others
            translate_page(more, locale("pl"), {})
            translate_page(more_event, locale("ur"), {})
    after = {url: count_queries(client, url) for url in urls}
    assert after == before
