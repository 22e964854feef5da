"""Spam checks for the public enquiry and booking forms, without a CAPTCHA.

Three checks, none of which asks anything of a person:

- a honeypot: a text box hidden from everyone (people, screen readers, keyboards) that only a
  bot fills in;
- a signed form token issued when the form is first shown. It carries the submission's UUID
  (so a double click or a resubmitted page saves one enquiry) and when the form was shown (so a
  post sooner than ENQUIRY_MIN_FILL_SECONDS is doubted, and one older than
  ENQUIRY_FORM_MAX_AGE_SECONDS is refused and shown again);
- a rate limit per client address (django-ratelimit, in the shared cache), counting only valid
  sends: a post with form errors never counts. Behind a proxy the address is the one the
  trusted proxies recorded (TRUSTED_PROXY_COUNT), never one a client can forge. If the cache is
  down the limit is skipped (and logged): an outage must not turn people away.

Nothing a person sends is thrown away on a doubt. A valid post that was too fast (browser
autofill is) or over the rate limit (a library, a tablet at a pop-up stand, a mobile network's
shared address) is held for staff to review (`enquiry.quarantine`). Only a filled honeypot,
which no person can fill in, is discarded. Held and discarded posts get the same calm page
("we check some messages before they reach our team"), so a bot learns nothing and a person is
never promised a reply about something nobody will see. Each is counted per day in
`RejectedSubmission`. Nothing here logs what the person typed.
"""

from __future__ import annotations

import ipaddress
import logging
import time
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_ratelimit.core import is_ratelimited

logger = logging.getLogger(__name__)

# The honeypot's name: plausible to a bot, and not one that browsers' autofill recognises.
HONEYPOT_FIELD = "website"
TOKEN_FIELD = "form_token"
TOKEN_SALT = "enquiry.form-token"
# Tolerated clock difference between web processes when checking an issue time.
CLOCK_SKEW_SECONDS = 60


class Reason(models.TextChoices):
    HONEYPOT = "honeypot", _("Filled the hidden field")
    TOO_FAST = "too_fast", _("Sent too quickly after the form was shown")
    RATE_LIMITED = "rate_limited", _("Too many posts from one address")
    EXPIRED = "expired", _("Form token missing or tampered with")


# The doubts for which a post is kept for staff to review rather than discarded.
HELD_REASONS = (Reason.TOO_FAST, Reason.RATE_LIMITED)


class TokenError(Exception):
    """The form token is missing, tampered with, or too old."""


@dataclass(frozen=True)
class FormToken:
    """What a valid form token says: which submission, and when its form was first shown."""

    submission: uuid.UUID
    issued_at: float

    def age(self, now: float | None = None) -> float:
        return (time.time() if now is None else now) - self.issued_at


def _signer() -> signing.Signer:
    return signing.Signer(salt=TOKEN_SALT)


def issue_token(issued_at: float | None = None, submission: uuid.UUID | None = None) -> str:
    """A new signed token for a form being shown for the first time."""
    issued = int(time.time() if issued_at is None else issued_at)
    return _signer().sign(f"{submission or uuid.uuid4()}:{issued}")


def read_token(value: str | None, now: float | None = None) -> FormToken:
    """Check a posted token's signature and age; raise TokenError when it cannot be trusted."""
    if not value:
        raise TokenError("missing")
    try:
        payload = _signer().unsign(value)
        submission_text, issued_text = payload.split(":")
        token = FormToken(uuid.UUID(submission_text), float(int(issued_text)))
    except (signing.BadSignature, ValueError) as error:
        raise TokenError("invalid") from error
    age = token.age(now)
    if age < -CLOCK_SKEW_SECONDS:
        raise TokenError("from the future")
    if age > settings.ENQUIRY_FORM_MAX_AGE_SECONDS:
        raise TokenError("expired")
    return token


def is_too_fast(token: FormToken, now: float | None = None) -> bool:
    """Sent sooner after the form was shown than a person could fill it in."""
    return token.age(now) < settings.ENQUIRY_MIN_FILL_SECONDS


def honeypot_filled(data) -> bool:
    return bool((data.get(HONEYPOT_FIELD) or "").strip())


def client_address(request) -> str:
    """The visitor's address, for the rate limit (RATELIMIT_IP_META_KEY points here).

    With TRUSTED_PROXY_COUNT proxies in front, each appends the address it saw to
    X-Forwarded-For, so the entry that many places from the end is the one the outermost trusted
    proxy saw; anything before it may be made up by the client.
    """
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = [
            entry.strip()
            for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if entry.strip()
        ]
        if len(forwarded) >= proxies:
            candidate = forwarded[-proxies]
            try:
                return str(ipaddress.ip_address(candidate))
            except ValueError:
                logger.warning("X-Forwarded-For holds something that is not an address")
    return request.META.get("REMOTE_ADDR") or "0.0.0.0"


def is_rate_limited(request, group: str = "enquiry") -> bool:
    """Count a valid send against the client address's allowance; True when it is over.

    Call it only for a valid post that would make something new (not for form errors, nor for
    a post that finds an earlier enquiry). A cache outage lets the post through: losing a real
    person's enquiry is worse than letting a few extra posts reach the other checks.
    """
    try:
        return is_ratelimited(
            request,
            group=group,
            key="ip",
            rate=settings.ENQUIRY_RATE_LIMIT,
            method="POST",
            increment=True,
        )
    except Exception as error:  # the shared cache (Redis) is unreachable
        logger.warning("Rate limit skipped, the cache is unavailable: %s", type(error).__name__)
        return False


def hold_reason(request, token: FormToken | None, group: str = "enquiry") -> str | None:
    """Why a valid, new post should be held for review rather than saved, or None.

    Checked only once the answers are valid: a person who presses Send on an unfinished form
    straight away must see what is missing, and a form with errors does not use up the
    allowance. Every valid send counts towards the rate limit, so it is checked first.
    """
    if is_rate_limited(request, group):
        return Reason.RATE_LIMITED
    if token is not None and is_too_fast(token):
        return Reason.TOO_FAST
    return None
