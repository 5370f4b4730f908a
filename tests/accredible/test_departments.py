"""Departments over HTTP: create, view, update, delete, search; and department-scoped keys."""

from typing import Any

import httpx
import pytest

from plaudit.services import api_keys
from plaudit.store.db import Database
from plaudit.store.tables import ApiKey, Department
from tests.accredible.helpers import create_group, issue
from tests.accredible.org_helpers import (
    client_for,
    create_department,
    department_client,
    row_count,
)
from tests.support.openapi import assert_conforms
from tests.support.tenants import Tenant, department_key, make_tenant

ONE = "/v1/departments/{department_id}"
EVERY_FIELD = {
    "name": "New Department",
    "description": "Example description text.",
    "url": "https://www.example.com",
    "logo": "https://www.website.com/example-logo.png",
    "page_banner": "https://www.website.com/example-banner.png",
    "whitelabel_logo": "https://www.website.com/example-whitelabel-logo.png",
    "linkedin_company_id": "5098253",
    "meta_data": {"internal_id": "R12", "faculty": "physics"},
    "generate_private_credential": False,
}


def _search(client: httpx.Client, **body: Any) -> dict[str, Any]:
    response = client.post("/v1/departments/search", json=body)
    assert response.status_code == 200, response.text
    result = response.json()
    # The file types `departments` as one object: each listed department is checked against it.
    for department in result["departments"]:
        assert_conforms("post", "/v1/departments/search", 200, {"departments": department})
    return result


def test_create_view_update_delete(api: httpx.Client, database: Database, tenant: Tenant) -> None:
    created = create_department(api, **EVERY_FIELD)
    assert created == {"id": created["id"], **EVERY_FIELD}
    path = f"/v1/departments/{created['id']}"

    viewed = api.get(path)
    assert viewed.status_code == 200
    assert_conforms("get", ONE, 200, viewed.json())
    assert viewed.json() == {"department": created}

    updated = api.put(path, json={"department": {"name": "New Department Name"}})
    assert updated.status_code == 200, updated.text
    assert_conforms("put", ONE, 200, updated.json())
    assert updated.json()["department"] == {**created, "name": "New Department Name"}

    cleared = api.put(path, json={"department": {"description": None, "meta_data": None}})
    assert cleared.json()["department"]["description"] is None
    assert cleared.json()["department"]["meta_data"] is None

    deleted = api.delete(path)
    assert deleted.status_code == 200
    assert_conforms("delete", ONE, 200, deleted.json())
    assert deleted.json()["department"]["id"] == created["id"]
    assert api.get(path).status_code == 404
    assert row_count(database, Department, id=created["id"]) == 0


def test_department_setting_decides_credential_privacy(api: httpx.Client) -> None:
    department = create_department(api, generate_private_credential=True)
    group = create_group(api, department_id=department["id"])
    assert issue(api, group["id"])["private"] is True
    api.put(
        f"/v1/departments/{department['id']}",
        json={"department": {"generate_private_credential": False}},
    )
    assert issue(api, group["id"])["private"] is False


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        (
            {},
            {"name": ["can't be blank"], "url": ["can't be blank"], "logo": ["can't be blank"]},
        ),
        ({**EVERY_FIELD, "logo": " "}, {"logo": ["can't be blank"]}),
        ({**EVERY_FIELD, "name": "n" * 256}, {"name": ["is too long (maximum is 255 characters)"]}),
        (
            {**EVERY_FIELD, "page_banner": "https://a.example/" + "b" * 2048},
            {"page_banner": ["is too long (maximum is 2048 characters)"]},
        ),
        ({**EVERY_FIELD, "meta_data": "faculty"}, {"meta_data": ["is invalid"]}),
        (
            {**EVERY_FIELD, "generate_private_credential": "yes please"},
            {"generate_private_credential": ["is not a boolean"]},
        ),
    ],
)
def test_create_errors_write_nothing(
    api: httpx.Client, database: Database, tenant: Tenant, body: dict[str, Any], errors: Any
) -> None:
    before = row_count(database, Department, organization_id=tenant.organization_id)
    response = api.post("/v1/departments", json={"department": body})
    assert response.status_code == 422, response.text
    assert response.json() == {"errors": errors}
    assert row_count(database, Department, organization_id=tenant.organization_id) == before


def test_update_errors_change_nothing(api: httpx.Client) -> None:
    department = create_department(api, **EVERY_FIELD)
    path = f"/v1/departments/{department['id']}"
    for body, errors in (
        ({"name": "", "description": "changed"}, {"name": ["can't be blank"]}),
        ({"url": None}, {"url": ["can't be blank"]}),
        (
            {"linkedin_company_id": "1" * 256},
            {"linkedin_company_id": ["is too long (maximum is 255 characters)"]},
        ),
    ):
        response = api.put(path, json={"department": body})
        assert response.status_code == 422
        assert response.json() == {"errors": errors}
    assert api.get(path).json() == {"department": department}


def test_the_default_department_is_never_deleted(api: httpx.Client, tenant: Tenant) -> None:
    path = f"/v1/departments/{tenant.default_department_id}"
    before = api.get(path).json()
    response = api.delete(path)
    assert response.status_code == 422
    assert response.json() == {"errors": "The default department cannot be deleted"}
    assert api.get(path).json() == before


def test_a_department_with_content_is_not_deleted(
    api: httpx.Client, database: Database, tenant: Tenant
) -> None:
    department = create_department(api)
    path = f"/v1/departments/{department['id']}"
    group = create_group(api, department_id=department["id"])
    credential = issue(api, group["id"])
    response = api.delete(path)
    assert response.status_code == 422
    assert response.json() == {"errors": "Department has groups, credentials and cannot be deleted"}
    assert api.get(path).json() == {"department": department}
    assert api.get(f"/v1/credentials/{credential['id']}").status_code == 200

    api.delete(f"/v1/credentials/{credential['id']}")
    api.delete(f"/v1/issuer/groups/{group['id']}")
    key = department_key(database, tenant.organization_id, department["id"])
    attribute = api.post(
        "/v1/attribute_keys",
        json={
            "attribute_key": {"name": "Grade", "kind": "text", "department_id": department["id"]}
        },
    )
    assert attribute.status_code == 200
    response = api.delete(path)
    assert response.json() == {
        "errors": "Department has attribute keys, API keys and cannot be deleted"
    }
    assert client_for(api, key).get(path).status_code == 200  # the key still works

    # A revoked key goes with the department; attribute keys must be gone first.
    with database.transaction() as session:
        api_keys.revoke_key(session, key)
    assert api.delete(path).json() == {
        "errors": "Department has attribute keys and cannot be deleted"
    }


def test_a_department_emptied_of_content_is_deleted_with_its_revoked_keys(
    api: httpx.Client, database: Database, tenant: Tenant
) -> None:
    department = create_department(api)
    group = create_group(api, department_id=department["id"])
    key = department_key(database, tenant.organization_id, department["id"])
    with database.transaction() as session:
        api_keys.revoke_key(session, key)
    assert api.delete(f"/v1/departments/{department['id']}").status_code == 422
    api.delete(f"/v1/issuer/groups/{group['id']}")
    assert api.delete(f"/v1/departments/{department['id']}").status_code == 200
    assert row_count(database, ApiKey, department_id=department["id"]) == 0


def test_search_filters_by_meta_data_and_pages(api: httpx.Client, tenant: Tenant) -> None:
    physics = [create_department(api, meta_data={"faculty": "physics", "n": n}) for n in range(3)]
    create_department(api, meta_data={"faculty": "law"})
    result = _search(api, meta_data={"faculty": "physics"}, page_size=2)
    assert [d["id"] for d in result["departments"]] == [d["id"] for d in physics[:2]]
    assert result["meta"] == {
        "current_page": 1,
        "next_page": 2,
        "prev_page": None,
        "total_pages": 2,
        "total_count": 3,
    }
    second = _search(api, meta_data={"faculty": "physics"}, page_size=2, page=2)
    assert [d["id"] for d in second["departments"]] == [physics[2]["id"]]
    exact = _search(api, meta_data={"faculty": "physics", "n": 1})
    assert [d["id"] for d in exact["departments"]] == [physics[1]["id"]]
    assert _search(api, meta_data={"faculty": "chemistry"})["departments"] == []
    everything = _search(api)
    assert everything["meta"]["total_count"] == 5  # with the default department
    assert everything["departments"][0]["id"] == tenant.default_department_id
    empty_body = api.post("/v1/departments/search")
    assert empty_body.status_code == 200
    assert empty_body.json()["meta"]["total_count"] == 5
    assert _search(api, page=99)["departments"] == []


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({"page": "x"}, {"page": ["is not a number"]}),
        ({"page": 0}, {"page": ["must be greater than 0"]}),
        ({"page_size": -1}, {"page_size": ["must be greater than 0"]}),
        ({"meta_data": ["physics"]}, {"meta_data": ["is invalid"]}),
    ],
)
def test_search_errors(api: httpx.Client, body: dict[str, Any], errors: Any) -> None:
    response = api.post("/v1/departments/search", json=body)
    assert response.status_code == 422
    assert response.json() == {"errors": errors}


@pytest.mark.parametrize("department_id", ["987654321", "abc", "-2", "99999999999999999999999"])
def test_unknown_departments_are_404(api: httpx.Client, department_id: str) -> None:
    path = f"/v1/departments/{department_id}"
    for method in ("GET", "PUT", "DELETE"):
        body = {"department": {"name": "x"}} if method == "PUT" else None
        response = api.request(method, path, json=body)
        assert response.status_code == 404, method
        assert response.json() == {"errors": "Doesn't exist"}


def test_another_tenant_gets_404_and_changes_nothing(
    api: httpx.Client, http: httpx.Client, database: Database
) -> None:
    department = create_department(api, meta_data={"faculty": "secret"})
    intruder = client_for(http, make_tenant(database, "Intruder Inc").api_key)
    path = f"/v1/departments/{department['id']}"
    for method, body in (
        ("GET", None),
        ("PUT", {"department": {"name": "pwned"}}),
        ("DELETE", None),
    ):
        response = intruder.request(method, path, json=body)
        assert response.status_code == 404, method
        assert response.json() == {"errors": "Doesn't exist"}
    assert _search(intruder, meta_data={"faculty": "secret"})["departments"] == []
    assert api.get(path).json() == {"department": department}


def test_department_key_sees_and_changes_only_its_department(
    api: httpx.Client, http: httpx.Client, database: Database, tenant: Tenant
) -> None:
    own_id, scoped = department_client(http, database, tenant)
    other = create_department(api)
    before = row_count(database, Department, organization_id=tenant.organization_id)

    refused = scoped.post("/v1/departments", json={"department": EVERY_FIELD})
    assert refused.status_code == 403
    assert refused.json() == {"errors": "A department API key cannot create departments"}
    assert row_count(database, Department, organization_id=tenant.organization_id) == before

    for department_id in (other["id"], tenant.default_department_id):
        path = f"/v1/departments/{department_id}"
        assert scoped.get(path).status_code == 404
        assert scoped.put(path, json={"department": {"name": "pwned"}}).status_code == 404
        assert scoped.delete(path).status_code == 404
    assert api.get(f"/v1/departments/{other['id']}").json() == {"department": other}

    own = scoped.get(f"/v1/departments/{own_id}")
    assert own.status_code == 200 and own.json()["department"]["id"] == own_id
    renamed = scoped.put(f"/v1/departments/{own_id}", json={"department": {"name": "Renamed"}})
    assert renamed.status_code == 200 and renamed.json()["department"]["name"] == "Renamed"
    assert [d["id"] for d in _search(scoped)["departments"]] == [own_id]
    # Its own department still has the key that asks.
    assert scoped.delete(f"/v1/departments/{own_id}").json() == {
        "errors": "Department has API keys and cannot be deleted"
    }


def test_without_a_key_is_401(http: httpx.Client) -> None:
    for method, path in (
        ("POST", "/v1/departments"),
        ("POST", "/v1/departments/search"),
        ("GET", "/v1/departments/1"),
    ):
        response = http.request(method, path, json={})
        assert response.status_code == 401
        assert response.text == "HTTP Token: Access denied."
