"""How long a signed-in session lasts: ADMIN_SESSION_IDLE_SECONDS without activity, and
ADMIN_SESSION_MAX_AGE_SECONDS after signing in, whatever happens in between.

Why: a signed-in session opens enquiries, bookings and people's data. Django's sessions last two
weeks (SESSION_COOKIE_AGE, "remember me"), so a browser left open on a shared office computer,
or a copied cookie, would keep that access for days. The limits apply only to a session with a
signed-in person in it (everyone who signs in is staff): a visitor's session, which holds the
reference their confirmation page shows, keeps Django's own lifetime.

The session holds when the person signed in (the password step) and when they last did
something, as seconds since the epoch. The last activity is written at most once a minute, so
signed-in browsing costs few session writes; a session is ended only once the limit has surely
passed (at most a minute late, never early). Wagtail's editor pings while its tab is open; that
is not the person, so it is no activity. A signed-in session without these times (signed in
before the limits existed) has passed them.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.base import SessionBase
from django.utils.translation import ngettext

SIGNED_IN_AT = "accounts.signed_in_at"
ACTIVE_AT = "accounts.active_at"
ACTIVITY_STEP_SECONDS = 60

IDLE = "idle"
MAX_AGE = "max_age"


def idle_seconds() -> int:
    return int(settings.ADMIN_SESSION_IDLE_SECONDS)


def max_age_seconds() -> int:
    return int(settings.ADMIN_SESSION_MAX_AGE_SECONDS)


def is_signed_in(session: SessionBase) -> bool:
    """Whether someone is signed in on this session (read without loading the user)."""
    return SESSION_KEY in session


def start(session: SessionBase, now: float) -> None:
    """Someone has just signed in on this session (the password step)."""
    session[SIGNED_IN_AT] = session[ACTIVE_AT] = int(now)


def _moment(session: SessionBase, key: str) -> int | None:
    value = session.get(key)
    return value if isinstance(value, int) else None


def limit_passed(session: SessionBase, now: float) -> str | None:
    """IDLE or MAX_AGE when this signed-in session has passed that limit; None otherwise (and
    for every session nobody is signed in on)."""
    if not is_signed_in(session):
        return None
    signed_in_at = _moment(session, SIGNED_IN_AT)
    if signed_in_at is None or now - signed_in_at > max_age_seconds():
        return MAX_AGE
    active_at = _moment(session, ACTIVE_AT)
    if active_at is None or now - active_at > idle_seconds() + ACTIVITY_STEP_SECONDS:
        return IDLE
    return None


def note_activity(session: SessionBase, now: float) -> None:
    """The person did something: written when the last note is a minute old or more."""
    active_at = _moment(session, ACTIVE_AT) or 0
    if now - active_at >= ACTIVITY_STEP_SECONDS:
        session[ACTIVE_AT] = int(now)


def signed_out_message(limit: str) -> str:
    """What the sign-in page tells someone whose session reached a limit."""
    if limit == IDLE:
        minutes = idle_seconds() // 60
        return ngettext(
            "You were signed out after %(count)d minute without activity. Sign in again to "
            "carry on.",
            "You were signed out after %(count)d minutes without activity. Sign in again to "
            "carry on.",
            minutes,
        ) % {"count": minutes}
    lifetime = max_age_seconds()
    if lifetime % 3600 == 0:
        hours = lifetime // 3600
        return ngettext(
            "You were signed out %(count)d hour after you signed in. Sign in again to carry on.",
            "You were signed out %(count)d hours after you signed in. Sign in again to carry on.",
            hours,
        ) % {"count": hours}
    minutes = lifetime // 60
    return ngettext(
        "You were signed out %(count)d minute after you signed in. Sign in again to carry on.",
        "You were signed out %(count)d minutes after you signed in. Sign in again to carry on.",
        minutes,
    ) % {"count": minutes}
