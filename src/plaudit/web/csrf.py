"""Tokens for the wallet's forms, tied to the recipient's session cookie.

A form's token is an HMAC of the session cookie under the server's secret: another site can
neither read it nor compute it, and it stops working when the session ends. SameSite=Lax on the
cookie already keeps cross-site POSTs from carrying it; the token makes that not the only guard.
"""

import hashlib
import hmac

from fastapi import Request

from plaudit.web.session import COOKIE

_PURPOSE = b"plaudit.wallet-form|"


def token(request: Request, secret: bytes) -> str:
    cookie = request.cookies.get(COOKIE, "")
    return hmac.new(secret, _PURPOSE + cookie.encode(), hashlib.sha256).hexdigest()


def is_valid(request: Request, secret: bytes, given: object) -> bool:
    return (
        isinstance(given, str)
        and bool(request.cookies.get(COOKIE))
        and hmac.compare_digest(given, token(request, secret))
    )
