"""The second factor for admin accounts: one authenticator app (TOTP) and recovery codes.

Built on django-otp's TOTP and static-token devices, which keep the keys, refuse a code used
twice and slow down repeated wrong codes. This module holds the few rules of our own: which
accounts need a second factor, what a person sets up, and how a superuser resets it.
"""

from __future__ import annotations

from base64 import b32encode

import segno
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils.safestring import SafeString, mark_safe
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

APP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"
RECOVERY_CODE_COUNT = 10


def needs_second_factor(user: AbstractBaseUser) -> bool:
    """Everyone who can reach the admin signs in with a second factor, in every environment."""
    return user.is_authenticated and user.has_perm("wagtailadmin.access_admin")


def authenticator_app(user: AbstractBaseUser) -> TOTPDevice | None:
    """The person's confirmed authenticator app, if they have set one up."""
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).first()


def recovery_codes(user: AbstractBaseUser) -> StaticDevice | None:
    return StaticDevice.objects.devices_for_user(user, confirmed=True).first()


def app_being_set_up(user: AbstractBaseUser) -> TOTPDevice:
    """The unconfirmed app device whose key the set-up page shows (made once, then reused, so
    reloading the page does not change the QR code someone is scanning)."""
    device = TOTPDevice.objects.devices_for_user(user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)
    return device


def setup_key(device: TOTPDevice) -> str:
    """The key as people type it into an app that cannot scan: base32 in groups of four."""
    key = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def qr_code_svg(device: TOTPDevice, title: str) -> SafeString:
    """The device's otpauth:// address as an inline SVG QR code: never an image URL, so the
    key is not in any address, log or cache."""
    svg = segno.make(device.config_url, error="m").svg_inline(
        scale=5,
        border=4,
        title=title,
        svgclass="two-factor-qr",
        dark="#000",
        light="#fff",
        omitsize=True,
    )
    return mark_safe(svg)  # segno escapes the title; the rest is its own markup


@transaction.atomic
def confirm_app(device: TOTPDevice) -> list[str]:
    """The code checked out: the app is the person's second factor, and they get a fresh set of
    recovery codes (returned to be shown once)."""
    TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    StaticDevice.objects.filter(user=device.user).delete()
    static = StaticDevice.objects.create(user=device.user, name=RECOVERY_DEVICE_NAME)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=static, token=code) for code in codes)
    return codes


@transaction.atomic
def reset_second_factor(user: AbstractBaseUser) -> bool:
    """Remove the person's app and recovery codes: they set up a new app at their next sign-in
    (and any session they verified is no longer verified). True when there was anything."""
    removed, _ = TOTPDevice.objects.filter(user=user).delete()
    removed_static, _ = StaticDevice.objects.filter(user=user).delete()
    return bool(removed or removed_static)


def issuer() -> str:
    """The name authenticator apps show beside the code."""
    return getattr(settings, "OTP_TOTP_ISSUER", None) or settings.WAGTAIL_SITE_NAME
