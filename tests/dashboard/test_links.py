"""One-time links: `plaudit orgs create` (and `init`, `orgs owner-link`, `orgs reset-link`)
print links that make the first owner or let a member in again; "Forgot your password?" mails
a reset link through a real SMTP server on loopback. Each link works once, until it expires."""

import json
import logging
import re
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from uuid import uuid4

import httpx
import pytest
from sqlalchemy import select, update
from typer.testing import CliRunner

from plaudit.cli import app
from plaudit.settings import Settings, get_settings
from plaudit.store.dashboard_tables import DashboardSession, OneTimeLink
from plaudit.store.db import Database
from plaudit.store.org_tables import TeamMember
from tests.support.dashboard import Member, make_member, sign_in, signed_in_client
from tests.support.live_server import LiveServer, start_live_server
from tests.support.smtp_server import SmtpServer, smtp_server
from tests.support.tenants import Tenant

NEW_PASSWORD = "a brand new passphrase"
LINK = re.compile(r"(https?://\S+/dashboard/(?:welcome|reset)/[A-Za-z0-9_-]+)")

Cli = Callable[..., str]


@pytest.fixture
def cli(
    monkeypatch: pytest.MonkeyPatch, settings: Settings, database_url: str, live_server: LiveServer
) -> Iterator[Cli]:
    """`plaudit ...` in this process, on the test database, with the live server's secret and
    address (so its links open there); each call returns the output."""
    monkeypatch.setenv("PLAUDIT_DATABASE_URL", database_url)
    monkeypatch.setenv("PLAUDIT_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("PLAUDIT_BASE_URL", live_server.base_url)
    monkeypatch.delenv("PLAUDIT_SECRET_KEY", raising=False)
    get_settings.cache_clear()

    def run(*args: str, code: int = 0) -> str:
        root, plaudit = logging.getLogger(), logging.getLogger("plaudit")
        kept = root.handlers[:], root.level, plaudit.level
        try:
            result = CliRunner().invoke(app, list(args))
        finally:
            # The command logs to the runner's stream, closed after it: the live server's
            # threads must not log there.
            root.handlers, _, _ = kept
            root.setLevel(kept[1])
            plaudit.setLevel(kept[2])
        assert result.exit_code == code, result.output
        return result.output

    yield run
    get_settings.cache_clear()


def link_in(text: str) -> str:
    found = LINK.search(text)
    assert found is not None, text
    return found.group(1)


def path_of(link: str) -> str:
    return httpx.URL(link).path


def welcome(client: httpx.Client, link: str, **fields: str) -> httpx.Response:
    return client.post(path_of(link), data=fields)


def owner_form(email: str, password: str = NEW_PASSWORD) -> dict[str, str]:
    return {"name": "Olive Owner", "email": email, "password": password, "password_again": password}


def test_orgs_create_prints_a_link_that_makes_and_signs_in_the_first_owner(
    cli: Cli, http: httpx.Client, database: Database, live_server: LiveServer
) -> None:
    name = f"Links {uuid4().hex[:8]}"
    out = cli("orgs", "create", name)
    assert "API key (shown once): " in out
    link = link_in(out)
    assert link.startswith(f"{live_server.base_url}/dashboard/welcome/")

    form = http.get(path_of(link))
    assert form.status_code == 200 and name in form.text
    signed = welcome(http, link, **owner_form("olive@example.org"))
    assert signed.status_code == 303 and signed.headers["location"] == "/dashboard"
    overview = http.get("/dashboard")
    assert overview.status_code == 200 and "Olive Owner" in overview.text and name in overview.text
    with database.session(readonly=True) as session:
        owner = session.scalars(
            select(TeamMember).where(TeamMember.email_normalized == "olive@example.org")
        ).one()
        assert owner.role == "owner" and owner.password_hash.startswith("$argon2id$")
        assert session.scalars(
            select(DashboardSession.via).where(DashboardSession.team_member_id == owner.id)
        ).all() == ["link"]

    # Used up: a second visit or submission is refused with 410 and makes nobody.
    with httpx.Client(base_url=live_server.base_url, timeout=30) as other:
        assert other.get(path_of(link)).status_code == 410
        again = welcome(other, link, **owner_form("mallory@example.org"))
        assert again.status_code == 410 and "already been used" in again.text
        assert other.get("/dashboard").status_code == 303
    # The owner signs in with the password chosen.
    member = Member(owner.organization_id, owner.id, "olive@example.org", NEW_PASSWORD, "owner")
    with signed_in_client(live_server.base_url, member):
        pass
    # Once there is an owner, no new first-owner link is made.
    refused = cli("orgs", "owner-link", "--org", str(owner.organization_id), code=1)
    assert "already has an owner" in refused


def test_an_expired_link_is_refused_and_owner_link_makes_a_fresh_one(
    cli: Cli, http: httpx.Client, database: Database, json_org: Callable[[], dict]
) -> None:
    made = json_org()
    with database.transaction() as session:
        session.execute(
            update(OneTimeLink)
            .where(OneTimeLink.organization_id == made["organization_id"])
            .values(expires_at=datetime.now(UTC) - timedelta(seconds=1))
        )
    expired = http.get(path_of(made["owner_link"]))
    assert expired.status_code == 410 and "expired" in expired.text
    assert welcome(http, made["owner_link"], **owner_form("late@example.org")).status_code == 410

    fresh = link_in(cli("orgs", "owner-link", "--org", str(made["organization_id"])))
    assert welcome(http, fresh, **owner_form("late@example.org")).status_code == 303


def test_a_bad_form_is_shown_again_with_its_errors_and_uses_nothing(
    http: httpx.Client, json_org: Callable[[], dict]
) -> None:
    link = json_org()["owner_link"]
    bad = welcome(
        http, link, name=" ", email="not-an-email", password="short", password_again="other"
    )
    assert bad.status_code == 422
    for field in ("name", "email", "password", "password_again"):
        assert f'id="{field}-error"' in bad.text
    assert 'aria-describedby="password-hint password-error"' in bad.text
    assert welcome(http, link, **owner_form("fixed@example.org")).status_code == 303


def test_a_made_up_token_is_not_found_and_a_foreign_post_is_refused(
    http: httpx.Client, json_org: Callable[[], dict]
) -> None:
    assert http.get("/dashboard/welcome/not-a-real-token").status_code == 404
    assert http.get("/dashboard/reset/not-a-real-token").status_code == 404
    link = json_org()["owner_link"]
    # A reset page does not take a welcome link.
    assert http.get(f"/dashboard/reset/{path_of(link).rsplit('/', 1)[1]}").status_code == 404
    foreign = http.post(
        path_of(link), data=owner_form("x@example.org"), headers={"Sec-Fetch-Site": "cross-site"}
    )
    assert foreign.status_code == 403
    assert http.get(path_of(link)).status_code == 200  # still unused


def test_init_prints_the_demo_organizations_owner_link(
    cli: Cli, monkeypatch: pytest.MonkeyPatch, http: httpx.Client
) -> None:
    monkeypatch.setenv("PLAUDIT_DEMO_ORG_NAME", f"Demo {uuid4().hex[:8]}")
    get_settings.cache_clear()
    link = link_in(cli("init"))
    assert welcome(http, link, **owner_form("demo-owner@example.org")).status_code == 303
    again = cli("init")
    assert "/dashboard/welcome/" not in again and "/dashboard (sign in as its owner)" in again


def test_reset_link_command_lets_a_member_choose_a_new_password(
    cli: Cli, database: Database, tenant: Tenant, live_server: LiveServer
) -> None:
    member = make_member(database, tenant.organization_id, "issuer")
    out = cli("orgs", "reset-link", "--org", str(tenant.organization_id), "--email", member.email)
    link = link_in(out)
    assert "/dashboard/reset/" in link
    with httpx.Client(base_url=live_server.base_url, timeout=30) as client:
        set_it = client.post(
            path_of(link), data={"password": NEW_PASSWORD, "password_again": NEW_PASSWORD}
        )
        assert set_it.status_code == 303
        assert client.get("/dashboard").status_code == 200
    missing = cli(
        "orgs", "reset-link", "--org", str(tenant.organization_id), "--email", "no@x.org", code=1
    )
    assert "team member not found" in missing


@pytest.fixture
def json_org(cli: Cli) -> Callable[[], dict]:
    return lambda: json.loads(cli("orgs", "create", f"Org {uuid4().hex[:8]}", "--json"))


# --- "Forgot your password?" with mail -------------------------------------------------------


@pytest.fixture(scope="module")
def smtp() -> Iterator[SmtpServer]:
    with smtp_server() as server:
        yield server


@pytest.fixture(scope="module")
def mail_server(settings: Settings, database: Database, smtp: SmtpServer) -> Iterator[LiveServer]:
    """The shared database and secret, with SMTP configured."""
    mailing = settings.model_copy(
        update={
            "smtp_host": "127.0.0.1",
            "smtp_port": smtp.port,
            "smtp_starttls": False,
            "smtp_from": "Plaudit <no-reply@plaudit.test>",
        }
    )
    server = start_live_server(mailing, database)
    yield server
    server.stop()


def mail_to(smtp: SmtpServer, address: str, timeout: float = 15) -> EmailMessage:
    """The first mail to `address`: it leaves after the answer, so it is waited for."""
    deadline = time.monotonic() + timeout
    while not (found := smtp.recorder.to(address)):
        assert time.monotonic() < deadline, f"no mail to {address}"
        time.sleep(0.02)
    return found[0]


def test_a_mailed_reset_link_sets_the_password_ends_sessions_and_unlocks(
    mail_server: LiveServer, smtp: SmtpServer, database: Database, tenant: Tenant
) -> None:
    email = f"reset-{uuid4().hex[:8]}@example.org"
    member = make_member(database, tenant.organization_id, "admin", email=email)
    with signed_in_client(mail_server.base_url, member) as old:
        with database.transaction() as session:
            locked = session.get(TeamMember, member.member_id)
            locked.failed_sign_ins, locked.locked_until = 3, datetime.now(UTC) + timedelta(hours=1)
        with httpx.Client(base_url=mail_server.base_url, timeout=30) as client:
            assert "Forgot your password?" in client.get("/dashboard/sign-in").text
            unknown = client.post("/dashboard/forgot-password", data={"email": "nobody@x.org"})
            known = client.post("/dashboard/forgot-password", data={"email": email})
            assert unknown.status_code == known.status_code == 200
            assert unknown.text.replace("nobody@x.org", "") == known.text.replace(email, "")

            mail = mail_to(smtp, email)
            link = link_in(mail.get_body(("plain",)).get_content())
            assert link.startswith(f"{mail_server.base_url}/dashboard/reset/")
            assert client.get(path_of(link)).status_code == 200
            mismatch = client.post(
                path_of(link), data={"password": NEW_PASSWORD, "password_again": "nope"}
            )
            assert mismatch.status_code == 422 and 'id="password_again-error"' in mismatch.text
            done = client.post(
                path_of(link), data={"password": NEW_PASSWORD, "password_again": NEW_PASSWORD}
            )
            assert done.status_code == 303
            assert client.get("/dashboard").status_code == 200
            assert client.get(path_of(link)).status_code == 410
        assert old.get("/dashboard").status_code == 303  # the old session has ended
    assert smtp.recorder.to("nobody@x.org") == []
    with database.session(readonly=True) as session:
        unlocked = session.get(TeamMember, member.member_id)
        assert unlocked.locked_until is None and unlocked.failed_sign_ins == 0
    renewed = Member(tenant.organization_id, member.member_id, email, NEW_PASSWORD, "admin")
    with httpx.Client(base_url=mail_server.base_url, timeout=30) as client:
        assert sign_in(client, renewed).status_code == 303
        assert sign_in(client, member).status_code == 401  # the old password is gone


def test_without_smtp_the_page_says_an_administrator_makes_the_link(
    http: httpx.Client, database: Database, tenant: Tenant
) -> None:
    member = make_member(database, tenant.organization_id, "viewer")
    page = http.get("/dashboard/forgot-password")
    assert page.status_code == 200 and "plaudit orgs reset-link" in page.text
    answer = http.post("/dashboard/forgot-password", data={"email": member.email})
    assert answer.status_code == 200 and "administrator" in answer.text
    with database.session(readonly=True) as session:
        assert (
            session.scalars(
                select(OneTimeLink).where(OneTimeLink.team_member_id == member.member_id)
            ).all()
            == []
        )
