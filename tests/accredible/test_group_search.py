"""`POST /v1/issuer/groups/search`: filters, paging, errors and tenancy."""

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from plaudit.store.db import Database
from tests.accredible.helpers import create_group
from tests.accredible.org_helpers import client_for, department_client
from tests.support.openapi import assert_conforms
from tests.support.tenants import Tenant, make_tenant

SEARCH = "/v1/issuer/groups/search"


def search(api: httpx.Client, body: Any = None) -> dict[str, Any]:
    response = api.post(SEARCH, json=body)
    assert response.status_code == 200, response.text
    assert_conforms("post", SEARCH, 200, response.json())
    return response.json()


def ids(api: httpx.Client, body: Any = None) -> list[int]:
    return [group["id"] for group in search(api, body)["groups"]]


def test_filters(api: httpx.Client) -> None:
    intro = create_group(
        api, name="Programming Course 101", course_name="Intro to Programming", meta_data={}
    )
    advanced = create_group(
        api,
        name="programming course 201",
        course_name="Advanced Programming",
        meta_data={"course_id": "CS201", "department": "Computer Science", "level": 2},
    )
    cooking = create_group(
        api,
        name="Cooking 100%",
        course_name="Cooking",
        meta_data={"course_id": "CK1", 'odd "key"': "yes", "clé": "é"},
    )

    assert ids(api) == [intro["id"], advanced["id"], cooking["id"]]
    assert ids(api, {}) == ids(api)
    assert ids(api, {"name": "PROGRAMMING course"}) == [intro["id"], advanced["id"]]
    assert ids(api, {"name": "201"}) == [advanced["id"]]
    # LIKE wildcards are matched as themselves.
    assert ids(api, {"name": "100%"}) == [cooking["id"]]
    assert ids(api, {"name": "%"}) == [cooking["id"]]
    assert ids(api, {"name": "_"}) == []
    assert ids(api, {"course_name": "programming"}) == [intro["id"], advanced["id"]]
    assert ids(api, {"name": "course", "course_name": "advanced"}) == [advanced["id"]]
    assert ids(api, {"ids": [cooking["id"], str(intro["id"])]}) == [intro["id"], cooking["id"]]
    assert ids(api, {"ids": [999_999_999, "abc", 2**70]}) == []
    assert ids(api, {"ids": []}) == ids(api)
    assert ids(api, {"ids": [*range(10**6, 10**6 + 999), cooking["id"]]}) == [cooking["id"]]

    assert ids(api, {"meta_data": {"course_id": "CS201"}}) == [advanced["id"]]
    assert ids(api, {"meta_data": {"course_id": "CS201", "department": "Computer Science"}}) == [
        advanced["id"]
    ]
    assert ids(api, {"meta_data": {"course_id": "CS201", "department": "Maths"}}) == []
    assert ids(api, {"meta_data": {"level": 2}}) == [advanced["id"]]
    assert ids(api, {"meta_data": {'odd "key"': "yes"}}) == [cooking["id"]]
    assert ids(api, {"meta_data": {"clé": "é"}}) == [cooking["id"]]
    assert ids(api, {"meta_data": {'"': "x", "$.a[0]": "x"}}) == []


def test_updated_date_range(api: httpx.Client) -> None:
    group = create_group(api)
    today = datetime.now(UTC).date()
    day = timedelta(days=1)
    assert ids(api, {"start_updated_date": str(today), "end_updated_date": str(today)}) == [
        group["id"]
    ]
    assert ids(api, {"start_updated_date": str(today - day)}) == [group["id"]]
    assert ids(api, {"start_updated_date": str(today + day)}) == []
    assert ids(api, {"end_updated_date": str(today - day)}) == []
    assert ids(api, {"end_updated_date": str(today + day)}) == [group["id"]]


def test_paging(api: httpx.Client) -> None:
    created = [create_group(api, name=f"paged-{index}")["id"] for index in range(5)]
    first = search(api, {"page_size": 2})
    assert [g["id"] for g in first["groups"]] == created[:2]
    assert first["meta"] == {
        "current_page": 1,
        "next_page": 2,
        "prev_page": None,
        "total_pages": 3,
        "total_count": 5,
    }
    last = search(api, {"page_size": "2", "page": 3})
    assert [g["id"] for g in last["groups"]] == created[4:]
    assert last["meta"]["next_page"] is None and last["meta"]["prev_page"] == 2
    assert search(api, {"page": 9})["groups"] == []
    assert len(search(api, {"page_size": 1000})["groups"]) == 5


def test_a_group_in_results_has_every_field(api: httpx.Client) -> None:
    group = create_group(api, skill_category_id=1, learning_outcomes=["a"])
    assert search(api, {"ids": [group["id"]]})["groups"] == [group]


def test_bad_requests(api: httpx.Client, http: httpx.Client) -> None:
    cases = [
        ({"page": "x"}, {"page": ["is not a number"]}),
        ({"page": 0}, {"page": ["must be greater than 0"]}),
        ({"page_size": -1}, {"page_size": ["must be greater than 0"]}),
        ({"start_updated_date": "2023-13-45"}, {"start_updated_date": ["is not a valid date"]}),
        ({"end_updated_date": 5}, {"end_updated_date": ["is not a valid date"]}),
        ({"ids": 5}, {"ids": ["is invalid"]}),
        ({"meta_data": "x"}, {"meta_data": ["is invalid"]}),
        ({"meta_data": {"a": {"b": 1}}}, {"meta_data.a": ["is invalid"]}),
        # Every id and pair is a bound parameter: the lists are kept short.
        ({"ids": list(range(1, 1002))}, {"ids": ["is too long (maximum is 1000 items)"]}),
        (
            {"meta_data": {str(index): "v" for index in range(21)}},
            {"meta_data": ["is too long (maximum is 20 items)"]},
        ),
    ]
    for body, errors in cases:
        response = api.post(SEARCH, json=body)
        assert response.status_code == 422, body
        assert response.json() == {"errors": errors}
    response = api.post(SEARCH, content=b"{", headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    refused = http.post(SEARCH, json={"page": "x"})
    assert refused.status_code == 401 and refused.text == "HTTP Token: Access denied."
    # The fixed path is not taken for a group id, and `search` is no group id.
    assert api.get("/v1/issuer/groups/search").json() == {"errors": "Doesn't exist"}


def test_tenants_and_departments(
    api: httpx.Client, http: httpx.Client, database: Database, tenant: Tenant
) -> None:
    main = create_group(api, name="shared name")
    department_id, scoped = department_client(http, database, tenant)
    own = create_group(scoped, name="shared name")
    assert own["department_id"] == department_id
    intruder = client_for(http, make_tenant(database, "Intruder Inc").api_key)
    create_group(intruder, name="shared name")

    assert ids(api, {"name": "shared"}) == [main["id"], own["id"]]
    assert ids(scoped, {"name": "shared"}) == [own["id"]]
    assert ids(scoped, {"ids": [main["id"], own["id"]]}) == [own["id"]]
    assert search(scoped)["meta"]["total_count"] == 1
    assert main["id"] not in ids(intruder, {"ids": [main["id"]]})
