"""A typed client for council case-management systems that accept our signed webhooks.

Each council can give an https address and a shared secret. We POST JSON and sign the exact bytes
with HMAC-SHA256 so the council can check that the message came from the hub and was not changed:

    X-Hub-Event: <event, e.g. enquiry.created>
    X-Hub-Delivery: <the outbox message id; also in the body as "delivery">
    X-Hub-Timestamp: <unix seconds>
    X-Hub-Signature: sha256=<hex HMAC of "<timestamp>.<body>" with the council's secret>

What a receiving system must do (`verify` does the first two):

- recompute the signature over "<X-Hub-Timestamp>.<raw body>" and compare in constant time;
- refuse a timestamp more than five minutes from its own clock, so a captured request cannot be
  replayed later;
- de-duplicate on X-Hub-Delivery (the same value is inside the signed body as "delivery"): a
  retry after a timeout or a lost answer sends the same delivery again, with a new timestamp and
  signature, and must not create a second case.

Only a 2xx answer counts as received. Redirects are never followed (a 3xx is a rejection: a
followed redirect turns the POST into a GET without the body), and the call as a whole has a
deadline, because a socket timeout bounds each read only and a server sending a byte at a time
could otherwise hold the worker, and the message's row lock, for ever. Before connecting the host
is resolved and refused if any address it resolves to is not a public internet address (nor in
a network the WEBHOOK_ALLOWED_PRIVATE_NETWORKS setting allows: loopback in dev and tests, none in
production); the connection then goes to the checked address itself, so a second DNS answer
cannot point it elsewhere. The council form made the same check when the address was saved
(`core.addresses`); this one is what stops DNS rebinding.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import io
import json
import socket
import ssl
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from core.addresses import IPNetwork, address_of, is_allowed_address, networks, resolve


class CouncilSystemError(Exception):
    """The council's system could not be reached or refused the message; try again later."""


class CouncilSystemRejected(CouncilSystemError):
    """The council's system answered with a status other than 2xx."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(f"HTTP {status}: {message}")
        self.status = status


class _DeadlinePassed(TimeoutError):
    """The whole call took longer than the client's deadline."""


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The signature header value for a body sent at `timestamp`."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"sha256={mac.hexdigest()}"


def verify(
    secret: str,
    timestamp: str,
    body: bytes,
    signature: str,
    tolerance: int = 300,
    now: float | None = None,
) -> bool:
    """What a receiving system does: refuse a stale or future timestamp (a replay), then
    recompute the signature and compare in constant time. Receivers also de-duplicate on
    X-Hub-Delivery, which this cannot do for them."""
    try:
        sent_at = int(timestamp)
    except (TypeError, ValueError):
        return False
    current = time.time() if now is None else now
    if abs(current - sent_at) > tolerance:
        return False
    return hmac.compare_digest(sign(secret, sent_at, body), signature)


def _resolve(host: str, port: int, allowed: tuple[IPNetwork, ...] | None) -> list[tuple]:
    """The (family, socket address) pairs to try, every one of them checked: public, or in
    `allowed` (None: anything, for a test client)."""
    try:
        found = resolve(host, port)
    except (OSError, UnicodeError) as error:
        raise CouncilSystemError(f"The webhook host could not be resolved: {error}") from error
    for _family, sockaddr in found:
        address = address_of(sockaddr)
        if allowed is not None and not is_allowed_address(address, allowed):
            raise CouncilSystemError(
                f"The webhook host resolves to {address}, which is not a public internet "
                "address (loopback, private, link-local, multicast, reserved or unspecified); "
                "nothing was sent."
            )
    if not found:
        raise CouncilSystemError("The webhook host has no address.")
    return found


class _DeadlineSocket:
    """A connected socket whose every send and read waits at most the per-read timeout and
    never past the deadline (http.client only calls sendall, makefile and close)."""

    def __init__(self, sock: socket.socket, deadline: float, timeout: float) -> None:
        self.sock = sock
        self.deadline = deadline
        self.timeout = timeout

    def arm(self) -> None:
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            raise _DeadlinePassed
        self.sock.settimeout(min(self.timeout, remaining))

    def sendall(self, data: bytes) -> None:
        self.arm()
        self.sock.sendall(data)

    def makefile(self, mode: str = "rb", *args, **kwargs) -> io.BufferedReader:
        return io.BufferedReader(_DeadlineReader(self))

    def close(self) -> None:
        self.sock.close()


class _DeadlineReader(io.RawIOBase):
    def __init__(self, owner: _DeadlineSocket) -> None:
        super().__init__()
        self.owner = owner

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        self.owner.arm()
        return self.owner.sock.recv_into(buffer)


class _PinnedConnection(http.client.HTTPConnection):
    """An HTTP(S) connection to already-checked addresses, under one deadline.

    http.client never follows redirects, and the Host header and TLS name are the URL's host."""

    def __init__(
        self,
        host: str,
        port: int,
        *,
        addresses: list[tuple],
        timeout: float,
        deadline: float,
        tls: ssl.SSLContext | None,
    ) -> None:
        super().__init__(host, port, timeout=timeout)
        self.default_port = 443 if tls else 80
        self.addresses = addresses
        self.deadline = deadline
        self.tls = tls

    def _remaining(self) -> float:
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            raise _DeadlinePassed
        return min(self.timeout, remaining)

    def connect(self) -> None:
        last_error: OSError | None = None
        for family, sockaddr in self.addresses:
            raw = socket.socket(family, socket.SOCK_STREAM)
            try:
                raw.settimeout(self._remaining())
                raw.connect(sockaddr)
                if self.tls is not None:
                    raw.settimeout(self._remaining())
                    raw = self.tls.wrap_socket(raw, server_hostname=self.host)
            except _DeadlinePassed:
                raw.close()
                raise
            except OSError as error:
                raw.close()
                last_error = error
                continue
            self.sock = _DeadlineSocket(raw, self.deadline, self.timeout)
            return
        raise last_error or OSError("no address to connect to")


@dataclass(frozen=True)
class CouncilSystemClient:
    url: str
    secret: str
    timeout: float = 10.0  # for connecting and for each read or send
    deadline: float = 30.0  # for the whole call, however the server trickles its answer
    allow_private_addresses: bool = False  # any address at all (tests' own clients)
    allowed_networks: tuple[str, ...] = ()  # non-public networks allowed (a setting's list)

    def send(self, event: str, payload: dict, delivery: str | None = None) -> int:
        """POST one signed event; return the 2xx status, or raise CouncilSystemError.

        `delivery` (the outbox message id) is sent as X-Hub-Delivery and inside the signed body,
        so the receiver can recognise a retry of something it already has.
        """
        started = time.monotonic()
        parts = urlsplit(self.url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise CouncilSystemError("The webhook address is not an http(s) address.")
        try:
            port = parts.port or (443 if parts.scheme == "https" else 80)
        except ValueError as error:
            raise CouncilSystemError("The webhook address has an invalid port.") from error
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")

        document = {"event": event, "data": payload}
        if delivery is not None:
            document["delivery"] = delivery
        body = json.dumps(document, sort_keys=True).encode()
        timestamp = int(time.time())
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "fostering-hub-webhook/1",
            "X-Hub-Event": event,
            "X-Hub-Timestamp": str(timestamp),
            "X-Hub-Signature": sign(self.secret, timestamp, body),
        }
        if delivery is not None:
            headers["X-Hub-Delivery"] = delivery

        allowed = None if self.allow_private_addresses else networks(self.allowed_networks)
        addresses = _resolve(parts.hostname, port, allowed)
        connection = _PinnedConnection(
            parts.hostname,
            port,
            addresses=addresses,
            timeout=self.timeout,
            deadline=started + self.deadline,
            tls=ssl.create_default_context() if parts.scheme == "https" else None,
        )
        try:
            connection.request("POST", path, body=body, headers=headers)
            response = connection.getresponse()
            status, reason = response.status, response.reason
            response.close()  # the body is not needed: the status says whether it arrived
        except TimeoutError as error:
            if isinstance(error, _DeadlinePassed) or time.monotonic() - started >= self.deadline:
                limit = f"{self.deadline:g} seconds in all"
            else:
                limit = f"{self.timeout:g} seconds"
            raise CouncilSystemError(
                f"The council's system did not answer within {limit}."
            ) from error
        except (OSError, http.client.HTTPException) as error:
            raise CouncilSystemError(f"{type(error).__name__}: {error}") from error
        finally:
            connection.close()
        if 200 <= status < 300:
            return status
        if 300 <= status < 400:
            reason = f"{reason} (redirects are not followed; give the council's final address)"
        raise CouncilSystemRejected(status, reason)
