"""Finding the first post when the same form or the same answers are sent again: the kit.

Back and Send again, a second tab, a retry after a timeout: each brings a fresh form token, so
the token alone (which catches a double click) cannot tell. The normalised answers can. A
fingerprint is a keyed hash (HMAC with the site's secret, so it cannot be checked against a
guessed address) of what identifies a post; whoever saves first takes a transaction-scoped
advisory lock on it and looks again under it, so two identical posts at the same moment are
served one after the other and the second finds the first (PostgreSQL).

This module holds only the generic pieces and imports no model: each app builds its own
fingerprint and lookup on them (`enquiry.services.enquiry_fingerprint` and `find_enquiry`,
`enquiry.quarantine.find_held`, `events.duplicates`).
"""

from __future__ import annotations

import json
import re
import unicodedata
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection
from django.utils import timezone
from django.utils.crypto import salted_hmac

# The first key of PostgreSQL's two-key advisory lock: this module's locks, and no one else's.
LOCK_NAMESPACE = 7301
# The HMAC's salt starts with this whatever module holds the code: stored fingerprints (on
# enquiries and held posts) were made with it and must still match.
SALT_PREFIX = "core.duplicates"


def normalised_text(value: str) -> str:
    """Case, accents' encodings and runs of spaces make no difference."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", value or "")).strip().casefold()


def digits(value: str) -> str:
    return re.sub(r"\D", "", value or "")


def keyed(purpose: str, parts: dict) -> str:
    """The fingerprint of some normalised parts, for one purpose ("enquiry", "booking")."""
    payload = json.dumps(parts, sort_keys=True, ensure_ascii=True, default=str)
    return salted_hmac(f"{SALT_PREFIX}.{purpose}", payload, algorithm="sha256").hexdigest()


def window_start(now: datetime | None = None) -> datetime:
    """The same answers found after this moment count as the same post."""
    return (now or timezone.now()) - timedelta(hours=settings.ENQUIRY_DUPLICATE_WINDOW_HOURS)


def lock(fingerprint: str) -> None:
    """Hold the fingerprint's advisory lock until the current transaction ends (PostgreSQL;
    elsewhere, e.g. SQLite on a laptop, writes are serialised anyway)."""
    if connection.vendor != "postgresql":
        return
    key = int.from_bytes(bytes.fromhex(fingerprint[:8]), "big", signed=True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [LOCK_NAMESPACE, key])
