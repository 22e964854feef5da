"""Sending twice and suspected spam, in headless Chromium on the demo site.

Back after a confirmation and Send again shows "You have already sent this enquiry" with the
first reference (and a booking, "You have already booked this event"), never a second one; the
calm page after a held post, and the quarantine admin screens a hub enquiry officer uses (the
list, one held post, Release and Delete), pass axe-core's WCAG 2.2 A/AA rules.

`HUB_SCREENSHOTS=docs/screenshots` also saves the list as a hub enquiry officer sees it.
"""

from __future__ import annotations

import os
import re
import threading
import uuid
from pathlib import Path

import pytest
from django.core.cache import cache

from testkit.browser import axe_violations, describe, fill_by_pointer

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

FORM = "/enquire/"
THANK_YOU = "/enquire/thank-you/"
EVENT = "/events/derby-information-evening/"
BOOKING = EVENT + "book/"
REFERENCE = re.compile(r"HUB-\d{4}-\d{6}")
EMAIL_DOMAIN = "quarantine-browser-test.example.org"
ADMIN = "/admin/suspected-spam/"


def committed(django_db_blocker, work):
    """Run `work` on a connection of its own, outside the test's transaction, so that the live
    server (another thread, another connection) sees what it writes, and it stays written."""
    from django.db import connection

    results, errors = [], []

    def run() -> None:
        try:
            with django_db_blocker.unblock():
                results.append(work())
        except Exception as error:  # re-raised in the test's thread
            errors.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=60)
    if errors:
        raise errors[0]
    return results[0]


def remove_traces() -> None:
    from enquiry.models import Enquiry, HeldSubmission
    from events.models import Registration
    from outbox.models import OutboxMessage

    sent = Enquiry.objects.filter(email__endswith=EMAIL_DOMAIN)
    booked = Registration.objects.filter(email__endswith=EMAIL_DOMAIN)
    references = [*sent.values_list("reference", flat=True)]
    references += [registration.reference for registration in booked]
    OutboxMessage.objects.filter(reference__in=references).delete()
    sent.delete()
    booked.delete()
    HeldSubmission.objects.filter(email__endswith=EMAIL_DOMAIN).delete()


@pytest.fixture(autouse=True)
def _clean_slate(demo_server, django_db_blocker):
    """A fresh allowance of posts, and afterwards no trace of what was sent or held here."""
    cache.clear()
    yield
    cache.clear()
    committed(django_db_blocker, remove_traces)


def send_enquiry(tab) -> None:
    with tab.expect_navigation():
        tab.locator("#send-enquiry").click()


def test_back_and_send_again_shows_already_sent_with_the_first_reference(
    page, demo_server, django_db_blocker
):
    page.goto(demo_server + FORM)
    fill_by_pointer(page)
    page.fill("#email", f"jo@{EMAIL_DOMAIN}")
    send_enquiry(page)
    assert page.url == demo_server + THANK_YOU
    first = page.locator(".panel__reference").inner_text().strip()
    assert REFERENCE.fullmatch(first)

    page.go_back()
    page.wait_for_load_state()
    assert page.url == demo_server + FORM
    if page.locator("#first_name").input_value() != "Jo":  # a browser that did not keep them
        fill_by_pointer(page)
        page.fill("#email", f"jo@{EMAIL_DOMAIN}")
    send_enquiry(page)

    assert page.url == demo_server + THANK_YOU
    assert page.locator("h1").inner_text().strip() == "You have already sent this enquiry"
    assert page.title().startswith("You have already sent this enquiry")
    assert page.locator(".panel__reference").inner_text().strip() == first
    assert "You sent it on" in page.locator(".panel").inner_text()
    violations = axe_violations(page)
    assert not violations, describe(violations)
    with django_db_blocker.unblock():
        from enquiry.models import Enquiry

        assert Enquiry.objects.filter(email=f"jo@{EMAIL_DOMAIN}").count() == 1


def test_booking_again_shows_the_first_booking(page, demo_server, django_db_blocker):
    def book() -> None:
        page.fill("#first_name", "Jo")
        page.fill("#last_name", "Adeyemi")
        page.fill("#email", f"jo@{EMAIL_DOMAIN}")
        page.fill("#postcode", "DE1 2AB")
        page.fill("#places", "1")
        with page.expect_navigation():
            page.locator("#book-place").click()

    page.goto(demo_server + BOOKING)
    book()
    first = page.locator(".panel__reference").inner_text().strip()
    page.go_back()
    page.wait_for_load_state()
    book()
    assert page.locator("h1").inner_text().strip() == "You have already booked this event"
    assert page.locator(".panel__reference").inner_text().strip() == first
    assert page.get_by_role("link", name="Cancel this booking").count() == 1
    violations = axe_violations(page)
    assert not violations, describe(violations)
    with django_db_blocker.unblock():
        from events.models import Registration

        assert Registration.objects.filter(email=f"jo@{EMAIL_DOMAIN}").count() == 1


def test_the_page_after_a_held_post_has_no_axe_violations(page, demo_server):
    page.goto(demo_server + FORM)
    fill_by_pointer(page)
    page.fill("#email", f"bot@{EMAIL_DOMAIN}")
    # Only a bot fills the hidden box in; a person gets this same page for a held post.
    page.evaluate("document.querySelector('input[name=website]').value = 'https://spam.example'")
    send_enquiry(page)
    assert page.locator("h1").inner_text().strip() == "We have received your message"
    assert not REFERENCE.search(page.content())
    violations = axe_violations(page)
    assert not violations, describe(violations)


def hold_examples() -> dict:
    """A held enquiry and a held booking, as the spam checks would have left them."""
    from councils.models import Council
    from enquiry import quarantine
    from enquiry.models import HearAboutOption, RejectedSubmission
    from enquiry.services import EnquiryDetails
    from events.models import EventPage
    from events.quarantine import hold_booking
    from events.services import BookingDetails

    Reason = RejectedSubmission.Reason
    enquiry, _created = quarantine.hold_enquiry(
        EnquiryDetails(
            first_name="Jo",
            last_name="Adeyemi",
            email=f"jo@{EMAIL_DOMAIN}",
            phone="0115 496 0000",
            postcode="NG1 5AA",
            spare_bedroom="yes",
            contact_method="email",
            contact_time="any",
            council=Council.objects.get(short_name="nottingham"),
            question="Can I foster if I rent my home?",
            heard_about=HearAboutOption.objects.originals().first(),
            consents={"email": "Yes, you can email me news about fostering"},
        ),
        reason=Reason.TOO_FAST,
        submission_token=uuid.uuid4(),
        language="en-gb",
        touches=(None, None),
    )
    event = EventPage.objects.get(slug="derby-information-evening", locale__language_code="en-gb")
    booking, _created = hold_booking(
        event,
        BookingDetails(
            first_name="Sam",
            last_name="Okafor",
            email=f"sam@{EMAIL_DOMAIN}",
            postcode="DE1 2AB",
            places=2,
        ),
        reason=Reason.RATE_LIMITED,
        submission_token=uuid.uuid4(),
        language="pl",
    )
    return {"enquiry": enquiry.pk, "booking": booking.pk}


def test_the_quarantine_admin_screens_have_no_axe_violations(
    page, demo_server, sign_in_as, django_db_blocker
):
    held = committed(django_db_blocker, hold_examples)
    sign_in_as(page, "hub.enquiries")
    page.goto(demo_server + ADMIN)
    assert page.locator("h1").inner_text().strip() == "Suspected spam"
    listing = page.locator("main table")
    assert "Sent too quickly after the form was shown" in listing.inner_text()
    assert "Too many posts from one address" in listing.inner_text()
    violations = axe_violations(page)
    assert not violations, describe(violations)
    if directory := os.environ.get("HUB_SCREENSHOTS"):
        Path(directory).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(directory) / "suspected-spam-list.png"), full_page=True)

    for pk in held.values():
        for screen in (f"inspect/{pk}/", f"release/{pk}/", f"delete/{pk}/"):
            page.goto(demo_server + ADMIN + screen)
            assert page.locator("h1").count() == 1
            violations = axe_violations(page)
            assert not violations, (screen, describe(violations))

    # Releasing from the browser: the confirmation, then the enquiry with its reference.
    page.goto(demo_server + ADMIN + f"release/{held['enquiry']}/")
    with page.expect_navigation():
        page.get_by_role("button", name="Release it").click()
    assert "/admin/enquiries/inspect/" in page.url
    assert REFERENCE.search(page.locator("main").inner_text())
    page.goto(demo_server + ADMIN + f"delete/{held['booking']}/")
    with page.expect_navigation():
        page.get_by_role("button", name="Delete it").click()
    assert page.url == demo_server + ADMIN
    with django_db_blocker.unblock():
        from enquiry.models import HeldSubmission

        assert not HeldSubmission.objects.filter(pk__in=held.values()).exists()
