"""Team members over HTTP: create, view, update (permissions are replaced), delete."""

from typing import Any

import httpx
import pytest

from plaudit.store.db import Database
from plaudit.store.org_tables import TeamMember, TeamMemberPermission
from tests.accredible.helpers import create_group
from tests.accredible.org_helpers import client_for, create_department, department_client, row_count
from tests.support.openapi import assert_conforms
from tests.support.tenants import Tenant, make_tenant

ONE = "/v1/team_members/{id}"
DEFAULT = -1  # stands for the tenant's default department in the parametrized cases
EDITOR = {
    "designs": True,
    "emails": True,
    "credential_attributes": True,
    "analytics": True,
    "settings": True,
    "role": "editor",
}
VIEWER = {
    "designs": False,
    "emails": False,
    "credential_attributes": False,
    "analytics": False,
    "settings": False,
    "role": "viewer",
    "groups": None,
}


def _grant(department_id: int, permissions: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"department_id": department_id, "permissions": permissions or VIEWER}


def _create(api: httpx.Client, grants: list[dict[str, Any]], **fields: Any) -> dict[str, Any]:
    body = {"name": "John Doe", "email": "person@example.com", "department_permissions": grants}
    response = api.post("/v1/team_members", json={"team_member": {**body, **fields}})
    assert response.status_code == 200, response.text
    assert_conforms("post", "/v1/team_members", 200, response.json())
    return response.json()["team_member"]


def test_create_view_update_delete(api: httpx.Client, database: Database) -> None:
    first, second = create_department(api), create_department(api)
    groups = [create_group(api, department_id=first["id"])["id"] for _ in range(2)]
    member = _create(
        api,
        [_grant(first["id"], {**EDITOR, "groups": groups}), _grant(second["id"])],
    )
    assert member["name"] == "John Doe" and member["email"] == "person@example.com"
    assert member["department_permissions"] == [
        {"department_id": first["id"], "permissions": {**EDITOR, "groups": groups}},
        {"department_id": second["id"], "permissions": VIEWER},
    ]
    path = f"/v1/team_members/{member['id']}"

    viewed = api.get(path)
    assert viewed.status_code == 200
    assert_conforms("get", ONE, 200, viewed.json())
    assert viewed.json() == {"team_member": member}

    # Permissions given replace every permission the member had.
    changed = {**EDITOR, "designs": False, "emails": False}
    updated = api.put(
        path,
        json={
            "team_member": {
                "id": member["id"],
                "department_permissions": [_grant(second["id"], changed)],
            }
        },
    )
    assert updated.status_code == 200, updated.text
    assert updated.json()["team_member"] == {
        **member,
        "department_permissions": [
            {"department_id": second["id"], "permissions": {**changed, "groups": None}}
        ],
    }
    renamed = api.put(path, json={"team_member": {"name": "Jane Doe", "email": "jane@example.com"}})
    assert renamed.json()["team_member"] == {
        **updated.json()["team_member"],
        "name": "Jane Doe",
        "email": "jane@example.com",
    }
    assert api.get(path).json() == renamed.json()

    deleted = api.delete(path)
    assert deleted.status_code == 200
    assert deleted.json() == renamed.json()
    assert api.get(path).status_code == 404
    assert row_count(database, TeamMemberPermission, team_member_id=member["id"]) == 0


def test_emails_are_unique_in_an_organization(
    api: httpx.Client, http: httpx.Client, database: Database, tenant: Tenant
) -> None:
    department = tenant.default_department_id
    first = _create(api, [_grant(department)], email="Same@Example.com")
    response = api.post(
        "/v1/team_members",
        json={
            "team_member": {
                "name": "Other",
                "email": " same@example.com",
                "department_permissions": [_grant(department)],
            }
        },
    )
    assert response.status_code == 422
    assert response.json() == {"errors": {"email": ["has already been taken"]}}
    second = _create(api, [_grant(department)], email="second@example.com")
    response = api.put(f"/v1/team_members/{second['id']}", json={"email": "same@EXAMPLE.com"})
    assert response.status_code == 422
    assert response.json() == {"errors": {"email": ["has already been taken"]}}
    # Keeping one's own email is no clash, and another organization may use it.
    kept = api.put(f"/v1/team_members/{first['id']}", json={"email": "same@example.com"})
    assert kept.status_code == 200
    other = make_tenant(database, "Other Org")
    _create(
        client_for(http, other.api_key),
        [_grant(other.default_department_id)],
        email="same@example.com",
    )
    assert row_count(database, TeamMember, organization_id=tenant.organization_id) == 2


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        (
            {},
            {
                "name": ["can't be blank"],
                "email": ["can't be blank"],
                "department_permissions": ["can't be blank"],
            },
        ),
        (
            {"name": "J", "email": "not-an-email", "department_permissions": []},
            {"email": ["is invalid"], "department_permissions": ["can't be blank"]},
        ),
        (
            {
                "name": "n" * 256,
                "email": "j@example.com",
                "department_permissions": [_grant(DEFAULT)],
            },
            {"name": ["is too long (maximum is 255 characters)"]},
        ),
        (
            {"name": "J", "email": "j@example.com", "department_permissions": "all"},
            {"department_permissions": ["is invalid"]},
        ),
        (
            {"name": "J", "email": "j@example.com", "department_permissions": [{}]},
            {
                "department_permissions[0].department_id": ["can't be blank"],
                "department_permissions[0].permissions": ["can't be blank"],
            },
        ),
        (
            {
                "name": "J",
                "email": "j@example.com",
                "department_permissions": [{"department_id": DEFAULT, "permissions": {}}],
            },
            {
                "department_permissions[0].permissions.designs": ["can't be blank"],
                "department_permissions[0].permissions.emails": ["can't be blank"],
                "department_permissions[0].permissions.credential_attributes": ["can't be blank"],
                "department_permissions[0].permissions.analytics": ["can't be blank"],
                "department_permissions[0].permissions.settings": ["can't be blank"],
                "department_permissions[0].permissions.role": ["must be one of: editor, viewer"],
            },
        ),
        (
            {
                "name": "J",
                "email": "j@example.com",
                "department_permissions": [
                    {"department_id": DEFAULT, "permissions": {**EDITOR, "role": "owner"}}
                ],
            },
            {"department_permissions[0].permissions.role": ["must be one of: editor, viewer"]},
        ),
        (
            {
                "name": "J",
                "email": "j@example.com",
                "department_permissions": [_grant(DEFAULT), _grant(DEFAULT)],
            },
            {"department_permissions[1].department_id": ["is duplicated"]},
        ),
        (
            {"name": "J", "email": "j@example.com", "department_permissions": [_grant(987654321)]},
            {"department_permissions[0].department_id": ["is invalid"]},
        ),
        (
            {"name": "J", "email": "j@example.com", "department_permissions": [_grant(2**64)]},
            {"department_permissions[0].department_id": ["is invalid"]},
        ),
        (
            {
                "name": "J",
                "email": "j@example.com",
                "department_permissions": [
                    {"department_id": DEFAULT, "permissions": {**EDITOR, "groups": [987654321]}}
                ],
            },
            {"department_permissions[0].permissions.groups": ["is invalid"]},
        ),
        (
            {
                "name": "J",
                "email": "j@example.com",
                "department_permissions": [
                    {"department_id": DEFAULT, "permissions": {**EDITOR, "designs": "sure"}}
                ],
            },
            {"department_permissions.0.permissions.designs": ["is not a boolean"]},
        ),
    ],
)
def test_create_errors_write_nothing(
    api: httpx.Client, database: Database, tenant: Tenant, body: dict[str, Any], errors: Any
) -> None:
    body = _with_department(body, tenant.default_department_id)
    response = api.post("/v1/team_members", json={"team_member": body})
    assert response.status_code == 422, response.text
    assert response.json() == {"errors": errors}
    assert row_count(database, TeamMember, organization_id=tenant.organization_id) == 0


def _with_department(body: dict[str, Any], department_id: int) -> dict[str, Any]:
    """Puts the tenant's default department where a case says DEFAULT."""
    grants = body.get("department_permissions")
    if not isinstance(grants, list):
        return body
    swapped = [
        {**grant, "department_id": department_id}
        if grant.get("department_id") == DEFAULT
        else grant
        for grant in grants
    ]
    return {**body, "department_permissions": swapped}


def test_groups_must_be_the_departments_own(api: httpx.Client, tenant: Tenant) -> None:
    department = create_department(api)
    elsewhere = create_group(api)  # in the default department
    response = api.post(
        "/v1/team_members",
        json={
            "team_member": {
                "name": "J",
                "email": "j@example.com",
                "department_permissions": [
                    _grant(department["id"], {**EDITOR, "groups": [elsewhere["id"]]})
                ],
            }
        },
    )
    assert response.status_code == 422
    assert response.json() == {
        "errors": {"department_permissions[0].permissions.groups": ["is invalid"]}
    }


def test_update_errors_change_nothing(api: httpx.Client, tenant: Tenant) -> None:
    member = _create(api, [_grant(tenant.default_department_id)])
    path = f"/v1/team_members/{member['id']}"
    for body, errors in (
        ({"name": " "}, {"name": ["can't be blank"]}),
        ({"email": None}, {"email": ["can't be blank"]}),
        ({"department_permissions": []}, {"department_permissions": ["can't be blank"]}),
        (
            {"name": "Changed", "department_permissions": [_grant(987654321)]},
            {"department_permissions[0].department_id": ["is invalid"]},
        ),
    ):
        response = api.put(path, json={"team_member": body})
        assert response.status_code == 422
        assert response.json() == {"errors": errors}
    assert api.get(path).json() == {"team_member": member}


def test_deleting_a_department_drops_its_permissions(api: httpx.Client, tenant: Tenant) -> None:
    department = create_department(api)
    member = _create(api, [_grant(tenant.default_department_id), _grant(department["id"])])
    assert api.delete(f"/v1/departments/{department['id']}").status_code == 200
    shown = api.get(f"/v1/team_members/{member['id']}").json()["team_member"]
    assert shown["department_permissions"] == [member["department_permissions"][0]]


@pytest.mark.parametrize("member_id", ["987654321", "abc", "99999999999999999999999"])
def test_unknown_members_are_404(api: httpx.Client, member_id: str) -> None:
    for method in ("GET", "PUT", "DELETE"):
        body = {"team_member": {"name": "x"}} if method == "PUT" else None
        response = api.request(method, f"/v1/team_members/{member_id}", json=body)
        assert response.status_code == 404, method
        assert response.json() == {"errors": "Doesn't exist"}


def test_another_tenant_gets_404_and_changes_nothing(
    api: httpx.Client, http: httpx.Client, database: Database, tenant: Tenant
) -> None:
    member = _create(api, [_grant(tenant.default_department_id)])
    intruder_tenant = make_tenant(database, "Intruder Inc")
    intruder = client_for(http, intruder_tenant.api_key)
    path = f"/v1/team_members/{member['id']}"
    for method, body in (
        ("GET", None),
        ("PUT", {"team_member": {"name": "pwned"}}),
        ("DELETE", None),
    ):
        response = intruder.request(method, path, json=body)
        assert response.status_code == 404, method
        assert response.json() == {"errors": "Doesn't exist"}
    refused = intruder.post(
        "/v1/team_members",
        json={
            "team_member": {
                "name": "J",
                "email": "j@example.com",
                "department_permissions": [_grant(tenant.default_department_id)],
            }
        },
    )
    assert refused.status_code == 422
    assert refused.json() == {"errors": {"department_permissions[0].department_id": ["is invalid"]}}
    assert row_count(database, TeamMember, organization_id=intruder_tenant.organization_id) == 0
    assert api.get(path).json() == {"team_member": member}


def test_department_key_manages_only_its_departments_members(
    api: httpx.Client, http: httpx.Client, database: Database, tenant: Tenant
) -> None:
    own_id, scoped = department_client(http, database, tenant)
    main_only = _create(api, [_grant(tenant.default_department_id)], email="main@example.com")
    both = _create(
        api, [_grant(tenant.default_department_id), _grant(own_id)], email="both@example.com"
    )
    for member in (main_only, both):
        path = f"/v1/team_members/{member['id']}"
        assert scoped.get(path).status_code == 404
        assert scoped.put(path, json={"team_member": {"name": "pwned"}}).status_code == 404
        assert scoped.delete(path).status_code == 404
        assert api.get(path).json() == {"team_member": member}

    refused = scoped.post(
        "/v1/team_members",
        json={
            "team_member": {
                "name": "J",
                "email": "j@example.com",
                "department_permissions": [_grant(own_id), _grant(tenant.default_department_id)],
            }
        },
    )
    assert refused.status_code == 422
    assert refused.json() == {"errors": {"department_permissions[1].department_id": ["is invalid"]}}

    own = _create(scoped, [_grant(own_id, {**EDITOR, "groups": None})], email="own@example.com")
    path = f"/v1/team_members/{own['id']}"
    assert scoped.get(path).json() == {"team_member": own}
    widened = scoped.put(
        path,
        json={"department_permissions": [_grant(own_id), _grant(tenant.default_department_id)]},
    )
    assert widened.status_code == 422
    assert scoped.get(path).json() == {"team_member": own}
    assert scoped.delete(path).status_code == 200
    assert row_count(database, TeamMember, organization_id=tenant.organization_id) == 2
