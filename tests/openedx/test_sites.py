"""Connecting Open edX sites (issue 12, item 1), on SQLite and PostgreSQL: `plaudit openedx
connect` stores the site with its secret encrypted under the server's secret, an issuer picks
one organization, and re-connecting updates the site."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from plaudit.dialects.openedx.auth import identify
from plaudit.domain.errors import Invalid, NotFound, Unauthenticated
from plaudit.server_secret import server_secret
from plaudit.services import openedx_sites
from plaudit.settings import Settings
from plaudit.store.db import Database
from plaudit.store.openedx_tables import OpenedxSite
from tests.openedx.helpers import Site, connect_site, jwt_headers, make_jwt
from tests.support.tenants import Tenant, make_tenant

PLAUDIT = str(Path(sys.executable).parent / "plaudit")
ISSUER = "https://lms.example.org/oauth2"


@pytest.fixture
def plaudit(database_url: str, settings: Settings):
    """Runs `plaudit ...` against the test database, with the live server's secret."""

    def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        env = {
            **os.environ,
            "PLAUDIT_DATABASE_URL": database_url,
            "PLAUDIT_DATA_DIR": str(settings.data_dir),
        }
        return subprocess.run(
            [PLAUDIT, *args], env=env, input=stdin, capture_output=True, text=True, timeout=60
        )

    return run


def _issuer(tenant: Tenant) -> str:
    return f"https://lms-{tenant.organization_id}.example.org/oauth2"


def test_connect_command_makes_tokens_of_the_site_work(
    plaudit, tenant: Tenant, database: Database, settings: Settings
):
    issuer = _issuer(tenant)
    result = plaudit(
        "openedx", "connect", "--org", str(tenant.organization_id),
        "--jwt-secret", "lms-secret-for-tests-0123456789", "--jwt-issuer", issuer,
        "--jwt-audience", "lms-key", "--service-username", "lms_worker", "--json",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    printed = json.loads(result.stdout)
    assert printed == {
        **printed,
        "organization_id": tenant.organization_id,
        "jwt_issuer": issuer,
        "jwt_audience": "lms-key",
        "service_username": "lms_worker",
    }
    assert "lms-secret-for-tests" not in result.stdout + result.stderr
    site = Site(
        tenant.organization_id, issuer, "lms-key", "lms-secret-for-tests-0123456789", "lms_worker"
    )
    with database.session(readonly=True) as session:
        caller = identify(
            session, server_secret(settings), jwt_headers(make_jwt(site))["Authorization"]
        )
    assert (caller.organization_id, caller.username, caller.is_staff) == (
        tenant.organization_id, "lms_worker", True,
    )  # fmt: skip


def test_connect_reads_the_secret_from_stdin(plaudit, tenant: Tenant, database: Database):
    result = plaudit(
        "openedx", "connect", "--org", str(tenant.organization_id), "--jwt-secret", "-",
        "--jwt-issuer", _issuer(tenant), "--jwt-audience", "lms-key",
        stdin="from-stdin-secret-0123456789\n",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"Connected {_issuer(tenant)} to organization ")


def test_connect_refuses_an_unknown_organization(plaudit):
    result = plaudit(
        "openedx", "connect", "--org", "987654321", "--jwt-secret", "s" * 20,
        "--jwt-issuer", ISSUER, "--jwt-audience", "lms-key",
    )  # fmt: skip
    assert result.returncode != 0
    assert "no organization 987654321" in result.stderr


def test_sites_command_lists_without_secrets(plaudit, site: Site):
    result = plaudit("openedx", "sites", "--org", str(site.organization_id), "--json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert [row["jwt_issuer"] for row in rows] == [site.issuer]
    assert site.secret not in result.stdout


def test_secret_is_stored_encrypted(database: Database, site: Site):
    with database.session(readonly=True) as session:
        row = session.scalar(select(OpenedxSite).where(OpenedxSite.jwt_issuer == site.issuer))
    assert row is not None
    assert site.secret.encode() not in row.jwt_secret_ciphertext


def test_the_decrypted_secret_stays_out_of_reprs(
    database: Database, settings: Settings, site: Site
):
    with database.session(readonly=True) as session:
        key = openedx_sites.site_key(session, server_secret(settings), site.issuer)
    assert key is not None and key.secret == site.secret.encode()
    assert site.secret not in repr(key)


def test_another_server_secret_cannot_read_the_site(database: Database, site: Site):
    with database.session(readonly=True) as session:
        assert openedx_sites.site_key(session, b"another-server-secret" * 2, site.issuer) is None
        with pytest.raises(Unauthenticated):
            identify(session, b"another-server-secret" * 2, f"JWT {make_jwt(site)}")


def test_reconnecting_updates_the_site(database: Database, settings: Settings, tenant: Tenant):
    first = connect_site(database, settings, tenant)
    again = connect_site(
        database, settings, tenant, issuer=first.issuer, audience="new-aud", service_username="x"
    )
    with database.session(readonly=True) as session:
        key = openedx_sites.site_key(session, server_secret(settings), first.issuer)
        count = len(openedx_sites.list_sites(session, tenant.organization_id))
    assert key is not None and count == 1
    assert (key.audience, key.secret, key.service_username) == (
        "new-aud",
        again.secret.encode(),
        "x",
    )


def test_an_issuer_belongs_to_one_organization(database: Database, settings: Settings, site: Site):
    other = make_tenant(database)
    with pytest.raises(Invalid) as refused, database.transaction() as session:
        openedx_sites.connect(
            session, server_secret(settings), organization_id=other.organization_id,
            jwt_secret="s" * 20, jwt_issuer=site.issuer, jwt_audience="a",
        )  # fmt: skip
    assert refused.value.fields == {"jwt_issuer": ["is connected to another organization"]}


def test_several_sites_may_share_an_organization(
    database: Database, settings: Settings, tenant: Tenant
):
    sites = [connect_site(database, settings, tenant) for _ in range(2)]
    with database.session(readonly=True) as session:
        for site in sites:
            caller = identify(session, server_secret(settings), f"JWT {make_jwt(site, 'l1')}")
            assert caller.organization_id == tenant.organization_id


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        pytest.param({"jwt_secret": ""}, {"jwt_secret": ["can't be blank"]}, id="no-secret"),
        pytest.param({"jwt_issuer": " "}, {"jwt_issuer": ["can't be blank"]}, id="no-issuer"),
        pytest.param(
            {"jwt_audience": "a" * 256},
            {"jwt_audience": ["is longer than 255 characters"]},
            id="long-audience",
        ),
    ],
)
def test_connect_checks_its_fields(
    database: Database, settings: Settings, tenant: Tenant, fields: dict, expected: dict
):
    values = {"jwt_secret": "s" * 20, "jwt_issuer": ISSUER, "jwt_audience": "a", **fields}
    with pytest.raises(Invalid) as refused, database.transaction() as session:
        openedx_sites.connect(
            session, server_secret(settings), organization_id=tenant.organization_id, **values
        )
    assert refused.value.fields == expected


def test_connect_to_missing_organization(database: Database, settings: Settings):
    with pytest.raises(NotFound), database.transaction() as session:
        openedx_sites.connect(
            session, server_secret(settings), organization_id=987654321,
            jwt_secret="s" * 20, jwt_issuer=ISSUER, jwt_audience="a",
        )  # fmt: skip
