"""One member of each role in the test's tenant, for the dashboard's test modules (a module that
needs another kind of member defines its own fixture of that name)."""

import pytest

from plaudit.store.db import Database
from tests.support.dashboard import Member, make_member
from tests.support.tenants import Tenant


@pytest.fixture
def owner(database: Database, tenant: Tenant) -> Member:
    return make_member(database, tenant.organization_id, "owner")


@pytest.fixture
def admin(database: Database, tenant: Tenant) -> Member:
    return make_member(database, tenant.organization_id, "admin")


@pytest.fixture
def issuer(database: Database, tenant: Tenant) -> Member:
    return make_member(database, tenant.organization_id, "issuer")


@pytest.fixture
def viewer(database: Database, tenant: Tenant) -> Member:
    return make_member(database, tenant.organization_id, "viewer")
