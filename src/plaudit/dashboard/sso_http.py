"""The requests single sign-on makes to an OpenID provider: its discovery document, its keys and
its token endpoint. An organization's admin names the issuer, so these go through the guarded
network (services/guarded_network.py), as webhooks do: HTTPS to public addresses only, unless
PLAUDIT_SSO_ALLOW_HOSTS names the host (tests, private networks), which also allows plain
HTTP. No redirect is followed; answers are JSON of at most MAX_BYTES."""

import json
import time
from functools import partial
from typing import Any
from urllib.parse import urlencode, urlsplit

import httpcore

from plaudit.services.guarded_network import CheckedBackend, host_allowed

MAX_BYTES = 512 * 1024
TIMEOUT_SECONDS = 10.0


class ProviderUnreachable(Exception):
    """The provider could not be asked, or answered something unusable; the message says what
    (it names URLs and statuses, never a secret)."""


def url_refusal(url: str, allowed: frozenset[str]) -> str | None:
    """Why `url` may not be fetched, or None when it may."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return "is not a valid URL"
    if parts.scheme not in ("https", "http") or not parts.hostname:
        return "must be an https URL"
    if parts.username or parts.password:
        return "must not carry a user name or password"
    if parts.scheme == "http" and not host_allowed(allowed, parts.hostname, port or 80):
        return "must be an https URL"
    return None


def get_json(url: str, allowed: frozenset[str]) -> dict[str, Any]:
    return _request("GET", url, allowed, body=None)


def post_form(
    url: str, allowed: frozenset[str], fields: dict[str, str], *, basic_auth: str | None = None
) -> dict[str, Any]:
    """POSTs `fields` form-encoded; `basic_auth` is the already encoded Authorization value."""
    return _request("POST", url, allowed, body=urlencode(fields).encode(), authorization=basic_auth)


def _request(
    method: str,
    url: str,
    allowed: frozenset[str],
    *,
    body: bytes | None,
    authorization: str | None = None,
) -> dict[str, Any]:
    refusal = url_refusal(url, allowed)
    if refusal is not None:
        raise ProviderUnreachable(f"{url[:200]} {refusal}")
    headers = [(b"Accept", b"application/json"), (b"User-Agent", b"Plaudit")]
    if body is not None:
        headers.append((b"Content-Type", b"application/x-www-form-urlencoded"))
    if authorization is not None:
        headers.append((b"Authorization", authorization.encode()))
    pool = httpcore.ConnectionPool(
        network_backend=CheckedBackend(partial(host_allowed, allowed)), retries=0
    )
    try:
        status, raw = _read(pool, method, url, headers, body)
    except httpcore.TimeoutException:
        raise ProviderUnreachable(f"{url[:200]} took too long to answer") from None
    except (httpcore.NetworkError, httpcore.ProtocolError, OSError) as error:
        raise ProviderUnreachable(f"{url[:200]} could not be reached: {error}") from None
    finally:
        pool.close()
    try:
        answer = json.loads(raw)
    except ValueError:
        answer = None
    if not isinstance(answer, dict):
        raise ProviderUnreachable(f"{url[:200]} answered HTTP {status} without a JSON object")
    if status != 200:
        error = str(answer.get("error", ""))[:100]
        raise ProviderUnreachable(f"{url[:200]} answered HTTP {status} {error}".rstrip())
    return answer


def _read(
    pool: httpcore.ConnectionPool,
    method: str,
    url: str,
    headers: list[tuple[bytes, bytes]],
    body: bytes | None,
) -> tuple[int, bytes]:
    deadline = time.monotonic() + TIMEOUT_SECONDS
    timeouts = dict.fromkeys(("connect", "read", "write", "pool"), TIMEOUT_SECONDS)
    received = bytearray()
    with pool.stream(
        method, url, headers=headers, content=body, extensions={"timeout": timeouts}
    ) as response:
        for chunk in response.iter_stream():
            received += chunk
            if len(received) > MAX_BYTES:
                raise ProviderUnreachable(f"{url[:200]} answered more than {MAX_BYTES} bytes")
            if time.monotonic() > deadline:
                raise ProviderUnreachable(f"{url[:200]} took too long to answer")
        return response.status, bytes(received)
