"""Fixtures of the Open edX tests: a site connected to the test's tenant, and a client that
calls as edx-platform does (a JWT of the site's service user)."""

from collections.abc import Iterator

import httpx
import pytest

from plaudit.settings import Settings
from plaudit.store.db import Database
from tests.openedx.helpers import Site, connect_site, service_headers
from tests.support.live_server import LiveServer
from tests.support.tenants import Tenant


@pytest.fixture
def site(database: Database, settings: Settings, tenant: Tenant) -> Site:
    return connect_site(database, settings, tenant)


@pytest.fixture
def lms(live_server: LiveServer, site: Site) -> Iterator[httpx.Client]:
    """edx-platform: every request with a fresh JWT of the site's service user."""

    def sign(request: httpx.Request) -> None:
        request.headers.update(service_headers(site))

    with httpx.Client(
        base_url=live_server.base_url, timeout=30, event_hooks={"request": [sign]}
    ) as client:
        yield client
