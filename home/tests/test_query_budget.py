"""Each public page costs a fixed number of SQL queries, however much content the site holds.

A page that runs one query per card, image or story gets slower as editors add content, and
nobody notices until the site is busy. Each test renders a page once to warm it up (image
renditions and site settings are created on first use, and the fragment cache is filled),
counts the queries of a second render, then adds more of the content the page lists (with
images) and counts again: the two counts must be equal, and within the page's budget. The same
again with the fragment cache off (the first render after any content change) must not grow
either.

The budgets are the measured counts plus a little headroom; raise one only with a reason.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import Site

from core.tests.factories import (
    ImageFactory,
    faq,
    image_block,
    key_figure,
    quote,
    rich_text,
    stream,
)
from councils.models import HubSettings
from councils.tests.factories import CouncilIndexPageFactory, CouncilPageFactory
from events.models import EventFormat
from events.tests.factories import EventIndexPageFactory, EventPageFactory
from fostering_types.tests.factories import FosteringTypeIndexPageFactory, FosteringTypePageFactory
from home.models import NavigationSettings
from home.tests.factories import (
    FAQPageFactory,
    StandardPageFactory,
    StoryIndexPageFactory,
    StoryPageFactory,
)

pytestmark = pytest.mark.django_db

# Every page costs its routing (the site, the locale and the home page, then two a level: the
# page, and the page in its own type with its foreign keys), one query for the site's view
# restrictions and one for the hub settings; the header, menus, footer, breadcrumbs, body,
# cards, pictures and the page's versions in other languages come from the fragment cache
# (core.fragments), and so do the home page's listings.
BUDGET_HOME = 7
BUDGET_COUNCIL_INDEX = 9
# The council page's upcoming events (not cached: they change as time passes) add three: the
# events with their places, their hosts, and the stories beside them.
BUDGET_COUNCIL_PAGE = 13
BUDGET_FOSTERING_TYPE_INDEX = 9
BUDGET_FOSTERING_TYPE_PAGE = 11
BUDGET_STORY_INDEX = 10
BUDGET_STORY_PAGE = 11
BUDGET_STANDARD_PAGE = 8
BUDGET_SEARCH = 8
BUDGET_EVENT_INDEX = 12
BUDGET_EVENT_ARCHIVE = 11
BUDGET_EVENT_PAGE = 13

MORE = 4  # how many of each thing to add before counting again


@dataclass
class Site_:
    home: object
    councils: object
    council_pages: list
    types: object
    type_pages: list
    stories: object
    story_pages: list
    standard: object
    events: object = None
    event_pages: list | None = None
    past_events: list | None = None


def count_queries(client, url: str, params: dict | None = None) -> int:
    client.get(url, params)  # warm up: renditions, settings rows, cached site root paths
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200, url
    return len(queries)


def add_council(site: Site_) -> None:
    site.council_pages.append(
        CouncilPageFactory(parent=site.councils, listing_image=ImageFactory())
    )


def add_type(site: Site_) -> None:
    site.type_pages.append(
        FosteringTypePageFactory(parent=site.types, listing_image=ImageFactory())
    )


def add_story(site: Site_, **fields) -> None:
    fields.setdefault("council", site.council_pages[0].council)
    fields.setdefault("fostering_types", site.type_pages[:2])
    site.story_pages.append(
        StoryPageFactory(
            parent=site.stories,
            listing_image=ImageFactory(),
            pull_quote="It was the best decision we made.",
            first_published_at=timezone.now() - datetime.timedelta(days=len(site.story_pages)),
            **fields,
        )
    )


@pytest.fixture
def site(home) -> Site_:
    """A small but complete site: brand, navigation, and one or two of everything."""
    hub = HubSettings.for_site(Site.objects.get(is_default_site=True))
    hub.logo = ImageFactory()
    hub.phone_number = "0300 123 4567"
    hub.save()
    home.hero_image = ImageFactory()
    home.key_facts = stream(key_figure("£450", "a week for each child"))
    home.save_revision().publish()

    built = Site_(
        home=home,
        councils=CouncilIndexPageFactory(parent=home),
        council_pages=[],
        types=FosteringTypeIndexPageFactory(parent=home),
        type_pages=[],
        stories=StoryIndexPageFactory(parent=home),
        story_pages=[],
        standard=StandardPageFactory(
            parent=home,
            title="About the hub",
            body=stream(
                rich_text("<p>About fostering with the hub.</p>"),
                image_block(ImageFactory(), "Carers at a coffee morning"),
            ),
        ),
    )
    for _ in range(2):
        add_council(built)
        add_type(built)
    for _ in range(2):
        add_story(built)
    add_search_results(built)
    built.events = EventIndexPageFactory(parent=home)
    built.event_pages, built.past_events = [], []
    for _ in range(2):
        add_event(built)
        add_event(built, past=True)
    navigation = NavigationSettings.for_site(Site.objects.get(is_default_site=True))
    navigation.main_menu = stream(
        *[
            {"type": "link", "value": {"label": p.title, "page": p.pk, "external_url": ""}}
            for p in (built.councils, built.types, built.stories)
        ]
    )
    navigation.save()
    return built


@dataclass
class Case:
    budget: int
    url: Callable[[Site_], str]
    grow: Callable[[Site_], None]
    params: dict | None = None


def grow_everything(site: Site_) -> None:
    for _ in range(MORE):
        add_council(site)
        add_type(site)
        add_story(site)


def grow_story_types(site: Site_) -> None:
    for _ in range(MORE):
        add_type(site)
    story = site.story_pages[0]
    story.fostering_types = site.type_pages
    story.body = stream(
        *[rich_text(f"<p>Paragraph {n}</p>") for n in range(MORE)],
        *[quote(f"Quote {n}", "A carer") for n in range(MORE)],
    )
    story.save_revision().publish()


def grow_standard_body(site: Site_) -> None:
    page = site.standard
    page.body = stream(
        *[rich_text(f"<p>Paragraph {n}</p>") for n in range(MORE)],
        *[image_block(ImageFactory(), f"Photo {n}") for n in range(MORE)],
        faq([(f"Question {n}?", f"<p>Answer {n}.</p>") for n in range(MORE)]),
    )
    page.save_revision().publish()


SEARCH_TERM = "kinship"


def add_search_results(site: Site_) -> None:
    """A standard and an FAQ page that match SEARCH_TERM, each with a listing image."""
    StandardPageFactory(
        parent=site.home, intro="Kinship care explained.", listing_image=ImageFactory()
    )
    FAQPageFactory(
        parent=site.home, intro="Questions about kinship care.", listing_image=ImageFactory()
    )


def grow_search_results(site: Site_) -> None:
    # Results of the same page types (each type is one query), up to a full results page.
    for _ in range(MORE):
        add_search_results(site)


def add_event(site: Site_, past: bool = False) -> None:
    """An event with an image, hosted by the first council (and another), for a type."""
    n = len(site.past_events if past else site.event_pages)
    starts = timezone.now() + datetime.timedelta(days=(-30 if past else 3) + n)
    event = EventPageFactory(
        parent=site.events,
        starts_at=starts,
        listing_image=ImageFactory(),
        hosts=[site.council_pages[0].council, site.council_pages[1].council],
    )
    event.fostering_types = site.type_pages[:2]
    event.save_revision().publish()
    (site.past_events if past else site.event_pages).append(event)


def grow_events(site: Site_) -> None:
    for _ in range(MORE):
        add_event(site)
        add_event(site, past=True)


def grow_event_details(site: Site_) -> None:
    for _ in range(MORE):
        add_type(site)
        add_council(site)
    event = site.event_pages[0]
    event.format = EventFormat.HYBRID
    event.joining_details = "https://meet.example.org/room"
    event.hosts = [page.council for page in site.council_pages]
    event.fostering_types = site.type_pages
    event.body = stream(*[rich_text(f"<p>Paragraph {n}</p>") for n in range(MORE)])
    event.save_revision().publish()


CASES = {
    "home": Case(BUDGET_HOME, lambda s: s.home.url, grow_everything),
    "council index": Case(
        BUDGET_COUNCIL_INDEX,
        lambda s: s.councils.url,
        lambda s: [add_council(s) for _ in range(MORE)],
    ),
    "council page": Case(
        BUDGET_COUNCIL_PAGE,
        lambda s: s.council_pages[0].url,
        lambda s: [add_story(s) for _ in range(MORE)],
    ),
    "fostering type index": Case(
        BUDGET_FOSTERING_TYPE_INDEX,
        lambda s: s.types.url,
        lambda s: [add_type(s) for _ in range(MORE)],
    ),
    "fostering type page": Case(
        BUDGET_FOSTERING_TYPE_PAGE,
        lambda s: s.type_pages[0].url,
        lambda s: [add_story(s) for _ in range(MORE)],
    ),
    "story index": Case(
        BUDGET_STORY_INDEX, lambda s: s.stories.url, lambda s: [add_story(s) for _ in range(MORE)]
    ),
    "story page": Case(BUDGET_STORY_PAGE, lambda s: s.story_pages[0].url, grow_story_types),
    "standard page": Case(BUDGET_STANDARD_PAGE, lambda s: s.standard.url, grow_standard_body),
    "council page with events": Case(
        BUDGET_COUNCIL_PAGE, lambda s: s.council_pages[0].url, grow_events
    ),
    "event index": Case(BUDGET_EVENT_INDEX, lambda s: s.events.url, grow_events),
    "event index filtered": Case(
        BUDGET_EVENT_INDEX,
        lambda s: s.events.url,
        grow_events,
        params={"format": "in_person", "council": "northby-0"},
    ),
    "event archive": Case(BUDGET_EVENT_ARCHIVE, lambda s: s.events.url + "past/", grow_events),
    "event page": Case(BUDGET_EVENT_PAGE, lambda s: s.event_pages[0].url, grow_event_details),
    "search results": Case(
        BUDGET_SEARCH, lambda s: "/search/", grow_search_results, params={"query": SEARCH_TERM}
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_query_count_does_not_grow_with_content(name, site, client):
    case = CASES[name]
    before = count_queries(client, case.url(site), case.params)
    case.grow(site)
    after = count_queries(client, case.url(site), case.params)
    print(f"{name}: {before} queries before, {after} after adding content")
    assert after == before, f"{name}: {before} queries, then {after} with more content"
    assert after <= case.budget, f"{name}: {after} queries, budget {case.budget}"


@pytest.mark.parametrize("name", list(CASES))
def test_query_count_does_not_grow_with_content_when_nothing_is_cached(
    name, site, client, settings
):
    """The render right after a content change finds no fragment: it must not grow either."""
    settings.FRAGMENT_CACHE = False
    case = CASES[name]
    before = count_queries(client, case.url(site), case.params)
    case.grow(site)
    after = count_queries(client, case.url(site), case.params)
    print(f"{name}, nothing cached: {before} queries before, {after} after adding content")
    assert after == before, f"{name}: {before} queries, then {after} with more content"
