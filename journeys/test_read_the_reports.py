"""The attribution reports in the Wagtail admin, as a marketing lead sees them in Chromium.

Each report page (and a campaign's drill-down) must pass axe-core's WCAG 2.2 A/AA rules, and
the page itself must never scroll sideways: the filter fields wrap, and the wide tables and
charts scroll inside their own focusable, named regions (WCAG 1.4.10 reflow). On a laptop's
1280 px screen each report's table fits as it opens, its key columns (spend and costs where
there is money) in view; a screenshot of each is saved in test-results/.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings

from reporting.views import REPORTS
from testkit.browser import axe_violations, describe

# django_db: pytest-django creates the test database only for runs that include such a test.
pytestmark = [pytest.mark.browser, pytest.mark.django_db]

SLUGS = [report.slug for report in REPORTS]
SCREENSHOTS = Path(settings.BASE_DIR) / "test-results"

# The columns each report must show at 1280 px without any scrolling: what a board reads it for.
KEY_COLUMNS = {
    "regional-and-local": ["Enquiries", "Spend", "Cost per enquiry", "Cost per application"],
    "campaigns": ["Enquiries", "Spend", "Cost per enquiry", "Cost per application"],
    "channels-over-time": ["Other channels", "All channels"],
    "funnel-by-source": ["Enquiries", "Applications", "Approvals", "Maturity"],
    "first-and-last-touch": [
        "Enquiries by first touch",
        "Enquiries by last (deciding) touch",
        "Enquiry to application, by first touch",
    ],
    "tracked-and-self-reported": ["Enquiries", "Agreement"],
    "timeliness": [
        "Contacted",
        "Median days to first contact",
        "Of those contacted: within 2 days",
    ],
    "events": ["Bookings", "Attendance rate", "Booking to enquiry"],
    "event-bookings-by-source": ["Bookings", "Attendance rate", "Booking to enquiry"],
}

# Anything of the report's (outside a scrolling region) that reaches past the right edge of the
# viewport. The admin's <main> hides its overflow, so a too-wide form would be cut off rather
# than scroll: the document's scroll width alone would not catch it. (Wagtail's own header,
# outside our templates, cuts a long page title short at 320 px, so it is not checked here.)
CUT_OFF = """() => [...document.querySelectorAll(".attribution-report *")]
    .filter(element => !element.closest('[role="region"] > *'))
    .filter(element => element.getBoundingClientRect().width > 0)
    .filter(element => element.getBoundingClientRect().right > window.innerWidth + 1)
    .map(element => element.tagName.toLowerCase() + "." + element.className)"""


def report_url(base: str, slug: str) -> str:
    return f"{base}/admin/reports/attribution/{slug}/"


def assert_no_sideways_scroll(page) -> None:
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], widths
    assert page.evaluate(CUT_OFF) == []


def assert_wide_content_scrolls_in_named_regions(page) -> int:
    """Every element of the report's that scrolls sideways is a keyboard-focusable region with
    a name (the table's caption, the chart's figure caption)."""
    regions = page.evaluate(
        """() => [...document.querySelectorAll(".attribution-report *")]
            .filter(element => element.scrollWidth > element.clientWidth + 1
                && getComputedStyle(element).overflowX === "auto")
            .map(element => [element.className, element.getAttribute("role"), element.tabIndex,
                document.getElementById(element.getAttribute("aria-labelledby") || "")
                    ?.textContent.trim() || ""])"""
    )
    for class_name, role, tab_index, name in regions:
        assert (role, tab_index) == ("region", 0), class_name
        assert name, class_name
    return len(regions)


def assert_key_columns_in_view(page, names: list[str]) -> None:
    """The table needs no scrolling of its own, and each named column heading lies wholly
    inside it and inside the window."""
    region = page.locator(".report-table__scroll").first
    assert region.evaluate("element => element.scrollWidth <= element.clientWidth + 1")
    box = region.bounding_box()
    right = min(box["x"] + box["width"], page.viewport_size["width"])
    headings = page.locator(".report-table thead th")
    for name in names:
        heading = headings.filter(has_text=name).first
        assert heading.count() == 1, name
        place = heading.bounding_box()
        assert box["x"] <= place["x"] and place["x"] + place["width"] <= right + 1, name


def save_screenshot(page, name: str) -> Path:
    """The whole report at the window's width: the admin scrolls its main area, not the
    document, so the window is made as tall as the report first."""
    SCREENSHOTS.mkdir(exist_ok=True)
    bottom = page.evaluate(
        "Math.ceil(document.querySelector('.attribution-report').getBoundingClientRect().bottom)"
    )
    width = page.viewport_size["width"]
    page.set_viewport_size({"width": width, "height": max(bottom + 40, 900)})
    path = SCREENSHOTS / name
    page.screenshot(path=path)
    return path


@pytest.mark.parametrize("slug", SLUGS)
def test_each_report_fits_a_laptop_screen_and_has_no_axe_violations(
    page, demo_server, slug, sign_in_as
):
    sign_in_as(page, "marketing.lead")
    assert page.viewport_size["width"] == 1280
    page.goto(report_url(demo_server, slug))
    assert page.locator(".report-results").count() == 1
    violations = axe_violations(page)
    assert violations == [], describe(violations)
    assert_no_sideways_scroll(page)
    assert_wide_content_scrolls_in_named_regions(page)
    assert_key_columns_in_view(page, KEY_COLUMNS[slug])
    # The other columns are a choice or a spreadsheet away, and the page says so.
    if page.locator(".report-columns-hint").count():
        assert page.get_by_role("link", name="CSV spreadsheet").count() == 1
    assert save_screenshot(page, f"report-{slug}-1280.png").stat().st_size > 0


def test_choosing_columns_needs_no_script(chromium, demo_server, sign_in_as):
    """The chooser is part of the filter form: tick a column, show the report, and it is
    there, with JavaScript off; the open chooser passes axe too."""
    context = chromium.new_context(
        viewport={"width": 1280, "height": 900}, locale="en-GB", java_script_enabled=False
    )
    page = context.new_page()
    try:
        sign_in_as(page, "marketing.lead")
        page.goto(report_url(demo_server, "regional-and-local"))
        headings = page.locator(".report-table thead th")
        assert "Enquiry to initial visit" not in headings.all_inner_texts()
        page.locator(".report-columns summary").click()
        page.get_by_label("Enquiry to initial visit").check()
        page.get_by_role("button", name="Show report").click()
        page.wait_for_load_state()
        assert "Enquiry to initial visit" in headings.all_inner_texts()
        # More columns may need the table's own scrolling, never the page's; scrolled to its
        # end, each row still starts with what it is.
        assert_no_sideways_scroll(page)
        region = page.locator(".report-table__scroll").first
        region.evaluate("element => { element.scrollLeft = element.scrollWidth; }")
        first = page.locator(".report-table tbody th").first.bounding_box()
        assert abs(first["x"] - region.bounding_box()["x"]) <= 1
        save_screenshot(page, "report-regional-and-local-more-columns-1280.png")
    finally:
        context.close()
    # axe needs a script of its own: the same page, chooser open, with JavaScript.
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page = context.new_page()
    try:
        sign_in_as(page, "marketing.lead")
        page.goto(report_url(demo_server, "regional-and-local") + "?columns=visit_rate")
        assert page.locator(".report-columns[open]").count() == 1
        violations = axe_violations(page)
        assert violations == [], describe(violations)
    finally:
        context.close()


def test_campaign_drill_down_has_no_axe_violations(page, demo_server, sign_in_as):
    sign_in_as(page, "marketing.lead")
    page.goto(report_url(demo_server, "campaigns"))
    page.get_by_role("link", name="Every teenager counts").click()
    page.wait_for_load_state()
    assert "breakdown=1" in page.url
    assert page.get_by_role("link", name="Back to all campaigns").count() == 1
    violations = axe_violations(page)
    assert violations == [], describe(violations)
    assert_no_sideways_scroll(page)


@pytest.mark.parametrize("slug", ["regional-and-local", "channels-over-time"])
def test_report_reflows_on_a_phone(phone, demo_server, slug, sign_in_as):
    sign_in_as(phone, "marketing.lead")
    phone.goto(report_url(demo_server, slug))
    assert phone.locator(".report-table").count() == 1
    assert_no_sideways_scroll(phone)
    assert_wide_content_scrolls_in_named_regions(phone)


@pytest.mark.parametrize("slug", ["regional-and-local", "channels-over-time"])
def test_report_reflows_at_320_css_pixels(chromium, demo_server, slug, sign_in_as):
    context = chromium.new_context(viewport={"width": 320, "height": 640}, locale="en-GB")
    page = context.new_page()
    try:
        sign_in_as(page, "marketing.lead")
        page.goto(report_url(demo_server, slug))
        assert_no_sideways_scroll(page)
        # The table and the chart are wider than 320 px: both scroll in their own regions.
        assert assert_wide_content_scrolls_in_named_regions(page) == 2
    finally:
        context.close()


def test_invalid_date_focuses_the_error_summary(page, demo_server, sign_in_as):
    sign_in_as(page, "marketing.lead")
    page.goto(report_url(demo_server, "regional-and-local"))
    page.fill("#id_date_from_day", "31")
    page.fill("#id_date_from_month", "2")
    page.fill("#id_date_from_year", "2026")
    page.get_by_role("button", name="Show report").click()
    page.wait_for_load_state()
    summary = page.locator(".report-error-summary")
    assert summary.is_visible()
    assert "Date from must be a real date" in summary.inner_text()
    assert page.evaluate("document.activeElement.classList.contains('report-error-summary')")
    # The summary's link leads to the day box of the date that is wrong.
    summary.get_by_role("link").click()
    assert page.evaluate("document.activeElement.id") == "id_date_from_day"
    violations = axe_violations(page)
    assert violations == [], describe(violations)
