"""Demo sign-in codes: every demo account gets an authenticator app with one published key.

Dev and test only (the demo loader refuses unless DEMO_CONTENT_ALLOWED): people trying the demo
add DEMO_TOTP_KEY to any authenticator app, or run `manage.py demo_otp_code <username>`.
"""

from __future__ import annotations

import time
from base64 import b32decode

from django.contrib.auth.models import AbstractBaseUser
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.second_factor import APP_DEVICE_NAME

# Published on purpose, like the demo password: base32, as an authenticator app asks for it.
DEMO_TOTP_KEY = "DEMO FOST ERIN GHUB KEYF ORDE VONL YXXX"
DEMO_TOTP_KEY_HEX = b32decode(DEMO_TOTP_KEY.replace(" ", "")).hex()


def give_demo_app(user: AbstractBaseUser) -> bool:
    """A confirmed authenticator app with the demo key, unless the account has one already
    (someone who set up their own keeps it). True when one was added."""
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return False
    TOTPDevice.objects.filter(user=user).delete()
    TOTPDevice.objects.create(
        user=user, name=APP_DEVICE_NAME, key=DEMO_TOTP_KEY_HEX, confirmed=True
    )
    return True


def next_code(device: TOTPDevice, now: float | None = None) -> tuple[str, int]:
    """The code the device will accept next, and for about how many seconds.

    A code is accepted once (django-otp remembers the last time step used) and one step either
    side of now is tolerated, so after a sign-in this is the next step's code.
    """
    now = time.time() if now is None else now
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = now
    step = max(totp.t(), device.last_t + 1)
    totp.time = device.t0 + step * device.step
    remaining = int(device.t0 + (step + 1 + device.tolerance) * device.step - now)
    return f"{totp.token():0{device.digits}d}", max(remaining, 0)
