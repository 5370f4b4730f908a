"""Skill categories: the fixed list, and groups filed under one of them."""

import httpx

from plaudit.store.db import Database
from plaudit.store.tables import Achievement
from tests.accredible.helpers import create_group
from tests.accredible.org_helpers import row_count
from tests.support.openapi import assert_conforms
from tests.support.tenants import Tenant


def categories(api: httpx.Client) -> list[dict]:
    response = api.get("/v1/skill_categories")
    assert response.status_code == 200, response.text
    return response.json()["skill_categories"]


def test_the_fixed_list(api: httpx.Client, http: httpx.Client) -> None:
    listed = categories(api)
    assert len(listed) >= 10
    assert listed[0] == {"id": 1, "name": "Business & Management"}
    assert [item["id"] for item in listed] == sorted(item["id"] for item in listed)
    assert all(set(item) == {"id", "name"} and item["name"] for item in listed)
    assert "Computer Science & IT" in {item["name"] for item in listed}

    refused = http.get("/v1/skill_categories")
    assert refused.status_code == 401
    assert refused.text == "HTTP Token: Access denied."


def test_a_group_shows_its_category(api: httpx.Client) -> None:
    science = next(item for item in categories(api) if item["name"] == "Science")
    group = create_group(api, skill_category_id=science["id"])
    assert group["skill_category"] == science

    path = f"/v1/issuer/groups/{group['id']}"
    viewed = api.get(path).json()
    assert_conforms("get", "/v1/issuer/groups/{group_id}", 200, viewed)
    assert viewed["group"]["skill_category"] == science

    other = categories(api)[0]
    updated = api.put(path, json={"group": {"skill_category_id": other["id"]}})
    assert updated.status_code == 200, updated.text
    assert_conforms("put", "/v1/issuer/groups/{group_id}", 200, updated.json())
    assert updated.json()["group"]["skill_category"] == other
    assert api.get(path).json()["group"]["skill_category"] == other

    cleared = api.put(path, json={"group": {"skill_category_id": None}})
    assert cleared.json()["group"]["skill_category"] is None

    untouched = api.put(path, json={"group": {"name": "renamed"}})
    assert untouched.json()["group"]["skill_category"] is None
    assert create_group(api)["skill_category"] is None


def test_unknown_categories_are_refused_and_nothing_is_written(
    api: httpx.Client, database: Database, tenant: Tenant
) -> None:
    group = create_group(api, skill_category_id=1)
    before = row_count(database, Achievement, organization_id=tenant.organization_id)
    body = {"name": "n", "course_name": "c", "course_description": "d"}
    for value, reason in (
        (999_999, "is invalid"),
        (0, "is invalid"),
        (-1, "is invalid"),
        (2**40, "is out of range"),
    ):
        created = api.post(
            "/v1/issuer/groups", json={"group": {**body, "skill_category_id": value}}
        )
        assert created.status_code == 422, value
        assert created.json() == {"errors": {"skill_category_id": [reason]}}
        updated = api.put(
            f"/v1/issuer/groups/{group['id']}",
            json={"group": {"skill_category_id": value, "name": "changed"}},
        )
        assert updated.status_code == 422
        assert updated.json() == {"errors": {"skill_category_id": [reason]}}
    not_a_number = api.post("/v1/issuer/groups", json={"group": {**body, "skill_category_id": "x"}})
    assert not_a_number.status_code == 422
    assert not_a_number.json() == {"errors": {"skill_category_id": ["is not a number"]}}
    assert row_count(database, Achievement, organization_id=tenant.organization_id) == before
    assert api.get(f"/v1/issuer/groups/{group['id']}").json()["group"] == group
