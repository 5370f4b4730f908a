"""bench/bulk_floor.py writes what the server itself would store: the signed forms it stores
for a credential are the ones Plaudit serves as current (same content hash) and they verify."""

from pathlib import Path

from sqlalchemy import func, select

from bulk_floor import measure_floor
from plaudit.openbadges import keys
from plaudit.openbadges.data_integrity import verify_proof
from plaudit.openbadges.vc_jwt import verify_jwt
from plaudit.services import organizations, signing
from plaudit.store.db import Database
from plaudit.store.migrate import upgrade
from plaudit.store.signing_tables import StatusEntry
from plaudit.store.tables import Credential, Organization

SIGNER = signing.Signer("http://plaudit.test", b"floor-test-secret-" * 4)


def test_the_floor_stores_credentials_the_server_serves_as_signed(tmp_path: Path) -> None:
    database = Database(f"sqlite:///{tmp_path / 'floor.db'}")
    upgrade(database.engine)
    with database.transaction() as session:
        organizations.ensure_organization(session, "Floor organization")
    try:
        result = measure_floor(database, SIGNER, 150)
        with database.session() as session:
            stored = session.scalars(select(Credential)).all()
            entries = session.scalar(select(func.count(func.distinct(StatusEntry.index))))
            organization = session.get_one(Organization, stored[0].organization_id)
            public_key = keys.public_key(keys.published_keys(session, organization.id)[0])
            for credential in (stored[0], stored[-1]):
                forms = signing.current(session, credential, organization, SIGNER)
                assert forms is not None
                verify_proof(forms.parsed(), public_key)
                verify_jwt(forms.jwt, public_key)
    finally:
        database.dispose()
    assert result.credentials == len(stored) == entries == 150
