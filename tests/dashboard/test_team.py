"""`/dashboard/team`: owners and admins invite, change roles, remove and make links; the
roles are enforced on the endpoints (a viewer or issuer changes nothing whatever it posts,
an admin never makes or unmakes an owner, the last owner stays)."""

import re

import httpx
import pytest
from sqlalchemy import func, select

from plaudit.server_secret import server_secret
from plaudit.settings import Settings
from plaudit.store.dashboard_tables import OneTimeLink
from plaudit.store.db import Database
from plaudit.store.org_tables import TeamMember
from tests.support.dashboard import (
    Member,
    form_token,
    make_member,
    session_form_token,
    sign_in,
    signed_in_client,
)
from tests.support.live_server import LiveServer
from tests.support.tenants import Tenant, make_tenant

PASSWORD = "an invited person's passphrase"
WELCOME = re.compile(r'value="(https?://[^"]+/dashboard/(?:welcome|reset)/[A-Za-z0-9_-]+)"')


def team_state(database: Database, organization_id: int) -> list[tuple[int, str, str, bool]]:
    """Every member (id, email, role, has a password) and how many links: what must not move."""
    with database.session(readonly=True) as session:
        members = session.execute(
            select(TeamMember.id, TeamMember.email, TeamMember.role, TeamMember.password_hash)
            .where(TeamMember.organization_id == organization_id)
            .order_by(TeamMember.id)
        ).all()
        links = session.scalar(
            select(func.count())
            .select_from(OneTimeLink)
            .where(OneTimeLink.organization_id == organization_id)
        )
    return [(row[0], row[1], row[2], row[3] is not None) for row in members] + [
        (links, "", "", False)
    ]


def role_of(database: Database, member_id: int) -> str | None:
    with database.session(readonly=True) as session:
        member = session.get(TeamMember, member_id)
        return None if member is None else member.role


def test_an_invitee_follows_the_link_and_signs_in_with_the_role_given(
    live_server: LiveServer, database: Database, owner: Member
) -> None:
    with signed_in_client(live_server.base_url, owner) as client:
        token = form_token(client, "/dashboard/team")
        made = client.post(
            "/dashboard/team/invite",
            data={
                "csrf_token": token,
                "name": "Ivy Issuer",
                "email": "ivy@example.org",
                "role": "issuer",
            },
        )
        assert made.status_code == 200, made.text
        link = WELCOME.search(made.text).group(1)
        listed = client.get("/dashboard/team").text
        assert "ivy@example.org" in listed and "invited" in listed

    with httpx.Client(base_url=live_server.base_url, timeout=30) as invitee:
        form = invitee.get(httpx.URL(link).path)
        assert form.status_code == 200 and "ivy@example.org" in form.text and "issuer" in form.text
        joined = invitee.post(
            httpx.URL(link).path,
            data={"name": "Ivy I.", "password": PASSWORD, "password_again": PASSWORD},
        )
        assert joined.status_code == 303
        page = invitee.get("/dashboard")
        assert page.status_code == 200 and "Ivy I." in page.text and "(issuer)" in page.text
        assert invitee.get(httpx.URL(link).path).status_code == 410
    with database.session(readonly=True) as session:
        ivy = session.scalars(
            select(TeamMember).where(TeamMember.email_normalized == "ivy@example.org")
        ).one()
    again = Member(owner.organization_id, ivy.id, "ivy@example.org", PASSWORD, "issuer")
    with httpx.Client(base_url=live_server.base_url, timeout=30) as client:
        assert sign_in(client, again).status_code == 303


def test_a_bad_invitation_is_shown_again_with_its_errors(
    live_server: LiveServer, database: Database, owner: Member
) -> None:
    before = team_state(database, owner.organization_id)
    with signed_in_client(live_server.base_url, owner) as client:
        token = form_token(client, "/dashboard/team")
        bad = client.post(
            "/dashboard/team/invite",
            data={"csrf_token": token, "name": "", "email": "nope", "role": "viewer"},
        )
        assert bad.status_code == 422
        assert 'id="name-error"' in bad.text and 'id="email-error"' in bad.text
        taken = client.post(
            "/dashboard/team/invite",
            data={"csrf_token": token, "name": "Dup", "email": owner.email, "role": "viewer"},
        )
        assert taken.status_code == 422 and "has already been taken" in taken.text
        unknown_role = client.post(
            "/dashboard/team/invite",
            data={"csrf_token": token, "name": "R", "email": "r@example.org", "role": "god"},
        )
        assert unknown_role.status_code == 422 and 'id="role-error"' in unknown_role.text
    assert team_state(database, owner.organization_id) == before


@pytest.mark.parametrize("role", ["viewer", "issuer"])
def test_viewers_and_issuers_neither_see_nor_change_the_team(
    live_server: LiveServer,
    database: Database,
    settings: Settings,
    tenant: Tenant,
    owner: Member,
    role: str,
) -> None:
    weak = make_member(database, tenant.organization_id, role)
    before = team_state(database, tenant.organization_id)
    with signed_in_client(live_server.base_url, weak) as client:
        assert client.get("/dashboard/team").status_code == 403
        assert client.get(f"/dashboard/team/{owner.member_id}/remove").status_code == 403
        assert 'href="/dashboard/team"' not in client.get("/dashboard").text
        token = session_form_token(client, server_secret(settings))  # valid for the session
        posts = {
            "/dashboard/team/invite": {"name": "X", "email": "x@example.org", "role": "owner"},
            f"/dashboard/team/{owner.member_id}/role": {"role": "viewer"},
            f"/dashboard/team/{weak.member_id}/role": {"role": "owner"},
            f"/dashboard/team/{owner.member_id}/remove": {},
            f"/dashboard/team/{owner.member_id}/link": {},
        }
        for path, data in posts.items():
            answer = client.post(path, data={"csrf_token": token, **data})
            assert answer.status_code == 403, path
            assert "does not allow" in answer.text
    assert team_state(database, tenant.organization_id) == before


def test_an_admin_cannot_make_or_unmake_an_owner(
    live_server: LiveServer, database: Database, settings: Settings, tenant: Tenant, owner: Member
) -> None:
    admin = make_member(database, tenant.organization_id, "admin")
    viewer = make_member(database, tenant.organization_id, "viewer")
    before = team_state(database, tenant.organization_id)
    with signed_in_client(live_server.base_url, admin) as client:
        token = form_token(client, "/dashboard/team")
        assert session_form_token(client, server_secret(settings)) == token  # as tests compute it
        refused = {
            "/dashboard/team/invite": {"name": "O", "email": "o@example.org", "role": "owner"},
            f"/dashboard/team/{viewer.member_id}/role": {"role": "owner"},
            f"/dashboard/team/{owner.member_id}/role": {"role": "admin"},
            f"/dashboard/team/{owner.member_id}/remove": {},
            f"/dashboard/team/{owner.member_id}/link": {},  # a reset link would open the owner
        }
        for path, data in refused.items():
            assert client.post(path, data={"csrf_token": token, **data}).status_code == 403, path
        assert team_state(database, tenant.organization_id) == before
        # What an admin may do: other roles.
        promoted = client.post(
            f"/dashboard/team/{viewer.member_id}/role", data={"csrf_token": token, "role": "issuer"}
        )
        assert promoted.status_code == 303
    assert role_of(database, viewer.member_id) == "issuer"


def test_the_last_owner_is_never_demoted_or_removed(
    live_server: LiveServer, database: Database, tenant: Tenant, owner: Member
) -> None:
    with signed_in_client(live_server.base_url, owner) as client:
        token = form_token(client, "/dashboard/team")
        demoted = client.post(
            f"/dashboard/team/{owner.member_id}/role", data={"csrf_token": token, "role": "admin"}
        )
        assert demoted.status_code == 409 and "last owner" in demoted.text
        removed = client.post(
            f"/dashboard/team/{owner.member_id}/remove", data={"csrf_token": token}
        )
        assert removed.status_code == 409
        assert role_of(database, owner.member_id) == "owner"

        # With a second owner, the first may step down.
        second = make_member(database, tenant.organization_id, "viewer")
        made = client.post(
            f"/dashboard/team/{second.member_id}/role", data={"csrf_token": token, "role": "owner"}
        )
        assert made.status_code == 303
        stepped = client.post(
            f"/dashboard/team/{owner.member_id}/role", data={"csrf_token": token, "role": "admin"}
        )
        assert stepped.status_code == 303
    assert role_of(database, owner.member_id) == "admin"
    assert role_of(database, second.member_id) == "owner"


def test_removing_a_member_ends_their_sessions_and_the_api_no_longer_finds_them(
    live_server: LiveServer, database: Database, tenant: Tenant, owner: Member, api: httpx.Client
) -> None:
    viewer = make_member(database, tenant.organization_id, "viewer")
    assert api.get(f"/v1/team_members/{viewer.member_id}").status_code == 200
    with (
        signed_in_client(live_server.base_url, viewer) as gone,
        signed_in_client(live_server.base_url, owner) as client,
    ):
        confirm = client.get(f"/dashboard/team/{viewer.member_id}/remove")
        assert confirm.status_code == 200 and viewer.email in confirm.text
        token = form_token(client, "/dashboard/team")
        removed = client.post(
            f"/dashboard/team/{viewer.member_id}/remove", data={"csrf_token": token}
        )
        assert removed.status_code == 303
        assert gone.get("/dashboard").status_code == 303
        assert sign_in(gone, viewer).status_code == 401
    assert api.get(f"/v1/team_members/{viewer.member_id}").status_code == 404


def test_a_reset_link_from_the_team_page_is_shown_once_and_works(
    live_server: LiveServer, database: Database, tenant: Tenant, owner: Member
) -> None:
    issuer = make_member(database, tenant.organization_id, "issuer")
    with signed_in_client(live_server.base_url, owner) as client:
        token = form_token(client, "/dashboard/team")
        made = client.post(f"/dashboard/team/{issuer.member_id}/link", data={"csrf_token": token})
        assert made.status_code == 200 and "/dashboard/reset/" in made.text
        link = WELCOME.search(made.text).group(1)
        assert link not in client.get("/dashboard/team").text
    with httpx.Client(base_url=live_server.base_url, timeout=30) as client:
        done = client.post(
            httpx.URL(link).path, data={"password": PASSWORD, "password_again": PASSWORD}
        )
        assert done.status_code == 303
        assert "(issuer)" in client.get("/dashboard").text


def test_posts_without_or_with_another_sessions_form_token_are_refused(
    live_server: LiveServer, database: Database, tenant: Tenant, owner: Member
) -> None:
    viewer = make_member(database, tenant.organization_id, "viewer")
    admin = make_member(database, tenant.organization_id, "admin")
    before = team_state(database, tenant.organization_id)
    with (
        signed_in_client(live_server.base_url, owner) as client,
        signed_in_client(live_server.base_url, admin) as other,
    ):
        others = form_token(other, "/dashboard/team")
        invite = {"name": "C", "email": "c@example.org", "role": "viewer"}
        assert client.post("/dashboard/team/invite", data=invite).status_code == 403
        assert (
            client.post("/dashboard/team/invite", data={"csrf_token": others, **invite}).status_code
            == 403
        )
        role = f"/dashboard/team/{viewer.member_id}/role"
        assert client.post(role, data={"csrf_token": others, "role": "admin"}).status_code == 403
        own = form_token(client, "/dashboard/team")
        cross = client.post(
            role,
            data={"csrf_token": own, "role": "admin"},
            headers={"Sec-Fetch-Site": "cross-site"},
        )
        assert cross.status_code == 403
    assert team_state(database, tenant.organization_id) == before


def test_another_organizations_member_is_not_found(
    live_server: LiveServer, database: Database, owner: Member
) -> None:
    other = make_tenant(database, name="Elsewhere Academy")
    stranger = make_member(database, other.organization_id, "viewer")
    before = team_state(database, other.organization_id)
    with signed_in_client(live_server.base_url, owner) as client:
        token = form_token(client, "/dashboard/team")
        assert client.get(f"/dashboard/team/{stranger.member_id}/remove").status_code == 404
        for path, data in {
            f"/dashboard/team/{stranger.member_id}/role": {"role": "admin"},
            f"/dashboard/team/{stranger.member_id}/remove": {},
            f"/dashboard/team/{stranger.member_id}/link": {},
        }.items():
            assert client.post(path, data={"csrf_token": token, **data}).status_code == 404, path
        assert client.get("/dashboard/team/99999999999999999999/remove").status_code in (400, 404)
    assert team_state(database, other.organization_id) == before
