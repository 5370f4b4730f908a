"""Outgoing connections that cannot be turned against this server's own network: the host's
name is resolved here, every address it resolves to is checked, and the connection is made to
the checked address itself, so that no second look-up (DNS rebinding) can send it to a
private, loopback or link-local address. Hosts a setting allows may be on such addresses.

Shared by whatever fetches a URL a client named: other issuers' documents at verification
(remote_issuers.py), a badge template's image (template_image_fetch.py). httpcore is httpx's own
transport: its connection pool takes this network backend, which httpx's client does not
expose."""

import ipaddress
import socket
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as ResolveTimeout
from typing import Any

import httpcore

RESOLVE_SECONDS = 2.0
_RESOLVER = ThreadPoolExecutor(max_workers=4, thread_name_prefix="guarded-dns")


class AddressRefused(httpcore.ConnectError):
    """The host resolves to an address this server never connects to."""


def allowed_hosts(setting: str) -> frozenset[str]:
    """A setting's comma-separated hosts (`host` or `host:port`) that may be on any address."""
    return frozenset(host.strip().lower() for host in setting.split(",") if host.strip())


def host_allowed(allowed: frozenset[str], host: str, port: int | None) -> bool:
    """Whether `host` (on `port`) is one of `allowed`, named alone or with that port."""
    host = host.lower()
    return host in allowed or f"{host}:{port}" in allowed


def is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def _addresses(host: str, port: int, timeout: float | None) -> list[str]:
    """The host's addresses, resolved once; the connection is made to one of these."""
    lookup = _RESOLVER.submit(socket.getaddrinfo, host, port, type=socket.SOCK_STREAM)
    try:
        found = lookup.result(timeout=timeout or RESOLVE_SECONDS)
    except ResolveTimeout:
        raise httpcore.ConnectTimeout(f"resolving {host} took too long") from None
    except OSError as error:
        raise httpcore.ConnectError(f"cannot resolve {host}: {error}") from None
    return list(dict.fromkeys(str(info[4][0]) for info in found))


class CheckedBackend(httpcore.SyncBackend):
    """Connects only to public addresses, or to any address of a host `allows(host, port)`."""

    def __init__(self, allows: Callable[[str, int | None], bool]) -> None:
        self.allows = allows

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Any = None,
    ) -> httpcore.NetworkStream:
        addresses = _addresses(host, port, timeout)
        if not self.allows(host, port):
            for address in addresses:
                if not is_public(address):
                    raise AddressRefused(
                        f"{host} is at {address}, a private, loopback or link-local address"
                    )
        failure: Exception = httpcore.ConnectError(f"{host} has no address")
        for address in addresses:
            try:
                # TLS still checks the certificate against `host` (the pool passes it as SNI).
                return super().connect_tcp(address, port, timeout, local_address, socket_options)
            except httpcore.ConnectError as error:
                failure = error
        raise failure
