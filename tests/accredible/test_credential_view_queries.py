"""`GET /v1/credentials/{id}` reads its key and rows with at most three statements
(services/credential_reads.py), whatever the credential holds, and shows what the ORM did."""

from typing import Any

import httpx
import pytest
from sqlalchemy import event

from plaudit.dialects.accredible import mapping
from plaudit.domain.scope import Scope
from plaudit.services import credential_reads, credentials, organizations
from plaudit.store.db import Database
from tests.accredible.helpers import create_group, issue
from tests.support.statements import counting_queries
from tests.support.tenants import Tenant

MANY = {
    "evidence_items": [
        {"description": f"Item {n}", "category": "url", "url": f"https://example.org/{n}"}
        for n in range(12)
    ]
    + [{"description": "Grade", "category": "grade", "string_object": "80"}],
    "references": [
        {"description": f"Reference {n}", "relationship": "worked", "referee": {"name": "R"}}
        for n in range(8)
    ],
}


def test_a_credential_costs_one_statement_and_one_per_collection_it_holds(
    api: httpx.Client, database: Database
) -> None:
    group_id = create_group(api)["id"]
    small, large = issue(api, group_id), issue(api, group_id, **MANY)
    # The key, the credential with its group and issuer, whether it has evidence or references:
    # one statement; then its evidence and its references, each only if it has some.
    for credential, expected in ((small, 1), (large, 3)):
        for _ in range(2):  # the first read of a server opens its connection; later ones reuse it
            with counting_queries(database) as statements:
                response = api.get(f"/v1/credentials/{credential['id']}")
            assert response.status_code == 200
            assert len(statements) == expected, statements


def test_the_read_shows_what_the_orm_rows_show(
    api: httpx.Client, database: Database, tenant: Tenant
) -> None:
    credential = issue(api, create_group(api)["id"], id="LIC-1", **MANY)
    scope = Scope(organization_id=tenant.organization_id)
    with database.session(readonly=True) as session, database.engine.connect() as connection:
        for ref in (str(credential["id"]), credential["encoded_id"], "LIC-1", " LIC-1 "):
            loaded = credentials.get(session, scope, ref)
            issuer = organizations.get_organization(session, scope.organization_id)
            shown = credential_reads.shown_to_key(connection, tenant.api_key, ref)
            base_url = "https://plaudit.example"
            assert mapping.credential_out(
                shown.credential, shown.issuer, base_url
            ) == mapping.credential_out(loaded, issuer, base_url)


def test_the_read_finds_the_credential_by_its_names_not_among_its_organizations(
    api: httpx.Client, database: Database
) -> None:
    """SQLite: by the license id, encoded id and id indexes (a MULTI-INDEX OR), never by a walk
    over the organization's credentials."""
    if not database.is_sqlite:
        pytest.skip("EXPLAIN QUERY PLAN is SQLite's")
    credential = issue(api, create_group(api)["id"])
    sent: list[tuple[str, Any]] = []

    def remember(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if "secret_hash" in statement:
            sent.append((statement, parameters))

    event.listen(database.engine, "before_cursor_execute", remember)
    try:
        assert api.get(f"/v1/credentials/{credential['id']}").status_code == 200
    finally:
        event.remove(database.engine, "before_cursor_execute", remember)
    [(statement, parameters)] = sent
    with database.engine.connect() as connection:
        plan = [
            row[3]
            for row in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)
        ]
    assert "MULTI-INDEX OR" in plan, plan
    assert not any(
        "credentials USING INDEX ix_credentials_organization_id_" in step
        and "license_id" not in step
        for step in plan
    ), plan
