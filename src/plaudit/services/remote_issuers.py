"""Fetching what verification needs from issuers that are not this server's: the did:web
document of the issuer, and the status list a credential names when it is at the same address.

Anyone may submit a credential naming any DID, so a verification must not become a way to make
this server fetch things: nothing is fetched but `https://<the did:web host>/…/did.json` and a
status list on that same host (the issuer vouches for its own address, and its signature on
the list is checked); no redirect is followed; an answer is read for at most two seconds and
100 KB; and the host's name is resolved here, every address it resolves to is checked, and the
connection is made to the checked address itself, so that no second look-up (DNS rebinding)
can send it to a private, loopback or link-local one (services/guarded_network.py). Hosts in
PLAUDIT_VERIFY_FETCH_ALLOW_HOSTS may be on such addresses, and over plain HTTP (tried after
HTTPS fails): for tests and private deployments. Answers are kept for a few minutes.

httpcore is httpx's own transport: its connection pool takes the network backend that does the
checking, which httpx's client does not expose.
"""

import json
import re
import threading
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

import httpcore
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from plaudit.openbadges import json_bounds, multibase
from plaudit.openbadges.verify import Unresolved
from plaudit.services.guarded_network import (
    AddressRefused,
    CheckedBackend,
    allowed_hosts,
    host_allowed,
)

if TYPE_CHECKING:
    from plaudit.settings import Settings

TIMEOUT_SECONDS = 2.0
MAX_BYTES = 100 * 1024
CACHE_SECONDS = 300.0
CACHE_FAILURES_SECONDS = 30.0
CACHE_ENTRIES = 256
_HOST = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9.-]{0,252})(?::[0-9]{1,5})?$")
_SEGMENT = re.compile(r"^[A-Za-z0-9._~-]+$")
# A status list is a handful of values; one fetched is canonicalized in the server process.
STATUS_LIST_BOUNDS = json_bounds.Bounds(max_nodes=200, max_depth=8)

Keys = dict[str, Ed25519PublicKey]


@dataclass
class Wanted:
    """What a verification could not find on this server: the DIDs it names, the status
    lists, and the credential's issuer (whose host alone a status list may be fetched from)."""

    dids: set[str] = field(default_factory=set)
    status_lists: set[str] = field(default_factory=set)
    issuer: str = ""

    def __bool__(self) -> bool:
        return bool(self.dids or self.status_lists)


@dataclass
class Fetched:
    dids: dict[str, Keys | Unresolved] = field(default_factory=dict)
    status_lists: dict[str, dict[str, Any] | Unresolved] = field(default_factory=dict)


@dataclass(frozen=True)
class FetchPolicy:
    enabled: bool = True
    allowed_hosts: frozenset[str] = frozenset()

    @classmethod
    def of(cls, settings: "Settings") -> "FetchPolicy":
        return cls(settings.verify_fetch, allowed_hosts(settings.verify_fetch_allow_hosts))

    def allows(self, host: str, port: int | None) -> bool:
        """Whether `host` may be fetched over plain HTTP and on non-public addresses."""
        return host_allowed(self.allowed_hosts, host, port)


def did_web_urls(did: str, policy: FetchPolicy) -> list[str] | Unresolved:
    """Where a did:web's document is (did:web method, section 3.2): HTTPS, then plain HTTP for
    an allowed host."""
    host_port, *path = did.removeprefix("did:web:").split(":")
    host_port = unquote(host_port)
    segments = [unquote(segment) for segment in path]
    if not _HOST.match(host_port) or not all(
        _SEGMENT.match(segment) and segment not in (".", "..") for segment in segments
    ):
        return Unresolved(f"{did[:200]} is not a well-formed did:web", final=True)
    location = "/".join(segments) + "/did.json" if segments else ".well-known/did.json"
    host, _, port = host_port.partition(":")
    schemes = ["https", "http"] if policy.allows(host, int(port) if port else None) else ["https"]
    return [f"{scheme}://{host_port}/{location}" for scheme in schemes]


def keys_of(document: dict[str, Any], did: str) -> Keys | Unresolved:
    """The Ed25519 keys a DID document lists for assertions, by full key id."""
    if document.get("id") != did:
        return Unresolved(f"its DID document is for {str(document.get('id'))[:200]}", final=True)
    methods = {
        method["id"]: method
        for method in document.get("verificationMethod") or []
        if isinstance(method, dict) and isinstance(method.get("id"), str)
    }
    found: Keys = {}
    for entry in document.get("assertionMethod") or []:
        method = methods.get(entry) if isinstance(entry, str) else entry
        if not isinstance(method, dict) or not isinstance(method.get("id"), str):
            continue
        key = _public_key(method)
        if key is not None:
            method_id = method["id"]
            found[f"{did}{method_id}" if method_id.startswith("#") else method_id] = key
    return found


def _public_key(method: dict[str, Any]) -> Ed25519PublicKey | None:
    try:
        if isinstance(method.get("publicKeyMultibase"), str):
            raw = multibase.public_key_from_multibase(method["publicKeyMultibase"])
            return Ed25519PublicKey.from_public_bytes(raw)
    except (multibase.MultibaseError, ValueError):
        return None
    return None


class RemoteIssuers:
    """Fetches, checks and caches other issuers' documents; shared by a server's requests."""

    def __init__(self, policy: FetchPolicy) -> None:
        self.policy = policy
        self._pool = httpcore.ConnectionPool(
            network_backend=CheckedBackend(policy.allows), max_connections=16, retries=0
        )
        self._cache: dict[str, tuple[float, dict[str, Any] | Unresolved]] = {}
        self._lock = threading.Lock()

    def close(self) -> None:
        self._pool.close()

    def fetch(self, wanted: Wanted) -> Fetched:
        fetched = Fetched()
        for did in wanted.dids:
            fetched.dids[did] = self._keys(did)
        for url in wanted.status_lists:
            fetched.status_lists[url] = self._status_list(url, wanted.issuer)
        return fetched

    def _keys(self, did: str) -> Keys | Unresolved:
        if not did.startswith("did:web:"):
            method = did.split(":")[1] if did.count(":") >= 2 else did
            return Unresolved(f"did:{method[:40]} is not a DID method this server resolves")
        if not self.policy.enabled:
            return Unresolved("not fetched: fetching other issuers' DIDs is turned off")
        urls = did_web_urls(did, self.policy)
        if isinstance(urls, Unresolved):
            return urls
        document = self._first(urls)
        return document if isinstance(document, Unresolved) else keys_of(document, did)

    def _status_list(self, url: str, issuer: str) -> dict[str, Any] | Unresolved:
        if not self.policy.enabled:
            return Unresolved("not fetched: fetching other issuers' status lists is turned off")
        if not issuer.startswith("did:web:"):
            return Unresolved("not fetched: only a did:web issuer's own host is fetched")
        issuer_urls = did_web_urls(issuer, self.policy)
        parts = urlsplit(url)
        if isinstance(issuer_urls, Unresolved) or not any(
            urlsplit(issuer_url)[:2] == parts[:2] for issuer_url in issuer_urls
        ):
            return Unresolved("not fetched: it is not on the issuer's own host")
        listing = self._document(url)
        if isinstance(listing, Unresolved):
            return listing
        try:  # its proof is checked here, in the server: it must be a small document
            json_bounds.check(listing, STATUS_LIST_BOUNDS)
        except json_bounds.TooLarge as error:
            return Unresolved(f"{url} is too large to be a status list: {error}")
        return listing

    def _first(self, urls: list[str]) -> dict[str, Any] | Unresolved:
        """The first URL that answers; plain HTTP is tried only when HTTPS cannot connect."""
        answer: dict[str, Any] | Unresolved = Unresolved("nothing to fetch")
        for url in urls:
            answer = self._document(url)
            if not (isinstance(answer, Unresolved) and answer.reason.startswith("cannot connect")):
                return answer
        return answer

    def _document(self, url: str) -> dict[str, Any] | Unresolved:
        now = time.monotonic()
        with self._lock:
            cached = self._cache.get(url)
            if cached is not None and cached[0] > now:
                return cached[1]
        answer = self._get(url)
        keep = CACHE_FAILURES_SECONDS if isinstance(answer, Unresolved) else CACHE_SECONDS
        with self._lock:
            if len(self._cache) >= CACHE_ENTRIES:
                self._cache = {k: v for k, v in self._cache.items() if v[0] > now}
                if len(self._cache) >= CACHE_ENTRIES:
                    self._cache.clear()
            self._cache[url] = (now + keep, answer)
        return answer

    def _get(self, url: str) -> dict[str, Any] | Unresolved:
        deadline = time.monotonic() + TIMEOUT_SECONDS
        timeouts = dict.fromkeys(("connect", "read", "write", "pool"), TIMEOUT_SECONDS)
        headers = [
            (b"Accept", b"application/did+ld+json, application/json"),
            (b"User-Agent", b"Plaudit verifier"),
        ]
        body = bytearray()
        try:
            with self._pool.stream(
                "GET", url, headers=headers, extensions={"timeout": timeouts}
            ) as response:
                if 300 <= response.status < 400:
                    return Unresolved(f"{url} redirects elsewhere: not followed")
                if response.status != 200:
                    return Unresolved(f"{url} answered HTTP {response.status}")
                for chunk in response.iter_stream():
                    body += chunk
                    if len(body) > MAX_BYTES:
                        return Unresolved(f"{url} is larger than {MAX_BYTES // 1024} KB")
                    if time.monotonic() > deadline:
                        return Unresolved(f"{url} took longer than {TIMEOUT_SECONDS:g} seconds")
        except AddressRefused as error:
            return Unresolved(f"not fetched: {error}")
        except httpcore.TimeoutException:
            return Unresolved(f"{url} took longer than {TIMEOUT_SECONDS:g} seconds")
        except (httpcore.ConnectError, OSError) as error:
            return Unresolved(f"cannot connect to {url}: {error or type(error).__name__}")
        except httpcore.NetworkError as error:
            return Unresolved(f"{url} could not be read: {error or type(error).__name__}")
        except httpcore.ProtocolError as error:
            return Unresolved(f"{url} did not answer HTTP: {error or type(error).__name__}")
        except httpcore.UnsupportedProtocol:
            return Unresolved(f"{url} cannot be fetched")
        try:
            document = json.loads(bytes(body))
        except (ValueError, RecursionError):
            return Unresolved(f"{url} is not JSON")
        if not isinstance(document, dict):
            return Unresolved(f"{url} is not a JSON object")
        return document
