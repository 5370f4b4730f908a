"""Issuance in two steps (services/issuance.py): what `prepare` drew and signed still lands
right when another transaction got there first, and a batch costs a bounded number of
statements however many credentials it holds."""

import json
from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from joserfc import jwt
from joserfc.jwk import OKPKey
from sqlalchemy import insert, select

from plaudit.domain.credentials import CredentialFields, RecipientData
from plaudit.domain.errors import Duplicate
from plaudit.domain.scope import Scope
from plaudit.openbadges import data_integrity, keys, status_list, vc_jwt
from plaudit.server_secret import server_secret
from plaudit.services import issuance
from plaudit.services.credentials import Issued
from plaudit.services.signing import Signer
from plaudit.settings import Settings
from plaudit.store.db import Database
from plaudit.store.signing_tables import SignedCredential, SigningKey, StatusEntry
from plaudit.store.tables import Credential, Organization
from tests.accredible.helpers import create_group, issue
from tests.support.statements import counting_queries
from tests.support.tenants import Tenant

TODAY = datetime.now(UTC).date()


def _fields(group_id: int, email: str) -> CredentialFields:
    return CredentialFields(
        achievement_ref=group_id, recipient=RecipientData(name="Ada Lovelace", email=email)
    )


def _signer(settings: Settings) -> Signer:
    return Signer("https://plaudit.example.org", server_secret(settings))


def _prepare(
    database: Database, tenant: Tenant, settings: Settings, items: list[CredentialFields]
) -> list[Any]:
    with database.session(readonly=True) as session:
        return issuance.prepare(
            session,
            Scope(tenant.organization_id),
            items,
            today=TODAY,
            signer=_signer(settings),
        )


def _signed_document(database: Database, credential_id: int) -> dict[str, Any]:
    with database.session() as session:
        stored = session.scalar(
            select(SignedCredential).where(SignedCredential.credential_id == credential_id)
        )
        return json.loads(stored.document)


def _verifies_with_the_stored_key(database: Database, document: dict[str, Any]) -> None:
    method = data_integrity.proof_of(document)["verificationMethod"]
    with database.session() as session:
        rows = session.scalars(select(SigningKey)).all()
    (row,) = [row for row in rows if method.endswith("#" + keys.multikey(row))]
    data_integrity.verify_proof(document, keys.public_key(row))


def test_a_status_place_taken_meanwhile_is_drawn_again_and_signed_again(
    api: httpx.Client, database: Database, tenant: Tenant, settings: Settings
) -> None:
    group = create_group(api)
    (prepared,) = _prepare(database, tenant, settings, [_fields(group["id"], "a@example.com")])
    place = prepared.place
    with database.transaction() as session:
        if prepared.opens_list:
            status_list.make_list(
                session, tenant.organization_id, status_list.REVOCATION, place.list_number
            )
        session.execute(
            insert(StatusEntry),
            {
                "organization_id": tenant.organization_id,
                "purpose": status_list.REVOCATION,
                "list_number": place.list_number,
                "index": place.index,
                "credential_encoded_id": "another",
                "credential_uuid": uuid4(),
                "is_set": False,
            },
        )
    with database.transaction() as session:
        issued = issuance.write_one(session, prepared)
    with database.session() as session:
        entry = status_list.entry_of(session, issued.credential.id)
    assert (entry.list_number, entry.index) != (place.list_number, place.index)
    document = _signed_document(database, issued.credential.id)
    assert document["credentialStatus"]["statusListIndex"] == str(entry.index)
    _verifies_with_the_stored_key(database, document)


def test_a_first_key_made_meanwhile_by_another_request_signs_instead_of_ours(
    api: httpx.Client, database: Database, tenant: Tenant, settings: Settings
) -> None:
    """Two requests prepared while the organization had no key each made one; the one that
    writes second signs again with the key the first stored."""
    group = create_group(api)
    (first,) = _prepare(database, tenant, settings, [_fields(group["id"], "one@example.com")])
    (second,) = _prepare(database, tenant, settings, [_fields(group["id"], "two@example.com")])
    assert first.signing.new_key and second.signing.new_key
    with database.transaction() as session:
        one = issuance.write_one(session, first)
    with database.transaction() as session:
        two = issuance.write_one(session, second)
    with database.session() as session:
        assert (
            len(
                session.scalars(
                    select(SigningKey).where(SigningKey.organization_id == tenant.organization_id)
                ).all()
            )
            == 1
        )
    methods = set()
    for issued in (one, two):
        document = _signed_document(database, issued.credential.id)
        _verifies_with_the_stored_key(database, document)
        methods.add(data_integrity.proof_of(document)["verificationMethod"])
    assert len(methods) == 1


def test_a_key_rotated_elsewhere_signs_the_next_credential_at_once(
    api: httpx.Client, database: Database, tenant: Tenant, settings: Settings
) -> None:
    """The server keeps keys it has unlocked, but asks which key is the newest every time."""
    group = create_group(api)
    before = issue(api, group["id"])
    with database.transaction() as session:
        organization = session.get(Organization, tenant.organization_id)
        rotated = keys.rotate(session, organization, server_secret(settings))
        newest = keys.multikey(rotated)
    after = issue(api, group["id"])
    old = data_integrity.proof_of(_signed_document(database, before["id"]))
    new = data_integrity.proof_of(_signed_document(database, after["id"]))
    assert new["verificationMethod"].endswith("#" + newest)
    assert not old["verificationMethod"].endswith("#" + newest)
    _verifies_with_the_stored_key(database, _signed_document(database, after["id"]))


def test_a_duplicate_issued_meanwhile_is_refused_at_write_and_the_others_are_written(
    api: httpx.Client, database: Database, tenant: Tenant, settings: Settings
) -> None:
    group = create_group(api)
    prepared = _prepare(
        database,
        tenant,
        settings,
        [_fields(group["id"], "first@example.com"), _fields(group["id"], "raced@example.com")],
    )
    issue(api, group["id"], recipient={"name": "Raced", "email": "raced@example.com"})
    with database.transaction() as session:
        written, refused = issuance.write(session, prepared)
    assert isinstance(written, Issued) and written.credential.id is not None
    assert isinstance(refused, Duplicate) and "recipient.email" in refused.fields
    with database.session() as session:
        emails = session.scalars(
            select(Credential.recipient_email).where(Credential.achievement_id == group["id"])
        ).all()
    assert sorted(emails) == ["first@example.com", "raced@example.com"]
    _verifies_with_the_stored_key(database, _signed_document(database, written.credential.id))


def test_a_duplicate_within_one_batch_is_refused_before_anything_is_written(
    api: httpx.Client, database: Database, tenant: Tenant, settings: Settings
) -> None:
    group = create_group(api)
    first, second = _prepare(
        database,
        tenant,
        settings,
        [_fields(group["id"], "twice@example.com"), _fields(group["id"], "Twice@Example.com")],
    )
    assert isinstance(first, issuance.Prepared)
    assert isinstance(second, Duplicate) and "recipient.email" in second.fields


def _bulk(api: httpx.Client, group_id: int, count: int, label: str) -> None:
    bodies = [
        {"recipient": {"name": f"L {n}", "email": f"{label}-{n}@example.com"}, "group_id": group_id}
        for n in range(count)
    ]
    created = api.post("/v1/credentials/bulk_create", json={"credentials": bodies})
    assert created.status_code == 200, created.text
    assert len(created.json()["credentials"]) == count


def test_a_bulk_create_sends_as_many_statements_for_a_hundred_as_for_two(
    api: httpx.Client, database: Database
) -> None:
    """One executemany per table: credentials, events, status entries, signed forms. Only
    the per-item pre-checks (duplicate email; a license id when given) grow with the batch."""
    group = create_group(api)
    _bulk(api, group["id"], 1, "warm")  # the organization's key, list and DID exist now
    counts = {}
    for count in (2, 100):
        with counting_queries(database) as statements:
            _bulk(api, group["id"], count, f"batch{count}")
        writes = [s for s in statements if s.lstrip().upper().startswith("INSERT")]
        assert len(writes) == 4, writes
        counts[count] = len(statements)
    assert counts[100] - counts[2] <= 98  # one duplicate pre-check per further credential


def test_the_jwt_is_byte_for_byte_what_joserfc_makes() -> None:
    """vc_jwt signs without joserfc's per-call set-up; the token must not change for it."""
    private_key = Ed25519PrivateKey.generate()
    document = {
        "issuer": {"id": "did:web:example.org%3A8000:orgs:1"},
        "validFrom": "2026-01-01T00:00:00Z",
        "validUntil": "2027-01-01T00:00:00Z",
        "name": "Ünïcode ✓ \u2028 </script>",
        "credentialSubject": {"id": "urn:uuid:1", "score": 1.5},
    }
    kid = "did:web:example.org%3A8000:orgs:1#z6Mk"
    header = {"alg": vc_jwt.ALGORITHM, "kid": kid, "typ": vc_jwt.TYPE}
    expected = jwt.encode(
        header,
        vc_jwt.claims(document),
        OKPKey.import_key(private_key),
        algorithms=[vc_jwt.ALGORITHM],
    )
    assert vc_jwt.sign_jwt(document, private_key, kid) == expected


def test_a_single_create_raced_by_a_duplicate_is_refused_at_write(
    api: httpx.Client, database: Database, tenant: Tenant, settings: Settings
) -> None:
    group = create_group(api)
    (prepared,) = _prepare(database, tenant, settings, [_fields(group["id"], "one@example.com")])
    issue(api, group["id"], recipient={"name": "First", "email": "one@example.com"})
    with pytest.raises(Duplicate) as refused, database.transaction() as session:
        issuance.write_one(session, prepared)
    assert "recipient.email" in refused.value.fields
    with database.session() as session:
        emails = session.scalars(
            select(Credential.recipient_email).where(Credential.achievement_id == group["id"])
        ).all()
    assert emails == ["one@example.com"]
