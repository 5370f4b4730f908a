"""The recipient's session cookie: its flags, and signing out."""

from fastapi import Request, Response

from plaudit.settings import Settings
from plaudit.web.session import COOKIE, RecipientSession, sign_in, sign_out

SECRET = b"s" * 32


def cookie_of(response: Response) -> str:
    return response.headers["set-cookie"]


def test_cookie_is_secure_on_an_https_site_only() -> None:
    who = RecipientSession(organization_id=1, email="ada@example.com")
    for base_url, secure in (("https://credentials.example.org", True), (None, False)):
        settings = Settings(base_url=base_url, session_ttl_seconds=600)
        response = Response()
        sign_in(response, SECRET, settings, who)
        cookie = cookie_of(response)
        assert cookie.startswith(f"{COOKIE}=")
        assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Max-Age=600" in cookie
        assert ("Secure" in cookie) is secure


def _request_with(cookie: str) -> Request:
    return Request({"type": "http", "headers": [(b"cookie", cookie.encode())]})


def test_sign_out_expires_the_cookie_with_the_same_flags() -> None:
    response = Response()
    request = _request_with(f"{COOKIE}=signed-value")
    sign_out(request, response, Settings(base_url="https://credentials.example.org"))
    cookie = cookie_of(response)
    assert cookie.startswith(f'{COOKIE}=""') and "Max-Age=0" in cookie
    assert "Secure" in cookie and "HttpOnly" in cookie and "Path=/" in cookie
