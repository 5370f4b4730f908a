"""Fresh organizations with API keys, made straight through the services."""

from dataclasses import dataclass

from plaudit.services import api_keys, organizations
from plaudit.store.db import Database
from plaudit.store.tables import Department


@dataclass(frozen=True)
class Tenant:
    organization_id: int
    default_department_id: int
    api_key: str


def make_tenant(database: Database, name: str = "Test Academy") -> Tenant:
    with database.transaction() as session:
        organization = organizations.create_organization(
            session, name, email="issuer@example.org", url="https://issuer.example.org"
        )
        department = organizations.default_department(session, organization.id)
        issued = api_keys.create_key(session, organization.id, label="tests")
        return Tenant(organization.id, department.id, issued.plaintext)


def add_department(database: Database, organization_id: int, name: str) -> int:
    with database.transaction() as session:
        department = Department(organization_id=organization_id, name=name)
        session.add(department)
        session.flush()
        return department.id


def department_key(database: Database, organization_id: int, department_id: int) -> str:
    with database.transaction() as session:
        return api_keys.create_key(session, organization_id, department_id).plaintext
