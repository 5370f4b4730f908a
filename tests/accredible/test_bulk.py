"""Bulk issuance: v1 all-or-nothing up to 100, v2 item by item up to 30, and credits."""

import threading
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from plaudit.services import credits
from plaudit.store.db import Database
from plaudit.store.tables import Credential
from tests.accredible.helpers import create_group, credential_body, unique_email
from tests.support.openapi import assert_conforms
from tests.support.tenants import Tenant


def _item(group_id: int, **fields: Any) -> dict[str, Any]:
    return credential_body(group_id, **fields)["credential"]


def _count(database: Database, tenant: Tenant) -> int:
    with database.session(readonly=True) as session:
        return (
            session.scalar(
                select(func.count()).where(Credential.organization_id == tenant.organization_id)
            )
            or 0
        )


def _set_credits(database: Database, tenant: Tenant, amount: int | None) -> None:
    with database.transaction() as session:
        credits.set_balance(session, tenant.organization_id, amount)


@pytest.fixture
def group(api: httpx.Client) -> dict[str, Any]:
    return create_group(api)


def test_v1_creates_up_to_100(api: httpx.Client, group: dict[str, Any]) -> None:
    items = [_item(group["id"], issued_on="2026-01-02") for _ in range(100)]
    response = api.post("/v1/credentials/bulk_create", json={"credentials": items})
    assert response.status_code == 200, response.text
    # An object holding the credentials, as real clients read it (django-accredible does
    # `r.json()["credentials"]`), not the apiary example's malformed bare array.
    body = response.json()
    assert list(body) == ["credentials"] and len(body["credentials"]) == 100
    created = body["credentials"]
    assert [entry["recipient"]["email"] for entry in created] == [
        item["recipient"]["email"] for item in items
    ]
    assert all(type(entry["id"]) is int for entry in created)
    first = created[0]
    assert first["issued_on"] == "2026-01-02" and first["group_id"] == group["id"]
    assert api.get(f"/v1/credentials/{first['id']}").status_code == 200


def test_v1_more_than_100_is_refused_whole(
    api: httpx.Client, group: dict[str, Any], database: Database, tenant: Tenant
) -> None:
    items = [_item(group["id"]) for _ in range(101)]
    response = api.post("/v1/credentials/bulk_create", json={"credentials": items})
    assert response.status_code == 422
    assert response.json() == {
        "errors": {"credentials": ["is too long (maximum is 100 credentials)"]}
    }
    assert _count(database, tenant) == 0


def test_v1_one_bad_item_refuses_the_request(
    api: httpx.Client, group: dict[str, Any], database: Database, tenant: Tenant
) -> None:
    items = [
        _item(group["id"]),
        _item(group["id"], recipient={"email": "bad"}),
        _item(group["id"], issued_on="someday"),
        _item(999999999),
    ]
    response = api.post("/v1/credentials/bulk_create", json={"credentials": items})
    assert response.status_code == 422
    assert response.json() == {
        "errors": {
            "credentials[1].recipient.email": ["is invalid"],
            "credentials[2].issued_on": ["is not a valid date"],
            "credentials[3].group_id": ["is invalid"],
        }
    }
    assert _count(database, tenant) == 0


def test_v2_all_good_is_200(api: httpx.Client, group: dict[str, Any]) -> None:
    items = [_item(group["id"]) for _ in range(30)]
    response = api.post("/v2/credentials/bulk_create", json={"credentials": items})
    assert response.status_code == 200, response.text
    results = response.json()["results"]
    assert len(results) == 30 and all(set(r) == {"credential"} for r in results)


def test_v2_more_than_30_is_refused_whole(
    api: httpx.Client, group: dict[str, Any], database: Database, tenant: Tenant
) -> None:
    items = [_item(group["id"]) for _ in range(31)]
    response = api.post("/v2/credentials/bulk_create", json={"credentials": items})
    assert response.status_code == 422
    assert response.json() == {
        "errors": {"credentials": ["is too long (maximum is 30 credentials)"]}
    }
    assert _count(database, tenant) == 0


def test_v2_mixed_is_207_and_each_item_stands_alone(
    api: httpx.Client, group: dict[str, Any], database: Database, tenant: Tenant
) -> None:
    taken = unique_email()
    items = [
        _item(group["id"], recipient={"email": taken}),
        {"recipient": {"email": unique_email()}, "group_id": group["id"]},
        _item(group["id"], recipient={"email": taken}),
        "not an object",
        _item(group["id"], complete="perhaps"),
        _item(group["id"], evidence_items=[{"description": "x", "category": "hologram"}]),
        _item(group["id"]),
    ]
    response = api.post("/v2/credentials/bulk_create", json={"credentials": items})
    assert response.status_code == 207, response.text
    assert_conforms("post", "/v2/credentials/bulk_create", 207, response.json())
    results = response.json()["results"]
    assert [("credential" in r, "errors" in r) for r in results] == [
        (True, False),
        (False, True),
        (False, True),
        (False, True),
        (False, True),
        (False, True),
        (True, False),
    ]
    blank = results[1]["errors"]
    assert blank == results[1]["error"]
    assert blank["code"] == "credential_invalid"
    assert blank["message"] == "The credential is not valid"
    assert blank["details"] == [
        {
            "property": "recipient",
            "reason": "blank",
            "message": "Can not create credential without recipient data",
        }
    ]
    assert results[2]["errors"]["details"] == [
        {
            "property": "recipient.email",
            "reason": "taken",
            "message": "has already received a credential in this group",
        }
    ]
    assert results[4]["errors"]["details"][0]["property"] == "complete"
    assert results[5]["errors"]["details"][0]["property"] == "evidence_items[0].category"
    # The refused items wrote nothing, not even their evidence.
    assert _count(database, tenant) == 2


def test_v2_all_failed_is_422(api: httpx.Client) -> None:
    items = [_item(999999999), {"group_id": 1}]
    response = api.post("/v2/credentials/bulk_create", json={"credentials": items})
    assert response.status_code == 422
    assert_conforms("post", "/v2/credentials/bulk_create", 422, response.json())
    assert [r["errors"]["details"][0]["message"] for r in response.json()["results"]] == [
        "Invalid Group",
        "Can not create credential without recipient data",
    ]


def test_duplicates_inside_one_request(api: httpx.Client, group: dict[str, Any]) -> None:
    email = unique_email()
    items = [_item(group["id"], recipient={"email": email}) for _ in range(3)]
    v2 = api.post("/v2/credentials/bulk_create", json={"credentials": items})
    assert v2.status_code == 207
    assert ["credential" in r for r in v2.json()["results"]] == [True, False, False]
    again = api.post("/v1/credentials/bulk_create", json={"credentials": items[:1]})
    assert again.status_code == 422


def test_duplicates_across_two_concurrent_requests(
    api: httpx.Client, group: dict[str, Any], database: Database, tenant: Tenant
) -> None:
    """Two requests racing with the same recipients: exactly one credential per email wins."""
    emails = [unique_email() for _ in range(20)]
    body = {"credentials": [_item(group["id"], recipient={"email": e}) for e in emails]}
    barrier = threading.Barrier(2)
    statuses: list[int] = []

    def send() -> None:
        with httpx.Client(base_url=api.base_url, headers=api.headers, timeout=60) as client:
            barrier.wait()
            statuses.append(client.post("/v2/credentials/bulk_create", json=body).status_code)

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) in ([200, 422], [207, 207])
    with database.session(readonly=True) as session:
        stored = session.scalars(
            select(Credential.recipient_email).where(
                Credential.organization_id == tenant.organization_id
            )
        ).all()
    assert sorted(stored) == sorted(emails)


def test_insufficient_credits_creates_unpublished(
    api: httpx.Client, group: dict[str, Any], database: Database, tenant: Tenant
) -> None:
    _set_credits(database, tenant, 2)
    items = [_item(group["id"]) for _ in range(3)]
    response = api.post("/v2/credentials/bulk_create", json={"credentials": items})
    assert response.status_code == 207
    assert_conforms("post", "/v2/credentials/bulk_create", 207, response.json())
    results = response.json()["results"]
    assert [r["credential"]["approve"] for r in results] == [True, True, False]
    assert results[2]["errors"] == {
        "code": "insufficient_credits",
        "message": "The credential was created but not published.",
    }
    details = api.get("/v1/issuer/details").json()["issuer"]
    assert details["certificate_left"] == 0

    # Single create and v1 bulk also create unpublished credentials.
    single = api.post("/v1/credentials", json=credential_body(group["id"]))
    assert single.status_code == 200 and single.json()["credential"]["approve"] is False
    v1 = api.post("/v1/credentials/bulk_create", json={"credentials": [_item(group["id"])]})
    assert v1.status_code == 200 and v1.json()["credentials"][0]["approve"] is False

    # Publishing needs a credit; once there is one, it works.
    unpublished = results[2]["credential"]["id"]
    refused = api.put(f"/v1/credentials/{unpublished}", json={"credential": {"approve": True}})
    assert refused.status_code == 422
    assert refused.json() == {"errors": "Insufficient credits to publish this credential"}
    _set_credits(database, tenant, 1)
    published = api.put(f"/v1/credentials/{unpublished}", json={"credential": {"approve": True}})
    assert published.status_code == 200 and published.json()["credential"]["approve"] is True
    assert api.get("/v1/issuer/details").json()["issuer"]["certificate_left"] == 0


def test_unpublished_on_request_uses_no_credit(
    api: httpx.Client, group: dict[str, Any], database: Database, tenant: Tenant
) -> None:
    _set_credits(database, tenant, 1)
    draft = api.post("/v1/credentials", json=credential_body(group["id"], approve=False))
    assert draft.json()["credential"]["approve"] is False
    assert api.get("/v1/issuer/details").json()["issuer"]["certificate_left"] == 1


def test_bulk_needs_a_key_before_anything_else(http: httpx.Client) -> None:
    for path in ("/v1/credentials/bulk_create", "/v2/credentials/bulk_create"):
        response = http.post(path, json={"credentials": "nope"})
        assert response.status_code == 401


@pytest.mark.parametrize("body", [{}, {"credentials": []}, {"credentials": "x"}, [1]])
def test_bulk_bodies_of_the_wrong_shape(api: httpx.Client, body: object) -> None:
    for path in ("/v1/credentials/bulk_create", "/v2/credentials/bulk_create"):
        assert api.post(path, json=body).status_code == 422
