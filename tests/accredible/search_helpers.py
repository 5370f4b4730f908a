"""Helpers for the tests of reading many credentials: requests, conformance, and rows written
straight into the database when a test needs many of them or needs to set their times."""

import copy
from datetime import UTC, date, datetime
from itertools import count
from typing import Any

import httpx
from sqlalchemy import insert, update

from plaudit.services.credentials import new_encoded_id
from plaudit.store.db import Database
from plaudit.store.tables import Credential
from tests.support.openapi import assert_conforms

_serial = count(1)
INVALID = "invalid_search_query"


def assert_v1_list_conforms(method: str, path: str, body: dict[str, Any]) -> None:
    """The list operations type `recipient.id` as a number (from their example's 772), the
    single-credential ones as a string. Plaudit returns the caller's text in both, as
    docs/compatibility.md says; everything else is validated as written."""
    checked = copy.deepcopy(body)
    for item in checked["credentials"]:
        assert item["recipient"]["id"] is None or isinstance(item["recipient"]["id"], str)
        item["recipient"]["id"] = None
    assert_conforms(method, path, 200, checked)


def all_credentials(api: httpx.Client, **params: Any) -> dict[str, Any]:
    response = api.get("/v1/all_credentials", params=params)
    assert response.status_code == 200, response.text
    assert_v1_list_conforms("get", "/v1/all_credentials", response.json())
    return response.json()


def search_v1(api: httpx.Client, body: dict[str, Any]) -> dict[str, Any]:
    response = api.post("/v1/credentials/search", json=body)
    assert response.status_code == 200, response.text
    assert_v1_list_conforms("post", "/v1/credentials/search", response.json())
    return response.json()


def search_v2(api: httpx.Client, body: dict[str, Any]) -> dict[str, Any]:
    response = api.post("/v2/credentials/search", json=body)
    assert response.status_code == 200, response.text
    assert_conforms("post", "/v2/credentials/search", 200, response.json())
    return response.json()


def ids(body: dict[str, Any]) -> list[int]:
    return [item["id"] for item in body["credentials"]]


def assert_invalid_query(response: httpx.Response, message: str) -> None:
    assert response.status_code == 400, response.text
    assert response.json() == {"code": 400, "message": message, "status": INVALID, "errors": {}}


def set_times(
    database: Database,
    credential_id: int,
    *,
    created_at: datetime | None = None,
    updated_at: datetime | None = None,
) -> None:
    values = {"created_at": created_at, "updated_at": updated_at}
    with database.transaction() as session:
        session.execute(
            update(Credential)
            .where(Credential.id == credential_id)
            .values({name: value for name, value in values.items() if value is not None})
        )


def insert_credentials(
    database: Database,
    *,
    organization_id: int,
    department_id: int,
    achievement_id: int,
    rows: list[dict[str, Any]],
) -> list[int]:
    """Credentials written in one statement, each row's own values over plain defaults."""
    now = datetime.now(UTC)
    values = []
    for row in rows:
        serial = next(_serial)
        email = row.pop("recipient_email", f"bulk-{serial}@example.com")
        values.append(
            {
                "organization_id": organization_id,
                "department_id": department_id,
                "achievement_id": achievement_id,
                "encoded_id": new_encoded_id(),
                "recipient_name": f"Learner {serial}",
                "recipient_email": email,
                "recipient_email_normalized": email.lower(),
                "name": "Bulk course",
                "description": "Inserted by a test.",
                "issued_on": date(2024, 1, 1),
                "created_at": now,
                "updated_at": now,
                **row,
            }
        )
    with database.transaction() as session:
        inserted = session.execute(insert(Credential).returning(Credential.id), values)
        return sorted(inserted.scalars())
