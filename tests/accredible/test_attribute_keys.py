"""Custom attribute keys over HTTP: create and search, within the key's scope."""

from typing import Any

import httpx
import pytest

from plaudit.store.db import Database
from plaudit.store.org_tables import AttributeKey
from tests.accredible.org_helpers import client_for, create_department, department_client, row_count
from tests.support.openapi import assert_conforms
from tests.support.tenants import Tenant, make_tenant

KINDS = "must be one of: text, date, email, image"


def _create(api: httpx.Client, department_id: int, **fields: Any) -> dict[str, Any]:
    body = {"name": "New Custom Attribute Key", "kind": "text", "department_id": department_id}
    response = api.post("/v1/attribute_keys", json={"attribute_key": {**body, **fields}})
    assert response.status_code == 200, response.text
    assert_conforms("post", "/v1/attribute_keys", 200, response.json())
    return response.json()["attribute_key"]


def _search(client: httpx.Client, **body: Any) -> dict[str, Any]:
    response = client.post("/v1/attribute_keys/search", json=body)
    assert response.status_code == 200, response.text
    assert_conforms("post", "/v1/attribute_keys/search", 200, response.json())
    return response.json()


def test_create_every_kind(api: httpx.Client, tenant: Tenant) -> None:
    department = tenant.default_department_id
    created = [
        _create(api, department, name=f"Key {kind}", kind=kind)
        for kind in ("text", "date", "email", "image")
    ]
    assert [(k["name"], k["kind"], k["department_id"]) for k in created] == [
        ("Key text", "text", department),
        ("Key date", "date", department),
        ("Key email", "email", department),
        ("Key image", "image", department),
    ]
    # The bare object, without the `attribute_key` wrapper, is read too.
    response = api.post(
        "/v1/attribute_keys", json={"name": "Bare", "kind": "text", "department_id": department}
    )
    assert response.status_code == 200
    assert response.json()["attribute_key"]["name"] == "Bare"


def test_names_are_unique_per_department(
    api: httpx.Client, database: Database, tenant: Tenant
) -> None:
    _create(api, tenant.default_department_id, name="Grade")
    before = row_count(database, AttributeKey, organization_id=tenant.organization_id)
    response = api.post(
        "/v1/attribute_keys",
        json={
            "attribute_key": {
                "name": " Grade ",
                "kind": "date",
                "department_id": tenant.default_department_id,
            }
        },
    )
    assert response.status_code == 422
    assert response.json() == {"errors": {"name": ["has already been taken"]}}
    assert row_count(database, AttributeKey, organization_id=tenant.organization_id) == before
    other = create_department(api)
    assert _create(api, other["id"], name="Grade")["department_id"] == other["id"]


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({}, {"name": ["can't be blank"], "kind": [KINDS], "department_id": ["can't be blank"]}),
        ({"name": " ", "kind": "text", "department_id": 0}, {"name": ["can't be blank"]}),
        (
            {"name": "n" * 256, "kind": "text", "department_id": 0},
            {"name": ["is too long (maximum is 255 characters)"]},
        ),
        ({"name": "n", "kind": "number", "department_id": 0}, {"kind": [KINDS]}),
        (
            {"name": "n", "kind": "text", "department_id": "x"},
            {"department_id": ["is not a number"]},
        ),
        (
            {"name": "n", "kind": "text", "department_id": 987654321},
            {"department_id": ["is invalid"]},
        ),
        ({"name": "n", "kind": "text", "department_id": 2**70}, {"department_id": ["is invalid"]}),
    ],
)
def test_create_errors_write_nothing(
    api: httpx.Client, database: Database, tenant: Tenant, body: dict[str, Any], errors: Any
) -> None:
    if body.get("department_id") == 0:
        body = {**body, "department_id": tenant.default_department_id}
    response = api.post("/v1/attribute_keys", json={"attribute_key": body})
    assert response.status_code == 422, response.text
    assert response.json() == {"errors": errors}
    assert row_count(database, AttributeKey, organization_id=tenant.organization_id) == 0


def test_search_filters_and_pages(api: httpx.Client, tenant: Tenant) -> None:
    department = tenant.default_department_id
    other = create_department(api)["id"]
    keys = [
        _create(api, department, name="Attribute One"),
        _create(api, department, name="Second attribute", kind="date"),
        _create(api, department, name="Unrelated", kind="date"),
        _create(api, other, name="Other ATTRIBUTE"),
        _create(api, department, name="100%_sure"),
    ]
    by_name = _search(api, name="attribute")
    assert [k["id"] for k in by_name["attribute_keys"]] == [
        keys[0]["id"],
        keys[1]["id"],
        keys[3]["id"],
    ]
    assert by_name["meta"] == {
        "current_page": 1,
        "next_page": None,
        "prev_page": None,
        "total_pages": 1,
        "total_count": 3,
    }
    assert [k["id"] for k in _search(api, name="attribute", kind="date")["attribute_keys"]] == [
        keys[1]["id"]
    ]
    assert [k["id"] for k in _search(api, department_id=other)["attribute_keys"]] == [keys[3]["id"]]
    # LIKE wildcards in the name are matched as text.
    assert [k["id"] for k in _search(api, name="%_")["attribute_keys"]] == [keys[4]["id"]]
    paged = _search(api, page_size=2, page=2)
    assert [k["id"] for k in paged["attribute_keys"]] == [keys[2]["id"], keys[3]["id"]]
    assert paged["meta"]["prev_page"] == 1 and paged["meta"]["next_page"] == 3
    assert _search(api, department_id=2**70)["attribute_keys"] == []
    assert _search(api, page=10**30)["attribute_keys"] == []
    assert api.post("/v1/attribute_keys/search").json()["meta"]["total_count"] == 5


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({"page": "one"}, {"page": ["is not a number"]}),
        ({"page_size": 0}, {"page_size": ["must be greater than 0"]}),
        ({"department_id": "x"}, {"department_id": ["is not a number"]}),
        ({"name": "a\x00"}, {"body": ["contains a NUL character"]}),
    ],
)
def test_search_errors(api: httpx.Client, body: dict[str, Any], errors: Any) -> None:
    response = api.post("/v1/attribute_keys/search", json=body)
    assert response.status_code == 422
    assert response.json() == {"errors": errors}


def test_another_tenant_sees_nothing_and_cannot_use_our_departments(
    api: httpx.Client, http: httpx.Client, database: Database, tenant: Tenant
) -> None:
    _create(api, tenant.default_department_id, name="Private")
    intruder = client_for(http, make_tenant(database, "Intruder Inc").api_key)
    assert _search(intruder, name="Private")["attribute_keys"] == []
    assert _search(intruder, department_id=tenant.default_department_id)["attribute_keys"] == []
    response = intruder.post(
        "/v1/attribute_keys",
        json={
            "attribute_key": {
                "name": "Sneaky",
                "kind": "text",
                "department_id": tenant.default_department_id,
            }
        },
    )
    assert response.status_code == 422
    assert response.json() == {"errors": {"department_id": ["is invalid"]}}
    assert row_count(database, AttributeKey, organization_id=tenant.organization_id) == 1


def test_department_key_only_in_its_department(
    api: httpx.Client, http: httpx.Client, database: Database, tenant: Tenant
) -> None:
    main = _create(api, tenant.default_department_id, name="Main")
    own_id, scoped = department_client(http, database, tenant)
    own = _create(scoped, own_id, name="Own")
    refused = scoped.post(
        "/v1/attribute_keys",
        json={
            "attribute_key": {
                "name": "Elsewhere",
                "kind": "text",
                "department_id": tenant.default_department_id,
            }
        },
    )
    assert refused.status_code == 422
    assert refused.json() == {"errors": {"department_id": ["is invalid"]}}
    assert [k["id"] for k in _search(scoped)["attribute_keys"]] == [own["id"]]
    assert _search(scoped, department_id=tenant.default_department_id)["attribute_keys"] == []
    assert {k["id"] for k in _search(api)["attribute_keys"]} == {main["id"], own["id"]}
