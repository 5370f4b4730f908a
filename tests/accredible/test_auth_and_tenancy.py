"""API keys: the three header forms, refusals, revocation, and tenants kept apart."""

import httpx
import pytest

from plaudit.services import api_keys
from plaudit.store.db import Database
from tests.accredible.helpers import create_group, issue
from tests.support.openapi import assert_conforms
from tests.support.tenants import Tenant, add_department, department_key, make_tenant


@pytest.mark.parametrize(
    "header",
    ["Token token={key}", 'Token token="{key}"', "Token {key}", "Bearer {key}", "bearer {key}"],
)
def test_accepted_header_forms(http: httpx.Client, tenant: Tenant, header: str) -> None:
    response = http.get(
        "/v1/issuer/details", headers={"Authorization": header.format(key=tenant.api_key)}
    )
    assert response.status_code == 200, response.text
    assert response.json()["issuer"]["id"] == tenant.organization_id
    assert_conforms("get", "/v1/issuer/details", 200, response.json())


@pytest.mark.parametrize(
    "header",
    [
        None,
        "",
        "Token",
        "Token token=",
        "Basic dXNlcjpwYXNz",
        "Token token=wrong",
        "Bearer {key}x",
        "Token {truncated}",
    ],
)
def test_refused_keys(http: httpx.Client, tenant: Tenant, header: str | None) -> None:
    headers = {}
    if header is not None:
        headers["Authorization"] = header.format(key=tenant.api_key, truncated=tenant.api_key[:-1])
    for method, path in (
        ("GET", "/v1/issuer/details"),
        ("POST", "/v1/credentials"),
        ("GET", "/v1/issuer/all_groups"),
        ("DELETE", "/v1/credentials/1"),
    ):
        response = http.request(method, path, headers=headers)
        assert response.status_code == 401, (method, path)
        assert response.text == "HTTP Token: Access denied."


def test_revoked_key_stops_working(http: httpx.Client, database: Database, tenant: Tenant) -> None:
    headers = {"Authorization": f"Token token={tenant.api_key}"}
    assert http.get("/v1/issuer/details", headers=headers).status_code == 200
    with database.transaction() as session:
        api_keys.revoke_key(session, tenant.api_key)
    assert http.get("/v1/issuer/details", headers=headers).status_code == 401


def test_keys_are_stored_hashed(database: Database, tenant: Tenant) -> None:
    from sqlalchemy import select

    from plaudit.store.tables import ApiKey

    with database.session(readonly=True) as session:
        stored = session.scalars(
            select(ApiKey).where(ApiKey.organization_id == tenant.organization_id)
        ).all()
    assert stored and all(tenant.api_key not in (k.secret_hash, k.prefix) for k in stored)
    assert all(tenant.api_key[len(k.prefix) :] != k.secret_hash for k in stored)


def test_another_tenants_objects_are_404_and_unchanged(
    api: httpx.Client, http: httpx.Client, database: Database
) -> None:
    group = create_group(api)
    credential = issue(api, group["id"], id="SHARED-LICENSE")
    intruder = make_tenant(database, "Intruder Inc")
    as_intruder = {"Authorization": f"Token token={intruder.api_key}"}
    probes = [
        ("GET", f"/v1/credentials/{credential['id']}", None),
        ("GET", "/v1/credentials/SHARED-LICENSE", None),
        ("GET", f"/v1/credentials/{credential['encoded_id']}", None),
        ("PUT", f"/v1/credentials/{credential['id']}", {"credential": {"name": "pwned"}}),
        ("DELETE", f"/v1/credentials/{credential['id']}", None),
        ("GET", f"/v1/issuer/groups/{group['id']}", None),
        ("PUT", f"/v1/issuer/groups/{group['id']}", {"group": {"name": "pwned"}}),
        ("DELETE", f"/v1/issuer/groups/{group['id']}", None),
    ]
    for method, path, body in probes:
        response = http.request(method, path, json=body, headers=as_intruder)
        assert response.status_code == 404, (method, path)
        assert response.json() == {"errors": "Doesn't exist"}
    # Issuing into another tenant's group, by id or by name, is an invalid group.
    for ref in (group["id"], group["name"]):
        response = http.post(
            "/v1/credentials",
            json={
                "credential": {
                    "recipient": {"name": "X", "email": "x@example.com"},
                    "group_id": ref,
                }
            },
            headers=as_intruder,
        )
        assert response.status_code == 422 and response.json() == {"errors": "Invalid Group"}
    listed = http.get("/v1/issuer/all_groups", headers=as_intruder).json()
    assert listed["groups"] == [] and listed["meta"]["total_count"] == 0
    # The intruder may reuse the license id in its own organization.
    own_group = create_group(http_with(http, intruder))
    issue(http_with(http, intruder), own_group["id"], id="SHARED-LICENSE")
    assert api.get(f"/v1/credentials/{credential['id']}").json()["credential"] == credential
    assert api.get("/v1/credentials/SHARED-LICENSE").json()["credential"]["id"] == credential["id"]


def http_with(http: httpx.Client, tenant: Tenant) -> httpx.Client:
    return httpx.Client(
        base_url=http.base_url,
        headers={"Authorization": f"Token token={tenant.api_key}"},
        timeout=30,
    )


def test_department_key_sees_only_its_department(
    api: httpx.Client, http: httpx.Client, database: Database, tenant: Tenant
) -> None:
    engineering = add_department(database, tenant.organization_id, "Engineering")
    scoped = http_with(
        http,
        Tenant(
            tenant.organization_id,
            engineering,
            department_key(database, tenant.organization_id, engineering),
        ),
    )
    main_group = create_group(api)
    main_credential = issue(api, main_group["id"])

    own_group = create_group(scoped)
    assert own_group["department_id"] == engineering
    own_credential = issue(scoped, own_group["id"])

    assert scoped.get(f"/v1/issuer/groups/{main_group['id']}").status_code == 404
    assert scoped.get(f"/v1/credentials/{main_credential['id']}").status_code == 404
    assert scoped.delete(f"/v1/credentials/{main_credential['id']}").status_code == 404
    refused = scoped.post(
        "/v1/credentials",
        json={
            "credential": {
                "recipient": {"name": "X", "email": "x@example.com"},
                "group_id": main_group["id"],
            }
        },
    )
    assert refused.json() == {"errors": "Invalid Group"}
    elsewhere = scoped.post(
        "/v1/issuer/groups",
        json={
            "group": {
                "name": "n",
                "course_name": "c",
                "course_description": "d",
                "department_id": tenant.default_department_id,
            }
        },
    )
    assert elsewhere.status_code == 422
    assert elsewhere.json() == {"errors": {"department_id": ["is invalid"]}}
    listed = scoped.get("/v1/issuer/all_groups").json()["groups"]
    assert [g["id"] for g in listed] == [own_group["id"]]

    # The account-wide key sees both departments.
    assert api.get(f"/v1/credentials/{own_credential['id']}").status_code == 200
    assert {g["id"] for g in api.get("/v1/issuer/all_groups").json()["groups"]} == {
        main_group["id"],
        own_group["id"],
    }
