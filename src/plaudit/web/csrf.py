"""Tokens for the wallet's forms, tied to the recipient's session cookie.

A form's token is an HMAC of the session cookie under the server's secret: another site can
neither read it nor compute it, and it stops working when the session ends. SameSite=Lax keeps
cross-site POSTs from carrying a top-level session, but the embedded wallet's partitioned cookie
is SameSite=None (docs/adr/0006): the page that frames it could post to it with the cookie. So
the token is the guard for both, and a browser that says a POST came from another origin
(`Sec-Fetch-Site`) is refused even with one.
"""

import hashlib
import hmac

from fastapi import Request

from plaudit.web.session import session_cookie

_PURPOSE = b"plaudit.wallet-form|"


def token(request: Request, secret: bytes) -> str:
    found = session_cookie(request)
    cookie = found[1] if found else ""
    return hmac.new(secret, _PURPOSE + cookie.encode(), hashlib.sha256).hexdigest()


def is_valid(request: Request, secret: bytes, given: object) -> bool:
    # Browsers send Sec-Fetch-Site on every request; the wallet's own forms are same-origin.
    fetch_site = request.headers.get("sec-fetch-site")
    return (
        fetch_site in (None, "same-origin")
        and isinstance(given, str)
        and session_cookie(request) is not None
        # As bytes: compare_digest refuses str with non-ASCII characters (a 500, not a 403).
        and hmac.compare_digest(given.encode(), token(request, secret).encode())
    )
