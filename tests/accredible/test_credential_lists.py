"""`GET /v1/all_credentials` and `POST /v1/credentials/search`: filters, pages, errors, scope."""

from collections.abc import Iterator
from datetime import UTC, datetime

import httpx
import pytest

from plaudit.store.db import Database
from tests.accredible.helpers import create_group, issue
from tests.accredible.search_helpers import (
    all_credentials,
    assert_invalid_query,
    assert_v1_list_conforms,
    ids,
    insert_credentials,
    search_v1,
    set_times,
)
from tests.support.live_server import LiveServer
from tests.support.tenants import Tenant, add_department, department_key, make_tenant


@pytest.fixture(scope="module")
def reader(live_server: LiveServer, database: Database) -> Iterator[httpx.Client]:
    """One tenant for the module's tests that only read, so its credentials are made once."""
    tenant = make_tenant(database, "Reading Academy")
    headers = {"Authorization": f"Token token={tenant.api_key}"}
    with httpx.Client(base_url=live_server.base_url, headers=headers, timeout=30) as client:
        yield client


@pytest.fixture(scope="module")
def issued(reader: httpx.Client, database: Database) -> dict[str, dict]:
    """Four credentials in two groups with distinct recipients, dates and license ids."""
    first, second = create_group(reader), create_group(reader)
    credentials = {
        "ada": issue(
            reader,
            first["id"],
            id="LIC-ADA",
            issued_on="2024-01-10",
            recipient={"name": "Ada", "email": "Ada@Example.com", "id": "R-1"},
            meta_data={"cohort": "spring"},
        ),
        "bob": issue(
            reader,
            first["id"],
            id="LIC-BOB",
            issued_on="2024-02-10",
            recipient={"name": "Bob", "email": "bob@example.com", "id": "R-2"},
            meta_data={"cohort": "autumn"},
        ),
        "cy": issue(
            reader,
            second["id"],
            issued_on="2024-03-10",
            recipient={"name": "Cy", "email": "cy@example.com", "meta_data": {"zip": "10459"}},
        ),
        "di": issue(
            reader,
            second["id"],
            issued_on="2024-04-10",
            recipient={"name": "Di", "email": "di@example.com"},
        ),
    }
    for day, name in enumerate(("ada", "bob", "cy", "di"), start=1):
        credentials[name]["id"] = int(credentials[name]["id"])
        moment = datetime(2025, 5, day, 12, tzinfo=UTC)
        set_times(database, credentials[name]["id"], created_at=moment, updated_at=moment)
    credentials["groups"] = {"first": first, "second": second}
    return credentials


def test_all_credentials_lists_every_credential_in_id_order(
    reader: httpx.Client, issued: dict
) -> None:
    body = all_credentials(reader)
    expected = [int(issued[name]["id"]) for name in ("ada", "bob", "cy", "di")]
    assert ids(body) == expected
    assert body["meta"] == {
        "current_page": 1,
        "next_page": None,
        "prev_page": None,
        "total_pages": 1,
        "total_count": 4,
    }
    ada = body["credentials"][0]
    single = reader.get(f"/v1/credentials/{issued['ada']['id']}").json()["credential"]
    # The same credential as the single view, with `id` a number and the supplemental flags.
    assert ada == {
        **single,
        "id": int(single["id"]),
        "allow_supplemental_evidence": True,
        "allow_supplemental_references": True,
    }


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"email": "ada@example.COM"}, ["ada"]),
        ({"recipient_id": "R-2"}, ["bob"]),
        ({"license_id": "LIC-BOB"}, ["bob"]),
        ({"start_date": "2024-02-10"}, ["bob", "cy", "di"]),
        ({"end_date": "2024-02-10"}, ["ada", "bob"]),
        ({"start_date": "10/02/2024", "end_date": "10/03/2024"}, ["bob", "cy"]),
        ({"start_updated_date": "2025-05-03"}, ["cy", "di"]),
        ({"end_updated_date": "2025-05-02"}, ["ada", "bob"]),
        ({"start_updated_date": "2025-05-02", "end_updated_date": "2025-05-02"}, ["bob"]),
        ({"email": "nobody@example.com"}, []),
        ({"license_id": "x" * 300}, []),
        ({"group_id": "not-a-number"}, []),
        ({"group_id": "99999999999999999999999"}, []),
    ],
)
def test_all_credentials_filters(
    reader: httpx.Client, issued: dict, params: dict, expected: list[str]
) -> None:
    body = all_credentials(reader, **params)
    assert ids(body) == [int(issued[name]["id"]) for name in expected]
    assert body["meta"]["total_count"] == len(expected)


def test_all_credentials_by_group_and_as_json_body(reader: httpx.Client, issued: dict) -> None:
    second = issued["groups"]["second"]["id"]
    assert ids(all_credentials(reader, group_id=second)) == [issued["cy"]["id"], issued["di"]["id"]]
    # The OpenAPI file documents the parameters as a body; clients send them so too.
    response = reader.request(
        "GET", "/v1/all_credentials", json={"group_id": second, "page_size": 1}
    )
    assert response.status_code == 200
    assert ids(response.json()) == [issued["cy"]["id"]]
    assert response.json()["meta"]["next_page"] == 2


def test_all_credentials_pages(api: httpx.Client, database: Database, tenant: Tenant) -> None:
    group = create_group(api)
    created = insert_credentials(
        database,
        organization_id=tenant.organization_id,
        department_id=tenant.default_department_id,
        achievement_id=group["id"],
        rows=[{} for _ in range(120)],
    )
    first = all_credentials(api)
    assert ids(first) == created[:50]  # 50 by default
    assert first["meta"] == {
        "current_page": 1,
        "next_page": 2,
        "prev_page": None,
        "total_pages": 3,
        "total_count": 120,
    }
    last = all_credentials(api, page=3)
    assert ids(last) == created[100:]
    assert last["meta"]["next_page"] is None and last["meta"]["prev_page"] == 2
    beyond = all_credentials(api, page=4)
    assert beyond["credentials"] == [] and beyond["meta"]["total_count"] == 120
    # Up to 1,000 a page: pyaccredible's `get_credentials_by_group(page_size=200)` gets all.
    assert ids(all_credentials(api, page_size=200)) == created
    assert ids(all_credentials(api, page_size=1000)) == created
    # A page past any possible row is empty, or refused by the shared page parser; never a 500.
    huge = api.get("/v1/all_credentials", params={"page": 10**30})
    if huge.status_code == 422:
        assert huge.json() == {"errors": {"page": ["is out of range"]}}
    else:
        assert huge.status_code == 200 and huge.json()["credentials"] == []
        assert_v1_list_conforms("get", "/v1/all_credentials", huge.json())


@pytest.mark.parametrize(
    ("params", "errors"),
    [
        ({"page": "x"}, {"page": ["is not a number"]}),
        ({"page_size": "0"}, {"page_size": ["must be greater than 0"]}),
        ({"page_size": "1001"}, {"page_size": ["must be less than or equal to 1000"]}),
        ({"start_date": "yesterday"}, {"start_date": ["is not a valid date"]}),
        ({"end_updated_date": "2024-13-01"}, {"end_updated_date": ["is not a valid date"]}),
    ],
)
def test_all_credentials_refuses_bad_parameters(
    api: httpx.Client, params: dict, errors: dict
) -> None:
    response = api.get("/v1/all_credentials", params=params)
    assert response.status_code == 422
    assert response.json() == {"errors": errors}


def test_v1_search_filters(reader: httpx.Client, issued: dict) -> None:
    first = issued["groups"]["first"]["id"]

    def found(body: dict) -> list[int]:
        return ids(search_v1(reader, body))

    assert found({}) == [int(issued[name]["id"]) for name in ("ada", "bob", "cy", "di")]
    assert found({"group_id": str(first)}) == [issued["ada"]["id"], issued["bob"]["id"]]
    assert found({"group_id": first, "recipient.name": "Bob"}) == [issued["bob"]["id"]]
    assert found({"recipient.email": "BOB@example.com"}) == [issued["bob"]["id"]]
    assert found({"recipient.id": "R-1"}) == [issued["ada"]["id"]]
    assert found({"license_id": "LIC-ADA"}) == [issued["ada"]["id"]]
    assert found({"meta_data": {"cohort": "autumn"}}) == [issued["bob"]["id"]]
    assert found({"recipient.meta_data": {"zip": "10459"}}) == [issued["cy"]["id"]]
    assert found({"start_date": "2024-03-01", "end_date": "2024-12-31"}) == [
        issued["cy"]["id"],
        issued["di"]["id"],
    ]
    assert found({"start_updated_date": "2025-05-04", "end_updated_date": "2025-05-04"}) == [
        issued["di"]["id"]
    ]
    paged = search_v1(reader, {"page_size": 3, "page": 2})
    assert ids(paged) == [issued["di"]["id"]]
    assert paged["meta"] == {
        "current_page": 2,
        "next_page": None,
        "prev_page": 1,
        "total_pages": 2,
        "total_count": 4,
    }
    item = paged["credentials"][0]
    assert item["encoded_id"] == issued["di"]["encoded_id"]
    assert item["seo_image"] == issued["di"]["seo_image"]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"group": 1}, "Field group is not supported"),
        ({"start_date": "soon"}, "start_date is not a valid date"),
        ({"page": 0}, "page must be greater than 0"),
        ({"page_size": "many"}, "page_size is not a number"),
        ({"page_size": 1001}, "page_size must be less than or equal to 1000"),
        ({"meta_data": "spring"}, "meta_data needs an object of keys and values"),
        ({"recipient.email": ["a@example.com"]}, "recipient_email[eq] needs a single value"),
        ([1, 2], "Request body must be a JSON object"),
    ],
)
def test_v1_search_refuses_bad_queries(api: httpx.Client, body: object, message: str) -> None:
    assert_invalid_query(api.post("/v1/credentials/search", json=body), message)


def test_v1_search_refuses_malformed_json(api: httpx.Client) -> None:
    response = api.post(
        "/v1/credentials/search", content=b"{", headers={"Content-Type": "application/json"}
    )
    assert_invalid_query(response, "Request body is not valid JSON")


def test_lists_need_a_key(http: httpx.Client) -> None:
    for method, path in (
        ("GET", "/v1/all_credentials"),
        ("POST", "/v1/credentials/search"),
        ("POST", "/v2/credentials/search"),
    ):
        response = http.request(method, path, content=b"{", headers={"Authorization": "Token x"})
        assert response.status_code == 401, (method, path)
        assert response.text == "HTTP Token: Access denied."


def test_other_tenants_see_nothing(
    reader: httpx.Client, http: httpx.Client, database: Database, issued: dict
) -> None:
    intruder = make_tenant(database, "Intruder Inc")
    headers = {"Authorization": f"Token token={intruder.api_key}"}
    group = issued["groups"]["first"]["id"]
    with httpx.Client(base_url=str(http.base_url), headers=headers, timeout=30) as other:
        assert all_credentials(other)["credentials"] == []
        assert all_credentials(other, group_id=group)["meta"]["total_count"] == 0
        assert search_v1(other, {"license_id": "LIC-ADA"})["credentials"] == []
    assert len(all_credentials(reader)["credentials"]) == 4


def test_department_keys_see_their_department_only(
    api: httpx.Client, http: httpx.Client, database: Database, tenant: Tenant
) -> None:
    department = add_department(database, tenant.organization_id, "Evening school")
    inside = issue(api, create_group(api, department_id=department)["id"])
    outside = issue(api, create_group(api)["id"])
    key = department_key(database, tenant.organization_id, department)
    with httpx.Client(
        base_url=str(http.base_url), headers={"Authorization": f"Token token={key}"}, timeout=30
    ) as scoped:
        assert ids(all_credentials(scoped)) == [int(inside["id"])]
        assert search_v1(scoped, {"license_id": None})["meta"]["total_count"] == 1
        assert all_credentials(scoped, group_id=outside["group_id"])["credentials"] == []
    assert ids(all_credentials(api)) == [int(inside["id"]), int(outside["id"])]
