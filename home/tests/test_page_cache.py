"""The page cache serves anonymous visitors' pages, and never a stale, personal or form page.

Each test turns the cache on (PAGE_CACHE_SECONDS), visits as anonymous people with their own
clients (their own cookies), and changes content the way the admin does: a published revision,
a saved setting or snippet, a booking. The change must be visible on the very next visit.
"""

from __future__ import annotations

import http.server
import threading

import pytest
from django.core import signing
from django.core.cache import cache
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page, PageViewRestriction, Site

from attribution import capture, consent
from core.tests.factories import ImageFactory, rich_text, stream
from councils.models import HubSettings, HubSettingsTranslation
from councils.tests.factories import CouncilPageFactory
from enquiry.models import Enquiry, HearAboutOption
from events.models import Registration
from events.services import BookingDetails, book
from events.tests.factories import EventPageFactory
from home import page_cache
from home.tests.factories import StandardPageFactory
from outbox.models import OutboxMessage
from testkit.html import parse, soup
from testkit.outbox import run_worker

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
    from enquiry.tests.factories import EnquiryFactory

    visit(page.url)
    with django_capture_on_commit_callbacks(execute=True):
        EnquiryFactory()
    assert visit(page.url)["X-Page-Cache"] == "hit"


def test_two_anonymous_visitors_get_the_same_bytes_and_headers(page):
    """Nothing in a stored page belongs to one visitor (no CSRF token, no nonce), so the front
    door or a CDN can hold the very same response."""
    first = visit(page.url, HTTP_USER_AGENT="Phone/1")
    second = visit(page.url, HTTP_USER_AGENT="Desktop/2")
    assert (first["X-Page-Cache"], second["X-Page-Cache"]) == ("miss", "hit")
    assert first.content == second.content
    for header in ("Content-Security-Policy", "Permissions-Policy", "Vary", "Content-Type"):
        assert first[header] == second[header], header
    # A shared cache may keep the copy for what is left of its five minutes.
    remaining = int(second["Cache-Control"].split("s-maxage=")[1].split(",")[0])
    assert 295 <= remaining <= 300
    assert "nonce" not in first["Content-Security-Policy"]
    assert b"csrfmiddlewaretoken" not in second.content and b"nonce=" not in second.content
    assert not first.cookies and not second.cookies
    # Shared caches may keep it; browsers ask again (a cookie choice shows at once).
    assert "s-maxage=300" in first["Cache-Control"] and "max-age=0" in first["Cache-Control"]


def test_the_banner_works_from_a_stored_page_and_refuses_a_cross_site_post(page):
    visit(page.url)
    visitor = Client(enforce_csrf_checks=True)
    stored = visit(page.url, visitor)
    assert stored["X-Page-Cache"] == "hit"
    form = soup(stored).find("form", class_="cookie-banner__form")
    fields = {field["name"]: field.get("value", "") for field in form.find_all("input")}
    # Without JavaScript: the browser posts the form as it is, with its own Origin.
    choice = visitor.post(
        form["action"], {**fields, "analytics": "no"}, HTTP_ORIGIN="http://testserver"
    )
    assert choice.status_code == 303
    assert "analytics:no" in choice.cookies[consent.COOKIE_NAME].value
    forged = Client(enforce_csrf_checks=True).post(
        form["action"], {**fields, "analytics": "yes"}, HTTP_ORIGIN="https://evil.example"
    )
    assert forged.status_code == 403 and consent.COOKIE_NAME not in forged.cookies


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


CLICK = "utm_source=facebook&utm_medium=paid-social&utm_campaign=winter&fbclid="


def test_a_tagged_landing_from_the_cache_is_recorded_with_no_query_and_no_session(page):
    from django.contrib.sessions.models import Session

    visit(page.url)
    listener = Client()
    with CaptureQueriesContext(connection) as queries:
        response = visit(page.url + "?" + CLICK + "IwAR0unique1", listener)
    assert response["X-Page-Cache"] == "hit"
    assert len(queries) == 0, [q["sql"] for q in queries]
    assert "sessionid" not in response.cookies and Session.objects.count() == 0
    kept = signing.loads(
        listener.cookies[capture.VISIT_COOKIE_NAME].value, salt=capture.COOKIE_SALT
    )
    assert kept["last"]["utm_campaign"] == "winter"
    assert kept["last"]["had_ad_click_id"] is True
    assert b"IwAR0unique1" not in response.content


def test_tags_click_ids_and_unread_parameters_share_the_one_stored_page(page, home):
    visit(page.url)
    keys_before = set(cache.keys("*"))
    for n in range(25):
        url = f"{page.url}?{CLICK}IwAR{n}&gclid=G{n}&x={n}&utm_content=c{n}"
        assert visit(url)["X-Page-Cache"] == "hit", url
        assert visit(f"{page.url}?random{n}=value{n}")["X-Page-Cache"] == "hit"
    # A flood of random query strings adds no entry.
    assert set(cache.keys("*")) == keys_before
    # And none of it reaches a link on the page.
    assert b"random" not in visit(f"{page.url}?random1=value1").content


def test_a_page_that_reads_parameters_is_stored_per_value_it_reads(home):
    from events.tests.factories import EventIndexPageFactory

    index = EventIndexPageFactory(parent=home)
    EventPageFactory(parent=index, title="Coffee morning")
    online = visit(index.url + "?format=online")
    assert online["X-Page-Cache"] == "miss"
    assert visit(index.url + "?format=online&utm_source=radio")["X-Page-Cache"] == "hit"
    assert visit(index.url + "?utm_source=radio&format=online&x=2")["X-Page-Cache"] == "hit"
    assert visit(index.url)["X-Page-Cache"] == "miss"  # unfiltered: another page
    assert visit(index.url + "?format=in_person")["X-Page-Cache"] == "miss"
    # The front door keeps only answers to exactly what the page reads.
    assert "s-maxage=0" not in visit(index.url + "?format=online")["Cache-Control"]
    assert "s-maxage=0" in Client().get(index.url + "?format=online&x=2")["Cache-Control"]


def test_after_a_purge_one_request_renders_while_others_get_the_previous_copy(
    page, django_capture_on_commit_callbacks
):
    visit(page.url)
    page.title = "Support for foster carers"
    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision().publish()
    # Someone is rendering the new copy (holds the page's lock): everyone else gets the old
    # one at once, and the front door is told not to keep it.
    key = page_cache._digest(page_cache.address_identity(_request_for(page.url)))
    assert cache.add(key + ":rendering", 1, timeout=30)
    stale = visit(page.url)
    assert stale["X-Page-Cache"] == "stale"
    assert parse(stale).has_heading("Support for carers")
    assert "s-maxage=0" in stale["Cache-Control"]
    cache.delete(key + ":rendering")
    fresh = visit(page.url)
    assert fresh["X-Page-Cache"] == "miss" and parse(fresh).has_heading("Support for foster carers")
    assert visit(page.url)["X-Page-Cache"] == "hit"


def test_a_stale_copy_is_served_for_a_bounded_time_only(page, settings):
    visit(page.url)
    settings.PAGE_CACHE_STALE_SECONDS = 0
    cache.set(page_cache.GENERATION_KEY, page_cache.new_generation(), timeout=None)
    key = page_cache._digest(page_cache.address_identity(_request_for(page.url)))
    cache.add(key + ":rendering", 1, timeout=30)  # a render that never finishes
    assert visit(page.url)["X-Page-Cache"] == "miss"


def test_the_front_doors_refresh_always_renders(page, django_capture_on_commit_callbacks):
    visit(page.url)
    assert visit(page.url)["X-Page-Cache"] == "hit"
    refreshed = visit(page.url, HTTP_X_HUB_CACHE_REFRESH="1")
    assert refreshed["X-Page-Cache"] == "miss"


def _request_for(url: str):
    from django.test import RequestFactory

    return RequestFactory().get(url)


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
def test_the_page_just_published_is_purged_before_the_rest_of_the_site(page, home, cdn):
    for n in range(5):
        StandardPageFactory(parent=home, title=f"Other page {n}")
    run_worker()
    cdn.clear()
    page.save_revision().publish()
    run_worker()
    # The page (in every language it is in) first, then the rest of the site.
    is_copy = [url.endswith(page.url) for url in cdn]
    assert is_copy[0] and len(cdn) > 5, cdn
    assert is_copy == sorted(is_copy, reverse=True), cdn


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


# --- The security counters cannot be evicted by page-cache pressure ----------------------------


@pytest.fixture
def two_redis_servers():
    """As docs/deployment.md says: the page cache in a Redis that evicts when full (a small
    one here), the security counters in one that never does."""
    import redis

    from testkit.redis_server import start_server

    pages, counters = start_server(), start_server()
    redis.Redis.from_url(pages.url).config_set("maxmemory", "4mb")
    redis.Redis.from_url(pages.url).config_set("maxmemory-policy", "allkeys-lru")
    redis.Redis.from_url(counters.url).config_set("maxmemory-policy", "noeviction")
    backend = "django_redis.cache.RedisCache"
    with override_settings(
        CACHES={
            "default": {"BACKEND": backend, "LOCATION": pages.url},
            "security": {"BACKEND": backend, "LOCATION": counters.url, "KEY_PREFIX": "security"},
        }
    ):
        yield pages, counters
    for server in (pages, counters):
        server.stop()


def test_the_security_counters_survive_a_full_page_cache(two_redis_servers, rf, settings):
    import redis
    from django.core.cache import caches

    from core import spam

    settings.ENQUIRY_RATE_LIMIT = "3/h"
    pages, _counters = two_redis_servers

    def post_from(address: str):
        request = rf.post("/enquire/", REMOTE_ADDR=address)
        return spam.is_rate_limited(request)

    assert [post_from("198.51.100.7") for _ in range(4)] == [False, False, False, True]
    # A flood of ~50 KB pages fills the page cache's Redis many times over.
    page = b"<html>" + b"x" * 50_000 + b"</html>"
    for n in range(400):
        caches["default"].set(f"hub-page-cache:page:flood-{n}", {"body": page}, timeout=300)
    evicted = redis.Redis.from_url(pages.url).info("stats")["evicted_keys"]
    assert evicted > 0, "the flood did not fill the page cache"
    # The address is still over its limit: its count was not evicted with the pages.
    assert post_from("198.51.100.7") is True
    assert post_from("198.51.100.8") is False
