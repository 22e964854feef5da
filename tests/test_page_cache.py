"""The page cache serves anonymous visitors' pages, and never a stale, personal or form page.

Each test turns the cache on (PAGE_CACHE_SECONDS), visits as anonymous people with their own
clients (their own cookies), and changes content the way the admin does: a published revision,
a saved setting or snippet, a booking. The change must be visible on the very next visit.
"""

from __future__ import annotations

import http.server
import threading

import pytest
from bs4 import BeautifulSoup
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page, PageViewRestriction, Site

from attribution import capture, consent
from councils.factories import CouncilPageFactory
from enquiry.models import Enquiry, HearAboutOption
from events.factories import EventPageFactory
from events.models import Registration
from events.services import BookingDetails, book
from home import page_cache
from home.factories import ImageFactory, StandardPageFactory, rich_text, stream
from home.models import HubSettings, HubSettingsTranslation
from outbox.models import OutboxMessage
from tests.test_outbox import run_worker

from .markup import parse

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 300
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def page(home):
    return StandardPageFactory(
        parent=home, title="Support for carers", body=stream(rich_text("<p>Monthly groups.</p>"))
    )


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.content.decode(), "html.parser")


def visit(url: str, client: Client | None = None, **headers):
    """A GET by a new anonymous visitor (or by `client`); returns the response."""
    response = (client or Client()).get(url, **headers)
    assert response.status_code == 200, (url, response.status_code)
    return response


def test_a_second_visitor_gets_the_stored_page_without_a_query(page):
    first = visit(page.url)
    assert first["X-Page-Cache"] == "miss"
    with CaptureQueriesContext(connection) as queries:
        second = visit(page.url)
    assert second["X-Page-Cache"] == "hit"
    assert len(queries) == 0, [q["sql"] for q in queries]
    assert parse(second).has_heading("Support for carers")
    assert "Cookie" in second["Vary"]


def test_publishing_a_change_shows_at_once_on_every_page(
    page, home, django_capture_on_commit_callbacks
):
    visit(page.url), visit(page.url), visit(home.url), visit(home.url)
    assert visit(home.url)["X-Page-Cache"] == "hit"

    page.title = "Support for foster carers"
    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision().publish()

    changed = visit(page.url)
    assert changed["X-Page-Cache"] == "miss"
    assert parse(changed).has_heading("Support for foster carers")
    # Other pages (menus, cards) may show the title too: they are fresh as well.
    assert visit(home.url)["X-Page-Cache"] == "miss"


def test_unpublishing_a_page_removes_it_at_once(page, django_capture_on_commit_callbacks):
    visit(page.url), visit(page.url)
    with django_capture_on_commit_callbacks(execute=True):
        page.unpublish()
    assert Client().get(page.url).status_code == 404


def test_a_changed_setting_shows_at_once(page, django_capture_on_commit_callbacks):
    visit(page.url)
    hub = HubSettings.for_site(Site.objects.get(is_default_site=True))
    hub.hub_name = "Midlands Foster Together"
    with django_capture_on_commit_callbacks(execute=True):
        hub.save()
    assert "Midlands Foster Together" in visit(page.url).content.decode()


def test_a_renamed_council_shows_at_once(home, django_capture_on_commit_callbacks):
    council_page = CouncilPageFactory(title="Fostering with Derby")
    visit(council_page.url)
    council = council_page.council
    council.name = "Derby City Council (renamed)"
    with django_capture_on_commit_callbacks(execute=True):
        council.save()
    assert visit(council_page.url)["X-Page-Cache"] == "miss"


def test_a_booking_that_fills_an_event_shows_the_waiting_list_at_once(
    home, django_capture_on_commit_callbacks
):
    event = EventPageFactory(capacity=1)
    assert "Book a place" in visit(event.url).content.decode()
    assert visit(event.url)["X-Page-Cache"] == "hit"
    details = BookingDetails(
        first_name="Pat", last_name="Lee", email="pat@example.org", postcode="DE1 2AB", places=1
    )
    with django_capture_on_commit_callbacks(execute=True):
        book(event, details)
    assert "Join the waiting list" in visit(event.url).content.decode()


def test_what_changes_public_pages_purges_and_enquiries_never_do():
    """An enquiry, its messages or a booking's emails must not empty the cache during a spike."""
    from wagtail.images import get_image_model

    assert page_cache.is_content_model(HubSettings)
    assert page_cache.is_content_model(HubSettingsTranslation)  # an inline row of a setting
    assert page_cache.is_content_model(HearAboutOption)  # a snippet
    assert page_cache.is_content_model(get_image_model())
    assert page_cache.is_content_model(Registration)  # places left
    assert page_cache.is_content_model(PageViewRestriction)
    assert not page_cache.is_content_model(Enquiry)
    assert not page_cache.is_content_model(OutboxMessage)


def test_an_enquiry_does_not_purge(page, django_capture_on_commit_callbacks):
    from enquiry.factories import EnquiryFactory

    visit(page.url)
    with django_capture_on_commit_callbacks(execute=True):
        EnquiryFactory()
    assert visit(page.url)["X-Page-Cache"] == "hit"


def test_each_visitor_gets_their_own_working_csrf_token(page):
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    token_a = soup(visit(page.url, first)).find("input", attrs={"name": "csrfmiddlewaretoken"})
    response = visit(page.url, second)
    assert response["X-Page-Cache"] == "hit"
    token_b = soup(response).find("input", attrs={"name": "csrfmiddlewaretoken"})
    assert token_a["value"] != token_b["value"]
    assert page_cache.CSRF_PLACEHOLDER.decode() not in response.content.decode()
    # The second visitor's token works with their own cookie: the banner's choice is saved.
    choice = second.post(
        _choices_url(),
        {"analytics": "no", "next": page.url, "csrfmiddlewaretoken": token_b["value"]},
    )
    assert choice.status_code == 303
    assert "analytics:no" in choice.cookies[consent.COOKIE_NAME].value


def _choices_url() -> str:
    from django.urls import reverse

    return reverse("cookie_choices")


def test_a_visitor_who_has_chosen_never_gets_someone_elses_banner(page):
    assert soup(visit(page.url)).find(class_="cookie-banner")
    chosen = Client()
    chosen.cookies[consent.COOKIE_NAME] = "analytics:no"
    response = visit(page.url, chosen)
    assert response["X-Page-Cache"] == "miss"  # a different page: no banner
    assert not soup(response).find(class_="cookie-banner")
    again = Client()
    again.cookies[consent.COOKIE_NAME] = "analytics:no"
    assert not soup(visit(page.url, again)).find(class_="cookie-banner")


def test_a_campaign_visit_is_recorded_when_the_page_comes_from_the_cache(page):
    url = page.url + "?utm_source=radio&utm_medium=audio&utm_campaign=winter"
    visit(url)
    listener = Client()
    response = visit(url, listener)
    assert response["X-Page-Cache"] == "hit"
    assert listener.session.get(capture.SESSION_KEY), "the touch was not kept"


def test_signed_in_people_never_get_or_fill_the_cache(page, make_user):
    editor = make_user("editor", is_superuser=True)
    client = Client()
    client.force_login(editor)
    for _ in range(2):
        response = visit(page.url, client)
        assert "X-Page-Cache" not in response
    assert visit(page.url)["X-Page-Cache"] == "miss"  # nothing was stored for the editor


def test_forms_and_personal_pages_are_never_stored(enquiry_page, home):
    for _ in range(2):
        response = visit(enquiry_page.url)
        assert "X-Page-Cache" not in response
        assert "no-store" in response["Cache-Control"]
    event = EventPageFactory()
    booking = event.url + event.reverse_subpage("booking")
    for _ in range(2):
        response = visit(booking)
        assert "X-Page-Cache" not in response
        assert "no-store" in response["Cache-Control"]


def test_a_password_protected_page_is_never_stored(page):
    PageViewRestriction.objects.create(
        page=page, restriction_type=PageViewRestriction.PASSWORD, password="s3cret"
    )
    for _ in range(2):
        assert "X-Page-Cache" not in visit(page.url)


def test_a_lost_generation_never_brings_old_pages_back(page):
    visit(page.url)
    cache.delete(page_cache.GENERATION_KEY)  # evicted, or Redis restarted with old entries
    assert visit(page.url)["X-Page-Cache"] == "miss"


def test_with_the_cache_off_nothing_is_stored(page, settings):
    settings.PAGE_CACHE_SECONDS = 0
    for _ in range(2):
        assert "X-Page-Cache" not in visit(page.url)


# --- The CDN: Wagtail's frontend cache, purged by the worker ---------------------------------


class PurgeReceiver(http.server.BaseHTTPRequestHandler):
    """A Varnish-like cache's purge endpoint: records each PURGE it is sent."""

    purged: list[str] = []

    def do_PURGE(self) -> None:  # the HTTP method is the name
        type(self).purged.append(self.path)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def cdn(settings):
    PurgeReceiver.purged = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), PurgeReceiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.WAGTAILFRONTENDCACHE = {
        "varnish": {
            "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
            "LOCATION": f"http://127.0.0.1:{server.server_address[1]}",
        }
    }
    yield PurgeReceiver.purged
    server.shutdown()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_publishing_purges_every_page_from_the_cdn(page, home, cdn):
    other = StandardPageFactory(parent=home, title="About the hub")
    page.save_revision().publish()
    run_worker()
    # The page itself, and the pages whose menus and cards show it, in every language.
    assert {page.url, other.url, "/", "/pl/", "/ur/"} <= set(cdn)
    every_page = {p.url for p in Page.objects.live().public().filter(depth__gt=1)}
    assert every_page <= set(cdn)
    assert not [url for url in cdn if url.startswith("/en-gb/")]  # English has no prefix


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_booking_purges_only_its_event_from_the_cdn(home, cdn):
    event = EventPageFactory(capacity=5)
    unrelated = StandardPageFactory(parent=home, title="About the hub")
    details = BookingDetails(
        first_name="Pat", last_name="Lee", email="pat@example.org", postcode="DE1 2AB", places=1
    )
    HubSettings.for_site(Site.objects.get(is_default_site=True))  # made on first use
    run_worker()  # the purges of creating these
    cdn.clear()
    book(event, details)
    run_worker()
    assert event.url in cdn and event.get_parent().url in cdn
    assert unrelated.url not in cdn


def test_a_stored_page_needs_no_image_query(home, page):
    """Images on a cached page cost nothing on a hit (renditions are in the stored HTML)."""
    image = ImageFactory()
    page.listing_image = image
    page.save_revision().publish()
    visit(home.url)
    with CaptureQueriesContext(connection) as queries:
        assert visit(home.url)["X-Page-Cache"] == "hit"
    assert len(queries) == 0


def test_each_response_from_the_cache_has_a_new_nonce_that_matches_its_policy(page):
    """A nonce used twice is no nonce: the stored page gets this response's own."""
    import re

    def nonces(response) -> tuple[set[str], str]:
        in_page = set(re.findall(r'nonce="([^"]+)"', response.content.decode()))
        in_header = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
        return in_page, in_header

    first = visit(page.url)
    second = visit(page.url)
    assert second["X-Page-Cache"] == "hit"
    (page_1, header_1), (page_2, header_2) = nonces(first), nonces(second)
    assert page_1 == {header_1} and page_2 == {header_2}, "every inline element has the nonce"
    assert header_1 != header_2
    assert page_cache.NONCE_PLACEHOLDER.decode() not in second.content.decode()
