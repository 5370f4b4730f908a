"""`POST /v2/credentials/search`: fields and operators, sorts, offset and cursor pages, the
10,000 cap, the 400 `invalid_search_query` answers, tenancy and department scope."""

import base64
import json
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import httpx
import pytest

from plaudit.store.db import Database
from tests.accredible.helpers import create_group, issue
from tests.accredible.search_helpers import (
    assert_invalid_query,
    ids,
    insert_credentials,
    search_v2,
    set_times,
)
from tests.support.live_server import LiveServer
from tests.support.tenants import Tenant, add_department, department_key, make_tenant

NAMES = ("ada", "bob", "cy", "di")


@pytest.fixture(scope="module")
def reader(live_server: LiveServer, database: Database) -> Iterator[httpx.Client]:
    """One tenant for the module's tests that only read, so its credentials are made once."""
    tenant = make_tenant(database, "Reading Academy")
    headers = {"Authorization": f"Token token={tenant.api_key}"}
    with httpx.Client(base_url=live_server.base_url, headers=headers, timeout=30) as client:
        yield client


@pytest.fixture(scope="module")
def issued(reader: httpx.Client, database: Database) -> dict[str, Any]:
    """Four credentials: two groups, distinct recipients, dates, expiries and attributes."""
    first, second = create_group(reader, name="b-group"), create_group(reader, name="a-group")
    credentials = {
        "ada": issue(
            reader,
            first["id"],
            id="LIC-ADA",
            issued_on="2024-01-10",
            recipient={"name": "Ada", "email": "Ada@Example.com", "id": "R-1"},
            meta_data={"cohort": "spring", "batch": 772},
        ),
        "bob": issue(
            reader,
            first["id"],
            id="LIC-BOB",
            issued_on="2024-02-10",
            expired_on="2026-01-01",
            recipient={"name": "Bob", "email": "bob@example.com", "id": "R-2"},
            custom_attributes={"Location": "London"},
        ),
        "cy": issue(
            reader,
            second["id"],
            issued_on="2024-03-10",
            expired_on="2027-01-01",
            recipient={"name": "Cy", "email": "cy@example.com", "meta_data": {"zip": "10459"}},
        ),
        "di": issue(
            reader,
            second["id"],
            issued_on="2024-04-10",
            expired_on="2028-01-01",
            approve=False,
            recipient={"name": "Di", "email": "di@example.com"},
        ),
    }
    for day, name in enumerate(NAMES, start=1):
        credentials[name]["id"] = int(credentials[name]["id"])
        moment = datetime(2025, 5, day, 12, tzinfo=UTC)
        set_times(database, credentials[name]["id"], created_at=moment, updated_at=moment)
    found = search_v2(reader, {"query": {}})["credentials"]
    for name in NAMES:
        credentials[name]["uuid"] = next(
            item["uuid"] for item in found if item["id"] == credentials[name]["id"]
        )
    credentials["groups"] = {"first": first, "second": second}
    return credentials


def found(api: httpx.Client, query: dict[str, Any], **body: Any) -> list[int]:
    return ids(search_v2(api, {"query": query, **body}))


def named(issued: dict[str, Any], *names: str) -> list[int]:
    return [issued[name]["id"] for name in names]


def test_v2_record(reader: httpx.Client, issued: dict[str, Any]) -> None:
    organization_id = reader.get("/v1/issuer/details").json()["issuer"]["id"]
    body = search_v2(reader, {"query": {"license_id": "LIC-BOB"}})
    bob, group = issued["bob"], issued["groups"]["first"]
    assert body["credentials"] == [
        {
            "id": bob["id"],
            "uuid": bob["uuid"],
            "encoded_id": bob["encoded_id"],
            "name": "Intro to Programming",
            "license_id": "LIC-BOB",
            "issuer_id": organization_id,
            "private": False,
            "approve": True,
            "grade": None,
            "issued_on": "2024-02-10",
            "expired_on": "2026-01-01",
            "published_on": "2025-05-02",
            "created_at": "2025-05-02T12:00:00.000Z",
            "updated_at": "2025-05-02T12:00:00.000Z",
            "seo_image": bob["seo_image"],
            "recipient_name": "Bob",
            "recipient_email": "bob@example.com",
            "recipient_id": "R-2",
            "recipient_meta_data": None,
            "recipient_opened": False,
            "recipient_engaged": False,
            "custom_attributes": {"Location": "London"},
            "meta_data": None,
            "group": {
                "id": group["id"],
                "name": "b-group",
                "course_name": group["course_name"],
                "certificate_design_id": group["certificate_design_id"],
                "badge_design_id": group["badge_design_id"],
            },
        }
    ]
    assert body["meta"] == {"count": 1, "from": 0, "size": 50, "cursor": None}
    unpublished = search_v2(reader, {"query": {"approve": False}})["credentials"]
    assert [item["published_on"] for item in unpublished] == [None]


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("recipient_name", "Bob", ["bob"]),
        ("recipient_name[eq]", "Bob", ["bob"]),
        ("recipient_name[in]", ["Bob", "Cy", "Nobody"], ["bob", "cy"]),
        ("recipient_email", "ADA@example.com", ["ada"]),
        ("recipient_email[in]", ["bob@example.com", "DI@example.com"], ["bob", "di"]),
        ("recipient_id", "R-2", ["bob"]),
        ("recipient_id[in]", ["R-1", "R-2"], ["ada", "bob"]),
        ("license_id", "LIC-ADA", ["ada"]),
        ("license_id[in]", ["LIC-ADA", "LIC-BOB", "x" * 300], ["ada", "bob"]),
        ("approve", True, ["ada", "bob", "cy"]),
        ("approve[eq]", False, ["di"]),
        ("uuid", "not-a-uuid", []),
        ("group.id", "12345678901234567890123", []),
        ("group.id[in]", [], []),
    ],
)
def test_v2_equality(
    reader: httpx.Client, issued: dict[str, Any], key: str, value: Any, expected: list[str]
) -> None:
    assert found(reader, {key: value}) == named(issued, *expected)


def test_v2_uuid_and_group(reader: httpx.Client, issued: dict[str, Any]) -> None:
    first, second = issued["groups"]["first"]["id"], issued["groups"]["second"]["id"]
    assert found(reader, {"uuid": issued["cy"]["uuid"]}) == named(issued, "cy")
    uuids = [issued["ada"]["uuid"], issued["di"]["uuid"]]
    assert found(reader, {"uuid[in]": uuids}) == named(issued, "ada", "di")
    assert found(reader, {"group.id": first}) == named(issued, "ada", "bob")
    assert found(reader, {"group.id[eq]": str(second)}) == named(issued, "cy", "di")
    assert found(reader, {"group.id[in]": [first, second]}) == named(issued, *NAMES)


# issued_on: 2024-01-10, 02-10, 03-10, 04-10; expired_on: none, 2026, 2027, 2028 (1 January);
# created_at and updated_at: 2025-05-01 ... 2025-05-04 at noon UTC.
@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("issued_on", "2024-02-10", ["bob"]),
        ("issued_on[eq]", "2024-02-10", ["bob"]),
        ("issued_on[in]", ["2024-01-10", "2024-04-10"], ["ada", "di"]),
        ("issued_on[lt]", "2024-02-10", ["ada"]),
        ("issued_on[lte]", "2024-02-10", ["ada", "bob"]),
        ("issued_on[gt]", "2024-02-10", ["cy", "di"]),
        ("issued_on[gte]", "2024-02-10", ["bob", "cy", "di"]),
        ("expired_on", "2027-01-01", ["cy"]),
        ("expired_on[in]", ["2026-01-01", "2028-01-01"], ["bob", "di"]),
        ("expired_on[lt]", "2027-01-01", ["bob"]),
        ("expired_on[lte]", "2027-01-01", ["bob", "cy"]),
        ("expired_on[gt]", "2027-01-01", ["di"]),
        ("expired_on[gte]", "2027-01-01", ["cy", "di"]),
        ("created_at", "2025-05-02", ["bob"]),
        ("created_at[in]", ["2025-05-01", "2025-05-03"], ["ada", "cy"]),
        ("created_at[lt]", "2025-05-02", ["ada"]),
        ("created_at[lte]", "2025-05-02", ["ada", "bob"]),
        ("created_at[gt]", "2025-05-02", ["cy", "di"]),
        ("created_at[gte]", "2025-05-02", ["bob", "cy", "di"]),
        ("updated_at", "2025-05-03", ["cy"]),
        ("updated_at[in]", ["2025-05-02", "2025-05-04"], ["bob", "di"]),
        ("updated_at[lt]", "2025-05-03", ["ada", "bob"]),
        ("updated_at[lte]", "2025-05-03", ["ada", "bob", "cy"]),
        ("updated_at[gt]", "2025-05-03", ["di"]),
        ("updated_at[gte]", "2025-05-03", ["cy", "di"]),
    ],
)
def test_v2_date_operators(
    reader: httpx.Client, issued: dict[str, Any], key: str, value: Any, expected: list[str]
) -> None:
    assert found(reader, {key: value}) == named(issued, *expected)


def test_v2_ranges_and_fields_combine(reader: httpx.Client, issued: dict[str, Any]) -> None:
    first = issued["groups"]["first"]["id"]
    query = {"issued_on[gte]": "2024-01-01", "issued_on[lt]": "2024-03-01"}
    assert found(reader, query) == named(issued, "ada", "bob")
    assert found(reader, {**query, "group.id": first, "recipient_name": "Bob"}) == named(
        issued, "bob"
    )
    assert found(reader, {**query, "approve": False}) == []


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"meta_data": {"cohort": "spring"}}, ["ada"]),
        ({"meta_data": {"cohort": "spring", "batch": "772"}}, ["ada"]),
        ({"meta_data": {"batch": 772}}, ["ada"]),
        ({"meta_data": {"cohort": "autumn"}}, []),
        ({"custom_attributes": {"Location": "London"}}, ["bob"]),
        ({"recipient_meta_data": {"zip": "10459"}}, ["cy"]),
        ({"recipient_meta_data": {}}, NAMES),
    ],
)
def test_v2_attribute_matches(
    reader: httpx.Client, issued: dict[str, Any], query: dict, expected: list[str]
) -> None:
    assert found(reader, query) == named(issued, *expected)


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ({}, ["ada", "bob", "cy", "di"]),
        ({"id": "asc"}, ["ada", "bob", "cy", "di"]),
        ({"id": "desc"}, ["di", "cy", "bob", "ada"]),
        ({"recipient_name": "desc"}, ["di", "cy", "bob", "ada"]),
        ({"issued_on": "desc"}, ["di", "cy", "bob", "ada"]),
        ({"issued_on": "asc"}, ["ada", "bob", "cy", "di"]),
        # A credential that never expires sorts after every expiry.
        ({"expired_on": "asc"}, ["bob", "cy", "di", "ada"]),
        ({"expired_on": "desc"}, ["ada", "di", "cy", "bob"]),
        ({"group.name": "asc"}, ["cy", "di", "ada", "bob"]),
        ({"group.name": "desc"}, ["bob", "ada", "di", "cy"]),
    ],
)
def test_v2_sorts(
    reader: httpx.Client, issued: dict[str, Any], sort: dict, expected: list[str]
) -> None:
    assert found(reader, {}, sort=sort) == named(issued, *expected)


def test_v2_offset_pages(reader: httpx.Client, issued: dict[str, Any]) -> None:
    body = search_v2(reader, {"query": {}, "page": {"from": 1, "size": 2}})
    assert ids(body) == named(issued, "bob", "cy")
    assert body["meta"]["count"] == 4 and body["meta"]["from"] == 1 and body["meta"]["size"] == 2
    assert body["meta"]["cursor"]  # where a cursor walk could go on from
    last = search_v2(reader, {"query": {}, "page": {"from": 3, "size": 2}})
    assert ids(last) == named(issued, "di") and last["meta"]["cursor"] is None
    beyond = search_v2(reader, {"query": {}, "page": {"from": 40}})
    assert beyond["credentials"] == [] and beyond["meta"]["count"] == 4
    counted = search_v2(
        reader, {"query": {"group.id": issued["groups"]["first"]["id"]}, "page": {"size": 0}}
    )
    assert counted == {
        "credentials": [],
        "meta": {"count": 2, "from": 0, "size": 0, "cursor": None},
    }
    largest = search_v2(reader, {"query": {}, "page": {"size": 1000}})
    assert largest["meta"]["size"] == 1000 and len(largest["credentials"]) == 4
    too_large = reader.post("/v2/credentials/search", json={"query": {}, "page": {"size": 1001}})
    assert_invalid_query(too_large, "page.size must be at most 1000")
    as_strings = search_v2(reader, {"query": {}, "page": {"from": "2", "size": "1"}})
    assert ids(as_strings) == named(issued, "cy")


def test_v2_offset_window_ends_at_10000(reader: httpx.Client, issued: dict[str, Any]) -> None:
    within = search_v2(reader, {"query": {}, "page": {"from": 9950, "size": 50}})
    assert within["credentials"] == [] and within["meta"]["count"] == 4
    assert search_v2(reader, {"query": {}, "page": {"from": 10000, "size": 0}})["credentials"] == []
    message = (
        "Result window is too large: page.from + page.size must be at most 10000;"
        " use page.cursor to page further"
    )
    for page in ({"from": 9951, "size": 50}, {"from": 10000}, {"from": 10**30, "size": 1}):
        response = reader.post("/v2/credentials/search", json={"query": {}, "page": page})
        assert_invalid_query(response, message)


def _python_order(rows: list[dict[str, Any]], field: str, descending: bool) -> list[int]:
    """The order Plaudit promises: by the field, then by id, missing values after all others."""

    def key(row: dict[str, Any]) -> tuple:
        value = row[field]
        return (value is None, value or date.min, row["id"])

    ordered = sorted(rows, key=key, reverse=descending)
    return [row["id"] for row in ordered]


@pytest.mark.parametrize(
    ("field", "descending"),
    [
        ("id", False),
        ("id", True),
        ("issued_on", True),
        ("issued_on", False),
        ("expired_on", False),
        ("expired_on", True),
        ("recipient_name", False),
        ("recipient_name", True),
    ],
)
def test_v2_cursor_walk_visits_every_row_once(
    api: httpx.Client, database: Database, tenant: Tenant, field: str, descending: bool
) -> None:
    group = create_group(api)
    rows = [
        {
            "issued_on": date(2024, 1 + index % 3, 1 + index % 5),  # many ties
            "expired_on": None if index % 4 == 0 else date(2030, 1 + index % 2, 1),
            "recipient_name": f"Learner {index % 7}",
        }
        for index in range(137)
    ]
    created = insert_credentials(
        database,
        organization_id=tenant.organization_id,
        department_id=tenant.default_department_id,
        achievement_id=group["id"],
        rows=[dict(row) for row in rows],
    )
    for row, credential_id in zip(rows, created, strict=True):
        row["id"] = credential_id
    expected = _python_order(rows, field, descending)
    sort = {field: "desc" if descending else "asc"}

    walked: list[int] = []
    body = search_v2(api, {"query": {}, "sort": sort, "page": {"size": 20}})
    while True:
        walked += ids(body)
        assert body["meta"]["count"] == 137
        cursor = body["meta"]["cursor"]
        if cursor is None:
            break
        body = search_v2(api, {"query": {}, "sort": sort, "page": {"cursor": cursor, "size": 20}})
    assert walked == expected
    # Offset pages agree with the cursor walk.
    by_offset = search_v2(api, {"query": {}, "sort": sort, "page": {"from": 40, "size": 30}})
    assert ids(by_offset) == expected[40:70]


def test_v2_cursor_walk_by_group_name(reader: httpx.Client, issued: dict[str, Any]) -> None:
    sort = {"group.name": "desc"}
    first = search_v2(reader, {"query": {}, "sort": sort, "page": {"size": 3}})
    rest = search_v2(
        reader, {"query": {}, "sort": sort, "page": {"size": 3, "cursor": first["meta"]["cursor"]}}
    )
    assert ids(first) + ids(rest) == named(issued, "bob", "ada", "di", "cy")
    assert rest["meta"]["cursor"] is None


def _cursor(token: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(token).encode()).decode()


@pytest.mark.parametrize(
    ("page", "sort", "message"),
    [
        ({"cursor": "not a cursor"}, {}, "Invalid cursor"),
        ({"cursor": "bm90IGpzb24="}, {}, "Invalid cursor"),
        ({"cursor": ""}, {}, "Invalid cursor"),
        ({"cursor": 17}, {}, "Invalid cursor"),
        ({"cursor": "x" * 5000}, {}, "Invalid cursor"),
        ({"cursor": _cursor([1])}, {}, "Invalid cursor"),
        ({"cursor": _cursor({"sort": "id:asc", "count": 1, "after": ["1"]})}, {}, "Invalid cursor"),
        ({"cursor": _cursor({"sort": "id:asc", "after": [1]})}, {}, "Invalid cursor"),
        ({"cursor": _cursor({"sort": "id:asc", "count": -1, "after": [1]})}, {}, "Invalid cursor"),
        (
            {"cursor": _cursor({"sort": "id:asc", "count": 1, "after": [2**70]})},
            {},
            "Invalid cursor",
        ),
        (
            {"cursor": _cursor({"sort": "issued_on:desc", "count": 1, "after": ["2024-13-01", 1]})},
            {"issued_on": "desc"},
            "Invalid cursor",
        ),
        (
            {
                "cursor": _cursor(
                    {"sort": "recipient_name:asc", "count": 1, "after": ["a\u0000", 1]}
                )
            },
            {"recipient_name": "asc"},
            "Invalid cursor",
        ),
        (
            {"cursor": _cursor({"sort": "id:asc", "count": 1, "after": [1]})},
            {"issued_on": "desc"},
            "The cursor belongs to another sort; send the sort it was made with",
        ),
        (
            {"cursor": _cursor({"sort": "id:asc", "count": 1, "after": [1]}), "from": 0},
            {},
            "page.from and page.cursor cannot be used together",
        ),
    ],
)
def test_v2_bad_cursors(api: httpx.Client, page: dict, sort: dict, message: str) -> None:
    response = api.post("/v2/credentials/search", json={"query": {}, "sort": sort, "page": page})
    assert_invalid_query(response, message)


def test_v2_cursor_with_a_missing_expiry(reader: httpx.Client, issued: dict[str, Any]) -> None:
    """A cursor may stand on a credential that never expires, in either direction."""
    up = search_v2(reader, {"query": {}, "sort": {"expired_on": "asc"}, "page": {"size": 3}})
    assert ids(up) == named(issued, "bob", "cy", "di")
    down = search_v2(reader, {"query": {}, "sort": {"expired_on": "desc"}, "page": {"size": 1}})
    after = {"cursor": down["meta"]["cursor"], "size": 10}
    rest = search_v2(reader, {"query": {}, "sort": {"expired_on": "desc"}, "page": after})
    assert ids(down) + ids(rest) == named(issued, "ada", "di", "cy", "bob")


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({}, "query is required"),
        ({"query": []}, "query must be a JSON object"),
        ([{"query": {}}], "Request body must be a JSON object"),
        ({"query": {}, "filter": {}}, "Parameter filter is not supported"),
        ({"query": {"title": "x"}}, "Field title is not supported"),
        ({"query": {"issued_on[[gt]]": "2024-01-01"}}, "Field issued_on[[gt]] is not supported"),
        ({"query": {"issued_on[after]": "2024-01-01"}}, "Operator after is not supported"),
        ({"query": {"issued_on[]": "2024-01-01"}}, "Field issued_on[] is not supported"),
        ({"query": {"recipient_name[gt]": "A"}}, "Operator gt is not supported for recipient_name"),
        ({"query": {"approve[in]": [True]}}, "Operator in is not supported for approve"),
        ({"query": {"meta_data[eq]": {"a": "b"}}}, "Operator eq is not supported for meta_data"),
        ({"query": {"group.id[in]": 5}}, "group.id[in] needs an array of values"),
        (
            {"query": {"group.id[in]": list(range(1001))}},
            "group.id[in] accepts at most 1000 values",
        ),
        ({"query": {"group.id": [1, 2]}}, "group.id[eq] needs a single value"),
        ({"query": {"recipient_name": True}}, "recipient_name needs a text or a number"),
        ({"query": {"recipient_name": "a\u0000b"}}, "Request contains a NUL character"),
        ({"query": {"approve": "yes"}}, "approve needs true or false"),
        ({"query": {"issued_on": "someday"}}, "issued_on needs a date (YYYY-MM-DD), not 'someday'"),
        (
            {"query": {"updated_at[gt]": 20240101}},
            "updated_at needs a date (YYYY-MM-DD), not 20240101",
        ),
        ({"query": {"meta_data": "x"}}, "meta_data needs an object of keys and values"),
        ({"query": {"meta_data": {'a"b': "x"}}}, "meta_data key 'a\"b' is not supported"),
        ({"query": {"meta_data": {"a": ["x"]}}}, "meta_data.a needs a text or a number"),
        (
            {"query": {}, "sort": {"issued_on": "increasing"}},
            "Sort order increasing is not supported",
        ),
        ({"query": {}, "sort": {"grade": "asc"}}, "Sort field grade is not supported"),
        (
            {"query": {}, "sort": {"issued_on": "asc", "id": "asc"}},
            "Sorting by more than one field is not supported",
        ),
        ({"query": {}, "sort": "issued_on"}, "sort must be a JSON object"),
        ({"query": {}, "page": {"offset": 5}}, "page.offset is not supported"),
        ({"query": {}, "page": {"from": -1}}, "page.from must be a whole number, 0 or more"),
        ({"query": {}, "page": {"size": 2.5}}, "page.size must be a whole number, 0 or more"),
        ({"query": {}, "page": {"size": True}}, "page.size must be a whole number, 0 or more"),
        ({"query": {}, "page": 3}, "page must be a JSON object"),
    ],
)
def test_v2_refuses_queries_it_cannot_run(api: httpx.Client, body: object, message: str) -> None:
    assert_invalid_query(api.post("/v2/credentials/search", json=body), message)


def test_v2_refuses_a_body_that_is_not_json(api: httpx.Client) -> None:
    for content in (b"{", b"", b"\xff"):
        response = api.post(
            "/v2/credentials/search", content=content, headers={"Content-Type": "application/json"}
        )
        message = "query is required" if not content else "Request body is not valid JSON"
        assert_invalid_query(response, message)


def test_v2_other_tenants_see_nothing(
    reader: httpx.Client, http: httpx.Client, database: Database, issued: dict[str, Any]
) -> None:
    intruder = make_tenant(database, "Intruder Inc")
    headers = {"Authorization": f"Token token={intruder.api_key}"}
    first = issued["groups"]["first"]["id"]
    with httpx.Client(base_url=str(http.base_url), headers=headers, timeout=30) as other:
        assert search_v2(other, {"query": {}})["meta"]["count"] == 0
        assert search_v2(other, {"query": {"group.id": first}})["credentials"] == []
        assert search_v2(other, {"query": {"uuid": issued["ada"]["uuid"]}})["credentials"] == []
    assert search_v2(reader, {"query": {}})["meta"]["count"] == 4


def test_v2_department_keys_see_their_department_only(
    api: httpx.Client, http: httpx.Client, database: Database, tenant: Tenant
) -> None:
    department = add_department(database, tenant.organization_id, "Evening school")
    inside = issue(api, create_group(api, department_id=department)["id"])
    outside = issue(api, create_group(api)["id"])
    key = department_key(database, tenant.organization_id, department)
    with httpx.Client(
        base_url=str(http.base_url), headers={"Authorization": f"Token token={key}"}, timeout=30
    ) as scoped:
        body = search_v2(scoped, {"query": {}, "sort": {"group.name": "asc"}})
        assert ids(body) == [int(inside["id"])] and body["meta"]["count"] == 1
        outside_query = {"query": {"group.id": outside["group_id"]}}
        assert search_v2(scoped, outside_query)["meta"]["count"] == 0
    assert search_v2(api, {"query": {}})["meta"]["count"] == 2
