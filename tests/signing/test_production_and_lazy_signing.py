"""Production mode refuses weak secrets; credentials issued without signing are signed on first
request, once."""

import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pydantic import SecretStr

from plaudit.app import create_app
from plaudit.domain.credentials import CredentialFields, RecipientData
from plaudit.domain.scope import Scope
from plaudit.server_secret import InsecureSecret
from plaudit.services import credentials, signing
from plaudit.settings import Settings
from plaudit.store.db import Database
from plaudit.store.tables import Achievement, Organization
from tests.support.tenants import Tenant

STRONG = "q7Vf2mZ0xL9cR4tB8nW1yK6hJ3pD5sG0aE2uI7oT"


def production(tmp_path: Path, secret: str | None) -> Settings:
    return Settings(
        data_dir=tmp_path,
        env="production",
        secret_key=SecretStr(secret) if secret else None,
        worker_in_process=False,
    )


@pytest.mark.parametrize(
    "secret", [None, "change-me-change-me-change-me-change-me", "a" * 40, "0123456701234567" * 2]
)
def test_production_refuses_a_missing_or_placeholder_secret(
    tmp_path: Path, secret: str | None
) -> None:
    with pytest.raises(InsecureSecret):
        create_app(production(tmp_path, secret), Database(f"sqlite:///{tmp_path}/p.db"))


def test_production_starts_with_a_real_secret_and_development_with_none(tmp_path: Path) -> None:
    database = Database(f"sqlite:///{tmp_path}/p.db")
    assert create_app(production(tmp_path, STRONG), database).state.server_secret == STRONG.encode()
    create_app(Settings(data_dir=tmp_path, worker_in_process=False), database)
    database.dispose()


def test_plaudit_serve_refuses_with_a_clear_message(tmp_path: Path) -> None:
    env = {key: value for key, value in os.environ.items() if not key.startswith("PLAUDIT_")} | {
        "PLAUDIT_ENV": "production",
        "PLAUDIT_DATA_DIR": str(tmp_path),
    }
    plaudit = Path(sys.executable).parent / "plaudit"
    done = subprocess.run(
        [str(plaudit), "serve"], env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 1
    assert "PLAUDIT_SECRET_KEY" in done.stderr
    assert not (tmp_path / "plaudit.db").exists()  # refused before touching anything


def test_a_credential_issued_unsigned_is_signed_once_on_demand(
    database: Database, tenant: Tenant
) -> None:
    signer = signing.Signer("https://plaudit.example.org", STRONG.encode())
    scope = Scope(organization_id=tenant.organization_id)
    with database.transaction() as session:
        achievement = Achievement(
            organization_id=tenant.organization_id,
            department_id=tenant.default_department_id,
            name="lazy",
            course_name="Lazy signing",
            course_description="Signed when first asked for.",
        )
        session.add(achievement)
        session.flush()
        fields = CredentialFields(
            recipient=RecipientData(name="Ada", email="ada.lazy@example.com"),
            achievement_ref=achievement.id,
        )
        issued = credentials.issue(session, scope, fields, today=datetime.now(UTC).date())
        credential_id = issued.credential.id
    with database.transaction() as session:
        credential = session.get(type(issued.credential), credential_id)
        organization = session.get(Organization, tenant.organization_id)
        assert signing.current(session, credential, organization, signer) is None
        forms = signing.sign(session, credential, organization, signer)
    with database.session() as session:
        credential = session.get(type(issued.credential), credential_id)
        organization = session.get(Organization, tenant.organization_id)
        assert signing.current(session, credential, organization, signer) == forms
    with database.transaction() as session:
        credential = session.get(type(issued.credential), credential_id)
        organization = session.get(Organization, tenant.organization_id)
        assert signing.sign(session, credential, organization, signer) == forms  # not re-signed
