"""A typed client for council case-management systems that accept our signed webhooks.

Each council can give an https address and a shared secret. We POST JSON and sign the exact bytes
with HMAC-SHA256 so the council can check that the message came from the hub and was not changed:

    X-Hub-Timestamp: <unix seconds>
    X-Hub-Signature: sha256=<hex HMAC of "<timestamp>.<body>" with the council's secret>
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request
from dataclasses import dataclass


class CouncilSystemError(Exception):
    """The council's system could not be reached or refused the message; try again later."""


class CouncilSystemRejected(CouncilSystemError):
    """The council's system answered with an error status."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(f"HTTP {status}: {message}")
        self.status = status


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The signature header value for a body sent at `timestamp`."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"sha256={mac.hexdigest()}"


def verify(secret: str, timestamp: str, body: bytes, signature: str) -> bool:
    """What a receiving system does: recompute the signature and compare in constant time."""
    try:
        expected = sign(secret, int(timestamp), body)
    except ValueError:
        return False
    return hmac.compare_digest(expected, signature)


@dataclass(frozen=True)
class CouncilSystemClient:
    url: str
    secret: str
    timeout: float = 10.0

    def send(self, event: str, payload: dict) -> int:
        """POST one signed event; return the HTTP status, or raise CouncilSystemError."""
        body = json.dumps({"event": event, "data": payload}, sort_keys=True).encode()
        timestamp = int(time.time())
        request = urllib.request.Request(
            self.url,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json",
                "User-Agent": "fostering-hub-webhook/1",
                "X-Hub-Event": event,
                "X-Hub-Timestamp": str(timestamp),
                "X-Hub-Signature": sign(self.secret, timestamp, body),
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return response.status
        except urllib.error.HTTPError as error:
            raise CouncilSystemRejected(error.code, error.reason) from error
        except (urllib.error.URLError, OSError) as error:
            raise CouncilSystemError(str(error)) from error
