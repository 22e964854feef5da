"""Each language whole: a Polish or Urdu reader never meets the editors' English mid-sentence.

- the acknowledgement email takes the enquiry page's words (the promised response time, what
  happens next) from its translation in the person's language, and leaves them out while there
  is none;
- phone numbers, references and postcodes in rich text stay left to right in Urdu;
- dates follow each language's own format (the Polish month in the genitive after a day);
- the menus name each linked page in the visitor's language.
"""

from __future__ import annotations

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.utils import translation
from django.utils.safestring import mark_safe
from wagtail.models import Locale

from core.bidi import isolate_ltr
from core.dates import day_date, long_date
from core.localization import synchronise_trees
from councils.models import HubSettings
from demo.translations import translate_page
from enquiry.emails import plain_text
from enquiry.tests.factories import EnquiryFactory, EnquiryPageFactory
from events.emails import when
from events.tests.factories import EventIndexPageFactory, EventPageFactory
from home.tests.factories import PolicyPageFactory
from outbox.models import OutboxMessage
from testkit.html import soup

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
RESPONSE = "within two working days"
NEXT_STEPS = "<ol><li>We call you at a time that suits you.</li><li>We arrange a visit to your home.</li></ol>"
ENGLISH_WORDS = ["within two working days", "We call you", "visit to your home"]
POLISH = {
    "Enquire about fostering": "Zapytaj o rodzicielstwo zastępcze",
    RESPONSE: "w ciągu dwóch dni roboczych",
    "We call you at a time that suits you.": "Dzwonimy do ciebie w dogodnym dla ciebie czasie.",
    "We arrange a visit to your home.": "Umawiamy wizytę w twoim domu.",
}
URDU = {
    "Enquire about fostering": "فوسٹرنگ کے بارے میں معلومات حاصل کریں",
    RESPONSE: "دو کاروباری دنوں کے اندر",
    "We call you at a time that suits you.": "ہم آپ کو آپ کی سہولت کے وقت فون کرتے ہیں۔",
    "We arrange a visit to your home.": "ہم آپ کے گھر آنے کا وقت طے کرتے ہیں۔",
}


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def enquiry_page(home):
    page = EnquiryPageFactory(parent=home, response_time=RESPONSE, what_happens_next=NEXT_STEPS)
    hub = HubSettings.for_site(home.get_site())
    hub.enquiry_page = page
    hub.phone_number = "03069 990214"
    hub.save()
    synchronise_trees()
    return page


def acknowledgement(language: str) -> OutboxMessage:
    with translation.override(language):
        enquiry = EnquiryFactory()
    assert enquiry.language == language
    return OutboxMessage.objects.get(topic="enquiry.acknowledgement", reference=enquiry.reference)


# --- Emails in the enquiry page's translated words ------------------------------------------------


@pytest.mark.parametrize(("code", "words"), [("pl", POLISH), ("ur", URDU)])
def test_the_acknowledgement_uses_the_translated_pages_words(enquiry_page, code, words):
    translate_page(enquiry_page, Locale.objects.get(language_code=code), words)

    body = acknowledgement(code).body

    assert words[RESPONSE] in body, "the promised response time, as the translation words it"
    assert words["We arrange a visit to your home."] in body, "what happens next, translated"
    for english in ENGLISH_WORDS:
        assert english not in body, f"English words of the editor's fields: {english!r}"


@pytest.mark.parametrize("code", ["pl", "ur"])
def test_without_a_translation_the_email_leaves_the_editors_english_out(enquiry_page, code):
    body = acknowledgement(code).body
    for english in ENGLISH_WORDS:
        assert english not in body
    with translation.override(code):
        soon = translation.gettext(
            "We will contact you soon, in the way and at the time you asked for."
        )
    assert soon in body


def test_the_english_acknowledgement_keeps_the_editors_words(enquiry_page):
    body = acknowledgement("en-gb").body
    assert "We will contact you within two working days" in body
    assert "What happens next:\n1. We call you at a time that suits you.\n2. We arrange" in body


def test_rich_text_becomes_plain_numbered_text_for_an_email():
    html = '<p>First <b>bold</b>.</p><ul><li>one</li><li><a href="/x/">two</a></li></ul>'
    assert plain_text(html) == "First bold.\n- one\n- two"
    assert plain_text(NEXT_STEPS).startswith("1. We call you")


# --- Numbers left to right in right-to-left rich text -----------------------------------------------


def test_a_phone_number_in_urdu_rich_text_is_isolated_left_to_right(client, enquiry_page):
    intro = "<p>Rather talk now? Call <b>03069 990214</b>.</p>"
    enquiry_page.intro = intro
    enquiry_page.save_revision().publish()
    translate_page(
        enquiry_page,
        Locale.objects.get(language_code="ur"),
        URDU
        | {
            "Rather talk now? Call <b>03069 990214</b>.": "ابھی بات کرنا چاہتے ہیں؟ <b>03069 990214</b> پر کال کریں۔"
        },
    )

    html = soup(client.get("/ur/enquire/"))

    assert html.html["dir"] == "rtl"
    intro_text = html.select_one(".lead-text")
    number = intro_text.select_one("b bdi")
    assert number is not None, "the number in the editor's words is isolated"
    assert number["dir"] == "ltr" and number.get_text() == "03069 990214"


def test_isolation_wraps_phone_numbers_references_and_postcodes_only():
    html = str(
        isolate_ltr(
            mark_safe(
                '<p>Call 0300 123 4567 or <a href="tel:+441154960000">+44 115 496 0000</a>, quote '
                "HUB-2026-000123 or EVT-000042, come to DE1 1HS.</p><p>£140 a week from 2026, "
                "12345678, 01/02/2026.</p>"
            )
        )
    )
    wrapped = re.findall(r'<bdi dir="ltr">([^<]+)</bdi>', html)
    assert wrapped == [
        "0300 123 4567",
        "+44 115 496 0000",
        "HUB-2026-000123",
        "EVT-000042",
        "DE1 1HS",
    ]
    assert 'href="tel:+441154960000"' in html, "attributes are never touched"
    # Nothing is wrapped twice, and an isolate already there is left as it is.
    assert str(isolate_ltr(mark_safe(html))) == html
    assert str(isolate_ltr(mark_safe('<bdi dir="ltr">0300 123 4567</bdi>'))).count("<bdi") == 1
    # Plain text is escaped first: only the isolates are markup.
    assert str(isolate_ltr("<b>0300 123 4567</b>")) == (
        '&lt;b&gt;<bdi dir="ltr">0300 123 4567</bdi>&lt;/b&gt;'
    )


# --- Dates as each language writes them -----------------------------------------------------------


def test_polish_dates_use_the_genitive_month():
    day = datetime.date(2026, 12, 16)
    with translation.override("pl"):
        assert long_date(day) == "16 grudnia 2026"
        assert day_date(day).lower() == "środa, 16 grudnia 2026"
    with translation.override("en-gb"):
        assert long_date(day) == "16 December 2026"
        assert day_date(day) == "Wednesday 16 December 2026"
    with translation.override("ur"):
        assert long_date(day) == "16 دسمبر 2026"
        assert day_date(day) == "بدھ، 16 دسمبر 2026"


def test_polish_event_pages_and_emails_use_the_genitive_month(client, home):
    index = EventIndexPageFactory(parent=home, title="Events", slug="events")
    event = EventPageFactory(
        parent=index,
        title="Information evening",
        slug="evening",
        starts_at=datetime.datetime(2026, 12, 16, 18, 0, tzinfo=LONDON),
        ends_at=datetime.datetime(2026, 12, 16, 20, 0, tzinfo=LONDON),
    )
    synchronise_trees()
    with translation.override("pl"):
        assert when(event)["date"].lower() == "środa, 16 grudnia 2026"

    text = soup(client.get("/pl/events/evening/")).get_text(" ")
    assert "16 grudnia 2026" in text
    assert "Grudzień" not in text and "grudzień" not in text


def test_a_polish_policy_page_dates_its_last_update_in_the_genitive(client, home):
    policy = PolicyPageFactory(
        parent=home, title="Privacy notice", slug="privacy", last_updated=datetime.date(2026, 10, 1)
    )
    synchronise_trees()
    # (An untranslated copy shows its English words, dates included, marked as English.)
    translate_page(policy, Locale.objects.get(language_code="pl"), {"Privacy notice": "Prywatność"})
    updated = soup(client.get("/pl/privacy/")).select_one(".meta time")
    assert updated.get_text() == "1 października 2026"
    assert soup(client.get("/privacy/")).select_one(".meta time").get_text() == "1 October 2026"
