"""A page served from the page cache works in a real browser exactly like a freshly rendered
one: the cookie banner's buttons post without JavaScript (checked by their Origin, no token), and
axe finds nothing."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from testkit.browser import axe_violations, describe

pytestmark = [pytest.mark.browser, pytest.mark.django_db]


@pytest.fixture
def page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 300
    cache.clear()
    yield
    cache.clear()


def test_a_cached_page_takes_each_visitors_cookie_choice(
    page_cache_on, chromium, demo_server, demo_urls
):
    url = demo_server + demo_urls["FosteringTypePage"]
    first = chromium.new_context(locale="en-GB")
    second = chromium.new_context(locale="en-GB", java_script_enabled=False)
    try:
        assert first.new_page().goto(url).headers.get("x-page-cache") == "miss"
        visitor = second.new_page()
        response = visitor.goto(url)
        assert response.headers.get("x-page-cache") == "hit"
        with visitor.expect_navigation():
            visitor.get_by_role("button", name="Accept analytics cookies").click()
        assert "accepted analytics cookies" in visitor.locator("div.cookie-banner").inner_text()
        cookies = {c["name"]: c["value"] for c in second.cookies()}
        assert cookies["hub_cookie_choices"] == "analytics:yes"
    finally:
        first.close()
        second.close()


def test_a_cached_page_has_no_axe_violations(page_cache_on, page, demo_server, demo_urls):
    url = demo_server + demo_urls["CouncilPage"]
    page.context.new_page().goto(url)  # stores it
    assert page.goto(url).headers.get("x-page-cache") == "hit"
    violations = axe_violations(page)
    assert not violations, describe(violations)
