"""The enquiry form in headless Chromium, on the demo site: a keyboard-only enquiry from the home
page to the confirmation page, no axe-core violations (WCAG 2.2 A/AA) on the empty form, the form
with errors and the confirmation page, on a desktop and a phone, and the whole journey with
JavaScript switched off."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache

from testkit.browser import (
    EMAIL_DOMAIN,
    assert_target_size,
    axe_violations,
    describe,
    fill_by_pointer,
    focused,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

FORM = "/enquire/"
THANK_YOU = "/enquire/thank-you/"
REFERENCE = re.compile(r"HUB-\d{4}-\d{6}")


@pytest.fixture(autouse=True)
def _clean_slate(demo_server, django_db_blocker):
    """A fresh allowance of posts (the rate limit lives in the cache), and afterwards no trace of
    the enquiries sent here, so the demo database is left as the loader made it."""
    from enquiry.models import EnquiryPage

    with django_db_blocker.unblock():
        page = EnquiryPage.objects.live().filter(url_path__endswith="/enquire/").first()
        assert page is not None, "the demo has an enquiry page at /enquire/"
    cache.clear()
    yield
    cache.clear()
    with django_db_blocker.unblock():
        from enquiry.models import Enquiry
        from outbox.models import OutboxMessage

        sent = Enquiry.objects.filter(email__endswith=EMAIL_DOMAIN)
        OutboxMessage.objects.filter(reference__in=sent.values("reference")).delete()
        sent.delete()


def tab_to(page, matches, limit: int = 80) -> dict:
    """Press Tab until the focused element matches; every stop on the way must show its focus,
    and the hidden honeypot must never be one of them."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        current = focused(page)
        assert current["name"] != "website", "the honeypot takes no keyboard focus"
        if current["tag"] in {"a", "input", "button", "textarea"}:
            assert current["outline"] or current["shadow"], f"no visible focus on {current}"
        if matches(current):
            return current
    raise AssertionError("never reached by Tab")


def field(element_id: str):
    return lambda current: current["id"] == element_id


def group(name: str):
    return lambda current: current["name"] == name


def test_keyboard_only_enquiry_from_the_home_page(page, demo_server, django_db_blocker):
    page.goto(demo_server + "/")
    enquire = tab_to(page, lambda c: c["inHeader"] and (c["href"] or "").endswith(FORM))
    assert_target_size(enquire)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == demo_server + FORM

    for element_id, text in [
        ("first_name", "Alex"),
        ("last_name", "Morgan-Ní Bhriain"),
        ("email", f"alex@{EMAIL_DOMAIN}"),
        ("phone", "07700 900123"),
        ("postcode", "de1 2ab"),
    ]:
        current = tab_to(page, field(element_id))
        assert_target_size(current)
        page.keyboard.type(text)

    # The script chose the council for the postcode, and said so.
    hint = page.locator("#council-suggestion")
    assert "Derby City Council" in hint.inner_text()
    assert hint.get_attribute("aria-live") == "polite"
    council = tab_to(page, group("council"))
    assert council["checked"], "Tab lands on the chosen council"
    assert page.locator("#council-suggestion").inner_text()

    types = tab_to(page, group("fostering_types"))
    assert_target_size(types)
    page.keyboard.press("Space")
    for name in ["spare_bedroom", "contact_method", "contact_time"]:
        radio = tab_to(page, group(name))
        assert_target_size(radio)
        page.keyboard.press("Space")
    page.keyboard.press("ArrowDown")  # contact time: the next answer along
    tab_to(page, field("question"))
    page.keyboard.type("Can we foster if we both work?")
    tab_to(page, group("heard_about"))
    page.keyboard.press("Space")
    tab_to(page, group("keep_in_touch"))
    page.keyboard.press("Space")

    send = tab_to(page, field("send-enquiry"))
    assert_target_size(send)
    with page.expect_navigation():
        page.keyboard.press("Enter")

    assert page.url == demo_server + THANK_YOU
    assert page.locator("h1").inner_text().strip() == "Enquiry sent"
    reference = page.locator(".panel__reference").inner_text().strip()
    assert REFERENCE.fullmatch(reference)
    assert page.title().startswith("Enquiry sent")

    with django_db_blocker.unblock():
        from enquiry.models import Enquiry

        enquiry = Enquiry.objects.get(reference=reference)
        assert enquiry.council.short_name == "derby"
        assert enquiry.postcode == "DE1 2AB"
        assert enquiry.contact_time == "morning"
        assert enquiry.fostering_types.count() == 1
        assert enquiry.heard_about is not None
        assert [c.channel for c in enquiry.consents.all()] == ["email"]


def checked_council(tab) -> str:
    return tab.locator('input[name="council"]:checked').get_attribute("value")


def test_the_script_suggests_a_council_only_until_the_person_chooses(page, demo_server):
    page.goto(demo_server + FORM)
    postcode = page.locator("#postcode")
    hint = page.locator("#council-suggestion")
    fieldset = page.locator("#council_0").locator("xpath=ancestor::fieldset")

    postcode.fill("DE1 2AB")
    assert checked_council(page) == "derby"
    assert "council-suggestion" in fieldset.get_attribute("aria-describedby")
    postcode.fill("NG7 2RD")
    assert checked_council(page) == "nottingham"
    assert "Nottingham City Council" in hint.inner_text()
    postcode.fill("SW1A 1AA")
    assert checked_council(page) == "not-sure", "a guess is taken back when it no longer fits"
    assert hint.inner_text().strip() == ""
    assert "council-suggestion" not in (fieldset.get_attribute("aria-describedby") or "")

    page.get_by_label("Derbyshire County Council").check()
    postcode.fill("NG1 1AA")
    assert checked_council(page) == "derbyshire", "the person's own choice is never changed"


def test_the_script_keeps_the_council_chosen_on_a_council_page(page, demo_server):
    page.goto(demo_server + FORM + "?council=nottinghamshire")
    assert checked_council(page) == "nottinghamshire"
    page.locator("#postcode").fill("DE1 2AB")
    assert checked_council(page) == "nottinghamshire"


def submit_empty(tab) -> None:
    with tab.expect_navigation():
        tab.locator("#send-enquiry").click()


@pytest.mark.parametrize("device", ["page", "phone"])
def test_empty_form_has_no_axe_violations(request, demo_server, device):
    tab = request.getfixturevalue(device)
    tab.goto(demo_server + FORM)
    assert tab.locator("h1").count() == 1
    violations = axe_violations(tab)
    assert not violations, describe(violations)


@pytest.mark.parametrize("device", ["page", "phone"])
def test_form_with_errors_has_no_axe_violations_and_the_summary_has_focus(
    request, demo_server, device
):
    tab = request.getfixturevalue(device)
    tab.goto(demo_server + FORM)
    submit_empty(tab)

    assert tab.title().startswith("Error: ")
    summary = tab.locator(".error-summary")
    assert summary.is_visible()
    assert tab.evaluate("document.activeElement.classList.contains('error-summary')"), (
        "the error summary takes focus"
    )
    assert summary.locator("a").count() >= 5
    violations = axe_violations(tab)
    assert not violations, describe(violations)

    # Following a summary link puts focus on the answer, with its question in view.
    summary.locator('a[href="#spare_bedroom_0"]').click()
    assert tab.evaluate("document.activeElement.id") == "spare_bedroom_0"
    assert tab.locator("#spare_bedroom_0").is_visible()


@pytest.mark.parametrize("device", ["page", "phone"])
def test_confirmation_page_has_no_axe_violations(request, demo_server, device):
    tab = request.getfixturevalue(device)
    tab.goto(demo_server + FORM)
    fill_by_pointer(tab)
    with tab.expect_navigation():
        tab.locator("#send-enquiry").click()
    assert tab.url == demo_server + THANK_YOU
    assert REFERENCE.fullmatch(tab.locator(".panel__reference").inner_text().strip())
    violations = axe_violations(tab)
    assert not violations, describe(violations)


def test_neutral_thank_you_page_has_no_axe_violations(page, demo_server):
    page.goto(demo_server + THANK_YOU)
    assert page.locator("h1").inner_text().strip() == "Thank you"
    assert not REFERENCE.search(page.content())
    violations = axe_violations(page)
    assert not violations, describe(violations)


def test_the_form_works_with_javascript_off(chromium, demo_server, django_db_blocker):
    """Without the script, the server does everything: errors, keeping answers, choosing the
    council from the postcode, and saving."""
    context = chromium.new_context(
        java_script_enabled=False, viewport={"width": 390, "height": 844}
    )
    try:
        tab = context.new_page()
        tab.goto(demo_server + FORM)
        fill_by_pointer(tab, phone="not a phone number")
        assert tab.locator('input[name="council"]:checked').get_attribute("value") == "not-sure"
        with tab.expect_navigation():
            tab.locator("#send-enquiry").click()

        assert tab.title().startswith("Error: ")
        assert tab.locator("#phone-error").is_visible()
        assert tab.evaluate("document.activeElement.classList.contains('error-summary')"), (
            "autofocus moves focus to the summary without JavaScript"
        )
        assert tab.locator("#first_name").input_value() == "Jo", "answers kept"
        chosen = tab.locator('input[name="council"]:checked')
        assert chosen.get_attribute("value") == "nottingham", "council chosen from the postcode"
        assert "Nottingham City Council" in tab.locator("#council-suggestion").inner_text()

        tab.fill("#phone", "0115 496 0000")
        with tab.expect_navigation():
            tab.locator("#send-enquiry").click()
        assert tab.url == demo_server + THANK_YOU
        reference = tab.locator(".panel__reference").inner_text().strip()
        assert REFERENCE.fullmatch(reference)
    finally:
        context.close()

    with django_db_blocker.unblock():
        from enquiry.models import Enquiry

        assert Enquiry.objects.get(reference=reference).council.short_name == "nottingham"


@pytest.mark.parametrize("path", [FORM, THANK_YOU])
def test_no_sideways_scrolling_at_320_css_pixels(chromium, demo_server, path):
    context = chromium.new_context(viewport={"width": 320, "height": 640})
    try:
        tab = context.new_page()
        tab.goto(demo_server + path)
        if path == FORM:
            submit_empty(tab)  # the longest version: every error shown
        overflow = tab.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at 320px wide"
    finally:
        context.close()
