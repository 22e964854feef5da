"""Capturing where visitors came from, on public pages, within each person's cookie choices.

The first touch and the last non-direct touch are kept: a later bookmark visit never wipes out
the campaign that brought someone. Without consent they live only in the visit's session (or
nowhere, under the stricter setting or after an objection); with consent in a signed cookie for
90 days. Nothing kept ever holds an IP address, a user agent or an ad click id.
"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.core import signing
from django.test import RequestFactory
from django.utils import timezone

from attribution import capture
from attribution.consent import COOKIE_NAME as CHOICES_COOKIE

pytestmark = pytest.mark.django_db

TAGS = "utm_source=facebook&utm_medium=paid-social&utm_campaign=winter-teens&gclid=SECRETCLICK123"
BROWSER = {"HTTP_USER_AGENT": "SpyBrowser/9.9", "REMOTE_ADDR": "203.0.113.77"}


def stored_session(client) -> dict:
    """Everything the server keeps in this browser's session, decoded."""
    key = client.cookies.get("sessionid")
    assert key is not None, "no session was started"
    return Session.objects.get(session_key=key.value).get_decoded()


def attribution_cookie(client) -> dict:
    return signing.loads(client.cookies[capture.COOKIE_NAME].value, salt=capture.COOKIE_SALT)


def signed_cookie(data: dict) -> str:
    return signing.dumps(data, salt=capture.COOKIE_SALT, compress=True)


# The cookie banner's own form carries Django's CSRF token (a strictly necessary cookie that
# holds nothing about the person); every other cookie is what these tests watch for.
NECESSARY = {"csrftoken"}


def cookies_set(response) -> set[str]:
    return set(response.cookies) - NECESSARY


def assert_nothing_identifying(text: str) -> None:
    for secret in ("SECRETCLICK123", "SpyBrowser", "203.0.113.77"):
        assert secret not in text


# --- Without consent: the visit's session ------------------------------------------------------


def test_a_tagged_visit_is_kept_in_a_visit_only_session(client, home):
    response = client.get(f"/?{TAGS}", **BROWSER)
    assert response.status_code == 200
    assert capture.COOKIE_NAME not in response.cookies  # no lasting cookie without consent
    data = stored_session(client)
    first = data[capture.SESSION_KEY]["first"]
    assert first == data[capture.SESSION_KEY]["last"]
    assert first["utm_source"] == "facebook"
    assert first["utm_campaign"] == "winter-teens"
    assert first["had_ad_click_id"] is True
    assert first["ad_click_platform"] == "google"
    assert first["landing_path"] == "/"
    assert "at" in first
    # No IP address, user agent or click id anywhere in the session.
    assert_nothing_identifying(json.dumps(data))
    # The session ends when the browser closes.
    assert response.cookies["sessionid"]["max-age"] == ""
    assert response.cookies["sessionid"]["expires"] == ""


def test_direct_visits_write_nothing_and_never_overwrite_the_last_touch(client, home):
    response = client.get("/")
    assert not cookies_set(response)  # a direct visit with nothing to record starts no session
    client.get("/?utm_source=newsletter&utm_medium=email&utm_campaign=spring")
    client.get("/")  # a bookmark
    client.get("/", HTTP_REFERER="http://testserver/some/page/")  # our own pages
    touches = stored_session(client)[capture.SESSION_KEY]
    assert touches["last"]["utm_campaign"] == "spring"

    client.get("/", HTTP_REFERER="https://www.google.co.uk/search?q=fostering+derby")
    touches = stored_session(client)[capture.SESSION_KEY]
    assert touches["first"]["utm_campaign"] == "spring"  # the first touch stays
    assert touches["last"] == {
        "referrer_domain": "google.co.uk",  # the domain only: never the search words
        "landing_path": "/",
        "at": touches["last"]["at"],
    }


def test_short_link_visits_are_flagged(client, home):
    client.get("/?utm_source=bus-side&utm_medium=outdoor&utm_campaign=hub-bus&hub_link=short")
    last = stored_session(client)[capture.SESSION_KEY]["last"]
    assert last["via_short_link"] is True


@pytest.mark.parametrize(
    "path",
    ["/admin/?utm_source=x", "/static/css/hub.css?utm_source=x", "/go/bus26/?utm_source=x"],
)
def test_admin_files_and_short_links_are_not_captured(client, home, path):
    client.get(path)
    assert "sessionid" not in client.cookies
    assert capture.COOKIE_NAME not in client.cookies


def test_a_missing_page_is_not_captured(client, home):
    response = client.get("/no-such-page/?utm_source=facebook")
    assert response.status_code == 404
    assert "sessionid" not in client.cookies


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
    request.session = {}
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
    request.session = {}
    assert capture.touches_for(request) == (None, None)


def test_touches_from_before_consent_carry_over_to_the_cookie(client, home):
    client.get("/?utm_source=facebook&utm_campaign=first-one")
    client.cookies[CHOICES_COOKIE] = "analytics:yes"
    client.get("/?utm_source=newsletter&utm_medium=email&utm_campaign=second-one")
    kept = attribution_cookie(client)
    assert kept["first"]["utm_campaign"] == "first-one"
    assert kept["last"]["utm_campaign"] == "second-one"
    assert capture.SESSION_KEY not in stored_session(client)


# --- Refusals, objections and the stricter setting ----------------------------------------------


def test_refusing_analytics_removes_the_cookie(client, home):
    client.cookies[CHOICES_COOKIE] = "analytics:yes"
    client.get(f"/?{TAGS}")
    client.cookies[CHOICES_COOKIE] = "analytics:no"
    response = client.get("/")
    assert response.cookies[capture.COOKIE_NAME]["max-age"] == 0


def test_an_objection_means_nothing_is_kept_and_the_session_record_is_removed(client, home):
    client.get(f"/?{TAGS}")
    assert capture.SESSION_KEY in stored_session(client)
    client.cookies[CHOICES_COOKIE] = "analytics:no,statistics:no"
    client.get(f"/?{TAGS}")
    assert capture.SESSION_KEY not in stored_session(client)


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

    monkeypatch.setattr(capture, "_write_session", broken)
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
