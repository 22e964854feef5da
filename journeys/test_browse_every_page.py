"""Every page type of the demo site in headless Chromium: no axe-core violations (WCAG 2.2 A/AA),
readable on a 320px-wide screen, usable with JavaScript off, and navigable by keyboard alone."""

from __future__ import annotations

import pytest

from testkit.browser import axe_violations, describe

# django_db: pytest-django creates the test database only for runs that include such a test.
pytestmark = [pytest.mark.browser, pytest.mark.django_db]

PAGE_TYPES = [
    "HomePage",
    "CouncilIndexPage",
    "CouncilPage",
    "FosteringTypeIndexPage",
    "FosteringTypePage",
    "StandardPage",
    "StepsPage",
    "FAQPage",
    "StoryIndexPage",
    "StoryPage",
    "PolicyPage",
    "AccessibilityStatementPage",
    "EnquiryPage",
    "EventIndexPage",
    "EventPage",
    "search results",
    "not found",
]


@pytest.mark.parametrize("page_type", PAGE_TYPES)
def test_page_type_has_no_axe_violations(page, demo_server, demo_urls, page_type):
    assert page_type in demo_urls, f"the demo content has no live {page_type}"
    response = page.goto(demo_server + demo_urls[page_type])
    assert response.status == (404 if page_type == "not found" else 200)
    assert page.locator("h1").count() == 1, "each page has exactly one main heading"
    violations = axe_violations(page)
    assert not violations, describe(violations)


@pytest.mark.parametrize("page_type", ["HomePage", "CouncilPage", "FosteringTypePage", "StoryPage"])
def test_phone_layout_has_no_axe_violations(phone, demo_server, demo_urls, page_type):
    phone.goto(demo_server + demo_urls[page_type])
    violations = axe_violations(phone)
    assert not violations, describe(violations)


@pytest.mark.parametrize("page_type", [t for t in PAGE_TYPES if t != "not found"])
def test_content_reflows_at_320_css_pixels(chromium, demo_server, demo_urls, page_type):
    """WCAG 1.4.10: no sideways scrolling at 320 CSS pixels (400% zoom of a 1280px window)."""
    context = chromium.new_context(viewport={"width": 320, "height": 640})
    try:
        tab = context.new_page()
        tab.goto(demo_server + demo_urls[page_type])
        overflow = tab.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{page_type} scrolls sideways by {overflow}px at 320px wide"
    finally:
        context.close()


def focused(page) -> dict:
    return page.evaluate(
        """() => {
            const el = document.activeElement;
            const style = getComputedStyle(el);
            const box = el.getBoundingClientRect();
            return {
                tag: el.tagName.toLowerCase(),
                text: (el.innerText || el.getAttribute('aria-label') || '').trim(),
                href: el.getAttribute('href'),
                inMainNav: !!el.closest('nav[aria-label="Main"]'),
                outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2,
                shadow: style.boxShadow !== 'none',
                width: box.width,
                height: box.height,
            };
        }"""
    )


def test_keyboard_walks_the_main_navigation(page, demo_server):
    """Tab from the top: skip link first, then every main navigation link in order, each with a
    visible focus indicator and a target of at least 24px; Enter follows the link."""
    page.goto(demo_server + "/")
    nav_links = page.locator('nav[aria-label="Main"] a')
    labels = [text.strip() for text in nav_links.all_inner_texts()]
    assert len(labels) >= 4, "the demo has a main navigation"

    page.keyboard.press("Tab")
    first = focused(page)
    assert first["href"] == "#main-content", "the skip link is the first thing focused"
    assert first["outline"] or first["shadow"]

    seen = []
    for _ in range(40):
        page.keyboard.press("Tab")
        current = focused(page)
        if current["inMainNav"]:
            assert current["outline"] or current["shadow"], f"no visible focus on {current['text']}"
            assert current["width"] >= 24 and current["height"] >= 24, (
                f"{current['text']} is too small"
            )
            seen.append(current["text"])
        elif seen:
            break
    assert seen == labels

    # Go back to the second navigation link and follow it with Enter.
    page.goto(demo_server + "/")
    target_label = labels[1]
    while focused(page)["text"] != target_label:
        page.keyboard.press("Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("h1").count() == 1
    current_link = page.locator('nav[aria-label="Main"] a[aria-current="page"]')
    assert current_link.inner_text().strip() == target_label


def test_skip_link_moves_focus_to_the_main_content(page, demo_server):
    page.goto(demo_server + "/")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main-content"
    page.keyboard.press("Tab")
    in_main = page.evaluate("!!document.activeElement.closest('main')")
    assert in_main, "after the skip link, the next Tab lands inside the main content"


def test_help_sits_in_the_same_place_on_every_page(page, demo_server, demo_urls):
    """WCAG 3.2.6 consistent help: the phone number and the enquire link appear in the header,
    in the same order, on every page type."""
    orders = set()
    for page_type in PAGE_TYPES:
        page.goto(demo_server + demo_urls[page_type])
        header = page.locator("header .site-header__bar").first  # not the language links
        hrefs = header.locator("a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
        phone = next(i for i, href in enumerate(hrefs) if href and href.startswith("tel:"))
        enquire = next(i for i, href in enumerate(hrefs) if href and "enquire" in href)
        orders.add((phone < enquire, len(hrefs[: max(phone, enquire)])))
    assert len(orders) == 1, orders


def test_site_works_without_javascript(chromium, demo_server, demo_urls):
    """Navigation, FAQ answers and search work with JavaScript switched off."""
    context = chromium.new_context(
        java_script_enabled=False, viewport={"width": 390, "height": 844}
    )
    try:
        tab = context.new_page()
        tab.goto(demo_server + demo_urls["FAQPage"])
        assert tab.locator('nav[aria-label="Main"] a').first.is_visible()
        details = tab.locator("main details").first
        answer_open = details.evaluate("d => d.open")
        assert answer_open is False
        details.locator("summary").click()
        assert details.evaluate("d => d.open") is True

        tab.goto(demo_server + "/search/")
        search = tab.get_by_role("searchbox").first
        search.fill("teenagers")
        with tab.expect_navigation():
            search.press("Enter")
        assert "query=teenagers" in tab.url
        assert tab.locator("main a").count() > 0
    finally:
        context.close()
