"""The second factor every admin account signs in with: the real flow, end to end.

Password first (Wagtail's form), then a code from the person's authenticator app, checked with
django-otp's own TOTP from the device's key. These tests use a plain django.test.Client: the
suite's `client` passes the code step for force-logged-in staff (testkit/clients.py).
"""

from __future__ import annotations

import logging
import re
import time
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client, override_settings
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail.models import ModelLogEntry

from demo.second_factor import DEMO_TOTP_KEY, DEMO_TOTP_KEY_HEX, give_demo_app
from testkit.admin import assert_refused
from testkit.clients import ADMIN_PASSWORD
from testkit.html import parse, soup

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_login_failures")]

PASSWORD = ADMIN_PASSWORD
LOGIN = reverse("wagtailadmin_login")
DASHBOARD = reverse("wagtailadmin_home")
CODE = reverse("accounts_two_factor_code")
SETUP = reverse("accounts_two_factor_setup")
RECOVERY = reverse("accounts_two_factor_recovery")
RECOVERY_CODES = reverse("accounts_two_factor_recovery_codes")


@pytest.fixture
def app(officer) -> TOTPDevice:
    """The officer's authenticator app, already set up."""
    return TOTPDevice.objects.create(user=officer, name="Authenticator app", confirmed=True)


def codes_now(device: TOTPDevice, at: float | None = None) -> list[str]:
    """What the person's app shows now, and one step either side (django-otp's tolerance)."""
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    now = time.time() if at is None else at
    shown = []
    for offset in (0, -1, 1):
        totp.time = now + offset * device.step
        shown.append(f"{totp.token():06d}")
    return shown


def code_now(device: TOTPDevice) -> str:
    return codes_now(device)[0]


def wrong_code(device: TOTPDevice) -> str:
    accepted = set(codes_now(device))
    return next(f"{n:06d}" for n in range(123456, 999999) if f"{n:06d}" not in accepted)


def sign_in_with_password(client: Client, username: str = "hub.officer", **extra):
    return client.post(
        LOGIN, {"username": username, "password": PASSWORD, "next": DASHBOARD}, **extra
    )


class Inputs:
    """The attributes of every <input>, and label texts by the id they are for."""

    def __init__(self, source: str) -> None:
        page = soup(source, multi_valued_attributes=None)
        self.inputs: dict[str, dict[str, str]] = {
            field["name"]: dict(field.attrs)
            for field in page.find_all("input")
            if field.get("name")
        }
        self.labels: dict[str, str] = {
            label.get("for"): "".join(text.strip() for text in label.strings)
            for label in page.find_all("label")
        }


def code_field(response) -> tuple[dict, str, str]:
    """The code input's attributes, its label, and the text it is described by."""
    html = response.content.decode()
    found = Inputs(html)
    field = found.inputs["code"]
    described = " ".join(
        re.sub(
            r"<[^>]+>",
            "",
            re.search(rf'id="{re.escape(part)}"[^>]*>(.*?)</div>', html, re.S).group(1),
        ).strip()
        for part in (field.get("aria-describedby") or "").split()
    )
    return field, found.labels.get(field["id"], ""), described


# --- The password step leads to the code step ---------------------------------------------------


def test_after_the_password_a_person_with_an_app_is_asked_for_its_code(app):
    client = Client()
    response = sign_in_with_password(client, follow=True)
    assert response.redirect_chain[-1][0] == f"{CODE}?next={DASHBOARD.replace('/', '%2F')}"
    page = parse(response)
    assert page.has_heading("Enter the code from your authenticator app")
    field, label, hint = code_field(response)
    assert field["autocomplete"] == "one-time-code"
    assert field["inputmode"] == "numeric"
    assert "placeholder" not in field
    assert label.rstrip("*") == "Code from your authenticator app"
    assert "6-digit code" in hint
    # Still on the code step: no admin page is reachable yet.
    assert client.get(reverse("wagtailadmin_explore_root")).url.startswith(CODE)


def test_the_right_code_opens_the_admin_where_the_person_was_going(app):
    client = Client()
    pages = reverse("wagtailadmin_explore_root")
    assert client.get(pages).url.startswith(LOGIN)
    client.post(LOGIN, {"username": "hub.officer", "password": PASSWORD, "next": pages})
    step = client.get(pages)
    assert step.status_code == 302 and step.url.startswith(CODE)
    response = client.post(step.url, {"code": code_now(app), "next": pages})
    assert response.status_code == 302 and response.url == pages
    assert client.get(pages).status_code == 200
    assert client.get(DASHBOARD).status_code == 200


def test_a_wrong_code_is_refused_with_an_error_summary_linked_to_the_field(app):
    client = Client()
    sign_in_with_password(client)
    response = client.post(CODE, {"code": wrong_code(app), "next": DASHBOARD})
    assert response.status_code == 200
    html = response.content.decode()
    page = parse(response)
    assert page.has_heading("There is a problem")
    assert page.has_text("The code is not right. Enter the code your app shows now.")
    assert page.links_to("#id_code")
    assert 'role="alert"' in html
    assert parse(response).has_text("Error:") or "<title>Error:" in html
    _field, _label, described = code_field(response)
    assert "The code is not right" in described
    assert 'value="' not in re.search(r'<input[^>]*name="code"[^>]*>', html).group(0)
    assert client.get(DASHBOARD).url.startswith(CODE)


def test_a_code_that_is_not_six_digits_asks_for_the_digits_and_costs_no_attempt(app):
    client = Client()
    sign_in_with_password(client)
    response = client.post(CODE, {"code": "12ab", "next": DASHBOARD})
    assert parse(response).has_text("Enter the 6 digits from your authenticator app")
    app.refresh_from_db()
    assert app.throttling_failure_count == 0
    # Spaces people type from the app's display are fine.
    right = code_now(app)
    response = client.post(CODE, {"code": f"{right[:3]} {right[3:]}", "next": DASHBOARD})
    assert response.status_code == 302


def test_a_code_works_once(app):
    first, second = Client(), Client()
    sign_in_with_password(first)
    sign_in_with_password(second)
    code = code_now(app)
    assert first.post(CODE, {"code": code}).status_code == 302
    refused = second.post(CODE, {"code": code})
    assert refused.status_code == 200
    assert second.get(DASHBOARD).url.startswith(CODE)


def test_wrong_codes_are_throttled_and_the_wait_ends(app):
    client = Client()
    sign_in_with_password(client)
    for _ in range(3):
        client.post(CODE, {"code": wrong_code(app)})
    app.refresh_from_db()
    assert app.throttling_failure_count >= 1
    # Straight after wrong codes, even the right code is not checked.
    response = client.post(CODE, {"code": code_now(app)})
    assert parse(response).has_text("Too many wrong codes in a row. You can try again from")
    assert client.get(DASHBOARD).url.startswith(CODE)
    # Once the wait has passed (django-otp: 1, 2, 4 ... seconds after the last failure).
    TOTPDevice.objects.filter(pk=app.pk).update(
        throttling_failure_timestamp=app.throttling_failure_timestamp - timedelta(minutes=10)
    )
    assert client.post(CODE, {"code": code_now(app)}).status_code == 302
    app.refresh_from_db()
    assert app.throttling_failure_count == 0


# --- Every admin address needs the second step --------------------------------------------------


@pytest.mark.parametrize(
    "url_name",
    [
        "wagtailadmin_home",
        "wagtailadmin_explore_root",
        "wagtailusers_users:index",
        "wagtailsettings:edit",
        "wagtailimages:index",
        "wagtaildocs:index",
        "enquiries:index",
        "accounts_two_factor_recovery_codes",
    ],
)
def test_every_admin_page_sends_an_unverified_session_to_the_code_step(app, url_name):
    client = Client()
    client.force_login(app.user)
    url = (
        reverse(url_name, args=["councils", "hubsettings"])
        if url_name == "wagtailsettings:edit"
        else reverse(url_name)
    )
    for response in (client.get(url), client.post(url, {})):
        assert response.status_code == 302, url
        assert response.url.startswith(CODE), (url, response.url)


def test_signing_in_and_out_and_the_second_step_itself_stay_open(app):
    client = Client()
    client.force_login(app.user)
    assert client.get(CODE).status_code == 200
    assert client.get(RECOVERY).status_code == 200
    assert client.get(reverse("wagtailadmin_javascript_catalog")).status_code == 200
    response = client.post(reverse("wagtailadmin_logout"))
    assert response.status_code == 302
    assert client.get(DASHBOARD).url.startswith(LOGIN)


def test_people_who_cannot_use_the_admin_are_not_asked_for_a_code(make_user):
    client = Client()
    client.force_login(make_user("member-of-public"))
    assert reverse("wagtailadmin_login") in client.get(DASHBOARD).url


# --- Setting the app up the first time ----------------------------------------------------------


def test_first_sign_in_sets_up_the_app_with_a_qr_code_and_the_key_as_text(officer):
    client = Client()
    response = sign_in_with_password(client, follow=True)
    assert response.redirect_chain[-1][0].startswith(SETUP)
    page = parse(response)
    assert page.has_heading("Set up your authenticator app")
    html = response.content.decode()
    assert re.search(r"<svg[^>]*two-factor-qr", html)
    assert "<title>QR code to add this site to your authenticator app</title>" in html
    device = TOTPDevice.objects.get(user=officer, confirmed=False)
    from base64 import b32encode

    key = b32encode(device.bin_key).decode()
    shown_key = re.search(r'class="two-factor-setup-key"[^>]*>([^<]+)<', html).group(1)
    assert shown_key.replace(" ", "") == key
    assert any(d.summary == "I cannot scan the QR code" for d in page.details)
    # Reloading keeps the same key (someone may be half-way through scanning it).
    client.get(SETUP)
    assert TOTPDevice.objects.filter(user=officer).count() == 1

    # A wrong code: the app is not set up.
    response = client.post(SETUP, {"code": wrong_code(device), "next": DASHBOARD})
    assert parse(response).has_heading("There is a problem")
    assert not TOTPDevice.objects.filter(user=officer, confirmed=True).exists()

    # The code the app shows (computed from the key the page gave, as an app would).
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=None)
    response = client.post(SETUP, {"code": code_now(device), "next": DASHBOARD})
    assert response.status_code == 302 and response.url.startswith(RECOVERY_CODES)
    assert TOTPDevice.objects.get(user=officer).confirmed

    # The recovery codes, shown once.
    shown = client.get(response.url)
    codes = re.findall(r"<li><code>([a-z2-7]+)</code></li>", shown.content.decode())
    assert len(codes) == 10
    assert parse(shown).has_text("they will not be shown again")
    stored = StaticDevice.objects.get(user=officer).token_set.values_list("token", flat=True)
    assert sorted(codes) == sorted(stored)
    again = client.get(RECOVERY_CODES)
    assert again.status_code == 302
    assert client.get(DASHBOARD).status_code == 200


def test_someone_with_an_app_cannot_set_up_another_before_the_code_step(app):
    client = Client()
    sign_in_with_password(client)
    assert client.get(SETUP).url.startswith(CODE)


# --- Recovery codes -----------------------------------------------------------------------------


@pytest.fixture
def recovery(app) -> list[str]:
    from accounts.second_factor import confirm_app

    return confirm_app(app)


def test_a_recovery_code_signs_in_once(app, recovery):
    client = Client()
    sign_in_with_password(client)
    page = parse(client.get(CODE))
    assert page.links_to(f"{RECOVERY}?next=/admin/")
    response = client.get(RECOVERY)
    field, label, hint = code_field(response)
    assert label.rstrip("*") == "Recovery code" and field["autocomplete"] == "off"
    assert "Each code works once" in hint
    response = client.post(RECOVERY, {"code": recovery[0].upper(), "next": DASHBOARD}, follow=True)
    assert response.redirect_chain[0][0] == DASHBOARD
    assert parse(response).has_text("You signed in with a recovery code, which will not work again")

    other = Client()
    sign_in_with_password(other)
    refused = other.post(RECOVERY, {"code": recovery[0]})
    assert parse(refused).has_text("That is not one of your recovery codes, or it has been used")
    assert other.get(DASHBOARD).url.startswith(CODE)


# --- A superuser resets someone's second factor -------------------------------------------------


@pytest.fixture
def superuser(db):
    user = get_user_model().objects.create_superuser("root", "root@example.org", PASSWORD)
    return user


def test_a_superuser_resets_a_lost_app_and_it_is_recorded(app, recovery, superuser):
    # The officer is signed in, verified, somewhere.
    officer = Client()
    sign_in_with_password(officer)
    officer.post(CODE, {"code": code_now(app)})
    assert officer.get(DASHBOARD).status_code == 200

    admin = Client()
    admin.force_login(superuser)
    from testkit.clients import verify_session

    verify_session(admin.session, superuser)
    listing = admin.get(reverse("wagtailusers_users:index"))
    reset_url = reverse("accounts_two_factor_reset", args=[app.user.pk])
    assert reset_url in listing.content.decode()
    confirm = admin.get(reset_url)
    assert parse(confirm).has_text("will have to set up their authenticator app again")
    response = admin.post(reset_url)
    assert response.status_code == 302

    assert not TOTPDevice.objects.filter(user=app.user).exists()
    assert not StaticDevice.objects.filter(user=app.user).exists()
    entry = ModelLogEntry.objects.get(action="accounts.reset_second_factor")
    assert entry.user == superuser and entry.object_id == str(app.user.pk)
    assert entry.message == "Two-factor authentication reset"
    # The officer's session is no longer verified: they set up a new app.
    assert officer.get(DASHBOARD).url.startswith(SETUP)


def test_only_a_superuser_may_reset_and_not_their_own(app, people, superuser, client):
    reset_url = reverse("accounts_two_factor_reset", args=[app.user.pk])
    client.force_login(people["hub_comms"])
    assert_refused(client.post(reset_url))
    assert TOTPDevice.objects.filter(user=app.user).exists()
    client.force_login(superuser)
    own = reverse("accounts_two_factor_reset", args=[superuser.pk])
    assert_refused(client.post(own))
    assert client.get(reset_url).status_code == 200


# --- No secret or code in a log line or an address ----------------------------------------------


def test_no_key_or_code_is_logged_or_put_in_an_address(officer, caplog):
    from base64 import b32encode

    client = Client()
    addresses: list[str] = []
    with caplog.at_level(logging.DEBUG):
        logging.getLogger().setLevel(logging.DEBUG)
        response = sign_in_with_password(client, follow=True)
        addresses += [url for url, _ in response.redirect_chain]
        device = TOTPDevice.objects.get(user=officer)
        wrong = wrong_code(device)
        client.post(SETUP, {"code": wrong})
        TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=None)
        code = code_now(device)
        response = client.post(SETUP, {"code": code}, follow=True)
        addresses += [url for url, _ in response.redirect_chain]
        codes = list(
            StaticDevice.objects.get(user=officer).token_set.values_list("token", flat=True)
        )
    secrets = [
        device.key,
        b32encode(device.bin_key).decode(),
        code,
        wrong,
        PASSWORD,
        *codes,
    ]
    logged = "\n".join(record.getMessage() for record in caplog.records)
    for secret in secrets:
        assert secret not in logged
        assert all(secret not in address for address in addresses)


# --- The demo accounts --------------------------------------------------------------------------


def test_a_demo_account_signs_in_with_the_printed_demo_code(officer, capsys):
    assert give_demo_app(officer)
    assert not give_demo_app(officer)  # once
    device = TOTPDevice.objects.get(user=officer)
    assert device.key == DEMO_TOTP_KEY_HEX
    from base64 import b32encode

    assert b32encode(device.bin_key).decode() == DEMO_TOTP_KEY.replace(" ", "")

    client = Client()
    sign_in_with_password(client)
    call_command("demo_otp_code", "hub.officer")
    code = capsys.readouterr().out.strip()
    assert re.fullmatch(r"\d{6}", code)
    assert client.post(CODE, {"code": code}).status_code == 302
    # Straight away again (the same time step): the command prints the next code that works.
    other = Client()
    sign_in_with_password(other)
    call_command("demo_otp_code", "hub.officer")
    second = capsys.readouterr().out.strip()
    assert second != code
    assert other.post(CODE, {"code": second}).status_code == 302


def test_demo_codes_are_refused_off_the_demo(officer):
    give_demo_app(officer)
    with override_settings(DEMO_CONTENT_ALLOWED=False), pytest.raises(CommandError):
        call_command("demo_otp_code", "hub.officer")
    TOTPDevice.objects.filter(user=officer).update(key="00" * 20)
    with pytest.raises(CommandError):
        call_command("demo_otp_code", "hub.officer")


def test_the_demo_loader_gives_every_demo_account_the_demo_app(councils):
    from demo import content
    from demo.loader import DemoLoader

    DemoLoader().load_users()
    for username, *_rest in content.USERS:
        device = TOTPDevice.objects.get(user__username=username, confirmed=True)
        assert device.key == DEMO_TOTP_KEY_HEX


# --- The password step, for password managers ---------------------------------------------------


def test_the_sign_in_form_tells_password_managers_what_each_field_is():
    response = Client().get(LOGIN)
    html = response.content.decode()
    found = Inputs(html)
    username, password = found.inputs["username"], found.inputs["password"]
    assert username["autocomplete"] == "username"
    assert password["autocomplete"] == "current-password"
    assert password["type"] == "password"
    # Labels, not placeholder text; nothing stops pasting.
    assert "placeholder" not in username and "placeholder" not in password
    assert found.labels[username["id"]].rstrip("*") == "Username"
    assert found.labels[password["id"]].rstrip("*") == "Password"
    assert "onpaste" not in html.lower()
