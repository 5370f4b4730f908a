"""Groups over HTTP: create, view, update, delete, list."""

import httpx

from tests.accredible.helpers import create_group, issue
from tests.support.openapi import assert_conforms


def test_create_returns_every_documented_field(api: httpx.Client) -> None:
    group = create_group(
        api,
        course_link="https://example.org/course",
        learning_outcomes=["Reading", "Writing"],
        meta_data={"course_id": "TK764"},
        generate_private_credential=True,
        auto_expiry=2,
        achievement_type="Certificate",
        allow_duplicate_credentials=True,
    )
    assert group["course_name"] == "Intro to Programming"
    assert group["learning_outcomes"] == ["Reading", "Writing"]
    assert group["meta_data"] == {"course_id": "TK764"}
    assert group["generate_private_credential"] is True
    assert group["auto_expiry"] == 2
    assert group["achievement_type"] == "Certificate"
    assert group["language"] == "en"
    assert group["created_at"].endswith("Z")
    # A new group shows credentials with the organization's default designs.
    assert group["certificate_design_id"] == group["design_id"] == group["primary_design_id"]
    assert group["badge_design_id"] is not None
    assert group["design_name"]


def test_view_update_delete(api: httpx.Client) -> None:
    group = create_group(api)
    path = f"/v1/issuer/groups/{group['id']}"

    viewed = api.get(path)
    assert viewed.status_code == 200
    assert_conforms("get", "/v1/issuer/groups/{group_id}", 200, viewed.json())
    assert viewed.json()["group"] == group

    updated = api.put(path, json={"group": {"name": "renamed", "course_name": "New name"}})
    assert updated.status_code == 200, updated.text
    assert_conforms("put", "/v1/issuer/groups/{group_id}", 200, updated.json())
    assert updated.json()["group"]["name"] == "renamed"
    assert updated.json()["group"]["course_description"] == group["course_description"]

    deleted = api.delete(path)
    assert deleted.status_code == 200
    assert_conforms("delete", "/v1/issuer/groups/{group_id}", 200, deleted.json())
    assert deleted.json()["group"]["id"] == group["id"]
    assert api.get(path).status_code == 404


def test_create_requires_names_and_description(api: httpx.Client) -> None:
    response = api.post("/v1/issuer/groups", json={"group": {"name": "only a name"}})
    assert response.status_code == 422
    assert response.json() == {
        "errors": {"course_name": ["can't be blank"], "course_description": ["can't be blank"]}
    }


def test_update_cannot_blank_a_required_field(api: httpx.Client) -> None:
    group = create_group(api)
    response = api.put(f"/v1/issuer/groups/{group['id']}", json={"group": {"course_name": " "}})
    assert response.status_code == 422
    assert response.json() == {"errors": {"course_name": ["can't be blank"]}}
    assert api.get(f"/v1/issuer/groups/{group['id']}").json()["group"] == group


def test_group_with_credentials_is_not_deleted(api: httpx.Client) -> None:
    group = create_group(api)
    issue(api, group["id"])
    response = api.delete(f"/v1/issuer/groups/{group['id']}")
    assert response.status_code == 422
    assert response.json() == {"errors": "Group has credentials and cannot be deleted"}
    assert api.get(f"/v1/issuer/groups/{group['id']}").status_code == 200


def test_unknown_and_malformed_group_ids_are_404(api: httpx.Client) -> None:
    for path in ("/v1/issuer/groups/999999999", "/v1/issuer/groups/abc"):
        response = api.get(path)
        assert response.status_code == 404
        assert response.json() == {"errors": "Doesn't exist"}


def test_all_groups_pages_and_filters(api: httpx.Client) -> None:
    created = [create_group(api, name=f"paged-{index}") for index in range(5)]
    first = api.get("/v1/issuer/all_groups", params={"page_size": 2})
    assert first.status_code == 200
    assert_conforms("get", "/v1/issuer/all_groups", 200, first.json())
    assert [g["id"] for g in first.json()["groups"]] == [g["id"] for g in created[:2]]
    assert first.json()["meta"] == {
        "current_page": 1,
        "next_page": 2,
        "prev_page": None,
        "total_pages": 3,
        "total_count": 5,
    }
    last = api.get("/v1/issuer/all_groups", params={"page_size": 2, "page": 3}).json()
    assert [g["id"] for g in last["groups"]] == [created[4]["id"]]
    assert last["meta"]["next_page"] is None and last["meta"]["prev_page"] == 2

    named = api.get("/v1/issuer/all_groups", params={"name": "paged-3"}).json()
    assert [g["id"] for g in named["groups"]] == [created[3]["id"]]

    # The OpenAPI file documents the parameters as a JSON body; clients send them so too.
    as_body = api.request("GET", "/v1/issuer/all_groups", json={"name": "paged-1"}).json()
    assert [g["id"] for g in as_body["groups"]] == [created[1]["id"]]


def test_all_groups_rejects_bad_paging(api: httpx.Client) -> None:
    response = api.get("/v1/issuer/all_groups", params={"page": "x"})
    assert response.status_code == 422
    assert response.json() == {"errors": {"page": ["is not a number"]}}


def test_all_groups_page_beyond_any_offset(api: httpx.Client) -> None:
    create_group(api)
    response = api.get("/v1/issuer/all_groups", params={"page": str(2**62)})
    assert response.status_code == 200
    assert response.json()["groups"] == []
    assert response.json()["meta"]["total_count"] == 1
