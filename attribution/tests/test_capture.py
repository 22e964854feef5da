"""Capturing where visitors came from, on public pages, within each person's cookie choices.

The first touch and the last non-direct touch are kept: a later bookmark visit never wipes out
the campaign that brought someone. They live in one signed first-party cookie, never on the
server (no session, no database write): without consent for the visit only (or nowhere, under
the stricter setting or after an objection); with consent for 90 days. Nothing kept ever holds
an IP address, a user agent or an ad click id.
"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.core import signing
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from attribution import capture
from attribution.consent import COOKIE_NAME as CHOICES_COOKIE

pytestmark = pytest.mark.django_db

TAGS = "utm_source=facebook&utm_medium=paid-social&utm_campaign=winter-teens&gclid=SECRETCLICK123"
BROWSER = {"HTTP_USER_AGENT": "SpyBrowser/9.9", "REMOTE_ADDR": "203.0.113.77"}


def attribution_cookie(client, name: str = capture.COOKIE_NAME) -> dict:
    return signing.loads(client.cookies[name].value, salt=capture.COOKIE_SALT)


def visit_cookie(client) -> dict:
    return attribution_cookie(client, capture.VISIT_COOKIE_NAME)


def signed_cookie(data: dict) -> str:
    return signing.dumps(data, salt=capture.COOKIE_SALT, compress=True)


# Django's CSRF cookie (strictly necessary, nothing about the person) is set only by forms that
# need it; every other cookie is what these tests watch for.
NECESSARY = {"csrftoken"}


def cookies_set(response) -> set[str]:
    return set(response.cookies) - NECESSARY


def assert_nothing_identifying(text: str) -> None:
    for secret in ("SECRETCLICK123", "SpyBrowser", "203.0.113.77"):
        assert secret not in text


# --- Without consent: a cookie for the visit only -------------------------------------------


def test_a_tagged_visit_is_kept_in_a_visit_only_cookie_with_no_database_write(client, home):
    client.get("/")  # warm up (settings rows, renditions)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/?{TAGS}", **BROWSER)
    assert response.status_code == 200
    writes = [q["sql"] for q in queries if not q["sql"].lstrip().upper().startswith("SELECT")]
    assert writes == [], writes
    assert "sessionid" not in response.cookies and Session.objects.count() == 0
    assert capture.COOKIE_NAME not in response.cookies  # no lasting cookie without consent
    morsel = response.cookies[capture.VISIT_COOKIE_NAME]
    # It ends when the browser closes: no expiry without consent.
    assert morsel["max-age"] == "" and morsel["expires"] == ""
    assert morsel["httponly"] and morsel["samesite"] == "Lax"
    data = visit_cookie(client)
    first = data["first"]
    assert first == data["last"]
    assert first["utm_source"] == "facebook"
    assert first["utm_campaign"] == "winter-teens"
    assert first["had_ad_click_id"] is True
    assert first["ad_click_platform"] == "google"
    assert first["landing_path"] == "/"
    assert "at" in first
    # No IP address, user agent or click id anywhere in it.
    assert_nothing_identifying(json.dumps(data))


def test_direct_visits_write_nothing_and_never_overwrite_the_last_touch(client, home):
    response = client.get("/")
    assert not cookies_set(response)  # a direct visit with nothing to record writes nothing
    client.get("/?utm_source=newsletter&utm_medium=email&utm_campaign=spring")
    client.get("/")  # a bookmark
    client.get("/", HTTP_REFERER="http://testserver/some/page/")  # our own pages
    touches = visit_cookie(client)
    assert touches["last"]["utm_campaign"] == "spring"

    client.get("/", HTTP_REFERER="https://www.google.co.uk/search?q=fostering+derby")
    touches = visit_cookie(client)
    assert touches["first"]["utm_campaign"] == "spring"  # the first touch stays
    assert touches["last"] == {
        "referrer_domain": "google.co.uk",  # the domain only: never the search words
        "landing_path": "/",
        "at": touches["last"]["at"],
    }


def test_short_link_visits_are_flagged(client, home):
    client.get("/?utm_source=bus-side&utm_medium=outdoor&utm_campaign=hub-bus&hub_link=short")
    last = visit_cookie(client)["last"]
    assert last["via_short_link"] is True


def test_the_page_sees_no_tag_but_capture_reads_them_all(client, home):
    """The rendered page cannot echo a click id (into a link, a form), yet it is recorded."""
    response = client.get(f"/?{TAGS}&x=1")
    assert b"SECRETCLICK123" not in response.content
    assert b"utm_source" not in response.content and b"x=1" not in response.content
    assert visit_cookie(client)["last"]["utm_campaign"] == "winter-teens"


@pytest.mark.parametrize(
    "path",
    ["/admin/?utm_source=x", "/static/css/hub.css?utm_source=x", "/go/bus26/?utm_source=x"],
)
def test_admin_files_and_short_links_are_not_captured(client, home, path):
    client.get(path)
    assert "sessionid" not in client.cookies
    assert capture.VISIT_COOKIE_NAME not in client.cookies


def test_a_missing_page_is_not_captured(client, home):
    response = client.get("/no-such-page/?utm_source=facebook")
    assert response.status_code == 404
    assert "sessionid" not in client.cookies
    assert capture.VISIT_COOKIE_NAME not in client.cookies


# --- With consent: a cookie for 90 days ---------------------------------------------------------


def test_with_consent_touches_persist_in_a_signed_cookie_for_90_days(client, home):
    client.cookies[CHOICES_COOKIE] = "analytics:yes"
    response = client.get(f"/?{TAGS}", **BROWSER)
    morsel = response.cookies[capture.COOKIE_NAME]
    assert morsel["max-age"] == 90 * 24 * 60 * 60
    assert morsel["httponly"]
    assert morsel["samesite"] == "Lax"
    assert "sessionid" not in response.cookies
    kept = attribution_cookie(client)
    assert kept["first"]["utm_campaign"] == "winter-teens"
    assert_nothing_identifying(json.dumps(kept))

    client.get("/")  # direct: changes nothing
    client.get("/?utm_source=derby.gov.uk&utm_medium=referral&utm_campaign=derby-open-evening")
    kept = attribution_cookie(client)
    assert kept["first"]["utm_campaign"] == "winter-teens"
    assert kept["last"]["utm_campaign"] == "derby-open-evening"


def test_touches_older_than_90_days_are_dropped(client, home):
    now = timezone.now()
    old = {"utm_campaign": "ancient", "at": (now - timedelta(days=91)).isoformat()}
    recent = {"utm_campaign": "recent", "at": (now - timedelta(days=10)).isoformat()}
    request = RequestFactory().get("/")
    request.COOKIES[CHOICES_COOKIE] = "analytics:yes"
    request.COOKIES[capture.COOKIE_NAME] = signed_cookie({"first": old, "last": recent})
    first, last = capture.touches_for(request)
    # The first touch aged out: the earliest one still known stands in for it.
    assert first["utm_campaign"] == "recent"
    assert last["utm_campaign"] == "recent"

    request.COOKIES[capture.COOKIE_NAME] = signed_cookie({"first": old, "last": old})
    assert capture.touches_for(request) == (None, None)


def test_a_forged_cookie_is_ignored(client, home):
    request = RequestFactory().get("/")
    request.COOKIES[CHOICES_COOKIE] = "analytics:yes"
    request.COOKIES[capture.COOKIE_NAME] = json.dumps(
        {"first": {"utm_campaign": "forged", "at": timezone.now().isoformat()}}
    )
    assert capture.touches_for(request) == (None, None)


def test_touches_from_before_consent_carry_over_to_the_cookie(client, home):
    client.get("/?utm_source=facebook&utm_campaign=first-one")
    # Accepting keeps this visit's record for 90 days at once.
    accepted = client.post(reverse("cookie_choices"), {"analytics": "yes", "next": "/"})
    assert accepted.cookies[capture.COOKIE_NAME]["max-age"] == 90 * 24 * 60 * 60
    client.get("/?utm_source=newsletter&utm_medium=email&utm_campaign=second-one")
    kept = attribution_cookie(client)
    assert kept["first"]["utm_campaign"] == "first-one"
    assert kept["last"]["utm_campaign"] == "second-one"
    assert client.cookies[capture.COOKIE_NAME]["max-age"] == 90 * 24 * 60 * 60
    assert client.cookies[capture.VISIT_COOKIE_NAME].value == ""  # carried over, then removed


# --- Refusals, objections and the stricter setting ----------------------------------------------


def test_refusing_analytics_keeps_the_record_for_the_visit_only(client, home):
    client.cookies[CHOICES_COOKIE] = "analytics:yes"
    client.get(f"/?{TAGS}")
    refused = client.post(reverse("cookie_choices"), {"analytics": "no", "next": "/"})
    assert refused.cookies[capture.COOKIE_NAME]["max-age"] == 0  # no longer 90 days ...
    morsel = refused.cookies[capture.VISIT_COOKIE_NAME]
    assert morsel.value and morsel["max-age"] == ""  # ... but for this visit
    assert visit_cookie(client)["first"]["utm_campaign"] == "winter-teens"


def test_an_objection_means_nothing_is_kept_and_the_record_is_removed(client, home):
    client.get(f"/?{TAGS}")
    assert visit_cookie(client)["first"]
    client.cookies[CHOICES_COOKIE] = "analytics:no,statistics:no"
    response = client.get(f"/?{TAGS}")
    assert response.cookies[capture.VISIT_COOKIE_NAME]["max-age"] == 0


def test_an_objection_without_a_session_writes_nothing(client, home):
    client.cookies[CHOICES_COOKIE] = "analytics:no,statistics:no"
    response = client.get(f"/?{TAGS}")
    assert not cookies_set(response)


def test_the_strict_setting_writes_nothing_at_all_without_consent(client, home, settings):
    settings.ATTRIBUTION_WITHOUT_CONSENT = "nothing"
    for url in (f"/?{TAGS}", "/", "/?utm_source=newsletter&utm_medium=email"):
        response = client.get(url, HTTP_REFERER="https://www.facebook.com/")
        assert response.status_code == 200
        assert not cookies_set(response)  # no Set-Cookie of any kind but the CSRF token
    assert not set(client.cookies) - NECESSARY
    assert Session.objects.count() == 0

    # Consent still allows the cookie.
    client.cookies[CHOICES_COOKIE] = "analytics:yes"
    response = client.get(f"/?{TAGS}")
    assert capture.COOKIE_NAME in response.cookies


def test_capture_never_breaks_a_page(client, home, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("storage is down")

    monkeypatch.setattr(capture, "write_cookie", broken)
    response = client.get(f"/?{TAGS}")
    assert response.status_code == 200


# --- The hidden landing field --------------------------------------------------------------------


def test_a_landing_value_is_signed_and_cannot_be_forged(rf):
    request = rf.get("/enquire/?utm_source=facebook&utm_campaign=winter-teens&fbclid=IDVALUE")
    value = capture.landing_token(request)
    assert "IDVALUE" not in value
    landing = capture.read_landing(value)
    assert landing["utm_campaign"] == "winter-teens"
    assert landing["landing_path"] == "/enquire/"
    assert landing["had_ad_click_id"] is True

    forged = signing.dumps({"utm_campaign": "someone-else", "at": landing["at"]}, salt="other")
    assert capture.read_landing(forged) is None
    assert capture.read_landing(value[:-2] + "xx") is None
    assert capture.read_landing("x" * 5000) is None
    assert capture.landing_token(rf.get("/enquire/")) == ""  # a direct visit carries nothing
