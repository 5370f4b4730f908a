"""A credential's evidence items over HTTP: create, view, update, delete, and their errors."""

from typing import Any

import httpx
import pytest

from plaudit.store.db import Database
from tests.accredible.helpers import create_group, issue
from tests.accredible.org_helpers import client_for, department_client
from tests.support.openapi import assert_conforms
from tests.support.tenants import Tenant, make_tenant

ITEMS = "/v1/credentials/{credential_id}/evidence_items"
ITEM = ITEMS + "/{evidence_item_id}"
CATEGORIES = "must be one of: file, url, video, grade, transcript"


@pytest.fixture
def credential(api: httpx.Client) -> dict[str, Any]:
    group = create_group(api)
    return issue(
        api,
        group["id"],
        id=f"LIC-{group['id']}",
        evidence_items=[{"description": "Inline", "category": "url", "url": "https://a.example"}],
    )


def _create(api: httpx.Client, credential_ref: object, **fields: Any) -> dict[str, Any]:
    body = {"description": "Example file", "category": "file", **fields}
    response = api.post(
        f"/v1/credentials/{credential_ref}/evidence_items", json={"evidence_item": body}
    )
    assert response.status_code == 200, response.text
    assert_conforms("post", ITEMS, 200, response.json())
    return response.json()["evidence_item"]


def test_create_view_update_delete(api: httpx.Client, credential: dict[str, Any]) -> None:
    file_url = "https://files.example.org/hours.pdf"
    created = _create(api, credential["id"], file=file_url, preview="https://a.example/p.png")
    assert created["description"] == "Example file"
    assert created["type"] == "file" and created["link_url"] == file_url
    assert created["preview_image_url"] == "https://a.example/p.png"
    assert created["supplemental"] is False and created["string_object"] is None
    assert created["position"] == 1  # after the inline item at position 0
    path = f"/v1/credentials/{credential['id']}/evidence_items/{created['id']}"

    viewed = api.get(path)
    assert viewed.status_code == 200
    assert_conforms("get", ITEM, 200, viewed.json())
    assert viewed.json() == {"evidence_item": created}

    updated = api.put(path, json={"evidence_item": {"description": "updated description"}})
    assert updated.status_code == 200, updated.text
    assert_conforms("put", ITEM, 200, updated.json())
    assert updated.json()["evidence_item"] == {**created, "description": "updated description"}

    shown = api.get(f"/v1/credentials/{credential['id']}").json()["credential"]
    assert [e["description"] for e in shown["evidence_items"]] == ["Inline", "updated description"]

    deleted = api.delete(path)
    assert deleted.status_code == 200
    assert_conforms("delete", ITEM, 200, deleted.json())
    assert deleted.json()["evidence_item"]["id"] == created["id"]
    assert deleted.json()["evidence_item"]["description"] == "updated description"
    assert api.get(path).status_code == 404
    shown = api.get(f"/v1/credentials/{credential['id']}").json()["credential"]
    assert [e["description"] for e in shown["evidence_items"]] == ["Inline"]


def test_credential_found_by_license_id_and_encoded_id(
    api: httpx.Client, credential: dict[str, Any]
) -> None:
    by_license = _create(api, credential_ref=f"LIC-{credential['group_id']}")
    by_encoded = _create(api, credential_ref=credential["encoded_id"])
    for ref in (credential["id"], f"LIC-{credential['group_id']}", credential["encoded_id"]):
        for item in (by_license, by_encoded):
            response = api.get(f"/v1/credentials/{ref}/evidence_items/{item['id']}")
            assert response.json() == {"evidence_item": item}


def test_positions_order_the_credentials_list(
    api: httpx.Client, credential: dict[str, Any]
) -> None:
    last = _create(api, credential["id"], description="Last", position=7)
    first = _create(
        api, credential["id"], description="First", position=0, category="grade", string_object="83"
    )
    after = _create(api, credential["id"], description="After")
    assert (last["position"], first["position"], after["position"]) == (7, 0, 8)
    assert first["string_object"] == {"grade": 83}
    shown = api.get(f"/v1/credentials/{credential['id']}").json()["credential"]
    # Equal positions keep the order the items were added in.
    assert [e["description"] for e in shown["evidence_items"]] == [
        "Inline",
        "First",
        "Last",
        "After",
    ]
    moved = api.put(
        f"/v1/credentials/{credential['id']}/evidence_items/{last['id']}",
        json={"evidence_item": {"position": 0, "supplemental": True}},
    ).json()["evidence_item"]
    assert moved["position"] == 0 and moved["supplemental"] is True
    shown = api.get(f"/v1/credentials/{credential['id']}").json()["credential"]
    assert [e["description"] for e in shown["evidence_items"]] == [
        "Inline",
        "Last",
        "First",
        "After",
    ]
    # A null position or flag changes nothing.
    kept = api.put(
        f"/v1/credentials/{credential['id']}/evidence_items/{last['id']}",
        json={"evidence_item": {"position": None, "supplemental": None}},
    ).json()["evidence_item"]
    assert kept == moved


def test_supplemental_flag_is_stored(api: httpx.Client, credential: dict[str, Any]) -> None:
    item = _create(api, credential["id"], supplemental=True)
    assert item["supplemental"] is True
    shown = api.get(f"/v1/credentials/{credential['id']}").json()["credential"]
    assert shown["evidence_items"][-1]["supplemental"] is True


def test_update_replaces_the_link_and_keeps_the_rest(
    api: httpx.Client, credential: dict[str, Any]
) -> None:
    item = _create(api, credential["id"], file="https://files.example.org/a.pdf")
    path = f"/v1/credentials/{credential['id']}/evidence_items/{item['id']}"
    response = api.put(
        path, json={"evidence_item": {"category": "url", "url": "https://b.example/page"}}
    )
    assert response.status_code == 200, response.text
    changed = response.json()["evidence_item"]
    assert changed["type"] == "url" and changed["link_url"] == "https://b.example/page"
    assert changed["description"] == item["description"]
    # The bare object, without the `evidence_item` wrapper, is read too.
    response = api.put(path, json={"preview": None, "description": "Bare"})
    assert response.status_code == 200
    assert response.json()["evidence_item"]["preview_image_url"] is None
    assert response.json()["evidence_item"]["description"] == "Bare"


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({}, {"description": ["can't be blank"], "category": [CATEGORIES]}),
        ({"description": " ", "category": "file"}, {"description": ["can't be blank"]}),
        ({"description": "d", "category": "hologram"}, {"category": [CATEGORIES]}),
        (
            {"description": "d", "category": "url", "url": "https://a.example/" + "x" * 2048},
            {"url": ["is too long (maximum is 2048 characters)"]},
        ),
        (
            {"description": "d", "category": "url", "position": -1},
            {"position": ["is out of range"]},
        ),
        (
            {"description": "d", "category": "url", "position": 2**40},
            {"position": ["is out of range"]},
        ),
        (
            {"description": "d", "category": "url", "position": "x"},
            {"position": ["is not a number"]},
        ),
        (
            {"description": "d", "category": "url", "supplemental": "maybe"},
            {"supplemental": ["is not a boolean"]},
        ),
    ],
)
def test_create_errors_write_nothing(
    api: httpx.Client, credential: dict[str, Any], body: dict[str, Any], errors: dict[str, Any]
) -> None:
    response = api.post(
        f"/v1/credentials/{credential['id']}/evidence_items", json={"evidence_item": body}
    )
    assert response.status_code == 422, response.text
    assert response.json() == {"errors": errors}
    assert api.get(f"/v1/credentials/{credential['id']}").json()["credential"] == credential


def test_update_errors_change_nothing(api: httpx.Client, credential: dict[str, Any]) -> None:
    item = credential["evidence_items"][0]
    path = f"/v1/credentials/{credential['id']}/evidence_items/{item['id']}"
    for body, errors in (
        ({"description": "", "position": 3}, {"description": ["can't be blank"]}),
        ({"category": None}, {"category": [CATEGORIES]}),
        ({"position": 2**31}, {"position": ["is out of range"]}),
    ):
        response = api.put(path, json={"evidence_item": body})
        assert response.status_code == 422
        assert response.json() == {"errors": errors}
    response = api.put(path, content=b"{not json", headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert response.json() == {"errors": "Request body is not valid JSON"}
    response = api.put(path, json={"evidence_item": {"description": "a\x00b"}})
    assert response.status_code == 422
    assert api.get(f"/v1/credentials/{credential['id']}").json()["credential"] == credential


@pytest.mark.parametrize("item_id", ["999999999", "abc", "-1", "99999999999999999999999"])
def test_unknown_items_are_404(api: httpx.Client, credential: dict[str, Any], item_id: str) -> None:
    path = f"/v1/credentials/{credential['id']}/evidence_items/{item_id}"
    for method in ("GET", "PUT", "DELETE"):
        body = {"evidence_item": {"description": "x"}} if method == "PUT" else None
        response = api.request(method, path, json=body)
        assert response.status_code == 404, (method, response.text)
        assert response.json() == {"errors": "Doesn't exist"}


def test_unknown_credential_is_404(api: httpx.Client, credential: dict[str, Any]) -> None:
    item = credential["evidence_items"][0]
    body = {"evidence_item": {"description": "d", "category": "url"}}
    assert api.post("/v1/credentials/987654321/evidence_items", json=body).status_code == 404
    assert api.get(f"/v1/credentials/987654321/evidence_items/{item['id']}").status_code == 404


def test_item_of_another_credential_is_404(api: httpx.Client, credential: dict[str, Any]) -> None:
    other = issue(api, credential["group_id"])
    item = credential["evidence_items"][0]
    path = f"/v1/credentials/{other['id']}/evidence_items/{item['id']}"
    assert api.get(path).status_code == 404
    assert api.delete(path).status_code == 404
    assert api.get(f"/v1/credentials/{credential['id']}").json()["credential"] == credential


def test_another_tenant_gets_404_and_changes_nothing(
    api: httpx.Client, http: httpx.Client, database: Database, credential: dict[str, Any]
) -> None:
    intruder = client_for(http, make_tenant(database, "Intruder Inc").api_key)
    item = credential["evidence_items"][0]
    items = f"/v1/credentials/{credential['id']}/evidence_items"
    for method, path, body in (
        ("POST", items, {"evidence_item": {"description": "d", "category": "url"}}),
        ("GET", f"{items}/{item['id']}", None),
        ("PUT", f"{items}/{item['id']}", {"evidence_item": {"description": "pwned"}}),
        ("DELETE", f"{items}/{item['id']}", None),
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
    item = credential["evidence_items"][0]
    path = f"/v1/credentials/{credential['id']}/evidence_items/{item['id']}"
    assert scoped.get(path).status_code == 404
    assert scoped.delete(path).status_code == 404
    own = issue(scoped, create_group(scoped)["id"])
    created = _create(scoped, own["id"])
    assert (
        scoped.get(f"/v1/credentials/{own['id']}/evidence_items/{created['id']}").status_code == 200
    )
    assert api.get(f"/v1/credentials/{credential['id']}").json()["credential"] == credential


def test_without_a_key_is_401(http: httpx.Client, credential: dict[str, Any]) -> None:
    response = http.post(
        f"/v1/credentials/{credential['id']}/evidence_items",
        json={"evidence_item": {"description": "d", "category": "url"}},
    )
    assert response.status_code == 401
    assert response.text == "HTTP Token: Access denied."
