"""Collections: create, update, delete, search, and the groups in them (from both sides)."""

from typing import Any

import httpx
from sqlalchemy import func, select

from plaudit.store.db import Database
from plaudit.store.group_tables import Collection, achievement_collections
from plaudit.store.tables import Achievement
from tests.accredible.helpers import create_group
from tests.accredible.org_helpers import client_for, department_client, row_count
from tests.support.openapi import assert_conforms
from tests.support.tenants import Tenant, make_tenant

SEARCH = "/v1/collections/search"


def create(api: httpx.Client, **fields: Any) -> dict[str, Any]:
    response = api.post("/v1/collections", json={"collection": {"name": "Collection", **fields}})
    assert response.status_code == 200, response.text
    return response.json()["collection"]


def update(api: httpx.Client, collection_id: str, **fields: Any) -> dict[str, Any]:
    response = api.put(f"/v1/collections/{collection_id}", json={"collection": fields})
    assert response.status_code == 200, response.text
    return response.json()["collection"]


def search(api: httpx.Client, body: Any = None) -> dict[str, Any]:
    response = api.post(SEARCH, json=body)
    assert response.status_code == 200, response.text
    assert_conforms("post", SEARCH, 200, response.json())
    return response.json()


def found(api: httpx.Client, body: Any = None) -> list[str]:
    return [item["id"] for item in search(api, body)["collections"]]


def group_collections(api: httpx.Client, group_id: int) -> list[dict[str, Any]]:
    return api.get(f"/v1/issuer/groups/{group_id}").json()["group"]["collections"]


def memberships(database: Database, collection_id: str) -> int:
    """How many groups the collection holds, whatever department they are in."""
    table = achievement_collections
    query = select(func.count()).where(table.c.collection_id == int(collection_id))
    with database.session(readonly=True) as session:
        return session.scalar(query) or 0


def test_create_update_delete(api: httpx.Client, tenant: Tenant) -> None:
    created = create(api, name="Collection name", description="DESCRIPTION", public=True)
    assert created == {
        "id": created["id"],
        "name": "Collection name",
        "description": "DESCRIPTION",
        "organization_id": tenant.organization_id,
        "public": True,
        "groups_count": 0,
        "groups": [],
    }
    assert type(created["id"]) is int  # a number, as every other id (issue 10)
    # The wrapper is optional; `public` defaults to false and `description` to null.
    bare = api.post("/v1/collections", json={"name": "bare"}).json()["collection"]
    assert bare["public"] is False and bare["description"] is None

    path = f"/v1/collections/{created['id']}"
    changed = update(api, created["id"], name="Renamed", public=False)
    assert changed == {**created, "name": "Renamed", "public": False}
    assert update(api, created["id"], description=None, public=None)["description"] is None
    assert update(api, created["id"])["public"] is False

    deleted = api.delete(path)
    assert deleted.status_code == 200
    assert deleted.json()["collection"]["name"] == "Renamed"
    assert api.delete(path).json() == {"errors": "Doesn't exist"}
    assert api.put(path, json={"collection": {"name": "x"}}).status_code == 404
    assert created["id"] not in found(api)


def test_groups_of_a_collection(api: httpx.Client, database: Database) -> None:
    first, second, third = (create_group(api) for _ in range(3))
    shelf = create(api, groups=[{"id": second["id"]}, {"id": str(first["id"])}])
    assert shelf["groups"] == [{"id": first["id"]}, {"id": second["id"]}]
    assert shelf["groups_count"] == 2
    assert group_collections(api, first["id"]) == [
        {"id": int(shelf["id"]), "name": "Collection", "description": None}
    ]

    # `groups` is the full list: it replaces the collection's groups, and a repeat counts once.
    replaced = update(api, shelf["id"], groups=[{"id": third["id"]}, {"id": third["id"]}])
    assert replaced["groups"] == [{"id": third["id"]}] and replaced["groups_count"] == 1
    assert group_collections(api, first["id"]) == []
    assert update(api, shelf["id"], name="kept")["groups"] == [{"id": third["id"]}]
    assert update(api, shelf["id"], groups=None)["groups"] == []
    update(api, shelf["id"], groups=[{"id": first["id"]}, {"id": third["id"]}])

    # Deleting a group takes it out of its collections; deleting a collection keeps its groups.
    assert api.delete(f"/v1/issuer/groups/{first['id']}").status_code == 200
    assert found(api, {"query": {"ids": [shelf["id"]]}}) == [shelf["id"]]
    assert search(api)["collections"][0]["groups"] == [{"id": third["id"]}]
    assert api.delete(f"/v1/collections/{shelf['id']}").status_code == 200
    assert memberships(database, shelf["id"]) == 0
    assert api.get(f"/v1/issuer/groups/{third['id']}").json()["group"]["collections"] == []


def test_collections_of_a_group(api: httpx.Client) -> None:
    one = create(api, name="one")
    two = create(api, name="two", description="description example")
    group = create_group(api, collections=[{"id": int(two["id"])}, {"id": one["id"]}])
    assert group["collections"] == [
        {"id": int(one["id"]), "name": "one", "description": None},
        {"id": int(two["id"]), "name": "two", "description": "description example"},
    ]
    path = f"/v1/issuer/groups/{group['id']}"
    updated = api.put(path, json={"group": {"collections": [{"id": two["id"]}]}})
    assert updated.status_code == 200, updated.text
    assert_conforms("put", "/v1/issuer/groups/{group_id}", 200, updated.json())
    assert [c["id"] for c in updated.json()["group"]["collections"]] == [int(two["id"])]
    assert found(api, {"query": {"ids": [one["id"]]}}) == [one["id"]]
    assert search(api, {"query": {"ids": [one["id"]]}})["collections"][0]["groups_count"] == 0
    assert api.put(path, json={"group": {"name": "n"}}).json()["group"]["collections"] != []
    cleared = api.put(path, json={"group": {"collections": []}}).json()["group"]
    assert cleared["collections"] == []
    deleted = api.delete(path).json()["group"]
    assert deleted["collections"] == []
    # A deleted group shows the collections it was in.
    kept = create_group(api, collections=[{"id": one["id"]}])
    assert api.delete(f"/v1/issuer/groups/{kept['id']}").json()["group"]["collections"] == [
        {"id": int(one["id"]), "name": "one", "description": None}
    ]


def test_refused_changes_write_nothing(
    api: httpx.Client, http: httpx.Client, database: Database, tenant: Tenant
) -> None:
    group = create_group(api)
    shelf = create(api, groups=[{"id": group["id"]}])
    intruder = client_for(http, make_tenant(database, "Intruder Inc").api_key)
    foreign_group = create_group(intruder)
    foreign_collection = create(intruder)
    collections_before = row_count(database, Collection, organization_id=tenant.organization_id)
    groups_before = row_count(database, Achievement, organization_id=tenant.organization_id)

    bad_bodies = [
        ({"name": ""}, {"name": ["can't be blank"]}),
        ({"name": None}, {"name": ["can't be blank"]}),
        ({"name": "x" * 256}, {"name": ["is too long (maximum is 255 characters)"]}),
        ({"name": "x", "public": "perhaps"}, {"public": ["is not a boolean"]}),
        ({"name": "x", "groups": [{"id": 999_999_999}]}, {"groups": ["is invalid"]}),
        ({"name": "x", "groups": [{"id": foreign_group["id"]}]}, {"groups": ["is invalid"]}),
        ({"name": "x", "groups": [{"id": "abc"}]}, {"groups": ["is invalid"]}),
        ({"name": "x", "groups": [{"id": 2**70}]}, {"groups": ["is invalid"]}),
        ({"name": "x", "groups": [group["id"]]}, {"groups.0": ["is invalid"]}),
        ({"name": "x", "groups": [{"id": True}]}, {"groups.0.id": ["is invalid"]}),
        (
            {"name": "x", "groups": [{"id": index} for index in range(1001)]},
            {"groups": ["is too long (maximum is 1000 items)"]},
        ),
    ]
    for body, errors in bad_bodies:
        response = api.post("/v1/collections", json={"collection": body})
        assert response.status_code == 422, body
        assert response.json() == {"errors": errors}
        if body.get("name") != "x":
            continue
        response = api.put(f"/v1/collections/{shelf['id']}", json={"collection": body})
        assert response.status_code == 422, body
        assert response.json() == {"errors": errors}
    assert api.post("/v1/collections", json={"collection": {}}).json() == {
        "errors": {"name": ["can't be blank"]}
    }

    base = {"name": "g", "course_name": "c", "course_description": "d"}
    for refs in ([{"id": foreign_collection["id"]}], [{"id": "abc"}], [{"id": 999_999_999}]):
        response = api.post("/v1/issuer/groups", json={"group": {**base, "collections": refs}})
        assert response.status_code == 422
        assert response.json() == {"errors": {"collections": ["is invalid"]}}
        response = api.put(
            f"/v1/issuer/groups/{group['id']}", json={"group": {"name": "z", "collections": refs}}
        )
        assert response.json() == {"errors": {"collections": ["is invalid"]}}

    for collection_id in ("999999999", "abc", str(2**64), foreign_collection["id"]):
        for method in ("PUT", "DELETE"):
            response = api.request(
                method, f"/v1/collections/{collection_id}", json={"collection": {"name": "x"}}
            )
            assert response.status_code == 404, (method, collection_id)
            assert response.json() == {"errors": "Doesn't exist"}
    # The intruder cannot touch this organization's collection either.
    for method in ("PUT", "DELETE"):
        response = intruder.request(
            method, f"/v1/collections/{shelf['id']}", json={"collection": {"name": "pwned"}}
        )
        assert response.status_code == 404
    assert shelf["id"] not in found(intruder)

    for method, path in (
        ("POST", "/v1/collections"),
        ("PUT", f"/v1/collections/{shelf['id']}"),
        ("DELETE", f"/v1/collections/{shelf['id']}"),
        ("POST", SEARCH),
    ):
        response = http.request(method, path, json={"collection": {"name": "x"}})
        assert response.status_code == 401
        assert response.text == "HTTP Token: Access denied."

    assert row_count(database, Collection, organization_id=tenant.organization_id) == (
        collections_before
    )
    assert row_count(database, Achievement, organization_id=tenant.organization_id) == (
        groups_before
    )
    assert found(api, {"query": {"ids": [shelf["id"]]}}) == [shelf["id"]]
    assert search(api, {"query": {"ids": [shelf["id"]]}})["collections"][0] == shelf
    assert group_collections(api, group["id"]) == [
        {"id": int(shelf["id"]), "name": "Collection", "description": None}
    ]


def test_search_filters_and_sorts(api: httpx.Client) -> None:
    big, small, hidden = (create_group(api) for _ in range(3))
    alpha = create(api, name="Alpha course", public=True, groups=[{"id": big["id"]}])
    beta = create(
        api,
        name="beta 100%",
        public=False,
        groups=[{"id": big["id"]}, {"id": small["id"]}, {"id": hidden["id"]}],
    )
    gamma = create(api, name="Gamma COURSE", public=True, groups=[{"id": small["id"]}] * 2)
    every = [alpha["id"], beta["id"], gamma["id"]]

    assert found(api) == every
    assert found(api, {}) == every
    assert found(api, {"query": {}}) == every
    assert found(api, {"query": {"name": "course"}}) == [alpha["id"], gamma["id"]]
    assert found(api, {"query": {"name": "%"}}) == [beta["id"]]
    assert found(api, {"query": {"public": True}}) == [alpha["id"], gamma["id"]]
    assert found(api, {"query": {"public": False}}) == [beta["id"]]
    assert found(api, {"query": {"ids": [int(alpha["id"]), beta["id"], "x"]}}) == [
        alpha["id"],
        beta["id"],
    ]
    assert found(api, {"query": {"exclusion_list": [alpha["id"], "x", 2**70]}}) == [
        beta["id"],
        gamma["id"],
    ]
    assert found(api, {"query": {"ids": every, "exclusion_list": [beta["id"]]}}) == [
        alpha["id"],
        gamma["id"],
    ]

    assert found(api, {"sort": {"name": "desc"}}) == [gamma["id"], beta["id"], alpha["id"]]
    assert found(api, {"sort": {"groups_count": "desc"}}) == [beta["id"], alpha["id"], gamma["id"]]
    assert found(api, {"sort": {"groups_count": "ASC"}}) == [alpha["id"], gamma["id"], beta["id"]]
    assert found(api, {"sort": {"public": "desc", "name": "desc"}}) == [
        gamma["id"],
        alpha["id"],
        beta["id"],
    ]
    # The file's own example sorts on `field`, a key no collection has: it is ignored.
    assert found(api, {"sort": {"field": "asc"}}) == every
    assert found(api, {"sort": {"field": "asc", "name": "desc"}}) == [
        gamma["id"],
        beta["id"],
        alpha["id"],
    ]
    listed = search(api, {"query": {"ids": [beta["id"]]}})["collections"]
    assert listed == [beta] and beta["groups_count"] == 3


def test_search_paging(api: httpx.Client) -> None:
    created = [create(api, name=f"paged-{index}")["id"] for index in range(5)]
    first = search(api, {"meta": {"page_number": 1, "per_page": 2}})
    assert [item["id"] for item in first["collections"]] == created[:2]
    assert first["meta"] == {
        "current_page": 1,
        "next_page": 2,
        "prev_page": None,
        "total_pages": 3,
        "total_count": 5,
        "page_size": 2,
    }
    last = search(api, {"meta": {"page_number": "3", "per_page": "2"}})
    assert [item["id"] for item in last["collections"]] == created[4:]
    assert last["meta"]["next_page"] is None and last["meta"]["prev_page"] == 2
    assert search(api)["meta"]["page_size"] == 50
    assert search(api, {"meta": {"per_page": 1000}})["meta"]["page_size"] == 1000


def test_search_errors(api: httpx.Client) -> None:
    cases = [
        ({"sort": {"created_at": "up"}}, {"sort.created_at": ["must be one of: asc, desc"]}),
        ({"meta": {"per_page": 1001}}, {"meta.per_page": ["must be less than or equal to 1000"]}),
        ({"sort": {"name": "up"}}, {"sort.name": ["must be one of: asc, desc"]}),
        ({"sort": {"name": 1}}, {"sort.name": ["must be one of: asc, desc"]}),
        ({"sort": "name"}, {"sort": ["is invalid"]}),
        ({"meta": {"page_number": "x"}}, {"meta.page_number": ["is not a number"]}),
        ({"meta": {"page_number": 0}}, {"meta.page_number": ["must be greater than 0"]}),
        ({"meta": {"per_page": -5}}, {"meta.per_page": ["must be greater than 0"]}),
        ({"query": {"public": "perhaps"}}, {"query.public": ["is not a boolean"]}),
        ({"query": {"ids": 3}}, {"query.ids": ["is invalid"]}),
        ({"query": []}, {"query": ["is invalid"]}),
        (
            {"query": {"ids": list(range(1001)), "exclusion_list": list(range(1001))}},
            {
                "query.ids": ["is too long (maximum is 1000 items)"],
                "query.exclusion_list": ["is too long (maximum is 1000 items)"],
            },
        ),
    ]
    for body, errors in cases:
        response = api.post(SEARCH, json=body)
        assert response.status_code == 422, body
        assert response.json() == {"errors": errors}


def test_department_keys(
    api: httpx.Client, http: httpx.Client, database: Database, tenant: Tenant
) -> None:
    """Collections belong to the organization; a department key sees and changes only its
    department's groups in them."""
    department_id, scoped = department_client(http, database, tenant)
    main_group = create_group(api)
    own_group = create_group(scoped)
    mixed = create(api, groups=[{"id": main_group["id"]}, {"id": own_group["id"]}])
    mine = create(scoped, name="Mine", groups=[{"id": own_group["id"]}])
    assert mine["groups"] == [{"id": own_group["id"]}]

    seen = {item["id"]: item for item in search(scoped)["collections"]}
    assert set(seen) == {mixed["id"], mine["id"]}
    assert seen[mixed["id"]]["groups"] == [{"id": own_group["id"]}]
    assert seen[mixed["id"]]["groups_count"] == 1
    assert found(scoped, {"sort": {"groups_count": "desc", "name": "asc"}}) == [
        mixed["id"],
        mine["id"],
    ]
    assert found(api, {"sort": {"groups_count": "desc"}}) == [mixed["id"], mine["id"]]

    # Another department's group cannot be added, and nothing changes.
    refused = scoped.put(
        f"/v1/collections/{mine['id']}",
        json={"collection": {"name": "x", "groups": [{"id": main_group["id"]}]}},
    )
    assert refused.status_code == 422
    assert refused.json() == {"errors": {"groups": ["is invalid"]}}
    # Emptying the groups it sees keeps the other departments' groups in the collection.
    emptied = update(scoped, mixed["id"], groups=[])
    assert emptied["groups"] == [] and emptied["groups_count"] == 0
    as_admin = search(api, {"query": {"ids": [mixed["id"]]}})["collections"][0]
    assert as_admin["groups"] == [{"id": main_group["id"]}]

    # A collection holding another department's groups is not deleted by a department key.
    conflict = scoped.delete(f"/v1/collections/{mixed['id']}")
    assert conflict.status_code == 422
    assert conflict.json() == {
        "errors": "Collection has groups of other departments and cannot be deleted"
    }
    assert memberships(database, mixed["id"]) == 1
    assert scoped.delete(f"/v1/collections/{mine['id']}").status_code == 200
    assert api.delete(f"/v1/collections/{mixed['id']}").status_code == 200

    # Any of the organization's collections may hold the department's own groups.
    shared = create(api, name="Shared")
    group = create_group(scoped, collections=[{"id": shared["id"]}])
    assert group["department_id"] == department_id
    assert [c["id"] for c in group["collections"]] == [int(shared["id"])]
