"""The public enquiry form at /enquire/ and its confirmation page, as a person meets them.

A person fills in the form (with a keyboard, a screen reader, a phone), sees every problem at
once in an error summary that links to each answer and beside the answer itself, never loses
what they typed, and ends on a confirmation page with a reference they can read out over the
phone. The enquiry is saved once however many times the form is sent, and nothing personal goes
into an address or a cache.
"""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import Site

from councils.models import HubSettings
from councils.tests.factories import CouncilFactory
from enquiry.forms import NOT_SURE
from enquiry.models import Enquiry, KeepInTouchConsent
from enquiry.public_forms import CONSENT_WORDING
from enquiry.tests.factories import HearAboutOptionFactory
from fostering_types.tests.factories import FosteringTypePageFactory
from home.tests.factories import PolicyPageFactory
from outbox.models import OutboxMessage
from testkit.html import clean, parse, soup

pytestmark = pytest.mark.django_db

URL = "/enquire/"
THANK_YOU = "/enquire/thank-you/"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Every test starts with a clean allowance of posts (the limit lives in the cache)."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def hub(enquiry_page):
    settings = HubSettings.for_site(Site.objects.get(is_default_site=True))
    settings.phone_number = "0300 123 4567"
    settings.phone_hours = "Monday to Friday, 9am to 5pm"
    settings.save()
    return settings


@pytest.fixture
def councils(db):
    return {
        "derby": CouncilFactory(
            name="Derby City Council", short_name="derby", postcode_districts="DE1 DE3 DE21"
        ),
        "derbyshire": CouncilFactory(
            name="Derbyshire County Council", short_name="derbyshire", postcode_districts="DE4 DE7"
        ),
        "nottingham": CouncilFactory(
            name="Nottingham City Council", short_name="nottingham", postcode_districts="NG1 NG5"
        ),
        # DE7 straddles a boundary: the person chooses.
        "notts": CouncilFactory(
            name="Nottinghamshire County Council",
            short_name="nottinghamshire",
            postcode_districts="NG17 DE7",
        ),
        "left": CouncilFactory(
            name="Leftshire Council",
            short_name="leftshire",
            postcode_districts="LE1",
            is_active=False,
        ),
    }


@pytest.fixture
def types(home):
    teenagers = FosteringTypePageFactory(title="Teenagers")
    short_breaks = FosteringTypePageFactory(title="Short breaks")
    draft = FosteringTypePageFactory(title="Draft type")
    draft.unpublish()
    return {"teenagers": teenagers, "short_breaks": short_breaks, "draft": draft}


@pytest.fixture
def options(db):
    return {
        "radio": HearAboutOptionFactory(label="Local radio"),
        "friend": HearAboutOptionFactory(label="A friend or family member"),
        "retired": HearAboutOptionFactory(label="The bus advert", is_active=False),
    }


@pytest.fixture
def form_page(enquiry_page, hub, councils, types, options):
    enquiry_page.privacy_page = PolicyPageFactory(title="Privacy notice", slug="privacy")
    enquiry_page.save()
    return enquiry_page


# --- Helpers ------------------------------------------------------------------------------


def token_from(response) -> str:
    return soup(response).find("input", attrs={"name": "form_token"})["value"]


def fresh_token(client, url: str = URL) -> str:
    return token_from(client.get(url))


def valid_answers(types=None, options=None, **overrides) -> dict:
    answers = {
        "first_name": "Sam",
        "last_name": "Okafor",
        "email": "sam.okafor@example.org",
        "phone": "07700 900982",
        "postcode": "de1 2ab",
        "council": "derby",
        "fostering_types": [types["teenagers"].pk] if types else [],
        "spare_bedroom": "yes",
        "contact_method": "phone",
        "contact_time": "evening",
        "question": "Can I foster if I work part time?",
        "heard_about": options["radio"].pk if options else "",
        "keep_in_touch": ["email", "text"],
        "website": "",
    }
    answers.update(overrides)
    return answers


def send(client, answers: dict, token: str | None = None, **extra):
    data = dict(answers)
    data["form_token"] = fresh_token(client) if token is None else token
    return client.post(URL, data, **extra)


def checked_values(page: BeautifulSoup, name: str) -> list[str]:
    return [
        box["value"]
        for box in page.find_all("input", attrs={"name": name})
        if box.has_attr("checked")
    ]


def described_by(element) -> list[str]:
    return (element.get("aria-describedby") or "").split()


def assert_no_store(response) -> None:
    assert "no-store" in response.headers.get("Cache-Control", ""), response.headers


# --- The empty form -----------------------------------------------------------------------


def test_form_page_shows_the_editors_words_and_every_question(client, form_page):
    response = client.get(URL)
    assert response.status_code == 200
    assert_no_store(response)
    page = parse(response)
    html = soup(response)

    assert html.title.get_text(strip=True).startswith("Enquire about fostering")
    assert page.has_heading("Enquire about fostering")
    assert page.has_text("Tell us a little about yourself and we will call you")
    assert page.has_heading("What happens next")
    assert page.has_text("We arrange a visit to your home.")
    assert page.has_text("We will contact you within two working days.")
    assert page.has_text("We use your details only to answer your enquiry.")
    privacy = [link for link in page.links if link.href == form_page.privacy_page.url]
    assert privacy and "privacy notice" in privacy[0].text.lower()
    assert page.links_to("tel:03001234567"), "the hub's phone number beside the form"

    form = html.find("main").find("form", attrs={"method": "post"})
    assert form["action"] == URL, "the form posts to a clean address"
    for label in [
        "First name",
        "Last name",
        "Email address",
        "Phone number",
        "Postcode",
        "Is there anything you would like to ask us? (optional)",
    ]:
        element = form.find("label", string=label)
        assert element is not None, label
        assert form.find(id=element["for"]) is not None, f"{label} labels a real input"
    legends = [clean(legend.get_text()) for legend in form.find_all("legend")]
    assert legends == [
        "Which council would you like to foster for?",
        "Which types of fostering interest you? (optional)",
        "Do you have a spare bedroom?",
        "How would you like us to contact you?",
        "When is the best time to contact you?",
        "How did you hear about us? (optional)",
        "If you are not ready to foster yet, can we keep in touch? (optional)",
    ]
    # Handling an enquiry is a public task: the privacy notice is linked, not a tick box.
    assert not form.find("input", attrs={"name": re.compile("privacy|consent|agree")})


def test_choices_come_from_the_admin(client, form_page, councils, types, options):
    html = soup(client.get(URL))
    council_labels = [
        clean(label.get_text()) for label in html.select("input[name=council] + label")
    ]
    assert council_labels == [
        "Derby City Council",
        "Derbyshire County Council",
        "Nottingham City Council",
        "Nottinghamshire County Council",
        "I'm not sure yet",
    ], "active councils only, then ‘not sure yet’"
    assert checked_values(html, "council") == [NOT_SURE]

    type_labels = [
        clean(label.get_text()) for label in html.select("input[name=fostering_types] + label")
    ]
    assert type_labels == ["Teenagers", "Short breaks"], "live types of fostering only"
    heard = [clean(label.get_text()) for label in html.select("input[name=heard_about] + label")]
    assert heard == ["Local radio", "A friend or family member"], "offered answers only"


def test_inputs_help_browsers_and_people(client, form_page):
    """Right input types and autocomplete tokens, no placeholders, no length cut-off, nothing
    ticked for the person, and the honeypot out of everyone's way."""
    html = soup(client.get(URL))
    expected = {
        "first_name": ("text", "given-name"),
        "last_name": ("text", "family-name"),
        "email": ("email", "email"),
        "phone": ("tel", "tel"),
        "postcode": ("text", "postal-code"),
    }
    for name, (kind, autocomplete) in expected.items():
        element = html.find("input", attrs={"name": name})
        assert element["type"] == kind, name
        assert element["autocomplete"] == autocomplete, name
    for element in html.select("form input, form textarea"):
        assert not element.has_attr("placeholder"), element
        assert not element.has_attr("maxlength"), "maxlength silently cuts off pasted text"
        assert not element.has_attr("onpaste")
    assert checked_values(html, "keep_in_touch") == [], "consent boxes start unticked"
    assert checked_values(html, "fostering_types") == []
    for radio_name in ["spare_bedroom", "contact_method", "contact_time", "heard_about"]:
        assert checked_values(html, radio_name) == [], radio_name

    consent_labels = [
        clean(label.get_text()) for label in html.select("input[name=keep_in_touch] + label")
    ]
    assert len(consent_labels) == 3, "one box per channel: email, phone, text"

    honeypot = html.find("input", attrs={"name": "website"})
    assert honeypot["tabindex"] == "-1" and honeypot["autocomplete"] == "off"
    assert honeypot.find_parent(attrs={"hidden": True}) is not None, "hidden from everyone"
    assert html.find("main").find("form").has_attr("novalidate"), (
        "our error messages, not the browser's"
    )
    assert not html.find(class_="error-summary")


def test_questions_with_no_answers_to_offer_are_left_out(client, enquiry_page):
    """Before any type of fostering is published or any answer to "How did you hear about us?"
    is offered, those questions are not asked, and the form still works."""
    html = soup(client.get(URL))
    legends = [clean(legend.get_text()) for legend in html.find_all("legend")]
    assert "Which types of fostering interest you? (optional)" not in legends
    assert "How did you hear about us? (optional)" not in legends
    assert send(client, valid_answers(council=NOT_SURE)).status_code == 303
    assert Enquiry.objects.count() == 1


# --- Sending a valid enquiry ----------------------------------------------------------------


def test_a_valid_enquiry_is_saved_once_and_confirmed(client, form_page, councils, types, options):
    form_html = soup(client.get(URL))
    shown_wording = {
        box["value"]: clean(form_html.find("label", attrs={"for": box["id"]}).get_text())
        for box in form_html.find_all("input", attrs={"name": "keep_in_touch"})
    }
    before = timezone.now()
    answers = valid_answers(
        types,
        options,
        fostering_types=[types["teenagers"].pk, types["short_breaks"].pk],
        keep_in_touch=["email", "text"],
    )
    response = send(client, answers, token=token_from(client.get(URL)))

    assert response.status_code == 303, "Post/Redirect/Get"
    assert response["Location"] == THANK_YOU
    enquiry = Enquiry.objects.get()
    assert (enquiry.first_name, enquiry.last_name) == ("Sam", "Okafor")
    assert enquiry.email == "sam.okafor@example.org"
    assert enquiry.postcode == "DE1 2AB", "normalised"
    assert enquiry.postcode_district == "DE1"
    assert enquiry.council == councils["derby"]
    assert set(enquiry.fostering_types.all()) == {types["teenagers"], types["short_breaks"]}
    assert enquiry.spare_bedroom == "yes"
    assert (enquiry.contact_method, enquiry.contact_time) == ("phone", "evening")
    assert enquiry.question == "Can I foster if I work part time?"
    assert enquiry.heard_about == options["radio"]
    assert enquiry.received_via == "website"
    assert enquiry.language == "en-gb"

    consents = {consent.channel: consent for consent in enquiry.consents.all()}
    assert set(consents) == {KeepInTouchConsent.Channel.EMAIL, KeepInTouchConsent.Channel.TEXT}
    for channel, consent in consents.items():
        assert clean(consent.wording) == shown_wording[channel], "the exact words shown"
        assert consent.wording == str(CONSENT_WORDING[channel])
        assert before <= consent.given_at <= timezone.now()

    confirmation = client.get(THANK_YOU)
    assert confirmation.status_code == 200
    assert_no_store(confirmation)
    page = parse(confirmation)
    assert page.has_heading("Enquiry sent")
    assert soup(confirmation).find("strong", string=enquiry.reference) is not None
    assert re.fullmatch(r"HUB-\d{4}-\d{6}", enquiry.reference)
    assert page.has_text("We have sent a confirmation to your email address")
    assert "sam.okafor@example.org" not in confirmation.content.decode(), "no address printed"
    assert page.has_text("We will contact you within two working days.")
    assert page.has_text("We arrange a visit to your home.")
    assert page.links_to("tel:03001234567")
    assert page.has_text("Monday to Friday, 9am to 5pm")
    assert soup(confirmation).find("meta", attrs={"name": "robots", "content": "noindex"})


def test_not_sure_yet_saves_no_council(client, form_page, types, options):
    response = send(client, valid_answers(types, options, council=NOT_SURE, keep_in_touch=[]))
    assert response.status_code == 303
    enquiry = Enquiry.objects.get()
    assert enquiry.council is None, "a valid ‘not sure yet’ is kept, even for a DE1 postcode"
    assert not enquiry.consents.exists(), "no box ticked, no permission recorded"
    assert enquiry.heard_about == options["radio"]


def test_optional_questions_can_be_left_empty(client, form_page):
    answers = valid_answers(question="", heard_about="", keep_in_touch=[], fostering_types=[])
    assert send(client, answers).status_code == 303
    enquiry = Enquiry.objects.get()
    assert enquiry.question == "" and enquiry.heard_about is None
    assert not enquiry.fostering_types.exists()


def test_confirmation_text_from_the_editor(client, form_page, types, options):
    form_page.confirmation_text = "<p>While you wait, read our carers’ stories.</p>"
    form_page.save()
    send(client, valid_answers(types, options))
    assert parse(client.get(THANK_YOU)).has_text("While you wait, read our carers' stories.")


def test_the_same_form_sent_twice_saves_one_enquiry(client, form_page, types, options):
    """A double click or a resubmitted page: one enquiry, one set of emails, one reference."""
    token = fresh_token(client)
    first = send(client, valid_answers(types, options), token=token)
    first_reference = soup(client.get(first["Location"])).find("strong", class_="panel__reference")
    messages = OutboxMessage.objects.count()

    second = send(client, valid_answers(types, options), token=token)
    assert second.status_code == 303 and second["Location"] == first["Location"]
    second_reference = soup(client.get(second["Location"])).find(
        "strong", class_="panel__reference"
    )

    assert Enquiry.objects.count() == 1
    assert OutboxMessage.objects.count() == messages, "nothing sent twice"
    assert (
        first_reference.get_text() == second_reference.get_text() == Enquiry.objects.get().reference
    )


def test_two_forms_make_two_enquiries_with_different_references(client, form_page, types, options):
    send(client, valid_answers(types, options))
    send(client, valid_answers(types, options, email="another@example.org"))
    assert Enquiry.objects.count() == 2
    assert len(set(Enquiry.objects.values_list("reference", flat=True))) == 2


def test_the_thank_you_page_without_an_enquiry_is_neutral(client, form_page):
    """Visited straight, or reached by a post the spam checks turned away: no reference, but
    the phone number, so a person whose enquiry did not arrive can still reach us."""
    response = client.get(THANK_YOU)
    assert response.status_code == 200
    assert_no_store(response)
    page = parse(response)
    assert page.has_heading("Thank you")
    assert not page.has_heading("Enquiry sent")
    assert "HUB-" not in response.content.decode()
    assert page.links_to("tel:03001234567")
    assert soup(response).find("meta", attrs={"name": "robots", "content": "noindex"})


def test_the_reference_is_shown_only_in_the_browser_that_sent_it(client, form_page, types, options):
    from django.test import Client

    send(client, valid_answers(types, options))
    other = Client().get(THANK_YOU)
    assert "HUB-" not in other.content.decode()


def test_no_personal_data_in_any_address(client, form_page, types, options):
    answers = valid_answers(types, options)
    bad = send(client, dict(answers, phone="not a phone"))
    assert bad.status_code == 200
    good = send(client, answers)
    confirmation = client.get(good["Location"])
    addresses = [good["Location"], URL, THANK_YOU]
    addresses += [a["href"] for a in soup(confirmation).find_all("a", href=True)]
    addresses += [a["href"] for a in soup(bad).find_all("a", href=True)]
    addresses += [form["action"] for form in soup(bad).find_all("form")]
    for address in addresses:
        for value in ("Sam", "Okafor", "sam.okafor", "07700", "DE1", "de1", "2ab", "2AB"):
            assert value not in address, (value, address)


def test_form_and_error_pages_are_not_stored_by_browsers_or_proxies(client, form_page, types):
    assert_no_store(client.get(URL))
    assert_no_store(send(client, valid_answers(types, phone="nope")))
    assert_no_store(client.get(THANK_YOU))


# --- Problems with the answers -------------------------------------------------------------

LONG_UNICODE = "Łódź" * 30  # 120 letters
BAD_ANSWERS = [
    # field, value, the message shown
    ("first_name", "", "Enter your first name"),
    ("first_name", "   ", "Enter your first name"),
    ("first_name", "a" * 101, "First name must be 100 characters or fewer"),
    ("first_name", LONG_UNICODE, "First name must be 100 characters or fewer"),
    (
        "first_name",
        "<script>alert(1)</script>",
        "First name must only include letters, spaces, hyphens and apostrophes",
    ),
    (
        "first_name",
        "Robert'); DROP TABLE enquiry_enquiry;--",
        "First name must only include letters, spaces, hyphens and apostrophes",
    ),
    ("first_name", "Sam\x07", "Remove the unusual characters"),
    ("first_name", "Sam\x00", "Remove the unusual characters"),
    ("first_name", "Sam\u202egpj.exe", "Remove the unusual characters"),
    ("last_name", "", "Enter your last name"),
    ("last_name", "b" * 101, "Last name must be 100 characters or fewer"),
    (
        "last_name",
        "1 OR 1=1",
        "Last name must only include letters, spaces, hyphens and apostrophes",
    ),
    ("last_name", "Okafor\x1b[31m", "Remove the unusual characters"),
    ("email", "", "Enter your email address"),
    (
        "email",
        "sam.example.org",
        "Enter an email address in the correct format, like name@example.com",
    ),
    (
        "email",
        "<script>@example.org",
        "Enter an email address in the correct format, like name@example.com",
    ),
    (
        "email",
        "sam@example.org' OR '1'='1",
        "Enter an email address in the correct format, like name@example.com",
    ),
    (
        "email",
        "a" * 64 + "@" + ("b" * 60 + ".") * 4 + "org",
        "Email address must be 254 characters or fewer",
    ),
    ("phone", "", "Enter a phone number"),
    (
        "phone",
        "12345",
        "Enter a phone number, like 01632 960 001, 07700 900 982 or +44 808 157 0192",
    ),
    (
        "phone",
        "<script>",
        "Enter a phone number, like 01632 960 001, 07700 900 982 or +44 808 157 0192",
    ),
    ("phone", "0" * 31, "Phone number must be 30 characters or fewer"),
    ("phone", "07700 900982\x00", "Remove the unusual characters"),
    ("postcode", "", "Enter your postcode"),
    ("postcode", "ABC", "Enter a real postcode, like DE1 2AB"),
    ("postcode", "<script>", "Enter a real postcode, like DE1 2AB"),
    ("postcode", "DE1 2AB DE1 2AB", "Enter a real postcode, like DE1 2AB"),
    ("postcode", "DE1\x072AB", "Remove the unusual characters"),
    ("council", "", "Select a council, or ‘I’m not sure yet’"),
    ("council", "<script>", "Select a council, or ‘I’m not sure yet’"),
    ("council", "leftshire", "Select a council, or ‘I’m not sure yet’"),
    ("fostering_types", ["<script>"], "Select types of fostering from the list"),
    ("fostering_types", ["999999"], "Select types of fostering from the list"),
    ("spare_bedroom", "", "Select whether you have a spare bedroom"),
    ("spare_bedroom", "maybe'; --", "Select whether you have a spare bedroom"),
    ("contact_method", "", "Select how you would like us to contact you"),
    ("contact_method", "carrier pigeon", "Select how you would like us to contact you"),
    ("contact_time", "", "Select the best time to contact you"),
    ("contact_time", "midnight", "Select the best time to contact you"),
    ("question", "x" * 2001, "Your question must be 2000 characters or fewer"),
    ("question", "ü" * 2001, "Your question must be 2000 characters or fewer"),
    ("question", "Hello\x00", "Remove the unusual characters"),
    ("question", "Hello \u202e", "Remove the unusual characters"),
    ("heard_about", "<script>", "Select how you heard about us from the list"),
    ("heard_about", "99999999999999999999", "Select how you heard about us from the list"),
    ("keep_in_touch", ["carrier-pigeon"], "Select ways to keep in touch from the list"),
]


@pytest.mark.parametrize(
    "field,value,message",
    BAD_ANSWERS,
    ids=[f"{field}-{index}" for index, (field, _value, _message) in enumerate(BAD_ANSWERS)],
)
def test_each_bad_answer_is_explained_and_kept(
    client, form_page, types, options, field, value, message
):
    # A postcode no partner council covers, so "nothing chosen" is not filled in for them.
    answers = valid_answers(types, options, **{"postcode": "SW1A 1AA", field: value})
    response = send(client, answers)

    assert response.status_code == 200
    assert not Enquiry.objects.exists()
    assert_no_store(response)
    html = soup(response)
    assert html.title.get_text().startswith("Error: "), "the page title says there is a problem"

    summary = html.find(class_="error-summary")
    assert summary["role"] == "alert" and summary["tabindex"] == "-1"
    assert summary.has_attr("autofocus"), "focus moves to the summary, without JavaScript too"
    assert clean(summary.find("h2").get_text()) == "There is a problem"
    links = {a["href"]: clean(a.get_text()) for a in summary.find_all("a")}
    assert len(links) == 1, links
    ((href, text),) = links.items()
    assert text == clean(message)
    target = html.find(id=href.removeprefix("#"))
    assert target is not None and target.get("name") == field, "links to the answer itself"

    error = html.find(id=f"{field}-error")
    assert error is not None and error.name == "p"
    assert clean(error.get_text()) == f"Error: {clean(message)}"
    assert clean(error.find(class_="visually-hidden").get_text()) == "Error:"

    if target.name == "input" and target["type"] in ("radio", "checkbox"):
        fieldset = target.find_parent("fieldset")
        assert f"{field}-error" in described_by(fieldset)
        assert fieldset.find("legend") is not None
    else:
        assert f"{field}-error" in described_by(target)
        assert target["aria-invalid"] == "true"
        kept = (
            target.get_text().strip("\n") if target.name == "textarea" else target.get("value", "")
        )
        assert kept.replace("\ufffd", "\x00") == value, "what was typed is kept"
    assert b"<script>" not in response.content.split(b"</head>")[1], "shown escaped"


def test_hint_and_error_both_describe_the_input(client, form_page, types, options):
    html = soup(send(client, valid_answers(types, options, email="nope", spare_bedroom="")))
    assert described_by(html.find(id="email")) == ["email-hint", "email-error"]
    fieldset = html.find(id="spare_bedroom_0").find_parent("fieldset")
    assert described_by(fieldset) == ["spare_bedroom-hint", "spare_bedroom-error"]
    assert not html.find(id="phone").has_attr("aria-invalid"), "only answers with a problem"
    assert described_by(html.find(id="phone")) == ["phone-hint"]


def test_an_empty_form_lists_every_problem_in_page_order(client, form_page):
    response = client.post(URL, {"form_token": fresh_token(client), "council": NOT_SURE})
    html = soup(response)
    links = [a["href"] for a in html.find(class_="error-summary").find_all("a")]
    assert links == [
        "#first_name",
        "#last_name",
        "#email",
        "#phone",
        "#postcode",
        "#spare_bedroom_0",
        "#contact_method_0",
        "#contact_time_0",
    ]
    for href in links:
        assert html.find(id=href[1:]) is not None


def test_everything_typed_is_kept_when_the_form_comes_back(
    client, form_page, councils, types, options
):
    answers = valid_answers(
        types,
        options,
        council="nottingham",
        fostering_types=[types["teenagers"].pk, types["short_breaks"].pk],
        spare_bedroom="not_yet",
        contact_method="text",
        contact_time="morning",
        heard_about=options["friend"].pk,
        keep_in_touch=["phone", "text"],
        question="Is <b>fostering</b> right for us? 'quotes' & \"more\"",
        phone="not a number",
    )
    html = soup(send(client, answers))
    for name in ["first_name", "last_name", "email", "phone", "postcode"]:
        assert html.find("input", attrs={"name": name})["value"] == answers[name], name
    assert (
        html.find("textarea", attrs={"name": "question"}).get_text().strip() == answers["question"]
    )
    assert checked_values(html, "council") == ["nottingham"]
    assert checked_values(html, "fostering_types") == [
        str(types["teenagers"].pk),
        str(types["short_breaks"].pk),
    ]
    assert checked_values(html, "spare_bedroom") == ["not_yet"]
    assert checked_values(html, "contact_method") == ["text"]
    assert checked_values(html, "contact_time") == ["morning"]
    assert checked_values(html, "heard_about") == [str(options["friend"].pk)]
    assert checked_values(html, "keep_in_touch") == ["phone", "text"]


def test_hostile_text_is_kept_as_text(client, form_page, types, options):
    """Markup and SQL in a question are just words: saved as typed, shown escaped."""
    question = "<script>alert('x')</script> '; DROP TABLE enquiry_enquiry; --"
    bad = send(client, valid_answers(types, options, question=question, phone="?"))
    assert b"<script>alert('x')</script>" not in bad.content
    assert soup(bad).find("textarea").get_text().strip() == question
    assert send(client, valid_answers(types, options, question=question)).status_code == 303
    assert Enquiry.objects.get().question == question


@pytest.mark.parametrize(
    "field,value",
    [
        ("first_name", "Zoë"),
        ("last_name", "O’Brien-Smith"),
        ("first_name", "نازنین"),
        ("first_name", "ناز\u200cنین"),  # Persian, with a zero-width non-joiner
        ("last_name", "श्रीवास्तव"),
        ("question", "We are a family of three 👨\u200d👩\u200d👧 with a spare room."),
        ("phone", "+44 (0)7700 900982"),
        ("postcode", " de1  2ab "),
    ],
)
def test_real_answers_are_accepted(client, form_page, types, options, field, value):
    assert send(client, valid_answers(types, options, **{field: value})).status_code == 303
    assert Enquiry.objects.count() == 1


# --- Choosing a council -------------------------------------------------------------------


def test_a_council_pages_link_chooses_that_council(client, form_page):
    assert checked_values(soup(client.get(URL, {"council": "nottingham"})), "council") == [
        "nottingham"
    ]


@pytest.mark.parametrize("value", ["leftshire", "nowhere", "<script>", ""])
def test_unknown_or_former_councils_in_the_link_are_ignored(client, form_page, value):
    response = client.get(URL, {"council": value})
    assert response.status_code == 200
    html = soup(response)
    assert checked_values(html, "council") == [NOT_SURE]
    assert not html.find(class_="error-summary")


def test_postcode_chooses_the_council_when_the_form_comes_back(client, form_page):
    answers = valid_answers(council=NOT_SURE, postcode="de21 4xy", phone="bad")
    html = soup(send(client, answers))
    assert checked_values(html, "council") == ["derby"]
    hint = html.find(id="council-suggestion")
    assert clean(hint.get_text()) == (
        "We have chosen Derby City Council because your postcode is in its area. "
        "You can change this."
    )
    fieldset = html.find(id="council_0").find_parent("fieldset")
    assert "council-suggestion" in described_by(fieldset)
    assert not html.find(id="council-error")


def test_postcode_fills_in_a_council_left_empty(client, form_page):
    html = soup(send(client, valid_answers(council="", postcode="NG5 1AA", phone="bad")))
    assert checked_values(html, "council") == ["nottingham"]
    links = [a["href"] for a in html.find(class_="error-summary").find_all("a")]
    assert links == ["#phone"], "the council is answered for them, with the reason shown"


@pytest.mark.parametrize(
    "postcode,why",
    [
        ("DE7 5AB", "the district is in two councils' areas"),
        ("LE1 1AA", "the council has left the partnership"),
        ("SW1A 1AA", "no partner council covers it"),
        ("DE1", "not a full postcode"),
    ],
)
def test_no_council_is_guessed_when_the_postcode_does_not_decide(client, form_page, postcode, why):
    html = soup(send(client, valid_answers(council=NOT_SURE, postcode=postcode, phone="bad")))
    assert checked_values(html, "council") == [NOT_SURE], why
    assert clean(html.find(id="council-suggestion").get_text()) == ""


def test_a_council_the_person_chose_is_never_changed(client, form_page):
    html = soup(send(client, valid_answers(council="nottingham", postcode="DE1 2AB", phone="bad")))
    assert checked_values(html, "council") == ["nottingham"]


def test_the_page_carries_the_district_map_for_the_script(client, form_page):
    import json

    html = soup(client.get(URL))
    data = json.loads(html.find("script", id="enquiry-councils").string)
    assert data["notSure"] == NOT_SURE
    assert data["districts"]["DE1"] == "derby"
    assert data["districts"]["NG5"] == "nottingham"
    assert "DE7" not in data["districts"], "ambiguous districts are left to the person"
    assert "LE1" not in data["districts"], "former partners are not offered"
    assert html.find("script", id="enquiry-councils")["type"] == "application/json"
    inline = [
        s for s in html.find_all("script") if s.string and s.get("type") != "application/json"
    ]
    assert not inline, "no inline scripts (a strict CSP is coming)"


# --- Cost --------------------------------------------------------------------------------

BUDGET_ENQUIRY_FORM = 18  # 17, and the page's versions in the other languages


def count_queries(client) -> int:
    client.get(URL)  # warm up: settings rows, site root paths
    with CaptureQueriesContext(connection) as queries:
        assert client.get(URL).status_code == 200
    return len(queries)


def test_the_form_costs_a_fixed_number_of_queries(client, form_page, django_assert_max_num_queries):
    before = count_queries(client)
    for _ in range(5):
        CouncilFactory()
        FosteringTypePageFactory()
        HearAboutOptionFactory()
    after = count_queries(client)
    assert after == before, "no query per council, type of fostering or answer"
    with django_assert_max_num_queries(BUDGET_ENQUIRY_FORM):
        client.get(URL)
