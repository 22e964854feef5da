"""The journeys' fixtures: the demo site served on loopback, driven by Debian's headless Chromium.

pytest-django's `live_server` forces `transactional_db`, which empties the database after every
test; loading the demo content once per module and serving it from our own live-server thread
keeps these tests quick. The conftest at the root orders browser tests last, because the demo
content is committed outside any test transaction. Their helpers (axe-core, focus, target sizes)
are in testkit/browser.py.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator

import pytest
from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.core.management import call_command
from django.test.testcases import LiveServerThread

from testkit.database import restore_migrated_content

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def demo_server(django_db_setup, django_db_blocker) -> Iterator[str]:
    """Load the demo content (committed) and serve the site on a free loopback port."""
    with django_db_blocker.unblock():
        restore_migrated_content()
        call_command("load_demo_content", verbosity=0)
        thread = LiveServerThread("127.0.0.1", StaticFilesHandler)
        thread.daemon = True
        thread.start()
        thread.is_ready.wait()
        if thread.error:
            raise thread.error
        try:
            yield f"http://127.0.0.1:{thread.port}"
        finally:
            thread.terminate()


@pytest.fixture(scope="session")
def demo_urls(demo_server, django_db_blocker) -> dict[str, str]:
    """One live demo page of every page type, by model name, plus search and a missing page."""
    from wagtail.models import Page

    with django_db_blocker.unblock():
        urls: dict[str, str] = {}
        for page in Page.objects.live().filter(depth__gt=1).specific().order_by("path"):
            urls.setdefault(type(page).__name__, page.url)
    urls["search results"] = "/search/?query=fostering"
    urls["not found"] = "/this-page-does-not-exist/"
    return urls


@pytest.fixture(scope="session")
def chromium():
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: apt-get install chromium (or set CHROMIUM)."
        )
    # Playwright's sync API runs an event loop in this thread; the ORM calls we make here happen
    # before and outside it, so Django's async-safety check would only raise false alarms.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def page(chromium):
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


@pytest.fixture
def phone(chromium):
    context = chromium.new_context(
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


# --- Admin accounts (issue 7): staff signed in to the admin -------------------------------------


@pytest.fixture
def sign_in_as(demo_server, django_db_blocker):
    """sign_in_as(page, "marketing.lead"): a new signed-in admin session for that demo account,
    verified by its authenticator app (the test client's force_login: testkit/clients.py), in
    the browser. New for each test: a session left unused for 30 minutes is signed out
    (ADMIN_SESSION_IDLE_SECONDS). Tests of the sign-in itself go through the pages
    (test_staff_sign_in.py)."""
    from django.conf import settings
    from django.contrib.auth import get_user_model

    from testkit.clients import StaffClient

    def sign_in(page, username: str) -> None:
        with django_db_blocker.unblock():
            client = StaffClient()
            client.force_login(get_user_model().objects.get(username=username))
        page.context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                    "url": demo_server,
                }
            ]
        )

    return sign_in


@pytest.fixture
def analytics_configured(settings):
    """Google Analytics configured in the live server (same process) for one test."""
    from testkit.analytics import reload_analytics

    settings.GOOGLE_ANALYTICS_GTAG_PROPERTY_ID = "G-TEST123"
    reload_analytics()
    yield
    del settings.GOOGLE_ANALYTICS_GTAG_PROPERTY_ID
    reload_analytics()
