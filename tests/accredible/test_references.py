"""A credential's references over HTTP: create, view, update, delete, and their errors."""

from typing import Any

import httpx
import pytest

from plaudit.store.db import Database
from tests.accredible.helpers import create_group, issue
from tests.accredible.org_helpers import client_for, department_client
from tests.support.openapi import assert_conforms
from tests.support.tenants import Tenant, make_tenant

REFERENCES = "/v1/credentials/{credential_id}/references"
REFERENCE = REFERENCES + "/{reference_id}"
RELATIONSHIPS = (
    "must be one of: taught, managed, mentored, worked, studied, friends, stranger, professor"
)


@pytest.fixture
def credential(api: httpx.Client) -> dict[str, Any]:
    group = create_group(api)
    return issue(
        api,
        group["id"],
        id=f"REF-{group['id']}",
        references=[{"description": "Inline", "relationship": "taught"}],
    )


def _create(api: httpx.Client, credential_ref: object, **fields: Any) -> dict[str, Any]:
    body = {
        "description": "John worked hard on this course",
        "referee": {"name": "Jane Doe", "email": "person@example.com"},
        "relationship": "managed",
        **fields,
    }
    response = api.post(f"/v1/credentials/{credential_ref}/references", json={"reference": body})
    assert response.status_code == 200, response.text
    assert_conforms("post", REFERENCES, 200, response.json())
    return response.json()["reference"]


def test_create_view_update_delete(api: httpx.Client, credential: dict[str, Any]) -> None:
    created = _create(
        api,
        credential["id"],
        referee={
            "name": "Jane Doe",
            "email": "jdoe@example.com",
            "avatar": "https://www.example.com/avatars/janedoe.png",
            "url": "https://www.linkedin.com/in/janedoe",
        },
    )
    assert created["description"] == "John worked hard on this course"
    assert created["relationship"] == "managed"
    assert created["referee"] == {
        "name": "Jane Doe",
        "email": "jdoe@example.com",
        "avatar": "https://www.example.com/avatars/janedoe.png",
        "url": "https://www.linkedin.com/in/janedoe",
    }
    assert created["supplemental"] is False and created["approve"] is True
    assert created["position"] == 1  # after the inline reference at position 0
    path = f"/v1/credentials/{credential['id']}/references/{created['id']}"

    viewed = api.get(path)
    assert viewed.status_code == 200
    assert_conforms("get", REFERENCE, 200, viewed.json())
    assert viewed.json() == {"reference": created}

    updated = api.put(path, json={"reference": {"description": "my new reference text"}})
    assert updated.status_code == 200, updated.text
    assert_conforms("put", REFERENCE, 200, updated.json())
    assert updated.json()["reference"] == {**created, "description": "my new reference text"}

    shown = api.get(f"/v1/credentials/{credential['id']}").json()["credential"]
    assert [r["description"] for r in shown["references"]] == ["Inline", "my new reference text"]

    deleted = api.delete(path)
    assert deleted.status_code == 200
    assert_conforms("delete", REFERENCE, 200, deleted.json())
    assert deleted.json()["reference"] == updated.json()["reference"]
    assert api.get(path).status_code == 404
    shown = api.get(f"/v1/credentials/{credential['id']}").json()["credential"]
    assert [r["description"] for r in shown["references"]] == ["Inline"]


def test_credential_found_by_license_id_and_encoded_id(
    api: httpx.Client, credential: dict[str, Any]
) -> None:
    license_id = f"REF-{credential['group_id']}"
    created = _create(api, license_id)
    for ref in (credential["id"], license_id, credential["encoded_id"]):
        response = api.get(f"/v1/credentials/{ref}/references/{created['id']}")
        assert response.json() == {"reference": created}


def test_positions_supplemental_and_partial_updates(
    api: httpx.Client, credential: dict[str, Any]
) -> None:
    first = _create(api, credential["id"], description="First", position=0, supplemental=True)
    assert first["position"] == 0 and first["supplemental"] is True
    shown = api.get(f"/v1/credentials/{credential['id']}").json()["credential"]
    assert [r["description"] for r in shown["references"]] == ["Inline", "First"]
    path = f"/v1/credentials/{credential['id']}/references/{first['id']}"
    response = api.put(
        path,
        json={"reference": {"relationship": "mentored", "referee": {"email": "new@example.com"}}},
    )
    assert response.status_code == 200, response.text
    changed = response.json()["reference"]
    assert changed["relationship"] == "mentored"
    assert changed["referee"] == {**first["referee"], "email": "new@example.com"}
    assert changed["description"] == "First" and changed["position"] == 0
    assert api.put(path, json={"reference": {"position": None}}).json()["reference"] == changed


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({}, {"description": ["can't be blank"], "relationship": [RELATIONSHIPS]}),
        ({"description": "d", "relationship": "rival"}, {"relationship": [RELATIONSHIPS]}),
        (
            {"description": "d", "relationship": "managed", "referee": {"email": "nope"}},
            {"referee.email": ["is invalid"]},
        ),
        (
            {"description": "d", "relationship": "managed", "referee": {"name": "n" * 256}},
            {"referee.name": ["is too long (maximum is 255 characters)"]},
        ),
        (
            {"description": "d", "relationship": "managed", "position": -3},
            {"position": ["is out of range"]},
        ),
        (
            {"description": "d", "relationship": "managed", "referee": "Jane"},
            {"referee": ["is invalid"]},
        ),
    ],
)
def test_create_errors_write_nothing(
    api: httpx.Client, credential: dict[str, Any], body: dict[str, Any], errors: dict[str, Any]
) -> None:
    response = api.post(f"/v1/credentials/{credential['id']}/references", json={"reference": body})
    assert response.status_code == 422, response.text
    assert response.json() == {"errors": errors}
    assert api.get(f"/v1/credentials/{credential['id']}").json()["credential"] == credential


def test_update_errors_change_nothing(api: httpx.Client, credential: dict[str, Any]) -> None:
    reference = credential["references"][0]
    path = f"/v1/credentials/{credential['id']}/references/{reference['id']}"
    for body, errors in (
        ({"description": " "}, {"description": ["can't be blank"]}),
        ({"relationship": "rival", "description": "x"}, {"relationship": [RELATIONSHIPS]}),
        ({"position": 2**31}, {"position": ["is out of range"]}),
    ):
        response = api.put(path, json={"reference": body})
        assert response.status_code == 422
        assert response.json() == {"errors": errors}
    assert api.get(f"/v1/credentials/{credential['id']}").json()["credential"] == credential


@pytest.mark.parametrize("reference_id", ["999999999", "x1", "99999999999999999999999"])
def test_unknown_references_are_404(
    api: httpx.Client, credential: dict[str, Any], reference_id: str
) -> None:
    path = f"/v1/credentials/{credential['id']}/references/{reference_id}"
    for method in ("GET", "PUT", "DELETE"):
        body = {"reference": {"description": "x"}} if method == "PUT" else None
        response = api.request(method, path, json=body)
        assert response.status_code == 404, method
        assert response.json() == {"errors": "Doesn't exist"}


def test_reference_of_another_credential_is_404(
    api: httpx.Client, credential: dict[str, Any]
) -> None:
    other = issue(api, credential["group_id"])
    path = f"/v1/credentials/{other['id']}/references/{credential['references'][0]['id']}"
    assert api.get(path).status_code == 404
    assert api.put(path, json={"reference": {"description": "moved"}}).status_code == 404
    assert api.delete(path).status_code == 404
    assert api.get(f"/v1/credentials/{credential['id']}").json()["credential"] == credential


def test_another_tenant_gets_404_and_changes_nothing(
    api: httpx.Client, http: httpx.Client, database: Database, credential: dict[str, Any]
) -> None:
    intruder = client_for(http, make_tenant(database, "Intruder Inc").api_key)
    references = f"/v1/credentials/{credential['id']}/references"
    one = f"{references}/{credential['references'][0]['id']}"
    for method, path, body in (
        ("POST", references, {"reference": {"description": "d", "relationship": "managed"}}),
        ("GET", one, None),
        ("PUT", one, {"reference": {"description": "pwned"}}),
        ("DELETE", one, None),
    ):
        response = intruder.request(method, path, json=body)
        assert response.status_code == 404, (method, path)
        assert response.json() == {"errors": "Doesn't exist"}
    assert api.get(f"/v1/credentials/{credential['id']}").json()["credential"] == credential


def test_department_key_reaches_only_its_departments_credentials(
    api: httpx.Client,
    http: httpx.Client,
    database: Database,
    tenant: Tenant,
    credential: dict[str, Any],
) -> None:
    _, scoped = department_client(http, database, tenant)
    path = f"/v1/credentials/{credential['id']}/references/{credential['references'][0]['id']}"
    assert scoped.get(path).status_code == 404
    assert scoped.put(path, json={"reference": {"description": "x"}}).status_code == 404
    body = {"reference": {"description": "d", "relationship": "managed"}}
    refused = scoped.post(f"/v1/credentials/{credential['id']}/references", json=body)
    assert refused.status_code == 404
    own = issue(scoped, create_group(scoped)["id"])
    created = _create(scoped, own["id"])
    assert scoped.get(f"/v1/credentials/{own['id']}/references/{created['id']}").status_code == 200
    assert api.get(f"/v1/credentials/{credential['id']}").json()["credential"] == credential
