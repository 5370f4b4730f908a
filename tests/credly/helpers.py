"""Credly clients: HTTP Basic with the token, and the organization's UUID for paths."""

import base64

from plaudit.store.db import Database
from plaudit.store.tables import Organization
from tests.support.tenants import Tenant


def basic(token: str, suffix: str = ":") -> dict[str, str]:
    """The Authorization header as Credly clients send it: `token:`, `token` or `token|`."""
    encoded = base64.b64encode(f"{token}{suffix}".encode()).decode()
    return {"Authorization": f"Basic {encoded}"}


def organization_uuid(database: Database, tenant: Tenant) -> str:
    with database.session(readonly=True) as session:
        organization = session.get(Organization, tenant.organization_id)
        assert organization is not None
        return str(organization.uuid)
