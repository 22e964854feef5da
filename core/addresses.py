"""Whether an address is one on the public internet.

Two apps on one floor need the same answer: the outbox, before it connects to a council's
system (a webhook must never reach the hub's own network), and councils, when someone types
that system's address (refused on save, not after two days of failed retries); attribution
needs the lexical half for the site's own address, which every short link and QR code carries
(a poster printed with a laptop's address is useless). So the rule lives here, once.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable
from urllib.parse import urlsplit

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

# Names that only mean something on a local network (RFC 6761, 6762, 8375 and common habit).
LOCAL_NAMES = ("localhost",)
LOCAL_SUFFIXES = (".localhost", ".local", ".localdomain", ".internal", ".lan", ".home.arpa")


def is_public_address(address: IPAddress) -> bool:
    """Whether a connection may go to this address: not loopback, private, link-local,
    multicast, reserved, unspecified or otherwise not globally routable (such as
    100.64.0.0/10)."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_global and not (
        address.is_loopback
        or address.is_private
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
    )


def networks(specs: Iterable[str]) -> tuple[IPNetwork, ...]:
    """Networks from a setting's list ("127.0.0.0/8", "::1/128")."""
    return tuple(ipaddress.ip_network(spec, strict=False) for spec in specs)


def is_allowed_address(address: IPAddress, allowed: Iterable[IPNetwork] = ()) -> bool:
    """Public, or inside one of the networks a setting explicitly allows (local receivers in
    development and tests; never anything in production)."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return is_public_address(address) or any(
        address.version == network.version and address in network for network in allowed
    )


def resolve(host: str, port: int) -> list[tuple[int, tuple]]:
    """Every (family, socket address) the host resolves to, for a stream connection.

    Raises OSError (or UnicodeError for a host name that cannot be encoded) when it does not
    resolve."""
    found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [(family, sockaddr) for family, _type, _proto, _name, sockaddr in found]


def address_of(sockaddr: tuple) -> IPAddress:
    """The IP address of a socket address (an IPv6 zone such as %eth0 left out)."""
    return ipaddress.ip_address(sockaddr[0].split("%", 1)[0])


def is_local_name(host: str) -> bool:
    """A name that means something only on a local network: localhost, *.local, a single label
    such as "intranet" or "testserver"."""
    host = host.rstrip(".").lower()
    return host in LOCAL_NAMES or host.endswith(LOCAL_SUFFIXES) or "." not in host


def is_public_https_url(url: str) -> bool:
    """Whether people anywhere can open this address: https, and a host that is neither a local
    name nor a non-public IP address. Decided from the address alone, without a DNS lookup."""
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname:
        return False
    try:
        address = ipaddress.ip_address(parts.hostname)
    except ValueError:
        return not is_local_name(parts.hostname)
    return is_public_address(address)
