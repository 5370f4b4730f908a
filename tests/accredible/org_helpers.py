"""Helpers for the tests of a credential's evidence and references and of the organization's
structure (departments, attribute keys, team members)."""

from itertools import count
from typing import Any

import httpx
from sqlalchemy import func, select

from plaudit.store.db import Database
from tests.support.openapi import assert_conforms
from tests.support.tenants import Tenant, add_department, department_key

_serial = count(1)


def client_for(http: httpx.Client, key: str) -> httpx.Client:
    return httpx.Client(
        base_url=http.base_url, headers={"Authorization": f"Token token={key}"}, timeout=30
    )


def department_client(
    http: httpx.Client, database: Database, tenant: Tenant, name: str = "Engineering"
) -> tuple[int, httpx.Client]:
    """A new department of the tenant's organization, and a client with a key scoped to it."""
    department_id = add_department(database, tenant.organization_id, name)
    key = department_key(database, tenant.organization_id, department_id)
    return department_id, client_for(http, key)


def create_department(api: httpx.Client, **fields: Any) -> dict[str, Any]:
    body = {
        "name": f"department-{next(_serial)}",
        "url": "https://physics.example.org",
        "logo": "https://physics.example.org/logo.png",
        **fields,
    }
    response = api.post("/v1/departments", json={"department": body})
    assert response.status_code == 200, response.text
    assert_conforms("post", "/v1/departments", 200, response.json())
    return response.json()["department"]


def row_count(database: Database, table: Any, **where: Any) -> int:
    """How many rows of `table` have the given column values."""
    with database.session(readonly=True) as session:
        query = select(func.count()).select_from(table)
        for column, value in where.items():
            query = query.where(getattr(table, column) == value)
        return session.scalar(query) or 0
