"""The address a request comes from, for per-client limits.

`X-Forwarded-For` is read only when the peer is one of the configured trusted proxies: anyone
else could write any address into it and dodge their limit.
"""

from collections.abc import Sequence
from ipaddress import IPv4Network, IPv6Network, ip_address, ip_network
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the settings use parse_networks, in commands that serve no request
    from starlette.requests import HTTPConnection

Network = IPv4Network | IPv6Network
UNKNOWN = "unknown"


def parse_networks(text: str) -> tuple[Network, ...]:
    """`10.0.0.1, 192.168.0.0/16, ::1` as networks; ValueError names an entry that is none."""
    networks = []
    for entry in text.split(","):
        if entry := entry.strip():
            try:
                networks.append(ip_network(entry, strict=False))
            except ValueError:
                raise ValueError(f"not an IP address or network: {entry!r}") from None
    return tuple(networks)


def _is_trusted(address: str, trusted: Sequence[Network]) -> bool:
    try:
        parsed = ip_address(address)
    except ValueError:
        return False
    return any(parsed in network for network in trusted)


def client_address(connection: "HTTPConnection", trusted: Sequence[Network]) -> str:
    """The peer, or, behind trusted proxies, the nearest address they did not add themselves.

    Proxies append to `X-Forwarded-For`, so it is read right to left: past every trusted hop,
    the first address is the client as the outermost trusted proxy saw it.
    """
    peer = connection.client.host if connection.client else UNKNOWN
    if not trusted or not _is_trusted(peer, trusted):
        return peer
    hops = [
        hop.strip()
        for header in connection.headers.getlist("x-forwarded-for")
        for hop in header.split(",")
        if hop.strip()
    ]
    for hop in reversed(hops):
        if not _is_trusted(hop, trusted):
            return hop if _is_address(hop) else peer
    return hops[0] if hops else peer


def _is_address(text: str) -> bool:
    try:
        ip_address(text)
    except ValueError:
        return False
    return True
