"""Team members sign in to /dashboard with email and password; sessions are server-side,
rotate on sign-in, end on sign-out, and lock after repeated wrong passwords."""

import httpx

from plaudit.settings import Settings
from plaudit.store.db import Database
from tests.support.dashboard import Member, make_member, sign_in, signed_in_client
from tests.support.live_server import LiveServer


def test_a_page_sends_a_signed_out_browser_to_sign_in_and_back(
    http: httpx.Client, owner: Member
) -> None:
    answer = http.get("/dashboard")
    assert answer.status_code == 303
    assert answer.headers["location"] == "/dashboard/sign-in?next=%2Fdashboard"

    signed = http.post(
        "/dashboard/sign-in",
        data={"email": owner.email, "password": owner.password, "next": "/dashboard"},
    )
    assert signed.status_code == 303
    assert signed.headers["location"] == "/dashboard"
    cookie = signed.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "path=/dashboard" in cookie
    page = http.get("/dashboard")
    assert page.status_code == 200
    assert "Test Academy" in page.text and "Owner Person" in page.text
    assert page.headers["cache-control"] == "no-store"


def test_after_sign_in_only_dashboard_paths_are_followed(http: httpx.Client, owner: Member) -> None:
    for target in ("https://evil.example/dashboard", "//evil.example", "/c/abc", "/dashboard\\x"):
        answer = http.post(
            "/dashboard/sign-in",
            data={"email": owner.email, "password": owner.password, "next": target},
        )
        assert answer.headers["location"] == "/dashboard"


def test_a_wrong_password_or_unknown_email_is_refused_alike(
    http: httpx.Client, owner: Member
) -> None:
    wrong = http.post("/dashboard/sign-in", data={"email": owner.email, "password": "nope" * 4})
    unknown = http.post(
        "/dashboard/sign-in", data={"email": "nobody@example.org", "password": owner.password}
    )
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.text.replace(owner.email, "") == unknown.text.replace("nobody@example.org", "")
    assert "set-cookie" not in wrong.headers
    assert http.get("/dashboard").status_code == 303


def test_repeated_wrong_passwords_lock_the_member(
    http: httpx.Client, owner: Member, settings: Settings
) -> None:
    for _ in range(settings.dashboard_lockout_attempts):
        refused = http.post("/dashboard/sign-in", data={"email": owner.email, "password": "x" * 12})
        assert refused.status_code == 401
    # The right password no longer opens it while the lock lasts.
    assert sign_in(http, owner).status_code == 401
    assert http.get("/dashboard").status_code == 303


def test_signing_in_again_rotates_the_session_and_signing_out_ends_it(
    live_server: LiveServer, owner: Member
) -> None:
    with signed_in_client(live_server.base_url, owner) as first:
        old = first.cookies["plaudit_dashboard"]
        assert sign_in(first, owner).status_code == 303
        new = first.cookies["plaudit_dashboard"]
        assert new != old
        with httpx.Client(
            base_url=live_server.base_url, cookies={"plaudit_dashboard": old}, timeout=30
        ) as c:
            assert c.get("/dashboard").status_code == 303  # the replaced session is gone

        assert first.post("/dashboard/sign-out").status_code == 303
        with httpx.Client(
            base_url=live_server.base_url, cookies={"plaudit_dashboard": new}, timeout=30
        ) as c:
            assert c.get("/dashboard").status_code == 303  # ended server-side, not only forgotten


def test_a_member_sees_only_its_own_organization(
    live_server: LiveServer, database: Database, owner: Member, api: httpx.Client
) -> None:
    from tests.support.tenants import make_tenant

    other = make_tenant(database, name="Other Academy")
    stranger = make_member(database, other.organization_id, "viewer")
    with signed_in_client(live_server.base_url, stranger) as client:
        page = client.get("/dashboard").text
    assert "Other Academy" in page and "Test Academy" not in page
