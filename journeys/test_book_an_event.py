"""Events in headless Chromium, on the demo site: a keyboard-only journey from the filtered
listing to a booking confirmation, no axe-core violations (WCAG 2.2 A/AA) on the listing, the
archive, an event, the booking form with errors, the confirmation and a cancellation link
opened after its event, on a desktop and a phone, and no sideways scrolling at 320 CSS
pixels."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.cache import cache

from testkit.browser import assert_target_size, axe_violations, describe, focused

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

INDEX = "/events/"
ARCHIVE = "/events/past/"
EVENT = "/events/derby-information-evening/"
BOOKING = EVENT + "book/"
CONFIRMED = BOOKING + "confirmed/"
FILTERED = INDEX + "?council=derby&format=in_person"
REFERENCE = re.compile(r"EVT-\d{6}")
# Addresses the bookings made here use, so each test can remove what it booked.
EMAIL_DOMAIN = "events-browser-test.example.org"
CONTROLS = {"a", "input", "button", "textarea", "select"}


@pytest.fixture(autouse=True)
def _clean_slate(demo_server, django_db_blocker):
    """A fresh allowance of posts (the rate limit lives in the cache), and afterwards no trace of
    the bookings made here, so the demo's places are left as the loader made them."""
    cache.clear()
    yield
    cache.clear()
    with django_db_blocker.unblock():
        from events.models import Registration
        from outbox.models import OutboxMessage

        booked = Registration.objects.filter(email__endswith=EMAIL_DOMAIN)
        references = [registration.reference for registration in booked]
        OutboxMessage.objects.filter(reference__in=references).delete()
        booked.delete()


def tab_to(page, matches, limit: int = 80) -> dict:
    """Press Tab until the focused element matches; every control on the way shows its focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        current = focused(page)
        assert current["name"] != "website", "the honeypot takes no keyboard focus"
        if current["tag"] in CONTROLS:
            assert current["outline"] or current["shadow"], f"no visible focus on {current}"
        if matches(current):
            return current
    raise AssertionError("never reached by Tab")


def field(element_id: str):
    return lambda current: current["id"] == element_id


def group(name: str):
    return lambda current: current["name"] == name


def link_to(path: str):
    return lambda current: current["tag"] == "a" and (current["href"] or "").endswith(path)


def card_titles(tab) -> list[str]:
    return [title.strip() for title in tab.locator(".card--event .card__link").all_inner_texts()]


def test_keyboard_only_booking_from_the_filtered_listing(page, demo_server, django_db_blocker):
    page.goto(demo_server + INDEX)
    everything = card_titles(page)
    assert len(everything) > 1

    council = tab_to(page, field("filter-council"))
    assert council["tag"] == "select"
    assert_target_size(council)
    page.keyboard.type("Derby C")  # type-ahead picks Derby City Council
    assert page.locator("#filter-council").input_value() == "derby"

    fmt = tab_to(page, field("filter-format"))
    assert_target_size(fmt)
    page.keyboard.press("ArrowDown")  # "Any format" → the first format, "In person"
    assert page.locator("#filter-format").input_value() == "in_person"

    show = tab_to(page, lambda c: c["tag"] == "button" and "button" in c["classes"])
    assert_target_size(show)
    with page.expect_navigation():
        page.keyboard.press("Enter")

    query = parse_qs(urlsplit(page.url).query)
    assert urlsplit(page.url).path == INDEX
    assert query["council"] == ["derby"]
    assert query["format"] == ["in_person"]
    assert card_titles(page) == ["Fostering information evening in Derby"]
    assert "Clear filters" in page.locator(".event-filters").inner_text()

    card = tab_to(page, link_to(EVENT))
    assert "card__link" in card["classes"]
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == demo_server + EVENT
    assert "places left" in page.locator(".summary-list").inner_text()

    book = tab_to(page, link_to(BOOKING))
    assert_target_size(book)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == demo_server + BOOKING

    for element_id, text in [
        ("first_name", "Sam"),
        ("last_name", "O’Connor-Patel"),
        ("email", f"sam@{EMAIL_DOMAIN}"),
        ("phone", "07700 900456"),
        ("postcode", "de22 1ab"),
        ("places", "2"),
        ("access_needs", "A seat near the door, please."),
    ]:
        current = tab_to(page, field(element_id))
        assert_target_size(current)
        page.keyboard.type(text)

    heard = tab_to(page, group("heard_about"))
    assert_target_size(heard)
    page.keyboard.press("Space")
    assert focused(page)["checked"]
    keep = tab_to(page, group("keep_in_touch"))
    assert_target_size(keep)
    page.keyboard.press("Space")
    assert focused(page)["checked"]

    submit = tab_to(page, field("book-place"))
    assert_target_size(submit)
    with page.expect_navigation():
        page.keyboard.press("Enter")

    assert page.url == demo_server + CONFIRMED
    assert page.locator("h1").inner_text().strip() == "Booking confirmed"
    assert page.title().startswith("Booking confirmed")
    reference = page.locator(".panel__reference").inner_text().strip()
    assert REFERENCE.fullmatch(reference)

    with django_db_blocker.unblock():
        from events.models import Registration

        registration = Registration.objects.get(email=f"sam@{EMAIL_DOMAIN}")
        assert registration.reference == reference
        assert registration.status == Registration.Status.CONFIRMED
        assert registration.places == 2
        assert registration.event.slug == "derby-information-evening"
        assert registration.postcode == "DE22 1AB"
        assert registration.heard_about is not None
        assert [consent.channel for consent in registration.consents.all()] == ["email"]


def submit_empty(tab) -> None:
    with tab.expect_navigation():
        tab.locator("#book-place").click()


def book_by_pointer(tab) -> None:
    tab.fill("#first_name", "Jo")
    tab.fill("#last_name", "Adeyemi")
    tab.fill("#email", f"jo@{EMAIL_DOMAIN}")
    tab.fill("#postcode", "DE1 2AB")
    tab.fill("#places", "1")
    with tab.expect_navigation():
        tab.locator("#book-place").click()


def assert_no_violations(tab) -> None:
    assert tab.locator("h1").count() == 1
    violations = axe_violations(tab)
    assert not violations, describe(violations)


DEVICES = ["page", "phone"]


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("path", [FILTERED, ARCHIVE, EVENT])
def test_event_pages_have_no_axe_violations(request, demo_server, device, path):
    tab = request.getfixturevalue(device)
    tab.goto(demo_server + path)
    if path == FILTERED:
        assert card_titles(tab) == ["Fostering information evening in Derby"]
    if path == ARCHIVE:
        assert card_titles(tab), "the demo has past events"
    assert_no_violations(tab)


@pytest.mark.parametrize("device", DEVICES)
def test_booking_form_with_errors_has_no_axe_violations_and_the_summary_has_focus(
    request, demo_server, device
):
    tab = request.getfixturevalue(device)
    tab.goto(demo_server + BOOKING)
    submit_empty(tab)

    assert tab.title().startswith("Error: ")
    assert tab.locator(".error-summary").is_visible()
    assert tab.evaluate("document.activeElement.classList.contains('error-summary')"), (
        "the error summary takes focus"
    )
    assert tab.locator(".error-summary a").count() >= 4
    assert_no_violations(tab)


@pytest.mark.parametrize("device", DEVICES)
def test_booking_confirmation_has_no_axe_violations(request, demo_server, device):
    tab = request.getfixturevalue(device)
    tab.goto(demo_server + BOOKING)
    book_by_pointer(tab)
    assert tab.url == demo_server + CONFIRMED
    assert REFERENCE.fullmatch(tab.locator(".panel__reference").inner_text().strip())
    assert_no_violations(tab)


@pytest.fixture(scope="module")
def ended_booking_link(demo_server, django_db_blocker):
    """The cancellation link of a booking for one of the demo's past events (committed, so the
    demo server sees it; removed afterwards)."""
    with django_db_blocker.unblock():
        from wagtail.models import Locale

        from events import emails
        from events.models import EventPage, Registration

        past = EventPage.objects.live().past().filter(locale=Locale.get_default()).first()
        registration = Registration.objects.create(
            event=past,
            first_name="Robin",
            last_name="Ended",
            email="ended@events-browser-test.example.net",
            postcode="DE1 2AB",
        )
        link = emails.cancel_address(past.get_parent().specific, registration)
    yield link
    with django_db_blocker.unblock():
        registration.delete()


@pytest.mark.parametrize("device", DEVICES)
def test_a_cancellation_link_after_the_event_says_so_with_no_axe_violations(
    request, demo_server, ended_booking_link, device
):
    """A link from a past event's email: a clear page (not an error) with the hub's number."""
    tab = request.getfixturevalue(device)
    tab.goto(demo_server + ended_booking_link)
    assert tab.get_by_role("heading", level=1).inner_text() == "This event has ended"
    assert tab.get_by_role("link", name=re.compile(r"^Call us on")).count() == 1
    assert tab.locator("main form[method=post]").count() == 0
    assert_no_violations(tab)


@pytest.mark.parametrize("path", [FILTERED, BOOKING])
def test_no_sideways_scrolling_at_320_css_pixels(chromium, demo_server, path):
    context = chromium.new_context(viewport={"width": 320, "height": 640})
    try:
        tab = context.new_page()
        tab.goto(demo_server + path)
        if path == BOOKING:
            submit_empty(tab)  # the longest version: every error shown
        overflow = tab.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at 320px wide"
    finally:
        context.close()
