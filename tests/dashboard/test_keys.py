"""`/dashboard/keys`: owners and admins make keys (shown once, working at once, optionally
scoped to a department) and revoke them after a confirmation; viewers and issuers cannot."""

import re

import httpx
import pytest
from sqlalchemy import select

from plaudit.server_secret import server_secret
from plaudit.settings import Settings
from plaudit.store.db import Database
from plaudit.store.tables import ApiKey
from tests.support.dashboard import (
    Member,
    form_token,
    make_member,
    session_form_token,
    signed_in_client,
)
from tests.support.live_server import LiveServer
from tests.support.tenants import Tenant, add_department, make_tenant

SHOWN_KEY = re.compile(r'id="new-key" class="dash-secret" type="text" readonly value="([0-9a-f]+)"')


def keys_of(database: Database, organization_id: int) -> list[tuple[int, str | None, bool]]:
    with database.session(readonly=True) as session:
        rows = session.execute(
            select(ApiKey.id, ApiKey.label, ApiKey.revoked_at)
            .where(ApiKey.organization_id == organization_id)
            .order_by(ApiKey.id)
        ).all()
    return [(row[0], row[1], row[2] is not None) for row in rows]


def test_a_new_key_is_shown_once_works_and_is_revoked_after_confirmation(
    live_server: LiveServer, database: Database, tenant: Tenant, admin: Member
) -> None:
    department_id = add_department(database, tenant.organization_id, "Evening School")
    with signed_in_client(live_server.base_url, admin) as client:
        page = client.get("/dashboard/keys")
        assert page.status_code == 200 and "Evening School" in page.text
        token = form_token(client, "/dashboard/keys")
        made = client.post(
            "/dashboard/keys",
            data={"csrf_token": token, "label": "LMS", "department_id": str(department_id)},
        )
        assert made.status_code == 200
        key = SHOWN_KEY.search(made.text).group(1)
        listed = client.get("/dashboard/keys").text
        assert key[:12] in listed and key not in listed  # the prefix, never the key again

        headers = {"Authorization": f"Token token={key}"}
        with httpx.Client(base_url=live_server.base_url, headers=headers, timeout=30) as api:
            assert api.get("/v1/issuer/details").status_code == 200
            # Scoped to its department: it may not make another one.
            assert (
                api.post("/v1/departments", json={"department": {"name": "X"}}).status_code == 403
            )

        key_id = next(
            row[0] for row in keys_of(database, tenant.organization_id) if row[1] == "LMS"
        )
        confirm = client.get(f"/dashboard/keys/{key_id}/revoke")
        assert confirm.status_code == 200 and key[:12] in confirm.text
        revoked = client.post(f"/dashboard/keys/{key_id}/revoke", data={"csrf_token": token})
        assert revoked.status_code == 303
        with httpx.Client(base_url=live_server.base_url, headers=headers, timeout=30) as api:
            assert api.get("/v1/issuer/details").status_code == 401


def test_bad_input_shows_the_form_again_and_makes_no_key(
    live_server: LiveServer, database: Database, tenant: Tenant, admin: Member
) -> None:
    other = make_tenant(database, name="Other Academy")
    before = keys_of(database, tenant.organization_id)
    with signed_in_client(live_server.base_url, admin) as client:
        token = form_token(client, "/dashboard/keys")
        for data in (
            {"label": "x" * 300},
            {"label": "ok", "department_id": "abc"},
            {"label": "ok", "department_id": str(other.default_department_id)},
        ):
            answer = client.post("/dashboard/keys", data={"csrf_token": token, **data})
            assert answer.status_code == 422, data
            assert "dash-field-error" in answer.text
    assert keys_of(database, tenant.organization_id) == before


@pytest.mark.parametrize("role", ["viewer", "issuer"])
def test_viewers_and_issuers_cannot_see_make_or_revoke_keys(
    live_server: LiveServer, database: Database, settings: Settings, tenant: Tenant, role: str
) -> None:
    weak = make_member(database, tenant.organization_id, role)
    key_id = keys_of(database, tenant.organization_id)[0][0]
    before = keys_of(database, tenant.organization_id)
    with signed_in_client(live_server.base_url, weak) as client:
        assert client.get("/dashboard/keys").status_code == 403
        assert client.get(f"/dashboard/keys/{key_id}/revoke").status_code == 403
        assert 'href="/dashboard/keys"' not in client.get("/dashboard").text
        token = session_form_token(client, server_secret(settings))
        for path in ("/dashboard/keys", f"/dashboard/keys/{key_id}/revoke"):
            answer = client.post(path, data={"csrf_token": token, "label": "mine"})
            assert answer.status_code == 403, path
    assert keys_of(database, tenant.organization_id) == before


def test_form_tokens_are_checked_and_another_organizations_key_is_not_found(
    live_server: LiveServer, database: Database, tenant: Tenant, admin: Member
) -> None:
    other = make_tenant(database, name="Other Academy")
    foreign_id = keys_of(database, other.organization_id)[0][0]
    own_id = keys_of(database, tenant.organization_id)[0][0]
    second = make_member(database, tenant.organization_id, "owner")
    with (
        signed_in_client(live_server.base_url, admin) as client,
        signed_in_client(live_server.base_url, second) as other_session,
    ):
        assert client.post("/dashboard/keys", data={"label": "no token"}).status_code == 403
        stolen = form_token(other_session, "/dashboard/keys")
        assert (
            client.post(f"/dashboard/keys/{own_id}/revoke", data={"csrf_token": stolen}).status_code
            == 403
        )
        token = form_token(client, "/dashboard/keys")
        assert client.get(f"/dashboard/keys/{foreign_id}/revoke").status_code == 404
        foreign = client.post(f"/dashboard/keys/{foreign_id}/revoke", data={"csrf_token": token})
        assert foreign.status_code == 404
    assert keys_of(database, tenant.organization_id)[0][2] is False
    assert keys_of(database, other.organization_id)[0][2] is False
