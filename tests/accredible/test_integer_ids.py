"""Every numeric id is a JSON number, as the live service and real clients have it (issue 10);
paths and bodies take an id as a number or as its text."""

from typing import Any

import httpx

from tests.accredible.helpers import create_group, issue
from tests.accredible.org_helpers import create_department
from tests.support.openapi import assert_conforms


def _integer(value: Any) -> bool:
    return type(value) is int


def test_credential_ids_are_numbers_in_every_single_credential_operation(
    api: httpx.Client,
) -> None:
    group = create_group(api)
    credential = issue(
        api,
        str(group["id"]),  # a group id as text is still accepted
        evidence_items=[{"description": "Grade", "category": "grade", "string_object": "83"}],
        references=[{"description": "Great", "relationship": "taught"}],
    )
    assert _integer(credential["id"]) and _integer(credential["group_id"])
    assert _integer(credential["issuer"]["id"])
    assert _integer(credential["evidence_items"][0]["id"])
    assert _integer(credential["references"][0]["id"])
    viewed = api.get(f"/v1/credentials/{credential['id']}")
    assert viewed.status_code == 200 and viewed.json()["credential"]["id"] == credential["id"]
    updated = api.put(f"/v1/credentials/{credential['id']}", json={"credential": {"grade": "B"}})
    assert updated.status_code == 200 and _integer(updated.json()["credential"]["id"])
    listed = api.get("/v1/all_credentials", params={"group_id": group["id"]}).json()
    assert [item["id"] for item in listed["credentials"]] == [credential["id"]]

    evidence = api.post(
        f"/v1/credentials/{credential['id']}/evidence_items",
        json={"evidence_item": {"description": "Link", "category": "url", "url": "https://e.org"}},
    )
    assert evidence.status_code == 200 and _integer(evidence.json()["evidence_item"]["id"])
    reference = api.post(
        f"/v1/credentials/{credential['id']}/references",
        json={"reference": {"description": "Kind", "relationship": "managed"}},
    )
    assert reference.status_code == 200 and _integer(reference.json()["reference"]["id"])

    deleted = api.delete(f"/v1/credentials/{credential['id']}")
    assert deleted.status_code == 200 and deleted.json()["credential"]["id"] == credential["id"]
    assert_conforms("delete", "/v1/credentials/{id}", 200, deleted.json())


def test_collection_ids_are_numbers(api: httpx.Client) -> None:
    group = create_group(api)
    created = api.post("/v1/collections", json={"collection": {"name": "Shelf"}}).json()
    collection_id = created["collection"]["id"]
    assert _integer(collection_id)
    updated = api.put(
        f"/v1/collections/{collection_id}",
        json={"collection": {"groups": [{"id": str(group["id"])}]}},
    )
    assert updated.status_code == 200 and updated.json()["collection"]["id"] == collection_id
    found = api.post("/v1/collections/search", json={"query": {"ids": [str(collection_id)]}})
    assert found.status_code == 200
    assert_conforms("post", "/v1/collections/search", 200, found.json())
    assert [item["id"] for item in found.json()["collections"]] == [collection_id]
    assert found.json()["collections"][0]["groups"] == [{"id": group["id"]}]


def test_group_department_design_and_attribute_key_ids_are_numbers(api: httpx.Client) -> None:
    department = create_department(api)
    assert _integer(department["id"])
    group = create_group(api, department_id=str(department["id"]))
    assert _integer(group["id"]) and _integer(group["department_id"])
    assert _integer(group["certificate_design_id"]) and _integer(group["badge_design_id"])
    design = api.get(f"/v1/designs/{group['certificate_design_id']}")
    assert design.status_code == 200 and _integer(design.json()["design"]["id"])
    key = api.post(
        "/v1/attribute_keys",
        json={
            "attribute_key": {"name": "location", "kind": "text", "department_id": department["id"]}
        },
    )
    assert key.status_code == 200 and _integer(key.json()["attribute_key"]["id"])
