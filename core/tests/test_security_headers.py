"""The security headers a council's security team checks, on every public page type and in the
admin: Content-Security-Policy (hashes, never a nonce or 'unsafe-inline' for public scripts),
Permissions-Policy, frame and referrer rules, cookie flags, HSTS and secure cookies in
production, and `Cache-Control: no-store` exactly where personal data is shown or collected
(forms, confirmations, the admin) while content pages stay cacheable.

The browser half (nothing the site needs is blocked) is journeys/test_browse_under_the_csp.py.
"""

from __future__ import annotations

import base64
import hashlib
import re

import pytest
from django.contrib.auth import get_user_model
from django.template.loader import render_to_string
from django.test import override_settings

from councils.tests.factories import CouncilIndexPageFactory, CouncilPageFactory
from enquiry.tests.factories import HearAboutOptionFactory
from events import emails
from events.services import BookingDetails, book
from events.tests.factories import EventIndexPageFactory, EventPageFactory
from fostering_types.tests.factories import FosteringTypeIndexPageFactory, FosteringTypePageFactory
from home.tests.factories import (
    AccessibilityStatementPageFactory,
    FAQPageFactory,
    PolicyPageFactory,
    StandardPageFactory,
    StepsPageFactory,
    StoryIndexPageFactory,
    StoryPageFactory,
)
from testkit.analytics import reload_analytics
from testkit.html import soup

pytestmark = pytest.mark.django_db


def sources(policy: dict[str, list[str]]) -> list[str]:
    return [source for values in policy.values() for source in values]


def directives(header: str) -> dict[str, list[str]]:
    """A policy header as {directive: [sources]}."""
    policy = {}
    for part in header.split(";"):
        name, *sources = part.split()
        policy[name] = sources
    return policy


def csp(response) -> dict[str, list[str]]:
    return directives(response.headers["Content-Security-Policy"])


def nonce_of(policy: dict[str, list[str]]) -> str:
    (nonce,) = [s[7:-1] for s in policy["script-src"] if s.startswith("'nonce-")]
    return nonce


@pytest.fixture
def public_pages(home, enquiry_page) -> dict[str, str]:
    """One page of every public type (and search, a missing page), by name."""
    councils = CouncilIndexPageFactory(parent=home)
    types = FosteringTypeIndexPageFactory(parent=home)
    stories = StoryIndexPageFactory(parent=home)
    events = EventIndexPageFactory(parent=home)
    pages = {
        "home": home,
        "enquiry page": enquiry_page,
        "council index": councils,
        "council": CouncilPageFactory(parent=councils),
        "fostering type index": types,
        "fostering type": FosteringTypePageFactory(parent=types),
        "story index": stories,
        "story": StoryPageFactory(parent=stories),
        "event index": events,
        "event": EventPageFactory(parent=events),
        "standard page": StandardPageFactory(parent=home),
        "steps page": StepsPageFactory(parent=home),
        "FAQ page": FAQPageFactory(parent=home),
        "policy page": PolicyPageFactory(parent=home, slug="cookies"),
        "accessibility statement": AccessibilityStatementPageFactory(parent=home),
    }
    urls = {name: page.url for name, page in pages.items()}
    urls["search"] = "/search/?query=fostering"
    urls["not found"] = "/no-such-page/"
    urls["events archive"] = events.url + "past/"
    return urls


# --- Content-Security-Policy on public pages -------------------------------------------------

PUBLIC_POLICY = {
    "default-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "frame-src": ["https://www.youtube-nocookie.com", "https://player.vimeo.com"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
    "base-uri": ["'self'"],
    "object-src": ["'none'"],
}


def inline_hash(text: str) -> str:
    return f"'sha256-{base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()}'"


def test_every_public_page_has_the_strict_policy_and_no_nonce(client, public_pages):
    """Inline elements are allowed by their hashes, never a nonce: a page's bytes and headers
    are the same for every visitor, so any cache can hold them."""
    for name, url in public_pages.items():
        response = client.get(url)
        assert response.status_code in (200, 404), name
        policy = csp(response)
        for directive, expected in PUBLIC_POLICY.items():
            assert policy[directive] == expected, (name, directive)
        assert policy["script-src"] == ["'self'"], name
        assert "'unsafe-inline'" not in policy["style-src"] + policy["script-src"], name
        assert "'unsafe-eval'" not in policy["script-src"], name
        assert not [s for s in sources(policy) if s.startswith("'nonce-")], name
        assert "upgrade-insecure-requests" not in policy, "production only (tested below)"
        # The brand colours' <style> is allowed by its hash; no script is inline.
        html = soup(response)
        style = html.find("style")
        assert not style.get("nonce"), name
        assert inline_hash(style.string) in policy["style-src"], name
        for script in html.find_all("script"):
            data = script.get("type") in ("application/json", "application/ld+json")
            assert script.get("src") or data, name
        assert b"nonce=" not in response.content, name
    again = client.get(public_pages["home"]) if "home" in public_pages else None
    if again is not None:
        assert (
            again["Content-Security-Policy"]
            == client.get(public_pages["home"])["Content-Security-Policy"]
        ), "the same policy for every response"


def test_the_server_error_page_style_is_allowed_by_its_hash(client, home):
    """The 500 page is rendered without a request (so without a nonce): its one <style> is
    allowed by hash, which must match the template as rendered."""
    html = render_to_string("500.html")
    style = re.search(r"<style>(.*?)</style>", html, re.S).group(1)
    digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
    assert f"'sha256-{digest}'" in csp(client.get("/"))["style-src"]


def test_analytics_origins_are_allowed_only_when_the_service_is_configured(client, home):
    assert not any("google" in s for s in sources(csp(client.get("/"))))
    with override_settings(GOOGLE_ANALYTICS_GTAG_PROPERTY_ID="G-TEST123"):
        reload_analytics()
        policy = csp(client.get("/"))
    reload_analytics()
    assert "https://*.googletagmanager.com" in policy["script-src"]
    assert "https://*.google-analytics.com" in policy["connect-src"]
    assert "https://*.google-analytics.com" in policy["img-src"]
    assert "'unsafe-inline'" not in policy["script-src"]
    with override_settings(MATOMO_DOMAIN_PATH="stats.fosterhub.example.org/matomo"):
        policy = csp(client.get("/"))
    for directive in ["script-src", "connect-src", "img-src"]:
        assert "https://stats.fosterhub.example.org" in policy[directive]
    # Never in the admin, where analytics never run.
    with override_settings(GOOGLE_ANALYTICS_GTAG_PROPERTY_ID="G-TEST123"):
        admin = csp(client.get("/admin/login/"))
    assert not any("google" in s for s in sources(admin))


def test_consented_analytics_scripts_are_allowed_by_their_hashes(client, home):
    from attribution.consent import COOKIE_NAME

    client.cookies[COOKIE_NAME] = "analytics:yes"
    with override_settings(GOOGLE_ANALYTICS_GTAG_PROPERTY_ID="G-TEST123"):
        reload_analytics()
        response = client.get("/")
    reload_analytics()
    policy = csp(response)
    scripts = soup(response).find_all("script")
    gtag = [s for s in scripts if "googletagmanager" in (s.get("src") or "") or "gtag(" in s.text]
    assert len(gtag) == 2  # the loader and the inline set-up
    (inline,) = [s for s in gtag if not s.get("src")]
    assert inline_hash(inline.string) in policy["script-src"]
    assert "https://*.googletagmanager.com" in policy["script-src"]
    assert not any(script.get("nonce") for script in gtag)


def test_only_inline_code_is_hashed_not_files_or_data():
    from django.test import RequestFactory

    from core.templatetags.csp_tags import allow_inline, inline_hashes

    request = RequestFactory().get("/")
    allow_inline(
        request,
        '<script async src="https://x.example/a.js"></script><SCRIPT>go()</SCRIPT>'
        '<script type="application/ld+json">{"a": 1}</script><style>p{color:red}</style>',
    )
    assert inline_hashes(request) == {
        "script-src": [inline_hash("go()")],
        "style-src": [inline_hash("p{color:red}")],
    }


def test_media_and_static_files_on_another_origin_are_allowed(client, home):
    """Media on object storage or a CDN (an absolute media address), and static files on a
    CDN, are not blocked."""
    storages = {
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"base_url": "https://media.fosterhub-cdn.example.net/hub/"},
        },
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with override_settings(STORAGES=storages):
        public, admin = csp(client.get("/")), csp(client.get("/admin/login/"))
    assert "https://media.fosterhub-cdn.example.net" in public["img-src"]
    assert "https://media.fosterhub-cdn.example.net" in admin["img-src"]
    assert "https://media.fosterhub-cdn.example.net" not in csp(client.get("/"))["img-src"]
    with override_settings(STATIC_URL="https://static.fosterhub-cdn.example.net/static/"):
        public = csp(client.get("/"))
    for directive in ["script-src", "style-src", "font-src", "img-src"]:
        assert "https://static.fosterhub-cdn.example.net" in public[directive]


# --- The admin's policy ----------------------------------------------------------------------


@pytest.fixture
def staff_client(client, home):
    user = get_user_model().objects.create_superuser("editor", "editor@example.org", "x")
    client.force_login(user)
    return client


ADMIN_URLS = [
    "/admin/",
    "/admin/pages/",
    "/admin/snippets/councils/council/",
    "/admin/enquiries/",
    "/admin/enquiries/?export=csv",
    "/admin/reports/spam-turned-away/",
    "/admin/images/",
    "/admin/personal-data/",
]


def test_the_admin_has_its_own_policy_and_is_never_stored(staff_client, home):
    urls = [*ADMIN_URLS, f"/admin/pages/{home.pk}/edit/"]
    for url in urls:
        response = staff_client.get(url)
        assert response.status_code == 200, url
        policy = csp(response)
        assert policy["script-src"] == ["'self'", "'unsafe-inline'"], url
        assert policy["style-src"] == ["'self'", "'unsafe-inline'"], url
        assert policy["img-src"] == ["'self'", "data:", "blob:"], url
        assert policy["frame-ancestors"] == ["'self'"], url  # the editor's preview panel
        for directive in ["default-src", "connect-src", "font-src", "form-action", "base-uri"]:
            assert policy[directive] == ["'self'"], (url, directive)
        assert policy["object-src"] == ["'none'"]
        assert "'unsafe-eval'" not in policy["script-src"]
        assert_no_store(response)


def test_the_admin_login_page_and_redirects_to_it_are_never_stored(client, home):
    for url in ["/admin/login/", "/admin/", "/admin/enquiries/"]:
        response = client.get(url)
        assert response.status_code in (200, 302), url
        assert_no_store(response)
        assert response.headers["X-Frame-Options"] == "DENY"


def test_the_preview_gets_the_admin_policy(staff_client, home):
    """A preview renders the public page for a made-up request at the page's address; the
    response is the admin's (it is framed by the editor), so it has the admin's policy."""
    url = f"/admin/pages/{home.pk}/edit/preview/"
    form = staff_client.get(f"/admin/pages/{home.pk}/edit/")
    assert form.status_code == 200
    response = staff_client.get(url)
    assert response.status_code == 200
    assert csp(response)["frame-ancestors"] == ["'self'"]
    assert response.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert_no_store(response)


# --- Other headers, everywhere ---------------------------------------------------------------

DENIED_FEATURES = [
    "browsing-topics",
    "camera",
    "geolocation",
    "interest-cohort",
    "microphone",
    "payment",
    "usb",
]


def test_every_page_and_the_admin_send_the_other_security_headers(client, public_pages):
    for url in [*public_pages.values(), "/admin/login/"]:
        response = client.get(url)
        assert response.headers["X-Frame-Options"] == "DENY", url
        assert response.headers["X-Content-Type-Options"] == "nosniff", url
        assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin", url
        assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin", url
        features = dict(
            item.split("=", 1) for item in response.headers["Permissions-Policy"].split(", ")
        )
        for feature in DENIED_FEATURES:
            assert features[feature] == "()", (url, feature)
        # The privacy-enhanced video players may go full screen once someone presses Play.
        assert features["fullscreen"] == (
            '(self "https://www.youtube-nocookie.com" "https://player.vimeo.com")'
        )


def cookie_flags(response, name: str) -> dict:
    morsel = response.cookies[name]
    return {
        "httponly": bool(morsel["httponly"]),
        "samesite": morsel["samesite"],
        "secure": bool(morsel["secure"]),
    }


def test_session_and_csrf_cookies_are_httponly_and_same_site(client, enquiry_page):
    response = client.get("/enquire/")  # the form sets the CSRF cookie
    assert cookie_flags(response, "csrftoken") == {
        "httponly": True,
        "samesite": "Lax",
        "secure": False,
    }
    user = get_user_model().objects.create_user("officer", password="a-long-passphrase-1")
    user.is_superuser = True
    user.save()
    login = client.post(
        "/admin/login/",
        {"username": "officer", "password": "a-long-passphrase-1"},
    )
    assert login.status_code == 302
    assert cookie_flags(login, "sessionid") == {
        "httponly": True,
        "samesite": "Lax",
        "secure": False,
    }


# --- Production only -------------------------------------------------------------------------


@pytest.fixture
def production(monkeypatch):
    """The security settings of config/settings/production.py, loaded with a server's
    environment and applied to this process."""
    import importlib
    import sys

    from testkit.production import PRODUCTION_ENV

    for key, value in PRODUCTION_ENV.items():
        monkeypatch.setenv(key, value)
    sys.modules.pop("config.settings.production", None)
    module = importlib.import_module("config.settings.production")
    sys.modules.pop("config.settings.production", None)
    names = [
        "CONTENT_SECURITY_POLICY",
        "ADMIN_CONTENT_SECURITY_POLICY",
        "SECURE_PROXY_SSL_HEADER",
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_HSTS_PRELOAD",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
    ]
    with override_settings(**{name: getattr(module, name) for name in names}):
        yield


@pytest.mark.usefixtures("production")
def test_production_adds_hsts_secure_cookies_and_upgrades_requests(client, enquiry_page):
    assert client.get("/enquire/").status_code == 301  # plain http goes to https
    https = {"secure": True}
    response = client.get("/enquire/", **https)
    assert response.status_code == 200
    assert response.headers["Strict-Transport-Security"] == (
        "max-age=31536000; includeSubDomains; preload"
    )
    assert "upgrade-insecure-requests" in csp(response)
    assert cookie_flags(response, "csrftoken")["secure"] is True
    admin = client.get("/admin/login/", **https)
    assert "upgrade-insecure-requests" in csp(admin)
    assert admin.headers["Strict-Transport-Security"].startswith("max-age=31536000")


# --- Cache-Control: no-store exactly where personal data is -----------------------------------


def assert_no_store(response) -> None:
    assert "no-store" in response.headers.get("Cache-Control", ""), response.headers


def test_content_pages_stay_cacheable_despite_the_cookie_banner_form(client, public_pages):
    """Every page has the cookie banner's small form (no CSRF token: it checks the Origin);
    that never makes a page no-store or sets a cookie, or the page cache could keep nothing."""
    for name, url in public_pages.items():
        if name == "enquiry page":
            continue
        response = client.get(url)
        assert b'method="post"' in response.content, name  # the banner, or the cookies page's
        assert b'name="csrfmiddlewaretoken"' not in response.content, name
        assert not response.cookies, name
        assert "no-store" not in response.headers.get("Cache-Control", ""), name


def test_pages_that_collect_or_show_personal_data_are_never_stored(client, enquiry_page):
    HearAboutOptionFactory()
    event = EventPageFactory(parent=EventIndexPageFactory(parent=enquiry_page.get_parent()))
    index = event.get_parent().specific
    registration, _ = book(
        event,
        BookingDetails(first_name="Pat", last_name="Lee", email="p@example.org", postcode="DE1"),
    )
    cancel_url = emails.cancel_address(index, registration)
    book_url = event.url + event.reverse_subpage("booking")
    responses = {
        "enquiry form": client.get("/enquire/"),
        "enquiry form with errors": client.post("/enquire/", {"first_name": "Sam"}),
        "enquiry thank-you": client.get("/enquire/thank-you/"),
        "booking form": client.get(book_url),
        "booking form with errors": client.post(book_url, {"first_name": "Sam"}),
        "booking confirmation": client.get(event.url + event.reverse_subpage("booking_confirmed")),
        "cancel booking": client.get(cancel_url),
        "bad cancellation link": client.get(index.url + "cancel/nonsense/"),
        "cookie choices": client.post("/cookie-choices/", {"analytics": "no", "next": "/"}),
    }
    for name, response in responses.items():
        assert response.status_code in (200, 302, 303, 404), name
        assert_no_store(response)
    event.capacity = 1
    event.save_revision().publish()
    full = client.get(book_url)  # the waiting list
    assert b"waiting list" in full.content.lower()
    assert_no_store(full)
    cancelled = client.post(cancel_url)
    assert cancelled.status_code == 303
    assert_no_store(cancelled)


def test_admin_responses_made_outside_wagtails_views_are_never_stored(home):
    """Wagtail marks its own admin views never-cache; the middleware covers the rest under
    /admin/: a refused form (CSRF failure page), the add-a-slash redirect, and any admin
    view another app mounts there."""
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    refused = strict.post("/admin/login/", {"username": "x", "password": "y"})
    assert refused.status_code == 403
    assert_no_store(refused)
    redirect = strict.get("/admin/pages")
    assert redirect.status_code == 301
    assert_no_store(redirect)


def test_an_analytics_service_the_policy_does_not_cover_is_reported_at_start_up():
    from django.core.checks import run_checks

    with override_settings(HOTJAR_SITE_ID="1234567"):
        warnings = [m for m in run_checks(tags=["security"]) if m.id == "home.W001"]
    assert [m.msg.split("'")[1] for m in warnings] == ["hotjar"]
    with override_settings(GOOGLE_ANALYTICS_GTAG_PROPERTY_ID="G-TEST123"):
        assert not [m for m in run_checks(tags=["security"]) if m.id == "home.W001"]
