"""The site in the languages people in the region read: Polish and Urdu beside English.

A Polish or Urdu reader gets every page in their language's tree (the page translated, or the
English words marked as English until someone translates it), a switcher to the same page in
the other languages, forms and emails in their language, and a front door that records the
same council, fostering types and event as the English one.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings
from django.utils import timezone, translation
from wagtail.models import Locale, Page
from wagtail_localize.models import LocaleSynchronization, Translation

from config.languages import content_languages
from core.localization import canonical, ensure_locales, synchronise_trees
from councils.models import HubSettings, HubSettingsTranslation
from councils.tests.factories import CouncilFactory, CouncilIndexPageFactory, CouncilPageFactory
from demo.translations import translate_page
from enquiry.models import Enquiry, HearAboutOption
from enquiry.tests.factories import EnquiryPageFactory, HearAboutOptionFactory
from events.emails import cancel_url
from events.models import EventPage, Registration
from events.services import BookingDetails, book
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
from outbox.models import OutboxMessage
from testkit.html import soup

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def locale(code: str) -> Locale:
    return Locale.objects.get(language_code=code)


def in_language(code: str, text: str) -> str:
    with translation.override(code):
        return translation.gettext(text)


@pytest.fixture
def site_pages(home):
    """One live page of every public page type, copied into every language's tree."""
    council = CouncilFactory(name="Derby City Council", short_name="derby")
    councils = CouncilIndexPageFactory(parent=home, title="Our councils", slug="councils")
    types = FosteringTypeIndexPageFactory(parent=home, title="Types of fostering", slug="types")
    events = EventIndexPageFactory(parent=home, title="Events", slug="events")
    stories = StoryIndexPageFactory(parent=home, title="Stories", slug="stories")
    pages = {
        "HomePage": home,
        "CouncilIndexPage": councils,
        "CouncilPage": CouncilPageFactory(parent=councils, council=council, slug="derby"),
        "FosteringTypeIndexPage": types,
        "FosteringTypePage": FosteringTypePageFactory(
            parent=types, title="Short-term fostering", slug="short-term"
        ),
        "EventIndexPage": events,
        "EventPage": EventPageFactory(parent=events, title="Information evening", slug="evening"),
        "StoryIndexPage": stories,
        "StoryPage": StoryPageFactory(parent=stories, slug="a-story"),
        "StandardPage": StandardPageFactory(parent=home, title="Support", slug="support"),
        "StepsPage": StepsPageFactory(parent=home, slug="how-to-foster"),
        "FAQPage": FAQPageFactory(parent=home, slug="faqs"),
        "PolicyPage": PolicyPageFactory(parent=home, title="Privacy notice", slug="privacy"),
        "AccessibilityStatementPage": AccessibilityStatementPageFactory(
            parent=home, slug="accessibility"
        ),
        "EnquiryPage": EnquiryPageFactory(parent=home, title="Enquire", slug="enquire"),
    }
    hub = HubSettings.for_site(home.get_site())
    hub.enquiry_page = pages["EnquiryPage"]
    hub.phone_number = "0300 123 4567"
    hub.save()
    synchronise_trees()
    return pages


# --- Languages as configuration ---------------------------------------------------------------


def test_languages_come_from_configuration_with_english_first():
    assert content_languages("en-gb", "pl,ur") == [
        ("en-gb", "English"),
        ("pl", "Polski"),
        ("ur", "اردو"),
    ]
    assert content_languages("en-gb", "") == [("en-gb", "English")]
    assert content_languages("en-gb", " RO , pl,pl") == [
        ("en-gb", "English"),
        ("ro", "Română"),
        ("pl", "Polski"),
    ]


def test_an_unknown_language_code_stops_the_site_starting():
    with pytest.raises(ImproperlyConfigured, match="xx"):
        content_languages("en-gb", "pl,xx")


def test_migrate_made_a_locale_kept_in_step_with_english_for_each_language(home):
    english = Locale.get_default()
    assert english.language_code == "en-gb"
    for code in ("pl", "ur"):
        sync = LocaleSynchronization.objects.get(locale=locale(code))
        assert sync.sync_from == english
        # The migrated home page is already there in the language, as a copy of the English.
        copy = home.get_translation(locale(code))
        assert copy.alias_of_id == home.pk and copy.live


def test_a_language_added_to_the_settings_gets_its_locale_and_pages(home):
    languages = [*settings.WAGTAIL_CONTENT_LANGUAGES, ("ro", "Română")]
    with override_settings(LANGUAGES=languages, WAGTAIL_CONTENT_LANGUAGES=languages):
        ensure_locales()
        ensure_locales()  # running migrate again changes nothing
    romanian = Locale.objects.get(language_code="ro")
    assert LocaleSynchronization.objects.filter(locale=romanian).count() == 1
    assert home.get_translation(romanian).alias_of_id == home.pk


# --- Every page type in every language ---------------------------------------------------------


@pytest.mark.parametrize("code,direction", [("en-gb", "ltr"), ("pl", "ltr"), ("ur", "rtl")])
def test_every_page_type_renders_in_every_language(client, site_pages, code, direction):
    for name, english in site_pages.items():
        page = english.get_translation(locale(code)).specific
        response = client.get(page.url)
        assert response.status_code == 200, f"{name} in {code}: {response.status_code}"
        html = soup(response)
        assert html.html["lang"] == {"en-gb": "en-GB"}.get(code, code), name
        assert html.html["dir"] == direction, name
        assert html.find("h1"), f"{name} in {code} has no heading"
        main = html.find("main")
        if code == "en-gb":
            assert not main.has_attr("lang"), name
        else:
            # Nobody has translated it: the English words, marked as English, with a notice in
            # the visitor's language.
            assert (main["lang"], main["dir"]) == ("en-GB", "ltr"), name
            notice = html.find(class_="translation-notice")
            assert notice["lang"] == code
            with translation.override(code):
                expected = translation.gettext(
                    "This page has not been translated yet, so it is shown in %(language)s."
                ) % {"language": translation.get_language_info("en")["name_translated"]}
            assert notice.get_text(strip=True) == expected, name
            assert "English" not in expected, "the notice names English in the visitor's words"


def test_a_translated_page_shows_its_own_words_in_its_language(client, site_pages):
    english = site_pages["FosteringTypePage"]
    translate_page(english, locale("ur"), {"Short-term fostering": "قلیل مدتی فوسٹرنگ"})
    html = soup(client.get("/ur/types/short-term/"))
    assert html.find("h1").get_text(strip=True) == "قلیل مدتی فوسٹرنگ"
    assert not html.find("main").has_attr("lang"), "the words are the page's own language"
    assert not html.find(class_="translation-notice")
    # The interface around it is Urdu too.
    assert html.find("a", class_="skip-link").get_text(strip=True) == in_language(
        "ur", "Skip to main content"
    )
    assert in_language("ur", "Skip to main content") != "Skip to main content"


def test_listings_mark_the_cards_of_pages_still_in_english(client, site_pages):
    translate_page(
        site_pages["HomePage"], locale("pl"), {"Could you foster?": "Czy możesz zostać?"}
    )
    FosteringTypePageFactory(parent=site_pages["FosteringTypeIndexPage"], title="Teenagers")
    translate_page(
        site_pages["FosteringTypePage"],
        locale("pl"),
        {"Short-term fostering": "Krótkoterminowe rodzicielstwo zastępcze"},
    )
    synchronise_trees()
    html = soup(client.get("/pl/types/"))
    links = {link.get_text(strip=True): link for link in html.select("a.card__link")}
    # The index itself is untranslated: its main is English, so the Polish card says so.
    assert links["Krótkoterminowe rodzicielstwo zastępcze"]["lang"] == "pl"
    assert not links["Teenagers"].has_attr("lang")
    html = soup(client.get("/pl/"))  # the translated home page lists the same types
    links = {link.get_text(strip=True): link for link in html.select("a.card__link")}
    assert not links["Krótkoterminowe rodzicielstwo zastępcze"].has_attr("lang")
    assert links["Teenagers"]["lang"] == "en-GB" and links["Teenagers"]["dir"] == "ltr"


def test_a_page_costs_the_same_queries_however_many_languages_it_is_in(
    client, site_pages, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    english = site_pages["StandardPage"]

    def queries(url: str) -> int:
        client.get(url)  # warm the settings caches as every other budget test does
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    before = queries("/pl/support/")
    translate_page(english, locale("pl"), {"Support": "Wsparcie"})
    translate_page(english, locale("ur"), {"Support": "مدد"})
    assert queries("/pl/support/") <= before, "translations add no queries"
    assert queries("/support/") <= before


# --- The switcher and hreflang -------------------------------------------------------------------


def switcher(html) -> dict[str, str | None]:
    nav = html.find("nav", class_="language-switcher")
    result = {}
    for item in nav.find_all("li"):
        link = item.find("a")
        if link is not None:
            assert link["lang"] == link["hreflang"]
            result[link.get_text(strip=True)] = link["href"]
        else:
            current = item.find(attrs={"aria-current": "true"})
            result[current.get_text(strip=True)] = None
    return result


def alternates(html) -> dict[str, str]:
    return {link["hreflang"]: link["href"] for link in html.find_all("link", rel="alternate")}


def test_the_switcher_goes_to_the_same_page_in_each_language(client, site_pages):
    translate_page(site_pages["CouncilPage"], locale("pl"), {})
    html = soup(client.get("/councils/derby/"))
    assert switcher(html) == {
        "English": None,
        "Polski": "/pl/councils/derby/",
        "اردو": "/ur/councils/derby/",
    }
    html = soup(client.get("/ur/councils/derby/"))
    assert switcher(html) == {
        "English": "/councils/derby/",
        "Polski": "/pl/councils/derby/",
        "اردو": None,
    }
    assert html.find("nav", class_="language-switcher")["aria-label"] == in_language(
        "ur", "Languages"
    )


def test_the_switcher_keeps_a_routable_pages_sub_address(client, site_pages):
    html = soup(client.get("/pl/events/evening/book/"))
    assert switcher(html)["English"] == "/events/evening/book/"
    assert switcher(html)["اردو"] == "/ur/events/evening/book/"


def test_a_page_missing_in_a_language_sends_the_switcher_to_that_languages_home(client, site_pages):
    late = StandardPageFactory(parent=site_pages["HomePage"], title="New", slug="new")
    html = soup(client.get(late.url))  # made outside the admin, not yet copied
    assert switcher(html)["Polski"] == "/pl/"


def test_hreflang_lists_only_the_translations_with_english_as_the_default(client, site_pages):
    english = site_pages["FosteringTypePage"]
    html = soup(client.get("/types/short-term/"))
    assert alternates(html) == {}, "copies of the English are not alternates"

    translate_page(english, locale("pl"), {"Short-term fostering": "Krótkoterminowe"})
    for url in ("/types/short-term/", "/pl/types/short-term/"):
        html = soup(client.get(url))
        assert alternates(html) == {
            "en-GB": "http://localhost/types/short-term/",
            "pl": "http://localhost/pl/types/short-term/",
            "x-default": "http://localhost/types/short-term/",
        }, url
        assert html.find("link", rel="canonical")["href"] == "http://localhost" + url

    # The Urdu copy is the English words: search engines are sent to the English page.
    html = soup(client.get("/ur/types/short-term/"))
    assert alternates(html) == {}
    assert html.find("link", rel="canonical")["href"] == "http://localhost/types/short-term/"


def test_the_sitemap_lists_each_translation_with_its_alternates_and_no_copies(client, site_pages):
    translate_page(site_pages["FosteringTypePage"], locale("ur"), {})
    xml = client.get("/sitemap.xml").content.decode()
    locations = re.findall(r"<loc>([^<]+)</loc>", xml)
    assert "http://localhost/types/short-term/" in locations
    assert "http://localhost/ur/types/short-term/" in locations
    assert "http://localhost/pl/types/short-term/" not in locations, "a copy is not listed"
    assert "http://localhost/pl/support/" not in locations
    entry = xml[xml.index("<loc>http://localhost/ur/types/short-term/</loc>") :]
    entry = entry[: entry.index("</url>")]
    assert sorted(re.findall(r'hreflang="([^"]+)" href="([^"]+)"', entry)) == [
        ("en-GB", "http://localhost/types/short-term/"),
        ("ur", "http://localhost/ur/types/short-term/"),
        ("x-default", "http://localhost/types/short-term/"),
    ]


# --- Links that would have been dead ends -------------------------------------------------------


def test_a_language_address_with_no_page_there_goes_to_the_english_page(client, site_pages):
    Page.objects.get(url_path="/home-pl/support/").delete()
    response = client.get("/pl/support/")
    assert response.status_code == 302 and response["Location"] == "/support/"


def test_a_translation_under_another_address_is_found(client, site_pages):
    polish = translate_page(site_pages["StandardPage"], locale("pl"), {"support": "wsparcie"})
    assert polish
    assert Page.objects.filter(url_path="/home-pl/wsparcie/").exists()
    response = client.get("/pl/support/")
    assert response.status_code == 302 and response["Location"] == "/pl/wsparcie/"


def test_an_address_that_exists_in_no_language_is_still_not_found(client, site_pages):
    assert client.get("/pl/no-such-page/").status_code == 404
    assert client.get("/ur/").status_code == 200


def test_the_menu_uses_each_pages_version_in_the_visitors_language(client, site_pages):
    navigation = NavigationSettings.for_site(site_pages["HomePage"].get_site())
    navigation.main_menu = [
        {"type": "link", "value": {"label": "Support", "page": site_pages["StandardPage"].pk}},
        {"type": "link", "value": {"label": "FAQs", "page": site_pages["FAQPage"].pk}},
    ]
    navigation.save()
    translate_page(site_pages["StandardPage"], locale("pl"), {"Support": "Wsparcie"})
    html = soup(client.get("/pl/"))
    links = {a.get_text(strip=True): a for a in html.select("a.site-nav__link")}
    assert links["Wsparcie"]["href"] == "/pl/support/" and not links["Wsparcie"].has_attr("lang")
    assert links["FAQs"]["href"] == "/pl/faqs/" and links["FAQs"]["lang"] == "en-GB"
    # The Enquire button goes to the enquiry page in the same language.
    assert html.select_one("a.help-links__enquire")["href"] == "/pl/enquire/"


def test_phone_numbers_read_left_to_right_in_urdu(client, site_pages):
    html = soup(client.get("/ur/"))
    phone = html.select_one("a.help-links__phone bdi")
    assert phone["dir"] == "ltr" and phone.get_text() == "0300 123 4567"


# --- One front door in every language -----------------------------------------------------------


@pytest.fixture
def urdu_form(site_pages):
    """The enquiry page translated into Urdu, two councils and a translated type."""
    CouncilFactory(name="Nottingham City Council", short_name="nottingham")
    translate_page(site_pages["EnquiryPage"], locale("ur"), {"Enquire": "استفسار"})
    translate_page(
        site_pages["FosteringTypePage"],
        locale("ur"),
        {"Short-term fostering": "قلیل مدتی فوسٹرنگ"},
    )
    radio = HearAboutOptionFactory(label="Local radio")
    translate_page(radio, locale("ur"), {"Local radio": "مقامی ریڈیو"})
    hub = HubSettings.for_site(site_pages["HomePage"].get_site())
    hub.phone_hours = "Monday to Friday, 9am to 5pm"
    hub.save()
    HubSettingsTranslation.objects.create(
        hub_settings=hub, language="ur", phone_hours="پیر سے جمعہ، صبح 9 سے شام 5 بجے تک"
    )
    return "/ur/enquire/"


def test_an_urdu_form_sent_empty_shows_urdu_errors(client, urdu_form):
    form = soup(client.get(urdu_form))
    token = form.find("input", attrs={"name": "form_token"})["value"]
    response = client.post(urdu_form, {"form_token": token, "website": ""})
    assert response.status_code == 200
    html = soup(response)
    summary = html.find(class_="error-summary")
    assert summary.find(["h2", "h1"]).get_text(strip=True) == in_language(
        "ur", "There is a problem"
    )
    messages = [link.get_text(strip=True) for link in summary.find_all("a")]
    for english in ("Enter your first name", "Enter your email address"):
        urdu = in_language("ur", english)
        assert urdu != english and urdu in messages
    assert html.title.get_text().startswith(in_language("ur", "Error:"))


def test_an_urdu_enquiry_stores_the_english_records_and_gets_an_urdu_email(client, urdu_form):
    html = soup(client.get(urdu_form))
    token = html.find("input", attrs={"name": "form_token"})["value"]
    english_type = Page.objects.get(
        url_path="/home/types/short-term/", locale__language_code="en-gb"
    )
    boxes = {
        html.find("label", attrs={"for": box["id"]}).get_text(strip=True): box
        for box in html.find_all("input", attrs={"name": "fostering_types"})
    }
    assert "قلیل مدتی فوسٹرنگ" in boxes, "the type is listed under its Urdu title"
    box = boxes["قلیل مدتی فوسٹرنگ"]
    assert box["value"] == str(english_type.pk), "the value is the English page"
    english_radio = HearAboutOption.objects.originals().get(label="Local radio")
    answers = {
        html.find("label", attrs={"for": radio["id"]}).get_text(strip=True): radio["value"]
        for radio in html.find_all("input", attrs={"name": "heard_about"})
    }
    assert answers == {"مقامی ریڈیو": str(english_radio.pk)}, "the Urdu label, the English answer"

    response = client.post(
        urdu_form,
        {
            "form_token": token,
            "first_name": "Amina",
            "last_name": "Khan",
            "email": "amina@example.org",
            "phone": "07700 900982",
            "postcode": "NG1 1AA",
            "council": "nottingham",
            "fostering_types": [english_type.pk],
            "spare_bedroom": "yes",
            "contact_method": "email",
            "contact_time": "evening",
            "heard_about": english_radio.pk,
            "website": "",
        },
    )
    assert response.status_code == 303 and response["Location"].startswith("/ur/enquire/")
    enquiry = Enquiry.objects.get(email="amina@example.org")
    assert enquiry.language == "ur"
    assert enquiry.council.short_name == "nottingham"
    assert [page.pk for page in enquiry.fostering_types.all()] == [english_type.pk]
    assert enquiry.heard_about == english_radio

    acknowledgement = OutboxMessage.objects.get(topic="enquiry.acknowledgement")
    assert in_language("ur", "Thank you for your enquiry about fostering.") in acknowledgement.body
    assert "پیر سے جمعہ" in acknowledgement.body, "the opening hours as written in Urdu"
    # The hub's own notification stays in English for staff.
    staff = OutboxMessage.objects.exclude(pk=acknowledgement.pk).filter(kind="email")
    assert all("Thank you for your enquiry" not in message.body for message in staff)
    thanks = soup(client.get(response["Location"]))
    assert thanks.html["lang"] == "ur"
    reference = thanks.select_one(".panel__reference bdi")
    assert reference["dir"] == "ltr" and reference.get_text() == enquiry.reference


@pytest.fixture
def polish_event(site_pages):
    english = site_pages["EventPage"]
    english.capacity = 3
    english.save_revision().publish()
    translate_page(english, locale("pl"), {"Information evening": "Wieczór informacyjny"})
    polish = english.get_translation(locale("pl")).specific
    assert polish.alias_of_id is None and polish.title == "Wieczór informacyjny"
    return english, polish


def details(email: str, places: int = 1) -> BookingDetails:
    return BookingDetails(
        first_name="Ola", last_name="Nowak", email=email, postcode="DE1 2AB", places=places
    )


def test_a_booking_on_the_polish_page_is_a_booking_of_the_english_event(client, polish_event):
    english, polish = polish_event
    url = polish.url + polish.reverse_subpage("booking")
    html = soup(client.get(url))
    assert html.html["lang"] == "pl"
    token = html.find("input", attrs={"name": "form_token"})["value"]
    response = client.post(
        url,
        {
            "form_token": token,
            "first_name": "Ola",
            "last_name": "Nowak",
            "email": "ola@example.org",
            "postcode": "de1 2ab",
            "places": "2",
            "website": "",
        },
    )
    assert response.status_code == 303
    registration = Registration.objects.get(email="ola@example.org")
    assert registration.event_id == english.pk
    assert registration.language == "pl"
    # One set of places whatever language people book in.
    book(english, details("en@example.org"), language="en-gb")
    assert english.places_left() == 0 and polish.places_left() == 0
    waiting, _created = book(polish, details("late@example.org"), language="pl")
    assert waiting.event_id == english.pk and waiting.status == Registration.Status.WAITING

    confirmation = OutboxMessage.objects.get(
        topic="events.confirmation", reference=registration.reference
    )
    assert "Wieczór informacyjny" in confirmation.subject + confirmation.body
    assert in_language("pl", "Thank you for booking. Your place is confirmed.") in confirmation.body
    assert "/pl/events/cancel/" in confirmation.body, "the cancel page is in Polish too"
    reminder = OutboxMessage.objects.get(topic="events.reminder", reference=registration.reference)
    reminder_text = (
        "This is a reminder that you have booked a place at our event tomorrow. We look "
        "forward to seeing you."
    )
    assert in_language("pl", reminder_text) != reminder_text
    assert in_language("pl", reminder_text) in reminder.body
    assert "Wieczór informacyjny" in reminder.subject + reminder.body

    page = soup(client.get(response["Location"]))
    assert page.select_one(".panel__reference bdi").get_text() == registration.reference


def test_the_polish_cancel_link_cancels_the_booking(client, polish_event):
    _english, polish = polish_event
    registration, _ = book(polish, details("ola@example.org"), language="pl")
    url = cancel_url(registration).removeprefix("http://localhost")
    assert url.startswith("/pl/events/cancel/")
    page = soup(client.get(url))
    assert page.html["lang"] == "pl" and "Wieczór informacyjny" in page.get_text()
    assert client.post(url).status_code == 303
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CANCELLED


def test_moving_the_english_event_moves_its_translations(polish_event):
    english, polish = polish_event
    later = english.starts_at + timedelta(days=2)
    english.starts_at, english.ends_at = later, later + timedelta(hours=2)
    english.capacity = 30
    english.booking_open = False
    english.hosts.set([CouncilFactory(short_name="derbyshire", name="Derbyshire County Council")])
    english.save_revision().publish()
    polish = EventPage.objects.get(pk=polish.pk)
    assert polish.starts_at == later and polish.capacity == 30 and not polish.booking_open
    assert [c.short_name for c in polish.hosts.all()] == ["derbyshire"]
    assert polish.title == "Wieczór informacyjny", "the translated words stay"


def test_joining_details_never_go_to_translators_and_stay_the_originals(polish_event):
    from wagtail_localize.models import StringSegment, TranslationSource

    english, polish = polish_event
    english.format = "hybrid"
    english.joining_details = "https://meet.example/new-room passcode 1357"
    english.save_revision().publish()
    source = TranslationSource.objects.get_for_instance(english)
    source.update_from_db()
    texts = StringSegment.objects.filter(source=source).values_list("string__data", flat=True)
    assert not any("meet.example" in text for text in texts), "not in the editor or PO files"
    assert EventPage.objects.get(pk=polish.pk).joining_details == english.joining_details
    registration, _ = book(polish, details("ola@example.org"), language="pl")
    confirmation = OutboxMessage.objects.get(
        topic="events.confirmation", reference=registration.reference
    )
    assert "https://meet.example/new-room passcode 1357" in confirmation.body


def test_canonical_is_the_english_original(site_pages):
    english = site_pages["EventPage"]
    copy = english.get_translation(locale("ur")).specific
    assert canonical(copy) == english and canonical(english) is english


def test_events_listings_in_polish_count_places_booked_in_any_language(client, polish_event):
    english, _polish = polish_event
    book(english, details("a@example.org", places=2), language="en-gb")
    html = soup(client.get("/pl/events/"))
    card = html.select_one(".card--event")
    assert card is not None
    left = in_language("pl", "%(count)d place left") % {"count": 1}
    assert left in card.get_text(" ", strip=True)


# --- Reports split by language ---------------------------------------------------------------


def test_the_regional_report_splits_enquiries_by_language(home):
    from enquiry.tests.factories import EnquiryFactory
    from reporting.reports.base import ReportFilters
    from reporting.reports.regional import regional_vs_local

    for language, count in (("en-gb", 3), ("pl", 2), ("ur", 1)):
        for _ in range(count):
            enquiry = EnquiryFactory()
            Enquiry.objects.filter(pk=enquiry.pk).update(language=language)
    today = timezone.localdate()
    with translation.override("en-gb"):  # staff read the admin in English
        table = regional_vs_local(
            ReportFilters(date_from=today - timedelta(days=1), date_to=today), by="language"
        )
    rows = {row["group"]: row["enquiries"] for row in table.rows}
    assert rows == {"British English": 3, "Polish (polski)": 2, "Urdu (اردو)": 1}
    assert table.totals["enquiries"] == 6
    assert all(row["spend"] is None for row in table.rows), "spend is not split by language"


def test_the_settings_english_words_are_marked_as_english_on_other_languages_pages(
    client, site_pages
):
    hub = HubSettings.for_site(site_pages["HomePage"].get_site())
    hub.strapline = "Fostering with your local council"
    hub.phone_hours = "Monday to Friday, 9am to 5pm"
    hub.footer_text = "<p>A partnership of councils.</p>"
    hub.save()
    html = soup(client.get("/ur/"))
    strapline = html.select_one(".site-header__strapline span")
    assert (strapline["lang"], strapline["dir"]) == ("en-GB", "ltr")
    hours = html.select_one(".site-footer__hours span")
    assert hours["lang"] == "en-GB" and hours.get_text() == "Monday to Friday, 9am to 5pm"
    assert html.select_one(".site-footer__text")["lang"] == "en-GB"
    english = soup(client.get("/"))
    assert english.select_one(".site-header__strapline span") is None
    assert not english.select_one(".site-footer__text").has_attr("lang")

    # Translated in the settings: shown in Urdu, unmarked; what is left empty stays English.
    HubSettingsTranslation.objects.create(
        hub_settings=hub, language="ur", phone_hours="پیر سے جمعہ، صبح 9 سے شام 5 بجے تک"
    )
    html = soup(client.get("/ur/"))
    hours = html.select_one(".site-footer__hours")
    assert "پیر سے جمعہ" in hours.get_text() and hours.find("span") is None
    assert html.select_one(".site-header__strapline span")["lang"] == "en-GB"


def test_event_bookings_split_by_the_language_people_booked_in(polish_event):
    from reporting.reports.base import ReportFilters
    from reporting.reports.events import event_registrations_by_source

    english, polish = polish_event
    book(polish, details("a@example.org"), language="pl")
    book(polish, details("b@example.org"), language="pl")
    book(english, details("c@example.org"), language="en-gb")
    today = timezone.localdate()
    with translation.override("en-gb"):
        table = event_registrations_by_source(
            ReportFilters(date_from=today - timedelta(days=1), date_to=today), by="language"
        )
    assert {row["group"]: row["bookings"] for row in table.rows} == {
        "British English": 1,
        "Polish (polski)": 2,
    }


def test_search_in_polish_finds_the_polish_tree(client, site_pages):
    translate_page(site_pages["StandardPage"], locale("pl"), {"Support": "Wsparcie"})
    html = soup(client.get("/pl/search/?query=Wsparcie"))
    links = [a["href"] for a in html.select(".search-results__title a")]
    assert links == ["/pl/support/"]
    html = soup(client.get("/pl/search/?query=Questions"))
    results = html.select(".search-results__title a")
    assert results and all(a["href"].startswith("/pl/") for a in results)
    for result in results:
        if result["href"] == "/pl/support/":
            assert not result.has_attr("lang"), "the translation is in Polish"
        else:
            assert result["lang"] == "en-GB", f"{result['href']} is still in English"
    assert soup(client.get("/search/?query=Wsparcie")).select(".search-results__title a") == []


# --- An event's facts belong to the English original -----------------------------------------


def test_publishing_an_unsynced_translation_keeps_the_originals_time_and_link(
    polish_event, django_capture_on_commit_callbacks
):
    english, polish = polish_event
    later = english.starts_at + timedelta(days=2)
    english.starts_at, english.ends_at = later, later + timedelta(hours=2)
    english.format = "hybrid"
    english.joining_details = "https://meet.example/room-9 passcode 2468"
    english.save_revision().publish()
    # A translator publishes from the editor without syncing: wagtail-localize rebuilds the
    # Polish page from the English as it was at the last sync.
    with django_capture_on_commit_callbacks(execute=True):  # it publishes on commit
        Translation.objects.get(target_locale=locale("pl")).save_target(publish=True)
    polish = EventPage.objects.get(pk=polish.pk)
    assert polish.starts_at == later and polish.format == "hybrid"
    assert polish.joining_details == "https://meet.example/room-9 passcode 2468"
    registration, _ = book(polish, details("ola@example.org"), language="pl")
    confirmation = OutboxMessage.objects.get(
        topic="events.confirmation", reference=registration.reference
    )
    assert "https://meet.example/room-9 passcode 2468" in confirmation.body


def test_translators_cannot_change_the_venue_or_joining_details(polish_event):
    from wagtail_localize.models import OverridableSegment, TranslationSource

    english, _polish = polish_event
    source = TranslationSource.objects.get_for_instance(english)
    source.update_from_db()
    paths = set(
        OverridableSegment.objects.filter(source=source).values_list("context__path", flat=True)
    )
    assert not paths & {"venue_name", "venue_address", "venue_postcode", "joining_details"}


def test_unpublishing_the_english_event_stops_polish_bookings(client, polish_event):
    from events.services import BookingClosed

    english, polish = polish_event
    english.unpublish()
    polish = EventPage.objects.get(pk=polish.pk)
    assert not polish.live, "its translations come down with it"
    assert client.get("/pl/events/evening/book/").status_code == 404
    with pytest.raises(BookingClosed):
        book(polish, details("ola@example.org"), language="pl")


def test_event_numbers_list_each_event_once(polish_event, make_user):
    from accounts.roles import HUB_ENQUIRY, sync_roles
    from events.querysets import events_with_numbers

    sync_roles()
    officer = make_user("hub-officer", HUB_ENQUIRY)
    events = list(events_with_numbers(officer))
    assert [event.pk for event in events] == [polish_event[0].pk]


def test_a_repeated_event_appears_in_every_language_and_only_the_original_repeats(
    client, polish_event, make_user
):
    from django.urls import reverse

    from accounts.roles import HUB_COMMS, sync_roles
    from events.series import repeat_event

    english, polish = polish_event
    copies = repeat_event(english, rule="weekly", count=2)
    for copy in copies:
        for code in ("pl", "ur"):
            assert copy.get_translation(locale(code)).alias_of_id == copy.pk
    sync_roles()
    client.force_login(make_user("hub-comms", HUB_COMMS))
    assert client.get(reverse("event_repeat", args=[english.pk])).status_code == 200
    refused = client.get(reverse("event_repeat", args=[polish.pk]))
    assert refused.status_code in (302, 403)
    # Nor can an event be created straight into the Polish tree.
    polish_index = polish.get_parent()
    response = client.get(
        reverse("wagtailadmin_pages:add", args=["events", "eventpage", polish_index.pk])
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailadmin_explore", args=[english.get_parent().pk])


def test_the_calendar_feed_costs_the_same_however_many_events(client, site_pages):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries(url: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    before = {url: queries(url) for url in ("/events/calendar/", "/pl/events/calendar/")}
    for _ in range(3):
        EventPageFactory(parent=site_pages["EventIndexPage"])
    synchronise_trees()
    assert {url: queries(url) for url in before} == before


def test_breadcrumbs_mark_the_titles_still_in_english(client, site_pages):
    html = soup(client.get("/ur/types/short-term/"))
    crumbs = html.select(".breadcrumbs__item")
    assert crumbs[1].find("a")["lang"] == "en-GB"  # "Types of fostering", untranslated
    assert crumbs[-1]["lang"] == "en-GB"
    assert html.title["lang"] == "en-GB"
    assert not crumbs[0].find("a").has_attr("lang"), "Home is the interface's own word"
