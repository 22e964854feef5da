"""Whatever anyone sends to a public form, the site answers without a server error, keeps what
was typed when it shows the form again, and saves nothing from an invalid post.

Hypothesis generates the posts: any Unicode (right-to-left text, combining marks, emoji), very
long strings, NUL and other control characters, fields missing, repeated or of the wrong type,
odd dates, huge numbers, malformed CSRF and form tokens, odd query strings. It is bounded for
CI (a fixed number of examples per form, derandomised so every run tries the same ones, no
example database) and runs through the real middleware, forms and PostgreSQL.
"""

from __future__ import annotations

import os
from urllib.parse import urlsplit

import pytest
from django.core.cache import cache
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from wagtail.models import Site

from councils.models import HubSettings
from councils.tests.factories import CouncilFactory
from enquiry.models import Enquiry
from enquiry.tests.factories import HearAboutOptionFactory
from events.emails import cancel_token
from events.models import Registration
from events.services import BookingDetails, book
from events.tests.factories import EventPageFactory
from home.tests.factories import PolicyPageFactory
from testkit.html import soup

pytestmark = pytest.mark.django_db

# FUZZ_EXAMPLES=500 for a longer, random hunt on a developer's machine.
DEEP = os.environ.get("FUZZ_EXAMPLES")
FUZZ = settings(
    max_examples=int(DEEP or 25),
    deadline=None,
    derandomize=not DEEP,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# --- what people (and bots) send ------------------------------------------------------------------

# Text a form can show again as it was: no control characters or lone surrogates (a browser
# cannot send those in a form field either).
typed_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=0, max_size=300
)
hostile_text = st.one_of(
    typed_text,
    st.text(max_size=50),  # anything, NUL and control characters included
    st.sampled_from(
        [
            "\x00",
            "a\x00b",
            "مرحبا بكم في مركز التبني",  # right to left
            "\u202eevil\u202c",  # a right-to-left override
            "x" * 100_000,
            "９９９９",  # full-width digits
            "<script>alert(1)</script>",
            "' OR 1=1 --",
            '=HYPERLINK("http://x")',
            "Zoë\u0301",
            "🏳️‍🌈" * 20,
        ]
    ),
)
odd_number = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.sampled_from(["", "1e309", "NaN", "-0", "0x10", "1.5", "٣", "1" * 400, " 2 "]),
)
odd_date = st.one_of(
    st.dates().map(lambda day: day.isoformat()),
    st.sampled_from(
        ["0000-00-00", "9999-12-31", "2026-02-30", "31/12/99999", "1900-01-01", "today", "-1"]
    ),
    hostile_text,
)
odd_token = st.one_of(
    st.just(""),
    hostile_text,
    st.sampled_from(["a:b:c", "eyJ4IjoxfQ:1abc:xyz", "." * 500, "None", "null"]),
)
value = st.one_of(hostile_text, odd_number, odd_date)


def answers(fields: dict) -> st.SearchStrategy[dict]:
    """A post: each known field missing, given once or repeated, with a value of its kind or of
    any kind; sometimes an unknown field too."""

    def one(strategy):
        return st.one_of(
            st.none(),  # missing
            st.lists(st.one_of(strategy, value), min_size=1, max_size=3),  # once or repeated
        )

    return st.fixed_dictionaries({name: one(kind) for name, kind in fields.items()}).map(
        lambda post: {name: values for name, values in post.items() if values is not None}
    ) | st.dictionaries(st.text(min_size=1, max_size=20), st.lists(value, max_size=2), max_size=3)


PERSON = {
    "first_name": hostile_text,
    "last_name": hostile_text,
    "email": st.one_of(hostile_text, st.emails().map(str)),
    "phone": st.one_of(hostile_text, odd_number),
    "postcode": hostile_text,
    "heard_about": odd_number,
    "keep_in_touch": st.sampled_from(["email", "phone", "text", "carrier pigeon"]),
    "website": st.one_of(st.just(""), hostile_text),
    "form_token": odd_token,
    "csrfmiddlewaretoken": odd_token,
    "next": hostile_text,
}
ENQUIRY = {
    **PERSON,
    "council": st.sampled_from(["derby", "not_sure", "", "nowhere"]),
    "fostering_types": odd_number,
    "spare_bedroom": st.sampled_from(["yes", "no", "not_yet", "maybe"]),
    "contact_method": st.sampled_from(["phone", "email", "text", "fax"]),
    "contact_time": st.sampled_from(["any", "morning", "evening", "midnight"]),
    "question": hostile_text,
}
BOOKING = {**PERSON, "places": odd_number, "access_needs": hostile_text}
query_string = st.dictionaries(
    st.one_of(
        st.sampled_from(["query", "page", "council", "format", "type", "from", "to"]),
        st.text(min_size=1, max_size=10),
    ),
    st.lists(value, min_size=1, max_size=2),
    max_size=5,
)


def without_surrogates(post: dict) -> dict:
    """What an HTTP client can encode (a lone surrogate is not UTF-8)."""
    return {
        name.encode("utf-8", "replace").decode(): [
            str(item).encode("utf-8", "replace").decode() for item in items
        ]
        for name, items in post.items()
    }


# --- the site --------------------------------------------------------------------------------------


@pytest.fixture
def public_forms(enquiry_page):
    """The enquiry page, a council, an answer to "How did you hear?", the cookies page, an event
    with places and a full one (its form is the waiting list), and a booking to cancel."""
    enquiry_page.privacy_page = PolicyPageFactory(title="Privacy notice", slug="privacy")
    enquiry_page.save()
    PolicyPageFactory(title="Cookies", slug="cookies")
    council = CouncilFactory(name="Derby City Council", short_name="derby")
    HearAboutOptionFactory(label="Local radio")
    hub = HubSettings.for_site(Site.objects.get(is_default_site=True))
    hub.enquiry_notification_email = "hub@example.org"
    hub.save()
    event = EventPageFactory(capacity=5, max_places_per_booking=4, hosts=[council])
    full = EventPageFactory(capacity=1, hosts=[council])
    registration, _created = book(event, booking_details(), language="en-gb")
    book(full, booking_details(email="first@example.org"), language="en-gb")
    return {"event": event, "full": full, "registration": registration}


def booking_details(email: str = "booked@example.org") -> BookingDetails:
    return BookingDetails(first_name="Booked", last_name="Person", email=email, postcode="DE1 1AA")


@pytest.fixture
def browser():
    """The test client, which lets posts past the CSRF check so the fuzz reaches the forms (the
    CSRF check itself is fuzzed on its own below)."""
    return Client()


def post(client: Client, url: str, data: dict):
    cache.clear()  # each example starts with a clean rate-limit allowance
    response = client.post(url, without_surrogates(data))
    assert response.status_code < 500, (url, data)
    return response


def get(client: Client, url: str, query: dict):
    response = client.get(url, without_surrogates(query))
    assert response.status_code < 500, (url, query)
    return response


def assert_kept(response, data: dict, names: tuple[str, ...]) -> None:
    """A form shown again holds exactly what was typed in each text box."""
    if response.status_code != 200 or not response.content:
        return
    page = soup(response)
    for name in names:
        typed = data.get(name)
        if not typed or len(typed) != 1 or any(c in typed[0] for c in "\x00\r"):
            continue
        box = page.find(attrs={"name": name})
        if box is None:  # a page without the form (closed, or the thank-you page)
            return
        shown = box.get("value", "") if box.name == "input" else box.get_text()
        assert shown.strip() == typed[0].strip(), name


# --- the forms -------------------------------------------------------------------------------------


@FUZZ
@given(data=answers(ENQUIRY))
def test_enquiry_form_never_fails_and_saves_nothing_invalid(browser, public_forms, data):
    before = Enquiry.objects.count()
    # A token that was never issued by the form can never save an enquiry.
    data["form_token"] = [t for t in data.get("form_token", []) if t] or ["not-a-real-token"]
    response = post(browser, "/enquire/", data)
    assert Enquiry.objects.count() == before
    assert_kept(response, data, ("first_name", "last_name", "email", "phone", "postcode"))


@FUZZ
@given(data=answers(ENQUIRY), email=hostile_text.filter(lambda text: "@" not in text))
def test_enquiry_form_with_a_real_token_saves_nothing_invalid(browser, public_forms, data, email):
    before = Enquiry.objects.count()
    page = soup(browser.get("/enquire/"))
    data["form_token"] = [page.find("input", attrs={"name": "form_token"})["value"]]
    data["email"] = [email]  # never a valid address
    data.pop("website", None)  # the honeypot: left empty, as a person does
    response = post(browser, "/enquire/", data)
    assert Enquiry.objects.count() == before
    assert response.status_code == 200
    assert_kept(response, data, ("first_name", "last_name", "phone", "postcode", "question"))


@FUZZ
@given(data=answers(BOOKING), which=st.sampled_from(["event", "full"]))
def test_booking_and_waiting_list_forms_never_fail(browser, public_forms, data, which):
    event = public_forms[which]
    before = Registration.objects.count()
    data["form_token"] = [t for t in data.get("form_token", []) if t] or ["not-a-real-token"]
    response = post(browser, event.url + event.reverse_subpage("booking"), data)
    assert Registration.objects.count() == before
    assert_kept(response, data, ("first_name", "last_name", "email", "phone", "postcode"))


@FUZZ
@given(token=st.one_of(odd_token, st.just("real")), data=answers({"confirm": value}))
def test_cancel_booking_never_fails(browser, public_forms, token, data):
    registration = public_forms["registration"]
    index = registration.event.get_parent().specific
    if token == "real":
        real = cancel_token(registration)  # a real booking, a forged signature
        token = real[:-1] + ("A" if real[-1] != "A" else "B")
    safe = "".join(c for c in token if c.isascii() and (c.isalnum() or c in "-_")) or "x"
    url = f"{index.url}{index.reverse_subpage('cancel_booking')}?token={safe}"
    get(browser, url, {})
    post(browser, url, data)
    registration.refresh_from_db()
    assert registration.status != Registration.Status.CANCELLED


@FUZZ
@given(token=odd_token, data=answers(ENQUIRY))
def test_malformed_csrf_tokens_get_the_explanation_page(public_forms, token, data):
    browser = Client(enforce_csrf_checks=True)
    browser.get("/enquire/")  # the CSRF cookie, as a browser would have it
    data["csrfmiddlewaretoken"] = [token]
    before = Enquiry.objects.count()
    response = post(browser, "/enquire/", data)
    assert response.status_code == 403
    assert Enquiry.objects.count() == before


@FUZZ
@given(data=answers({"analytics": value, "statistics": value, "form": value, "next": value}))
def test_cookie_choices_never_fail(browser, public_forms, data):
    response = post(browser, "/cookie-choices/", data)
    if response.status_code in (302, 303):
        assert urlsplit(response["Location"]).netloc in ("", "testserver"), "another site"


@FUZZ
@given(
    query=query_string,
    path=st.sampled_from(
        ["/search/", "/events/", "/events/past/", "/events/calendar/", "/enquire/", "/ur/search/"]
    ),
)
def test_search_listings_and_forms_take_any_query_string(browser, public_forms, query, path):
    get(browser, path, query)
