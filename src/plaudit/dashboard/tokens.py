"""Random tokens the browser holds (session cookies, one-time links) and the keyed hashes the
database keeps of them: a copy of the database opens no session and follows no link."""

import hashlib
import hmac
import secrets

TOKEN_BYTES = 32


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_hash(secret: bytes, purpose: str, token: str) -> str:
    """HMAC-SHA256 of `token` under the server's secret, apart per purpose: a session token is
    no reset link."""
    return hmac.new(
        secret, f"plaudit.dashboard.{purpose}|{token}".encode(), hashlib.sha256
    ).hexdigest()
