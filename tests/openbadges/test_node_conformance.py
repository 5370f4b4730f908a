"""An independent implementation agrees: Digital Bazaar's verifier (@digitalbazaar/vc with the
eddsa-rdfc-2022 cryptosuite and the Bitstring Status List library) for the Data Integrity form,
and jose for the JWT form, run on node with every document served offline. A credential issued
through the API verifies; tampered, revoked and expired ones do not."""

from collections.abc import Iterator
from typing import Any
from uuid import UUID

import httpx
import pytest

from plaudit.store.db import Database
from plaudit.store.tables import Achievement
from tests.accredible.helpers import create_group
from tests.credly.helpers import basic, organization_uuid
from tests.openbadges.verify_helpers import (
    documents_for,
    issued,
    jwt_payload,
    revoke,
    signed_json,
    signed_jwt,
    tampered_json,
    tampered_jwt,
)
from tests.support.node_verifier import NodeVerifier, node_verifier
from tests.support.tenants import Tenant


@pytest.fixture(scope="module")
def node() -> Iterator[NodeVerifier]:
    yield node_verifier()


def check(
    node: NodeVerifier, http: httpx.Client, credential: dict[str, Any] | str
) -> tuple[bool, list[str]]:
    subject = jwt_payload(credential) if isinstance(credential, str) else credential
    verdict = node.verify(credential, documents_for(http, subject))
    return verdict.verified, verdict.errors


def test_good_credential_verifies_in_both_forms(
    node: NodeVerifier, api: httpx.Client, http: httpx.Client
) -> None:
    # With a grade and custom attributes: OB 3.0 results and result descriptions.
    attributes = {"instructor": "Dr. Hopper", "hours": 12}
    encoded_id = issued(api, grade="A", custom_attributes=attributes)["encoded_id"]
    document = signed_json(http, encoded_id)
    assert [r["value"] for r in document["credentialSubject"]["result"]] == [
        "A",
        "12",
        "Dr. Hopper",
    ]
    for form in (document, signed_jwt(http, encoded_id)):
        verified, errors = check(node, http, form)
        assert verified, errors


def test_tampered_credential_is_rejected(
    node: NodeVerifier, api: httpx.Client, http: httpx.Client
) -> None:
    encoded_id = issued(api)["encoded_id"]
    verified, errors = check(node, http, tampered_json(signed_json(http, encoded_id)))
    assert not verified and any("signature" in error.lower() for error in errors), errors
    token = tampered_jwt(signed_jwt(http, encoded_id), name="Forged")
    verified, errors = check(node, http, token)
    assert not verified and any("signature" in error for error in errors), errors


def test_revoked_credential_is_rejected(
    node: NodeVerifier, api: httpx.Client, http: httpx.Client, database: Database
) -> None:
    encoded_id = issued(api)["encoded_id"]
    document, token = signed_json(http, encoded_id), signed_jwt(http, encoded_id)
    revoke(database, encoded_id)
    for form in (document, token):
        verified, errors = check(node, http, form)
        assert not verified and any("status bit set: revocation" in e for e in errors), errors


def test_expired_credential_is_rejected(
    node: NodeVerifier, api: httpx.Client, http: httpx.Client
) -> None:
    encoded_id = issued(api, issued_on="2019-01-01", expired_on="2020-01-01")["encoded_id"]
    verified, errors = check(node, http, signed_json(http, encoded_id))
    assert not verified and any("validUntil" in error for error in errors), errors
    verified, errors = check(node, http, signed_jwt(http, encoded_id))
    assert not verified and any("exp" in error for error in errors), errors


def test_a_badge_issued_and_revoked_through_credly_is_rejected_once_revoked(
    node: NodeVerifier, api: httpx.Client, http: httpx.Client, database: Database, tenant: Tenant
) -> None:
    """The Credly dialect signs the same OB 3.0 credential, and its revoke flips the same bit."""
    group = create_group(api, course_name="Network Security")
    base = f"/v1/organizations/{organization_uuid(database, tenant)}"
    response = http.post(
        f"{base}/badges",
        headers=basic(tenant.api_key),
        json={
            "recipient_email": "ada@example.com",
            "badge_template_id": str(group_uuid(database, group["id"])),
            "issued_at": "2026-04-01 09:41:00 -0500",
            "issued_to_first_name": "Ada",
            "issued_to_last_name": "Lovelace",
        },
    )
    assert response.status_code == 201, response.text
    encoded_id = response.json()["data"]["badge_url"].rsplit("/", 1)[-1]
    document, token = signed_json(http, encoded_id), signed_jwt(http, encoded_id)
    for form in (document, token):
        verified, errors = check(node, http, form)
        assert verified, errors

    revoked = http.put(
        f"{base}/badges/{response.json()['data']['id']}/revoke/",
        headers=basic(tenant.api_key),
        json={"reason": "Check bounced"},
    )
    assert revoked.status_code == 200, revoked.text
    for form in (document, token):
        verified, errors = check(node, http, form)
        assert not verified and any("status bit set: revocation" in e for e in errors), errors


def group_uuid(database: Database, group_id: int) -> UUID:
    with database.session(readonly=True) as session:
        achievement = session.get(Achievement, group_id)
        assert achievement is not None
        return achievement.uuid
