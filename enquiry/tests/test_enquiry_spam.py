"""Spam protection on the enquiry form, without a CAPTCHA, and without losing anyone.

A honeypot nobody can see, a minimum time to fill the form in and a limit on valid posts per
client address. Only a filled honeypot (which no person can fill in) is discarded; a valid post
sent too fast or over the limit is held for staff to review (test_quarantine.py), never
thrown away behind a thank-you. Both get exactly what a person who succeeded gets (a 303 to the
thank-you page), which then says calmly that the message is being checked, and staff see a
count per reason. A form whose token is missing, forged or too old comes back to the person
with a clear message and everything they typed.
"""

from __future__ import annotations

import logging
import time
import uuid

import pytest
from django.core import signing
from django.core.cache import cache
from django.test import Client, override_settings

from core import spam
from enquiry.models import Enquiry, HeldSubmission, RejectedSubmission
from outbox.models import OutboxMessage
from testkit.html import clean, soup

pytestmark = pytest.mark.django_db

URL = "/enquire/"
THANK_YOU = "/enquire/thank-you/"
Reason = RejectedSubmission.Reason


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def form_page(enquiry_page):
    return enquiry_page


def answers(**overrides) -> dict:
    data = {
        "first_name": "Priya",
        "last_name": "Shah",
        "email": "priya.shah@example.org",
        "phone": "01632 960001",
        "postcode": "NG1 1AA",
        "council": "not-sure",
        "spare_bedroom": "not_yet",
        "contact_method": "email",
        "contact_time": "any",
        "question": "",
        "website": "",
    }
    data.update(overrides)
    return data


def token_from(response) -> str:
    html = soup(response)
    return html.find("input", attrs={"name": "form_token"})["value"]


def shown_token(client) -> str:
    return token_from(client.get(URL))


def rejected(reason: str) -> int:
    row = RejectedSubmission.objects.filter(reason=reason).first()
    return row.count if row else 0


def assert_looks_like_success(response) -> None:
    assert response.status_code == 303
    assert response["Location"] == THANK_YOU


def assert_being_checked(client) -> None:
    """The page after a held (or discarded) post: honest and calm, no reference, no promise
    of a reply within two working days."""
    page = client.get(THANK_YOU).content.decode()
    assert "We have received your message" in page
    assert "We check some messages before they reach our team" in page
    assert "HUB-" not in page
    assert "we will contact you" not in page.lower()


# --- Discarded (the honeypot) or held (everything else a check doubts) -------------------------


def test_a_filled_honeypot_is_discarded_behind_an_ordinary_page(client, form_page):
    response = client.post(
        URL, answers(website="https://cheap-pills.example", form_token=shown_token(client))
    )
    assert_looks_like_success(response)
    assert not Enquiry.objects.exists()
    assert not HeldSubmission.objects.exists(), "the only check that discards"
    assert not OutboxMessage.objects.exists(), "no email to anyone"
    assert rejected(Reason.HONEYPOT) == 1
    assert_being_checked(client)


def test_a_success_and_a_rejection_are_indistinguishable(client, form_page):
    good = client.post(URL, answers(form_token=shown_token(client)))
    bot = Client().post(URL, answers(website="x", form_token=shown_token(client)))
    assert (good.status_code, good["Location"]) == (bot.status_code, bot["Location"])
    assert good["Cache-Control"] == bot["Cache-Control"]


@override_settings(ENQUIRY_MIN_FILL_SECONDS=30)
def test_a_form_sent_too_soon_after_it_was_shown_is_held_for_review(client, form_page):
    response = client.post(URL, answers(form_token=shown_token(client)))
    assert_looks_like_success(response)
    assert not Enquiry.objects.exists(), "not in the team's list until someone releases it"
    held = HeldSubmission.objects.get()
    assert (held.kind, held.reason, held.email) == (
        "enquiry",
        Reason.TOO_FAST,
        "priya.shah@example.org",
    )
    assert not OutboxMessage.objects.exists()
    assert rejected(Reason.TOO_FAST) == 1
    assert_being_checked(client)


@override_settings(ENQUIRY_MIN_FILL_SECONDS=30)
def test_a_form_filled_in_at_a_human_pace_is_saved(client, form_page):
    token = spam.issue_token(issued_at=time.time() - 45)
    assert_looks_like_success(client.post(URL, answers(form_token=token)))
    assert Enquiry.objects.count() == 1
    assert not RejectedSubmission.objects.exists()


@override_settings(ENQUIRY_MIN_FILL_SECONDS=30)
def test_fill_time_counts_from_when_the_form_was_first_shown(client, form_page):
    """A form shown again with errors keeps its token, so correcting a mistake quickly after
    the first try is not mistaken for a bot."""
    token = spam.issue_token(issued_at=time.time() - 45)
    again = client.post(URL, answers(phone="oops", form_token=token))
    assert again.status_code == 200
    assert token_from(again) == token, "the same token through every re-display"
    assert_looks_like_success(client.post(URL, answers(form_token=token_from(again))))
    assert Enquiry.objects.count() == 1


@override_settings(ENQUIRY_RATE_LIMIT="3/h")
def test_too_many_posts_from_one_address_are_held(client, form_page):
    for n in range(3):
        response = client.post(
            URL, answers(email=f"p{n}@example.org", form_token=shown_token(client))
        )
        assert_looks_like_success(response)
    assert Enquiry.objects.count() == 3

    response = client.post(URL, answers(email="p4@example.org", form_token=shown_token(client)))
    assert_looks_like_success(response)
    assert Enquiry.objects.count() == 3, "the fourth post waits for a person to look at it"
    assert HeldSubmission.objects.get().reason == Reason.RATE_LIMITED
    assert rejected(Reason.RATE_LIMITED) == 1
    assert_being_checked(client)

    other = Client(REMOTE_ADDR="203.0.113.7")
    response = other.post(URL, answers(email="p5@example.org", form_token=shown_token(other)))
    assert_looks_like_success(response)
    assert Enquiry.objects.count() == 4, "another address has its own allowance"


@override_settings(ENQUIRY_RATE_LIMIT="2/h")
def test_posts_with_errors_do_not_count_towards_the_limit(client, form_page):
    """A person at a library correcting their phone number three times has not used up the
    address's allowance: only valid sends count (a bot probing the form with errors saves
    nothing anyway)."""
    for typo in ("x", "y", "z"):
        assert (
            client.post(URL, answers(phone=typo, form_token=shown_token(client))).status_code == 200
        )
    for n in range(2):
        client.post(URL, answers(email=f"p{n}@example.org", form_token=shown_token(client)))
    assert Enquiry.objects.count() == 2
    assert not HeldSubmission.objects.exists()
    client.post(URL, answers(email="p3@example.org", form_token=shown_token(client)))
    assert HeldSubmission.objects.get().reason == Reason.RATE_LIMITED, "the third valid one"


@override_settings(ENQUIRY_RATE_LIMIT="2/h")
def test_sending_the_same_enquiry_again_does_not_count_towards_the_limit(client, form_page):
    client.post(URL, answers(form_token=shown_token(client)))
    for _ in range(3):  # Back and Send again, and again
        assert_looks_like_success(client.post(URL, answers(form_token=shown_token(client))))
    assert Enquiry.objects.count() == 1
    client.post(URL, answers(email="partner@example.org", form_token=shown_token(client)))
    assert Enquiry.objects.count() == 2, "still within the allowance"
    assert not HeldSubmission.objects.exists()


def test_the_form_can_still_be_read_when_the_limit_is_reached(client, form_page):
    with override_settings(ENQUIRY_RATE_LIMIT="1/h"):
        client.post(URL, answers(form_token=shown_token(client)))
        client.post(URL, answers(form_token=shown_token(client)))
        assert client.get(URL).status_code == 200, "only posts are limited"


# --- Tokens that cannot be trusted: said plainly, answers kept ---------------------------------


def forged(token: str) -> str:
    value, signature = token.rsplit(":", 1)
    _submission, issued = value.split(":")
    return f"{uuid.uuid4()}:{issued}:{signature}"


@pytest.mark.parametrize(
    "make_token",
    [
        pytest.param(lambda: "", id="missing"),
        pytest.param(lambda: "not-a-token", id="garbage"),
        pytest.param(lambda: forged(spam.issue_token()), id="forged"),
        pytest.param(
            lambda: signing.Signer(salt="another.purpose").sign(
                f"{uuid.uuid4()}:{int(time.time())}"
            ),
            id="signed-for-something-else",
        ),
        pytest.param(
            lambda: spam.issue_token(issued_at=time.time() - 60 * 60 * 24 - 60), id="expired"
        ),
        pytest.param(
            lambda: spam.issue_token(issued_at=time.time() + 60 * 60), id="from-the-future"
        ),
    ],
)
def test_an_untrustworthy_token_brings_the_form_back_with_a_message(client, form_page, make_token):
    bad_token = make_token()
    response = client.post(URL, answers(form_token=bad_token, question="Do you need a garden?"))

    assert response.status_code == 200, "not silent: the person sees the form again"
    assert not Enquiry.objects.exists()
    html = soup(response)
    assert html.title.get_text().startswith("Error: ")
    summary = html.find(class_="error-summary")
    message = clean(summary.get_text())
    assert "This form timed out before it was sent" in message
    assert html.find(id=summary.find("a")["href"][1:]).name == "button", "links to Send"
    assert html.find("input", attrs={"name": "first_name"})["value"] == "Priya", "answers kept"
    assert html.find("textarea").get_text().strip() == "Do you need a garden?"
    assert rejected(Reason.EXPIRED) == 1

    fresh = token_from(response)
    assert fresh != bad_token
    spam.read_token(fresh)  # a genuine new token
    assert_looks_like_success(client.post(URL, answers(form_token=fresh)))
    assert Enquiry.objects.count() == 1


@override_settings(ENQUIRY_FORM_MAX_AGE_SECONDS=60)
def test_the_maximum_age_comes_from_the_settings(client, form_page):
    old = spam.issue_token(issued_at=time.time() - 120)
    assert client.post(URL, answers(form_token=old)).status_code == 200
    assert not Enquiry.objects.exists()


def test_a_forged_token_cannot_choose_the_enquiry_it_reuses(client, form_page):
    """The submission id inside the token is signed: a stranger cannot make their post land on
    someone else's enquiry (and see its reference) by guessing its token."""
    client.post(URL, answers(form_token=shown_token(client)))
    enquiry = Enquiry.objects.get()
    signature = spam.issue_token().rsplit(":", 1)[1]
    stolen = f"{enquiry.submission_token}:{int(time.time()) - 10}:{signature}"
    stranger = Client()
    assert stranger.post(URL, answers(form_token=stolen)).status_code == 200
    assert "HUB-" not in stranger.get(THANK_YOU).content.decode()


# --- What the checks write down --------------------------------------------------------------


def test_rejections_are_counted_per_day_and_reason(client, form_page):
    for _ in range(3):
        client.post(URL, answers(website="spam", form_token=shown_token(client)))
    row = RejectedSubmission.objects.get()
    assert (row.reason, row.count, row.form) == (Reason.HONEYPOT, 3, "enquiry")


def test_nothing_personal_is_logged(client, form_page, caplog):
    caplog.set_level(logging.DEBUG)
    with override_settings(ENQUIRY_MIN_FILL_SECONDS=30):
        client.post(URL, answers(form_token=shown_token(client)))
    client.post(URL, answers(website="cheap-pills", form_token=shown_token(client)))
    client.post(URL, answers(form_token="forged"))
    client.post(URL, answers(form_token=spam.issue_token(issued_at=time.time() - 60)))
    logged = caplog.text
    assert "turned away" in logged, "staff can see that the checks work"
    for value in ["Priya", "Shah", "priya.shah", "01632", "NG1", "cheap-pills", "forged"]:
        assert value not in logged, value


# --- The token itself ------------------------------------------------------------------------


def test_a_token_names_its_submission_and_when_it_was_shown():
    submission = uuid.uuid4()
    token = spam.read_token(
        spam.issue_token(issued_at=1_800_000_000, submission=submission), now=1_800_000_100
    )
    assert token.submission == submission
    assert token.issued_at == 1_800_000_000
    assert token.age(now=1_800_000_100) == 100


def test_each_form_shown_gets_its_own_submission(client, form_page):
    first = spam.read_token(shown_token(client))
    second = spam.read_token(shown_token(client))
    assert first.submission != second.submission


# --- Real people behind proxies, after a refused token, and during a cache outage --------------


def test_the_rate_limit_reads_the_address_the_trusted_proxy_saw(rf):
    with override_settings(TRUSTED_PROXY_COUNT=1):
        # The client can write anything at the start of X-Forwarded-For; the proxy appends the
        # address it really saw, so that is the one counted.
        request = rf.post(URL, HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9", REMOTE_ADDR="10.0.0.2")
        assert spam.client_address(request) == "203.0.113.9"
        request = rf.post(URL, REMOTE_ADDR="10.0.0.2")
        assert spam.client_address(request) == "10.0.0.2"
    with override_settings(TRUSTED_PROXY_COUNT=0):
        request = rf.post(URL, HTTP_X_FORWARDED_FOR="1.2.3.4", REMOTE_ADDR="198.51.100.7")
        assert spam.client_address(request) == "198.51.100.7"


@override_settings(TRUSTED_PROXY_COUNT=1, ENQUIRY_RATE_LIMIT="2/h")
def test_people_behind_one_proxy_are_counted_one_by_one(client, form_page):
    """Every visitor reaches gunicorn from the proxy's address; each must keep their own limit."""
    for n in range(4):
        response = client.post(
            URL,
            answers(email=f"person{n}@example.org", form_token=shown_token(client)),
            HTTP_X_FORWARDED_FOR=f"203.0.113.{n + 1}",
            REMOTE_ADDR="10.0.0.2",
        )
        assert_looks_like_success(response)
    assert Enquiry.objects.count() == 4
    assert rejected(Reason.RATE_LIMITED) == 0


def test_a_cache_outage_does_not_turn_people_away(client, form_page):
    """With the shared cache (Redis, configured as in production) unreachable, the page still
    works uncached and the rate limit lets the post through rather than failing closed."""
    down = {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {
            "IGNORE_EXCEPTIONS": True,
            "SOCKET_CONNECT_TIMEOUT": 0.5,
            "SOCKET_TIMEOUT": 0.5,
        },
    }
    unreachable = {"default": down, "security": down}
    token = shown_token(client)
    with override_settings(CACHES=unreachable):
        response = client.post(URL, answers(form_token=token))
    assert_looks_like_success(response)
    assert Enquiry.objects.count() == 1


@override_settings(ENQUIRY_MIN_FILL_SECONDS=3)
def test_sending_again_at_once_after_a_refused_token_is_saved(client, form_page):
    """The form came back because its token was too old; the person presses Send again straight
    away. They have already filled it in, so that is not a bot's speed."""
    old = spam.issue_token(issued_at=time.time() - 3 * 24 * 60 * 60)
    page = client.post(URL, answers(form_token=old))
    assert page.status_code == 200
    response = client.post(URL, answers(form_token=token_from(page)))
    assert_looks_like_success(response)
    assert Enquiry.objects.count() == 1
    assert rejected(Reason.TOO_FAST) == 0


def test_a_turned_away_post_never_shows_an_earlier_reference(client, form_page):
    """Someone sends their own enquiry, then one for their partner that the checks turn away:
    the thank-you page must not claim the second was sent with the first one's reference."""
    client.post(URL, answers(form_token=shown_token(client)))
    first = Enquiry.objects.get()
    assert first.reference in client.get(THANK_YOU).content.decode()

    bot_like = client.post(
        URL, answers(website="https://spam.example", form_token=shown_token(client))
    )
    assert_looks_like_success(bot_like)
    assert first.reference not in client.get(THANK_YOU).content.decode()


def test_a_form_sent_without_its_security_cookie_explains_what_to_do(form_page):
    client = Client(enforce_csrf_checks=True)
    response = client.post(URL, answers())
    assert response.status_code == 403
    text = clean(soup(response).get_text(" "))
    assert "Your form was not sent" in text
    assert "Nothing you typed has been saved or sent" in text
    assert Enquiry.objects.count() == 0


@override_settings(ENQUIRY_MIN_FILL_SECONDS=3)
def test_an_unfinished_form_sent_at_once_shows_what_is_missing(client, form_page):
    """Pressing Send straight away on an empty form is a person's slip, not a bot's speed: they
    see the errors, not a thank-you page, and nothing is counted as spam."""
    response = client.post(URL, {"form_token": shown_token(client), "website": ""})
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert rejected(Reason.TOO_FAST) == 0
