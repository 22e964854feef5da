"""Small slips a visitor saw, each held by a test that would have caught it.

- "Call03069 990214": the header's phone link is a flex box, and the space before the number's
  <bdi> vanished between two flex items (the browser check is in journeys/);
- cancelling a booking sent no email;
- `make run`'s absolute links pointed at http://localhost/ instead of where it serves;
- event JSON-LD had no image or town;
- "Watch Watch:" on a video whose title starts with "Watch:";
- the same quote twice on the home page;
- the accessibility statement spoke of the enquiry form as not launched yet.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.utils import translation
from wagtail.models import Locale, Site

from core.localization import synchronise_trees
from core.tests.factories import ImageFactory, quote, stream
from councils.models import HubSettings
from demo import pages
from demo.loader import DemoLoader, parse_site_address
from demo.translations import translate_page
from enquiry.data_protection import erase_person
from events import emails
from events.models import Registration
from events.services import BookingDetails, book, cancel
from events.tests.factories import EventIndexPageFactory, EventPageFactory
from home.tests.factories import StepsPageFactory, StoryPageFactory
from outbox.models import OutboxMessage
from testkit.html import soup

pytestmark = pytest.mark.django_db

JSON_LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def details(email: str) -> BookingDetails:
    return BookingDetails(first_name="Ola", last_name="Nowak", email=email, postcode="DE1 2AB")


# --- "Call 03069 990214" ---------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/pl/", "/ur/"])
def test_the_phone_links_words_are_one_flex_item(client, home, path):
    hub = HubSettings.for_site(home.get_site())
    hub.phone_number = "03069 990214"
    hub.save()
    synchronise_trees()
    links = soup(client.get(path)).select("a.help-links__phone")
    assert len(links) == 2, "in the header and the footer"
    for link in links:
        # The link is display:inline-flex (a 44px target): each child is a flex item, and the
        # space at the end of "Call " would be dropped before a <bdi> item of its own.
        children = [child for child in link.children if str(child).strip()]
        assert len(children) == 1 and children[0].name == "span"
        words = children[0].get_text()
        assert "03069 990214" in words and re.search(r"\s03069|990214\s", words)


# --- Cancelling a booking sends an email -------------------------------------------------------------


@pytest.fixture
def event(home):
    index = EventIndexPageFactory(parent=home, title="Events", slug="events")
    english = EventPageFactory(parent=index, title="Information evening", slug="evening")
    synchronise_trees()
    return english


def cancelled_email(registration) -> OutboxMessage:
    return OutboxMessage.objects.get(topic=emails.CANCELLED_TOPIC, reference=registration.reference)


def test_cancelling_a_booking_emails_the_person(event):
    registration, _ = book(event, details("ola@example.org"))
    cancel(registration)
    message = cancelled_email(registration)
    assert message.recipient == "ola@example.org"
    assert message.subject == "Your booking is cancelled: Information evening"
    assert registration.reference in message.body
    assert "Ola" not in message.subject + message.body, "no personal details"
    cancel(registration)  # cancelling again (a second click) sends nothing more
    assert OutboxMessage.objects.filter(topic=emails.CANCELLED_TOPIC).count() == 1


def test_leaving_the_waiting_list_says_so(event):
    event.capacity = 1
    event.save_revision().publish()
    book(event, details("first@example.org"))
    waiting, _ = book(event, details("second@example.org"))
    assert waiting.status == Registration.Status.WAITING
    cancel(waiting)
    assert cancelled_email(waiting).subject == "You have left the waiting list: Information evening"


def test_the_cancellation_email_is_in_the_language_of_the_booking(client, event):
    polish_locale = Locale.objects.get(language_code="pl")
    translate_page(event, polish_locale, {"Information evening": "Wieczór informacyjny"})
    with translation.override("pl"):
        registration, _ = book(event, details("ola@example.org"))
    assert registration.language == "pl"
    link = emails.cancel_url(registration)
    client.post(link[link.index("/pl/") :])
    message = cancelled_email(registration)
    with translation.override("pl"):
        subject = translation.gettext("Your booking is cancelled: %(event)s") % {
            "event": "Wieczór informacyjny"
        }
    assert message.subject == subject != "Your booking is cancelled: Wieczór informacyjny"


def test_erasing_a_persons_data_cancels_their_bookings_without_emailing_them(event, make_user):
    registration, _ = book(event, details("gone@example.org"))
    erase_person("gone@example.org", by=make_user("officer"), reason="Asked us to")
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CANCELLED
    assert not OutboxMessage.objects.filter(topic=emails.CANCELLED_TOPIC).exists()


# --- make run's address ------------------------------------------------------------------------------


def test_make_run_tells_the_demo_loader_the_address_it_serves():
    makefile = (Path(settings.BASE_DIR) / "Makefile").read_text()
    demo = re.search(r"^demo:.*\n((?:\t.*\n)+)", makefile, re.M).group(1)
    assert "load_demo_content --site-address http://127.0.0.1:$(PORT)" in demo
    assert re.search(r"^run: demo\b", makefile, re.M), "make run loads the demo first"
    assert re.search(r"runserver 127\.0\.0\.1:\$\(PORT\)", makefile)


def test_the_demo_loader_sets_the_sites_address_every_run(client, home):
    site = Site.objects.get(is_default_site=True)
    assert (site.hostname, site.port) == ("localhost", 80)

    for port in (8000, 8080):  # `make run`, then `make run PORT=8080`
        loader = DemoLoader(site_address=f"http://127.0.0.1:{port}")
        loader.set_site_address(site)
        site.refresh_from_db()
        assert (site.hostname, site.port) == ("127.0.0.1", port)
        assert not loader.result.created_anything, "an update, not something created"

    html = soup(client.get("/", HTTP_HOST="127.0.0.1:8080"))
    assert html.find("link", rel="canonical")["href"] == "http://127.0.0.1:8080/"
    assert html.find("meta", property="og:url")["content"] == "http://127.0.0.1:8080/"
    sitemap = client.get("/sitemap.xml", HTTP_HOST="127.0.0.1:8080").content.decode()
    assert "<loc>http://127.0.0.1:8080/</loc>" in sitemap and "localhost" not in sitemap


def test_a_site_address_is_read_with_its_port():
    assert parse_site_address("http://127.0.0.1:8000") == ("127.0.0.1", 8000)
    assert parse_site_address("http://127.0.0.1:8000/") == ("127.0.0.1", 8000)
    assert parse_site_address("https://hub.example.org") == ("hub.example.org", 443)
    assert parse_site_address("127.0.0.1:9000") == ("127.0.0.1", 9000)
    for wrong in ("ftp://x", "http://127.0.0.1:8000/pl/", "http://"):
        with pytest.raises(ValueError):
            parse_site_address(wrong)


# --- Event JSON-LD ------------------------------------------------------------------------------------


def test_event_json_ld_has_the_cards_image_and_the_town(client, home):
    index = EventIndexPageFactory(parent=home)
    page = EventPageFactory(
        parent=index,
        venue_name="Derby Central Library",
        venue_address="Wardwick\nDerby",
        venue_postcode="DE1 1HS",
        listing_image=ImageFactory(),
    )
    html = client.get(page.url).content.decode()
    data = json.loads(JSON_LD.findall(html.split("</head>")[0])[0])
    assert data["location"]["address"]["streetAddress"] == "Wardwick"
    assert data["location"]["address"]["addressLocality"] == "Derby"
    [image] = data["image"]
    assert re.match(r"^http://testserver/.+\.jpg$", image)
    assert image == soup(client.get(page.url)).find("meta", property="og:image")["content"]


# --- "Watch Watch:" ----------------------------------------------------------------------------------


def test_a_video_titled_watch_is_not_watch_watch(client, home):
    video = {
        "type": "video",
        "value": {
            "title": "Watch: a foster carer's first year",
            "url": "https://www.youtube.com/watch?v=abcdefghijk",
            "duration": "4 minutes",
            "transcript": "<p>Hello.</p>",
        },
    }
    page = StepsPageFactory(parent=home, slug="how-to-foster", body=stream(video))
    text = " ".join(soup(client.get(page.url)).get_text(" ").split())
    assert "Watch Watch" not in text
    assert "Watch A foster carer's first year on YouTube" in text


def test_the_demo_video_title_does_not_start_with_watch():
    videos = [block for block in pages.STEPS["fields"]["body"] if block["type"] == "video"]
    assert videos and not videos[0]["value"]["title"].lower().startswith("watch")


# --- One quote once on the home page -------------------------------------------------------------------


def test_the_home_page_shows_a_quote_once(client, home):
    words = "Being two dads was never an issue."
    story = StoryPageFactory(pull_quote=words, carer_name="Marcus")
    home.featured_story = story
    home.body = stream(quote(words, "Marcus, foster carer in Nottingham"))
    home.save_revision().publish()
    html = soup(client.get("/"))
    assert len([q for q in html.select("blockquote") if words in q.get_text()]) == 1
    assert html.select_one(".featured-story"), "the story is still featured"


def test_the_demo_home_page_quotes_someone_other_than_its_featured_story():
    featured = pages.HOME["featured_story"].path.strip("/").split("/")[-1]
    story = next(s for s in pages.STORIES if s["slug"] == featured)
    quotes = [b["value"]["quote"] for b in pages.HOME["body"] if b["type"] == "quote"]
    assert story["fields"]["pull_quote"] not in quotes


# --- The accessibility statement -------------------------------------------------------------------------


def test_the_demo_accessibility_statement_knows_the_enquiry_form_is_live():
    fields = pages.ACCESSIBILITY["fields"]
    text = " ".join(str(value) for value in fields.values())
    assert not re.search(r"form (launches|is launched|will launch)|not yet launched", text)
    assert "enquiry form and event booking were tested" in fields["improvements"]
