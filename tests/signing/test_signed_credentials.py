"""Issued credentials as signed Open Badges 3.0 credentials, over real HTTP on both databases:
stable URLs and content negotiation, the 1EdTech schema, both proofs, DID documents, rotation,
and keys encrypted at rest."""

import json
from pathlib import Path
from typing import Any

import httpx
import jsonschema
from sqlalchemy import select

from plaudit.openbadges import data_integrity, did, keys, vc_jwt
from plaudit.server_secret import server_secret
from plaudit.settings import Settings
from plaudit.store.db import Database
from plaudit.store.signing_tables import SigningKey
from plaudit.store.tables import Organization
from tests.accredible.helpers import create_group, issue
from tests.support.tenants import Tenant

SCHEMA = json.loads(
    (
        Path(__file__).resolve().parents[1] / "data/openbadges/achievementcredential.schema.json"
    ).read_text()
)


def encoded_id(credential: dict[str, Any]) -> str:
    return credential["url"].rstrip("/").rsplit("/", 1)[1]


def issued(api: httpx.Client, **fields: Any) -> tuple[dict[str, Any], str]:
    group = create_group(api, learning_outcomes=["Python", "Loops"])
    credential = issue(
        api,
        group["id"],
        evidence_items=[
            {"description": "Capstone", "url": "https://example.org/capstone", "category": "url"}
        ],
        **fields,
    )
    return credential, encoded_id(credential)


def resolved_key(database: Database, base_url: str, document: dict[str, Any]):
    method = data_integrity.proof_of(document)["verificationMethod"]
    with database.session() as session:
        return did.resolve_did(session, base_url, method)[method]


def test_an_issued_credential_is_a_valid_signed_open_badge(
    api: httpx.Client, database: Database, live_server
) -> None:
    _, encoded = issued(api)
    response = api.get(f"/c/{encoded}/credential.json")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/vc+ld+json")
    document = response.json()
    assert document["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert document["@context"][1] == "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
    jsonschema.Draft201909Validator(SCHEMA).validate(document)
    subject = document["credentialSubject"]
    identity = subject["identifier"][0]
    assert identity["identityHash"].startswith("sha256$") and identity["hashed"] is True
    assert "@" not in json.dumps(subject)  # the email is only ever hashed
    assert subject["achievement"]["tag"] == ["Python", "Loops"]
    assert document["evidence"][0]["id"] == "https://example.org/capstone"
    assert document["credentialStatus"]["type"] == "BitstringStatusListEntry"
    assert document["issuer"]["id"].startswith("did:web:127.0.0.1%3A")
    data_integrity.verify_proof(document, resolved_key(database, live_server.base_url, document))


def test_the_jwt_form_verifies_and_matches_the_json_ld_form(
    api: httpx.Client, database: Database, live_server
) -> None:
    _, encoded = issued(api)
    document = api.get(f"/c/{encoded}/credential.json").json()
    token = api.get(f"/c/{encoded}/credential.jwt")
    assert token.headers["content-type"].startswith("application/vc+jwt")
    header = vc_jwt.header_of(token.text)
    assert header["kid"] == data_integrity.proof_of(document)["verificationMethod"]
    payload = vc_jwt.verify_jwt(token.text, resolved_key(database, live_server.base_url, document))
    unsigned = {key: value for key, value in document.items() if key != "proof"}
    assert {key: payload[key] for key in unsigned} == unsigned
    assert payload["iss"] == document["issuer"]["id"]


def test_the_public_url_negotiates_the_signed_forms(api: httpx.Client) -> None:
    _, encoded = issued(api)
    stable = api.get(f"/c/{encoded}/credential.json").text
    as_json = api.get(f"/c/{encoded}", headers={"Accept": "application/vc+ld+json"})
    assert as_json.status_code == 200 and as_json.text == stable
    as_jwt = api.get(f"/c/{encoded}", headers={"Accept": "application/vc+jwt"})
    assert as_jwt.text == api.get(f"/c/{encoded}/credential.jwt").text
    page = api.get(f"/c/{encoded}", headers={"Accept": "text/html,*/*;q=0.8"})
    assert page.headers["content-type"].startswith("text/html")


def test_the_signed_document_changes_only_with_the_credential(api: httpx.Client) -> None:
    credential, encoded = issued(api)
    first = api.get(f"/c/{encoded}/credential.json")
    again = api.get(f"/c/{encoded}/credential.json")
    assert again.text == first.text
    etag = first.headers["etag"]
    cached = api.get(f"/c/{encoded}/credential.json", headers={"If-None-Match": etag})
    assert cached.status_code == 304
    api.patch(f"/v1/credentials/{credential['id']}", json={"credential": {"name": "Renamed"}})
    changed = api.get(f"/c/{encoded}/credential.json")
    assert changed.json()["name"] == "Renamed"
    assert changed.headers["etag"] != etag
    group_id = credential["group"]["id"] if "group" in credential else credential["group_id"]
    api.put(f"/v1/issuer/groups/{group_id}", json={"group": {"course_name": "Advanced"}})
    regrouped = api.get(f"/c/{encoded}/credential.json").json()
    assert regrouped["credentialSubject"]["achievement"]["name"] == "Advanced"


def test_unknown_and_private_credentials_are_not_served(
    api: httpx.Client, http: httpx.Client
) -> None:
    assert http.get("/c/nosuchcred/credential.json").status_code == 404
    _, encoded = issued(api, private=True)
    refused = http.get(f"/c/{encoded}/credential.json")
    assert refused.status_code == 403
    assert refused.json() == {"errors": "Private Certificate, use key"}


def _organization(database: Database, tenant: Tenant) -> Organization:
    with database.session() as session:
        return session.get(Organization, tenant.organization_id)


def test_the_did_document_lists_every_key_and_rotation_keeps_old_credentials_valid(
    api: httpx.Client,
    http: httpx.Client,
    database: Database,
    tenant: Tenant,
    settings: Settings,
    live_server,
) -> None:
    _, encoded = issued(api)
    before = api.get(f"/c/{encoded}/credential.json").json()
    organization = _organization(database, tenant)
    did_url = f"/orgs/{organization.uuid}/did.json"
    document = http.get(did_url).json()
    assert document["@context"] == [
        "https://www.w3.org/ns/did/v1",
        "https://w3id.org/security/multikey/v1",
    ]
    assert document["id"] == before["issuer"]["id"]
    (method,) = document["verificationMethod"]
    assert method["type"] == "Multikey" and method["publicKeyMultibase"].startswith("z6Mk")
    assert method["controller"] == document["id"]
    assert (
        document["assertionMethod"]
        == [method["id"]]
        == [data_integrity.proof_of(before)["verificationMethod"]]
    )

    with database.transaction() as session:
        keys.rotate(
            session, session.get(Organization, tenant.organization_id), server_secret(settings)
        )

    rotated = http.get(did_url).json()
    assert len(rotated["assertionMethod"]) == 2 and rotated["assertionMethod"][1] == method["id"]
    data_integrity.verify_proof(before, resolved_key(database, live_server.base_url, before))
    after = api.get(f"/c/{encoded}/credential.json").json()
    assert data_integrity.proof_of(after)["verificationMethod"] == rotated["assertionMethod"][0]
    data_integrity.verify_proof(after, resolved_key(database, live_server.base_url, after))


def test_private_keys_are_encrypted_at_rest(
    api: httpx.Client, database: Database, tenant: Tenant, settings: Settings
) -> None:
    issued(api)
    organization = _organization(database, tenant)
    secret = server_secret(settings)
    with database.session() as session:
        row = session.scalar(
            select(SigningKey).where(SigningKey.organization_id == tenant.organization_id)
        )
        assert row is not None
        raw = keys.unlock(row, organization, secret).private_key.private_bytes_raw()
        stored = b"".join(
            value if isinstance(value, bytes) else str(value).encode()
            for value in session.execute(
                select(SigningKey.__table__).where(SigningKey.id == row.id)
            ).one()
        )
        assert raw not in stored
        assert row.encryption_key_id == keys.encryption_key_id(secret)
        try:
            keys.unlock(row, organization, b"another secret of at least 32 chars!!")
        except keys.KeyUnavailable:
            pass
        else:
            raise AssertionError("another secret decrypted the key")


def test_an_organization_may_sign_as_did_key(
    api: httpx.Client, database: Database, tenant: Tenant
) -> None:
    with database.transaction() as session:
        session.get(Organization, tenant.organization_id).did_method = "key"
    _, encoded = issued(api)
    document = api.get(f"/c/{encoded}/credential.json").json()
    issuer = document["issuer"]["id"]
    assert issuer.startswith("did:key:z6Mk")
    method = data_integrity.proof_of(document)["verificationMethod"]
    assert method == f"{issuer}#{issuer.removeprefix('did:key:')}"
    key = did.resolve_did(None, "http://unused.example", method)[method]  # type: ignore[arg-type]
    data_integrity.verify_proof(document, key)
    list_url = document["credentialStatus"]["statusListCredential"]
    status = api.get("/orgs/" + list_url.split("/orgs/", 1)[1])
    assert status.json()["issuer"] == issuer  # verifiers require the same issuer
