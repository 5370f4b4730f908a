"""`GET /v1/credentials/{id}` reads its rows with a fixed number of statements
(services/credential_reads.py), whatever the credential holds, and shows what the ORM did."""

import httpx

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


def test_a_credential_costs_four_statements_whatever_it_holds(
    api: httpx.Client, database: Database
) -> None:
    group_id = create_group(api)["id"]
    small, large = issue(api, group_id), issue(api, group_id, **MANY)
    for credential in (small, large):
        with counting_queries(database) as statements:
            response = api.get(f"/v1/credentials/{credential['id']}")
        assert response.status_code == 200
        # The key, the credential with its group and issuer, its evidence, its references.
        assert len(statements) == 4, statements


def test_the_read_shows_what_the_orm_rows_show(
    api: httpx.Client, database: Database, tenant: Tenant
) -> None:
    credential = issue(api, create_group(api)["id"], id="LIC-1", **MANY)
    scope = Scope(organization_id=tenant.organization_id)
    with database.session(readonly=True) as session:
        for ref in (str(credential["id"]), credential["encoded_id"], "LIC-1", " LIC-1 "):
            loaded = credentials.get(session, scope, ref)
            issuer = organizations.get_organization(session, scope.organization_id)
            shown = credential_reads.shown(session, scope, ref)
            base_url = "https://plaudit.example"
            assert mapping.credential_out(
                shown.credential, shown.issuer, base_url
            ) == mapping.credential_out(loaded, issuer, base_url)
