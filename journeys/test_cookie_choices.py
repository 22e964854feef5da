"""The cookie banner in headless Chromium on the demo site: accessible before and after a
choice, usable by keyboard alone and with JavaScript off, and nothing leaves the site before the
person says yes, even with an analytics service configured."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from testkit.browser import axe_violations, describe

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

BANNER = "div.cookie-banner[role=region]"
COOKIE = "hub_cookie_choices"


def choices_cookie(context) -> str | None:
    return next((c["value"] for c in context.cookies() if c["name"] == COOKIE), None)


def test_banner_and_confirmation_have_no_axe_violations(page, demo_server):
    page.goto(demo_server + "/")
    banner = page.locator(BANNER)
    assert banner.get_attribute("aria-label").startswith("Cookies on ")
    violations = axe_violations(page)
    assert not violations, describe(violations)

    banner.get_by_role("button", name="Reject analytics cookies").click()
    page.wait_for_load_state()
    assert "rejected analytics cookies" in page.locator(BANNER).inner_text()
    violations = axe_violations(page)
    assert not violations, describe(violations)

    page.get_by_role("link", name="change your cookie settings").click()
    page.wait_for_load_state()
    assert page.url.endswith("/cookies/")
    assert page.get_by_label("Do not use cookies that measure my website use").is_checked()
    violations = axe_violations(page)
    assert not violations, describe(violations)


def test_keyboard_only_accept(page, demo_server):
    page.goto(demo_server + "/")
    for _ in range(5):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == (
            "Accept analytics cookies"
        ):
            break
    else:
        pytest.fail("Accept analytics cookies cannot be reached by keyboard near the top")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert choices_cookie(page.context) == "analytics:yes"
    assert "accepted analytics cookies" in page.locator(BANNER).inner_text()
    # Hide, by keyboard too: the banner is gone.
    page.locator(BANNER).get_by_role("link", name="Hide cookie message").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator(BANNER).count() == 0


def test_works_with_javascript_off(chromium, demo_server):
    context = chromium.new_context(java_script_enabled=False, locale="en-GB")
    try:
        page = context.new_page()
        page.goto(demo_server + "/")
        page.locator(BANNER).get_by_role("button", name="Reject analytics cookies").click()
        assert choices_cookie(context) == "analytics:no"
        page.locator(BANNER).get_by_role("link", name="Hide cookie message").click()
        assert page.locator(BANNER).count() == 0

        # Change it later on the cookies page, objection included.
        page.goto(demo_server + "/cookies/")
        page.get_by_label("Use cookies that measure my website use", exact=True).check()
        page.get_by_label("Do not keep a note of where my visit came from").check()
        page.get_by_role("button", name="Save cookie settings").click()
        assert "You\u2019ve set your cookie preferences." in page.content().replace(
            "&#x27;", "\u2019"
        ).replace("'", "\u2019")
        # (The browser keeps the value quoted; what matters is that the site reads it back.)
        page.goto(demo_server + "/cookies/")
        assert page.get_by_label("Use cookies that measure my website use", exact=True).is_checked()
        assert page.get_by_label("Do not keep a note of where my visit came from").is_checked()
    finally:
        context.close()


def test_nothing_leaves_the_site_before_consent(page, demo_server, analytics_configured):
    hosts: list[str] = []
    page.on("request", lambda request: hosts.append(urlsplit(request.url).hostname or ""))
    # Requests to anywhere else are recorded, then refused, so the test never needs a network.
    page.route(
        "**/*",
        lambda route: (
            route.continue_()
            if urlsplit(route.request.url).hostname == "127.0.0.1"
            else route.abort()
        ),
    )
    for path in ["/", "/cookies/", "/enquire/"]:
        page.goto(demo_server + path)
        page.wait_for_load_state("networkidle")
    assert hosts and {h for h in hosts if h != "127.0.0.1"} == set()

    page.goto(demo_server + "/")
    page.locator(BANNER).get_by_role("button", name="Accept analytics cookies").click()
    page.wait_for_load_state("networkidle")
    # The same check would see the service once allowed: the count above is meaningful.
    assert "www.googletagmanager.com" in hosts
