"""Signing in to the admin in Chromium: password, then setting up an authenticator app, then
the code at the next sign-in; axe-core finds nothing on the sign-in, set-up, recovery codes,
recovery-code and code pages (with and without an error)."""

from __future__ import annotations

import pytest

from testkit.browser import app_code, axe_violations, describe

# django_db: pytest-django creates the test database only for runs that include such a test.
pytestmark = [pytest.mark.browser, pytest.mark.django_db]

USERNAME = "browser.officer"
PASSWORD = "a-long-enough-password"


@pytest.fixture(scope="module")
def officer(demo_server, django_db_blocker):
    """A new hub comms officer, committed so the live server sees them; no app yet."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from accounts.roles import HUB_COMMS

    with django_db_blocker.unblock():
        user = get_user_model().objects.create_user(USERNAME, password=PASSWORD)
        user.groups.add(Group.objects.get(name=HUB_COMMS))
    yield user
    with django_db_blocker.unblock():
        user.delete()


def assert_accessible(page) -> None:
    violations = axe_violations(page)
    assert violations == [], describe(violations)


def sign_in_with_password(page, base: str) -> None:
    page.goto(f"{base}/admin/login/")
    page.get_by_label("Username").fill(USERNAME)
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()


def test_signing_in_with_a_second_factor_from_set_up_to_the_code(page, demo_server, officer):
    page.goto(f"{demo_server}/admin/login/")
    assert_accessible(page)
    password = page.locator("#id_password")
    assert password.get_attribute("autocomplete") == "current-password"
    assert page.locator("#id_username").get_attribute("autocomplete") == "username"
    pasted = page.evaluate(
        """() => document.querySelector('#id_password').dispatchEvent(new ClipboardEvent(
            'paste', {bubbles: true, cancelable: true, clipboardData: new DataTransfer()}))"""
    )
    assert pasted is True  # nothing on the page cancels a paste

    # First sign-in: set up the app.
    sign_in_with_password(page, demo_server)
    assert "/admin/two-factor/set-up/" in page.url
    assert page.get_by_role("heading", level=1).inner_text() == "Set up your authenticator app"
    assert page.get_by_role("img", name="QR code to add this site to your authenticator app")
    page.get_by_text("I cannot scan the QR code").click()
    key = page.locator(".two-factor-setup-key").inner_text()
    assert_accessible(page)
    field = page.get_by_label("Code from your authenticator app")
    assert field.get_attribute("autocomplete") == "one-time-code"
    assert field.get_attribute("inputmode") == "numeric"
    field.fill(app_code(key))
    with page.expect_navigation():
        page.get_by_role("button", name="Confirm and continue").click()

    # The recovery codes, once.
    assert page.get_by_role("heading", level=1).inner_text() == "Your recovery codes"
    assert page.locator(".two-factor-recovery-codes li").count() == 10
    assert_accessible(page)
    with page.expect_navigation():
        page.get_by_role("link", name="I have saved my recovery codes: continue").click()
    assert page.url == f"{demo_server}/admin/"

    # Next time: the code.
    page.context.clear_cookies()
    sign_in_with_password(page, demo_server)
    assert "/admin/two-factor/code/" in page.url
    assert_accessible(page)
    page.get_by_label("Code from your authenticator app").fill("000000")
    with page.expect_navigation():
        page.get_by_role("button", name="Continue").click()
    summary = page.locator(".two-factor-error-summary")
    assert "There is a problem" in summary.inner_text()
    assert page.evaluate("document.activeElement.classList.contains('two-factor-error-summary')")
    assert page.title().startswith("Error:")
    assert_accessible(page)
    summary.get_by_role("link").click()
    assert page.evaluate("document.activeElement.id") == "id_code"

    # The way in without the phone, and back.
    page.get_by_role("link", name="I cannot use my authenticator app: use a recovery code").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "Enter a recovery code"
    assert_accessible(page)
    page.get_by_role("link", name="Use a code from my authenticator app").click()
    page.wait_for_load_state()

    # django-otp checks no code for a second after a wrong one (then 2, 4, 8 ... seconds).
    page.wait_for_timeout(1100)
    page.get_by_label("Code from your authenticator app").fill(app_code(key, steps_ahead=1))
    with page.expect_navigation():
        page.get_by_role("button", name="Continue").click()
    assert page.url == f"{demo_server}/admin/"
    assert page.get_by_role("heading", level=1).count() >= 1
