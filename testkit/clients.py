"""Signed-in test clients: staff count as verified by a real second factor (issue 7).

Every admin page needs a session verified by the person's authenticator app. A test that signs
someone in with `client.force_login(user)` (which skips the password step) skips the code step
the same way: the user gets a real django-otp TOTP device (their own, if they have one) and the
session is verified by it, as django-otp's own login does after a right code. Tests of the real
flow (accounts/tests/test_two_factor.py) use a plain django.test.Client, or
`second_factor=False`.

The suite's `client` fixture (root conftest.py) is a StaffClient; `client_as("derby")`
(testkit/fixtures.py) gives one signed in as a person of `people`, one per role.
"""

from __future__ import annotations

from django.test import Client

# The password of the people who sign in to the admin with one (the `officer` fixture).
ADMIN_PASSWORD = "a-long-enough-password"


def verify_session(session, user):
    """Mark this session as verified by the user's authenticator app (made if missing)."""
    import django_otp
    from django.http import HttpRequest
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    request = HttpRequest()
    request.session = session
    request.user = user
    django_otp.login(request, device)
    session.save()
    return device


class StaffClient(Client):
    """Django's test client; force_login also passes the second step unless told not to."""

    def force_login(self, user, backend=None, *, second_factor: bool = True):
        super().force_login(user, backend)
        if second_factor:
            verify_session(self.session, user)


def signed_in(user, *, second_factor: bool = True) -> StaffClient:
    """A client of its own, signed in as this user (both steps, unless told not to)."""
    client = StaffClient()
    client.force_login(user, second_factor=second_factor)
    return client
