"""Password guessing on the admin sign-in is throttled (django-axes in the shared cache).

Failures count per username and per client address; the fifth pauses signing in for that
username or address for 15 minutes, with the same message whether the username exists or not,
and the pause ends by itself.
"""

from __future__ import annotations

import subprocess
import time

import pytest
from axes.handlers.proxy import AxesProxyHandler
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client, override_settings
from django.urls import reverse

from accounts.roles import HUB_COMMS
from testkit.clients import ADMIN_PASSWORD
from testkit.html import parse

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_login_failures")]

LOGIN = reverse("wagtailadmin_login")
PASSWORD = ADMIN_PASSWORD
LOCKED = (
    "Too many failed attempts to sign in. For your security, signing in is paused for 15 minutes."
)
NO_MATCH = "Your username and password didn't match. Please try again."


def sign_in(client: Client, username: str, password: str, **headers):
    return client.post(
        LOGIN, {"username": username, "password": password, "next": "/admin/"}, **headers
    )


def signed_in(response) -> bool:
    return response.status_code == 302 and not response.url.startswith(LOGIN)


def fail(client: Client, username: str, times: int, **headers) -> list:
    return [sign_in(client, username, "wrong-guess", **headers) for _ in range(times)]


def test_four_wrong_passwords_are_told_apart_from_a_lockout_then_the_fifth_pauses_sign_in(
    officer,
):
    client = Client()
    for response in fail(client, "hub.officer", 4):
        assert response.status_code == 200
        assert parse(response).has_text(NO_MATCH)
    fifth = fail(client, "hub.officer", 1)[0]
    assert fifth.status_code == 429
    page = parse(fifth)
    assert page.has_text(LOCKED)
    assert page.has_text("Wait, then try again, or reset your password.")
    assert page.has_heading("Sign in to Wagtail")  # the sign-in page itself, in the admin's look
    # The right password does not get through during the pause.
    right = sign_in(client, "hub.officer", PASSWORD)
    assert right.status_code == 429 and not signed_in(right)


def test_the_message_does_not_say_whether_the_username_exists(officer):
    messages = {}
    for number, username in enumerate(("hub.officer", "no.such.person")):
        client = Client(REMOTE_ADDR=f"198.51.100.{number + 1}")
        responses = fail(client, username, 5)
        assert [r.status_code for r in responses] == [200, 200, 200, 200, 429]
        messages[username] = [parse(r).text.replace(username, "USERNAME") for r in responses]
    assert messages["hub.officer"] == messages["no.such.person"]


def test_failures_count_per_address_whatever_the_username(officer):
    guesser = Client(REMOTE_ADDR="203.0.113.9")
    for number in range(5):
        fail(guesser, f"guess.{number}", 1)
    assert sign_in(guesser, "hub.officer", PASSWORD).status_code == 429
    # Someone else, elsewhere, signs in as usual.
    assert signed_in(sign_in(Client(REMOTE_ADDR="192.0.2.44"), "hub.officer", PASSWORD))


def test_failures_count_per_username_whatever_the_address(officer):
    for number in range(5):
        fail(Client(REMOTE_ADDR=f"203.0.113.{number + 10}"), "hub.officer", 1)
    assert sign_in(Client(REMOTE_ADDR="192.0.2.44"), "hub.officer", PASSWORD).status_code == 429
    other = get_user_model().objects.create_user("hub.other", password=PASSWORD)
    other.groups.add(Group.objects.get(name=HUB_COMMS))
    assert signed_in(sign_in(Client(REMOTE_ADDR="192.0.2.44"), "hub.other", PASSWORD))


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_behind_a_proxy_each_visitor_counts_by_their_own_address(officer):
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    for number in range(5):
        fail(Client(**proxy), f"guess.{number}", 1, HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.7")
    locked = sign_in(
        Client(**proxy), "hub.officer", PASSWORD, HTTP_X_FORWARDED_FOR="9.9.9.9, 203.0.113.7"
    )
    assert locked.status_code == 429  # a made-up first entry does not escape the count
    assert signed_in(
        sign_in(Client(**proxy), "hub.officer", PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.8")
    )


def test_signing_in_clears_the_count(officer):
    client = Client()
    fail(client, "hub.officer", 4)
    assert signed_in(sign_in(client, "hub.officer", PASSWORD))
    client = Client()
    assert [r.status_code for r in fail(client, "hub.officer", 4)] == [200] * 4


class LaterClock:
    """The cache's clock, some minutes on (the in-memory cache reads time.time())."""

    def __init__(self, minutes: float) -> None:
        self.offset = minutes * 60

    def time(self) -> float:
        return time.time() + self.offset


IN_MEMORY = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "security": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
}


def test_the_pause_ends_by_itself_after_the_cool_off(officer, monkeypatch):
    """Redis cannot be sent into the future, so this one counts in the in-memory cache, whose
    clock can (the next test shows the counts expire in Redis too)."""
    import django.core.cache.backends.locmem as locmem

    with override_settings(CACHES=IN_MEMORY):
        AxesProxyHandler.get_implementation(force=True)  # it holds on to its cache
        client = Client()
        fail(client, "hub.officer", 5)
        monkeypatch.setattr(locmem, "time", LaterClock(14))
        assert sign_in(client, "hub.officer", PASSWORD).status_code == 429
        monkeypatch.setattr(locmem, "time", LaterClock(30))
        assert signed_in(sign_in(client, "hub.officer", PASSWORD))
    AxesProxyHandler.get_implementation(force=True)


def test_the_counts_live_in_the_shared_redis_cache_and_expire(officer):
    from django.conf import settings
    from django.core.cache import cache
    from django_redis import get_redis_connection

    cache.clear()
    fail(Client(), "hub.officer", 5)
    # Another web process (here: another connection to the same Redis) sees the same counts ...
    another_process = get_redis_connection("security")
    keys = another_process.keys(f"{settings.CACHES['security']['KEY_PREFIX']}:*")
    assert keys
    ttls = [another_process.ttl(key) for key in keys]
    assert all(0 < ttl <= 15 * 60 for ttl in ttls)  # ... and Redis forgets them by itself
    assert sign_in(Client(), "hub.officer", PASSWORD).status_code == 429


def test_production_counts_in_the_security_cache_which_is_redis():
    """Production's axes counts go to its security cache, Redis at SECURITY_REDIS_URL (else
    REDIS_URL), which every web process shares."""
    import os
    import sys

    from testkit.production import BASE_DIR, PRODUCTION_ENV

    env = {key: value for key, value in os.environ.items() if key in {"PATH", "HOME", "LANG"}}
    env.update(PRODUCTION_ENV, DJANGO_SETTINGS_MODULE="config.settings.production")
    program = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.AXES_HANDLER, s.AXES_CACHE, s.CACHES[s.AXES_CACHE]['BACKEND'], "
        "s.CACHES[s.AXES_CACHE]['LOCATION'])"
    )
    result = subprocess.run(
        [sys.executable, "-c", program],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert result.stdout.split() == [
        "axes.handlers.cache.AxesCacheHandler",
        "security",
        "django_redis.cache.RedisCache",
        PRODUCTION_ENV["REDIS_URL"],
    ]
    env["SECURITY_REDIS_URL"] = "redis://counters.internal:6379/0"
    result = subprocess.run(
        [sys.executable, "-c", program], cwd=BASE_DIR, env=env, capture_output=True, text=True
    )
    assert result.stdout.split()[-1] == "redis://counters.internal:6379/0"
