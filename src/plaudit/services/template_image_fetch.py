"""Fetching the image a badge template names by URL, once, when the template is created or
changed: HTTPS only, no redirect followed, at most MAX_BYTES read within TIMEOUT_SECONDS, and
never from a private, loopback or link-local address (services/guarded_network.py), unless
the host is in PLAUDIT_TEMPLATE_IMAGE_FETCH_ALLOW_HOSTS, which also allows plain HTTP."""

import time
from functools import partial
from urllib.parse import urlsplit

import httpcore

from plaudit.domain.errors import Invalid, invalid_field
from plaudit.services.guarded_network import AddressRefused, CheckedBackend, host_allowed

MAX_BYTES = 5 * 1024 * 1024
TIMEOUT_SECONDS = 10.0
FIELD = "image"
TOO_LARGE = f"is too large (maximum is {MAX_BYTES // (1024 * 1024)} MB)"


def fetch(url: str, allowed: frozenset[str]) -> bytes:
    """The image's bytes; any refusal or failure is an `Invalid` naming `image`."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    allows = partial(host_allowed, allowed)
    if parts.scheme not in ("https", "http") or not host:
        raise refused("must be an https URL or base64 image data")
    if parts.scheme == "http" and not allows(host, parts.port or 80):
        raise refused("must be an https URL")
    pool = httpcore.ConnectionPool(network_backend=CheckedBackend(allows), retries=0)
    try:
        return _read(pool, url.strip())
    except AddressRefused as error:
        raise refused(f"was not fetched: {error}") from None
    except httpcore.TimeoutException:
        raise refused(f"took longer than {TIMEOUT_SECONDS:g} seconds to fetch") from None
    except (httpcore.NetworkError, httpcore.ProtocolError, OSError) as error:
        raise refused(f"could not be fetched: {error or type(error).__name__}") from None
    finally:
        pool.close()


def _read(pool: httpcore.ConnectionPool, url: str) -> bytes:
    deadline = time.monotonic() + TIMEOUT_SECONDS
    timeouts = dict.fromkeys(("connect", "read", "write", "pool"), TIMEOUT_SECONDS)
    headers = [(b"Accept", b"image/png, image/jpeg, image/svg+xml"), (b"User-Agent", b"Plaudit")]
    body = bytearray()
    with pool.stream("GET", url, headers=headers, extensions={"timeout": timeouts}) as response:
        if response.status != 200:
            raise refused(f"could not be fetched: HTTP {response.status}")
        for chunk in response.iter_stream():
            body += chunk
            if len(body) > MAX_BYTES:
                raise refused(TOO_LARGE)
            if time.monotonic() > deadline:
                raise refused(f"took longer than {TIMEOUT_SECONDS:g} seconds to fetch")
    return bytes(body)


def refused(reason: str) -> Invalid:
    """The `Invalid` naming `image` (the template's field) that any unusable image is."""
    return invalid_field(FIELD, reason)
