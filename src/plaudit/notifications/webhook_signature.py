"""The signature of a webhook POST, and its check (the recipe a receiver follows, README).

`Plaudit-Signature: v1=<hex HMAC-SHA256(secret, f"{timestamp}." + raw body)>`, where
`timestamp` is the `Plaudit-Timestamp` header (Unix seconds of the attempt). Signing the
timestamp with the body lets a receiver refuse an old request replayed to it: `verify` accepts
only timestamps within `tolerance` of its clock, and compares in constant time. The header may
carry several `v1=` values (comma-separated), so that a secret can change without a gap."""

import hashlib
import hmac

SCHEME = "v1"
TOLERANCE_SECONDS = 300


def signature(secret: bytes, timestamp: int, body: bytes) -> str:
    """The `Plaudit-Signature` header's value."""
    digest = hmac.new(secret, f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"{SCHEME}={digest}"


def verify(
    secret: bytes,
    header: str,
    timestamp: str,
    body: bytes,
    *,
    now: float,
    tolerance: float = TOLERANCE_SECONDS,
) -> bool:
    """Whether `header` signs `body` at `timestamp` with `secret`, `timestamp` being within
    `tolerance` seconds of `now`."""
    try:
        moment = int(timestamp)
    except ValueError:
        return False
    if abs(now - moment) > tolerance:
        return False
    expected = signature(secret, moment, body).encode()
    offered = [part.strip().encode() for part in header.split(",")]
    # Every value is compared, in constant time each, whatever the first comparison says.
    matches = [hmac.compare_digest(expected, value) for value in offered]
    return any(matches)
