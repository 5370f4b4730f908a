"""Open Badges 2.0 hosted documents at Credly's paths: the shapes the 2.0 specification
requires, linked to each other, and a revoked or deleted assertion answering 410 Gone (seed
002)."""

import hashlib
from urllib.parse import urlsplit

import httpx
import pytest
from sqlalchemy import select

from plaudit.store.db import Database
from plaudit.store.tables import Credential
from tests.openbadges.verify_helpers import issued, revoke, signed_json

OB2 = "https://w3id.org/openbadges/v2"


def uuid_of(database: Database, encoded_id: str) -> str:
    with database.session(readonly=True) as session:
        return str(
            session.scalar(select(Credential.uuid).where(Credential.encoded_id == encoded_id))
        )


def get(http: httpx.Client, url: str, status: int = 200) -> dict:
    response = http.get(urlsplit(url).path)
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/ld+json")
    assert response.headers["access-control-allow-origin"] == "*"
    return response.json()


def test_assertion_badge_class_and_issuer(
    api: httpx.Client, http: httpx.Client, database: Database
) -> None:
    credential = issued(
        api,
        issued_on="2026-01-15",
        expired_on="2031-01-15",
        recipient={"email": "Grace.Hopper@Example.com"},
        evidence_items=[
            {
                "description": "Capstone",
                "url": "https://work.example.org/capstone",
                "category": "url",
            }
        ],
    )
    uuid = uuid_of(database, credential["encoded_id"])
    assertion = get(http, f"/api/v1/obi/badgeassertions/{uuid}")
    for field in ("@context", "id", "type", "recipient", "badge", "verification", "issuedOn"):
        assert field in assertion, field
    assert assertion["@context"] == OB2 and assertion["type"] == "Assertion"
    assert assertion["id"].endswith(f"/api/v1/obi/badgeassertions/{uuid}")
    assert assertion["verification"] == {"type": "hosted"}
    assert assertion["issuedOn"] == "2026-01-15T00:00:00Z"
    assert assertion["expires"] == "2031-01-15T00:00:00Z"
    recipient = assertion["recipient"]
    assert recipient["type"] == "email" and recipient["hashed"] is True
    digest = hashlib.sha256(("grace.hopper@example.com" + recipient["salt"]).encode())
    assert recipient["identity"] == "sha256$" + digest.hexdigest()
    assert "Grace" not in str(assertion)  # the address itself never appears
    # The same salted identity as the credential's Open Badges 3.0 form.
    ob3 = signed_json(http, credential["encoded_id"])
    assert ob3["credentialSubject"]["identifier"][0]["identityHash"] == recipient["identity"]
    assert assertion["evidence"][0]["id"] == "https://work.example.org/capstone"
    assert http.get(urlsplit(assertion["image"]).path).headers["content-type"] == "image/png"

    badge_class = get(http, assertion["badge"])
    for field in ("id", "type", "name", "description", "image", "criteria", "issuer"):
        assert field in badge_class, field
    assert badge_class["type"] == "BadgeClass"
    assert badge_class["name"] == "Applied Cryptography"
    image = http.get(urlsplit(badge_class["image"]).path)
    assert image.status_code == 200 and image.content.startswith(b"\x89PNG")

    issuer = get(http, badge_class["issuer"])
    for field in ("id", "type", "name", "url", "email"):
        assert field in issuer, field
    assert issuer["type"] == "Issuer" and issuer["name"] == "Test Academy"
    revocations = get(http, issuer["revocationList"])
    assert revocations["type"] == "RevocationList"
    assert revocations["issuer"] == issuer["id"]


def test_revoked_assertion_is_410_gone(
    api: httpx.Client, http: httpx.Client, database: Database
) -> None:
    credential = issued(api)
    encoded_id = credential["encoded_id"]
    signed_json(http, encoded_id)  # signing gives it its status entry
    uuid = uuid_of(database, encoded_id)
    assertion = get(http, f"/api/v1/obi/badgeassertions/{uuid}")
    revoke(database, encoded_id)
    gone = get(http, f"/api/v1/obi/badgeassertions/{uuid}", 410)
    assert gone == {
        "@context": OB2,
        "type": "Assertion",
        "id": assertion["id"],
        "revoked": True,
        "revocationReason": "revoked",
    }
    issuer = get(http, get(http, assertion["badge"])["issuer"])
    listed = get(http, issuer["revocationList"])["revokedAssertions"]
    assert {"id": assertion["id"], "revocationReason": "revoked"} in listed


def test_deleted_signed_credential_is_410_and_listed(
    api: httpx.Client, http: httpx.Client, database: Database
) -> None:
    credential = issued(api)
    signed_json(http, credential["encoded_id"])
    uuid = uuid_of(database, credential["encoded_id"])
    issuer_url = get(http, get(http, f"/api/v1/obi/badgeassertions/{uuid}")["badge"])["issuer"]
    assert api.delete(f"/v1/credentials/{credential['id']}").status_code == 200
    gone = get(http, f"/api/v1/obi/badgeassertions/{uuid}", 410)
    assert gone["revoked"] is True and gone["revocationReason"] == "deleted"
    ids = [
        entry["id"]
        for entry in get(http, get(http, issuer_url)["revocationList"])["revokedAssertions"]
    ]
    assert gone["id"] in ids


def test_expired_assertion_is_still_hosted(
    api: httpx.Client, http: httpx.Client, database: Database
) -> None:
    credential = issued(api, issued_on="2019-01-01", expired_on="2020-01-01")
    signed_json(http, credential["encoded_id"])  # the expiry sets its status bit
    uuid = uuid_of(database, credential["encoded_id"])
    assertion = get(http, f"/api/v1/obi/badgeassertions/{uuid}")
    assert assertion["expires"] == "2020-01-01T00:00:00Z"


def test_private_credential_is_not_hosted(
    api: httpx.Client, http: httpx.Client, database: Database
) -> None:
    credential = issued(api, private=True)
    uuid = uuid_of(database, credential["encoded_id"])
    response = http.get(f"/api/v1/obi/badgeassertions/{uuid}")
    assert response.status_code == 404
    assert response.json() == {"error": "Not found"}


# Fixed, so that every test process collects the same ids (pytest-xdist compares them).
UNKNOWN = "5f0e3c1a-9d2b-4c47-8a6e-3b1f2d4c5e6f"


@pytest.mark.parametrize(
    "path",
    [
        f"/api/v1/obi/badgeassertions/{UNKNOWN}",
        "/api/v1/obi/badgeassertions/not-a-uuid",
        f"/api/v1/obi/badgeclasses/{UNKNOWN}",
        "/api/v1/obi/badgeclasses/1",
        f"/api/v1/obi/badgeclasses/{UNKNOWN}/image.png",
        f"/api/v1/obi/issuers/{UNKNOWN}",
        f"/api/v1/obi/issuers/{UNKNOWN}/revocations",
        "/api/v1/obi/issuers/%00",
    ],
)
def test_unknown_ids_are_404(http: httpx.Client, path: str) -> None:
    response = http.get(path)
    assert response.status_code == 404
    assert response.json() == {"error": "Not found"}
