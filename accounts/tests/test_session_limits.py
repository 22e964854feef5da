"""A signed-in session ends after a while without activity and a while after signing in.

ADMIN_SESSION_IDLE_SECONDS (30 minutes) and ADMIN_SESSION_MAX_AGE_SECONDS (12 hours): then
the person is signed out, keeps nothing of the session, and the sign-in page says why. The
times a session holds are moved back here as the clock would move them; visitors' sessions
(the booking or enquiry confirmation) are not touched.
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import session_limits
from events.tests.factories import EventPageFactory
from testkit.clients import signed_in
from testkit.html import parse, soup

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("wagtailadmin_home")
LOGIN = reverse("wagtailadmin_login")
MINUTE = 60
HOUR = 60 * MINUTE


def move_back(client, *, signed_in_by: int = 0, active_by: int = 0) -> None:
    """As if the person signed in, and last did something, that many seconds earlier."""
    session = client.session
    session[session_limits.SIGNED_IN_AT] -= signed_in_by
    session[session_limits.ACTIVE_AT] -= active_by
    session.save()


def signed_out_to_the_sign_in_page(client, address: str = DASHBOARD) -> str:
    """Open an admin page; it must end on the sign-in page: what that page says."""
    response = client.get(address, follow=True)
    assert response.redirect_chain[-1][0].startswith(f"{LOGIN}?next=")
    assert parse(response).has_heading("Sign in")
    return " ".join(
        item.get_text(" ", strip=True) for item in soup(response).select(".messages li")
    )


@pytest.fixture
def officer_client(officer):
    client = signed_in(officer)
    assert client.get(DASHBOARD).status_code == 200
    return client


def test_a_session_idle_for_longer_than_the_limit_is_signed_out_and_keeps_nothing(
    officer_client,
):
    session = officer_client.session
    session["events.booking"] = 42  # something else the session held
    session.save()
    move_back(officer_client, signed_in_by=40 * MINUTE, active_by=32 * MINUTE)

    said = signed_out_to_the_sign_in_page(officer_client)
    assert "You were signed out after 30 minutes without activity." in said
    assert dict(officer_client.session) == {}, "nothing of the session is kept"
    # Signed out for good: the next admin page asks for the password again, without the notice.
    assert "without activity" not in signed_out_to_the_sign_in_page(officer_client)


def test_a_session_older_than_its_lifetime_is_signed_out_however_active(officer_client):
    move_back(officer_client, signed_in_by=12 * HOUR + 2 * MINUTE)
    said = signed_out_to_the_sign_in_page(officer_client)
    assert "You were signed out 12 hours after you signed in." in said
    assert dict(officer_client.session) == {}


def test_activity_keeps_a_session_going_until_its_lifetime(officer_client):
    for _ in range(3):  # 29 idle minutes at a time: 87 minutes in all
        move_back(officer_client, signed_in_by=29 * MINUTE, active_by=29 * MINUTE)
        assert officer_client.get(DASHBOARD).status_code == 200


def test_the_limits_are_settings(officer, officer_client, settings):
    settings.ADMIN_SESSION_IDLE_SECONDS = 10 * MINUTE
    settings.ADMIN_SESSION_MAX_AGE_SECONDS = 8 * HOUR
    move_back(officer_client, active_by=12 * MINUTE)
    said = signed_out_to_the_sign_in_page(officer_client)
    assert "You were signed out after 10 minutes without activity." in said

    again = signed_in(officer)
    move_back(again, signed_in_by=8 * HOUR + 2 * MINUTE)
    assert "You were signed out 8 hours after you signed in." in signed_out_to_the_sign_in_page(
        again
    )


def test_a_session_half_signed_in_and_left_is_signed_out_too(officer):
    """The password typed, the code never: the code step gives way to the sign-in page."""
    TOTPDevice.objects.create(user=officer, name="Authenticator app", confirmed=True)
    client = signed_in(officer, second_factor=False)
    move_back(client, signed_in_by=35 * MINUTE, active_by=35 * MINUTE)
    assert "without activity" in signed_out_to_the_sign_in_page(client)
    assert "_auth_user_id" not in client.session


def test_a_session_from_before_the_limits_is_signed_out(officer_client):
    session = officer_client.session
    del session[session_limits.SIGNED_IN_AT], session[session_limits.ACTIVE_AT]
    session.save()
    signed_out_to_the_sign_in_page(officer_client)
    assert "_auth_user_id" not in officer_client.session


def test_an_open_editor_pinging_in_the_background_is_not_activity(officer_client, home):
    """Wagtail's editor pings every few seconds while its tab is open: that is not a person."""
    ping = reverse(
        "wagtailadmin_editing_sessions:ping",
        args=["wagtailcore", "page", str(home.pk), 0],
    )
    move_back(officer_client, active_by=29 * MINUTE)
    officer_client.post(ping)
    move_back(officer_client, active_by=3 * MINUTE)
    assert "without activity" in signed_out_to_the_sign_in_page(officer_client)


def test_a_visitors_booking_session_keeps_djangos_own_lifetime(home):
    """The booking confirmation is read from the session: the admin limits never touch it."""
    event = EventPageFactory()
    visitor = Client()
    page = visitor.get(event.url + event.reverse_subpage("booking"))
    token = soup(page).find("input", attrs={"name": "form_token"})["value"]
    booked = visitor.post(
        event.url + event.reverse_subpage("booking"),
        {
            "first_name": "Sam",
            "last_name": "Okafor",
            "email": "sam@example.org",
            "postcode": "DE1 2AB",
            "places": "1",
            "form_token": token,
            "website": "",
        },
    )
    assert booked.status_code == 303
    cookie = booked.cookies[settings.SESSION_COOKIE_NAME]
    assert int(cookie["max-age"]) == settings.SESSION_COOKIE_AGE  # two weeks, as before
    assert session_limits.SIGNED_IN_AT not in visitor.session
    assert parse(visitor.get(booked["Location"])).has_heading("Booking confirmed")
