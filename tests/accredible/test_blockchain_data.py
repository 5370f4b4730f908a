"""The Accredible `blockchain_data` operations answer with the credential's own proof: the
signed Open Badges 3.0 credential (Data Integrity and VC-JWT) in Accredible's envelope."""

import json

import httpx
from sqlalchemy import select

from plaudit.store.db import Database
from plaudit.store.tables import Credential
from tests.accredible.helpers import create_group, issue
from tests.support.openapi import assert_conforms
from tests.support.tenants import make_tenant


def _issued(api: httpx.Client) -> dict:
    group = create_group(api, course_name="Distributed Systems")
    return issue(api, group["id"], recipient={"name": "Barbara Liskov"})


def test_v1_answers_the_documented_shape_with_the_proof(
    api: httpx.Client, http: httpx.Client
) -> None:
    credential = _issued(api)
    response = api.get(f"/v1/credentials/blockchain_data/{credential['encoded_id']}")
    assert response.status_code == 200, response.text
    body = response.json()
    assert_conforms("get", "/v1/credentials/blockchain_data/{id}", 200, body)
    data = body["data"]
    assert data["chain"] == "none"
    document = data["credential_json_data"]
    assert document["certificate"]["name"] == credential["name"]
    assert document["certificate"]["id"] == credential["url"]
    assert document["recipient"]["familyName"] == "Barbara Liskov"
    assert document["recipient"]["identity"].startswith("sha256$")
    assert document["verify"]["type"] == "eddsa-rdfc-2022"
    receipt = data["receipt"]
    signed = http.get(f"/c/{credential['encoded_id']}/credential.json").json()
    assert receipt["body"] == signed
    assert receipt["jwt"] == http.get(f"/c/{credential['encoded_id']}/credential.jwt").text
    assert document["verify"]["signer"] == receipt["verification_method"]
    verified = http.post(
        "/verify", content=json.dumps(receipt["body"]), headers={"Content-Type": "application/json"}
    ).json()
    assert verified["valid"] is True, verified


def test_v2_by_encoded_id_or_uuid(
    api: httpx.Client, http: httpx.Client, database: Database
) -> None:
    credential = _issued(api)
    with database.session(readonly=True) as session:
        uuid = session.scalar(
            select(Credential.uuid).where(Credential.encoded_id == credential["encoded_id"])
        )
    first = api.get(f"/v2/credentials/{credential['encoded_id']}/blockchain_data")
    second = api.get(f"/v2/credentials/{uuid}/blockchain_data")
    assert first.status_code == second.status_code == 200, first.text
    assert first.json() == second.json()
    data = first.json()["data"]
    assert data["chain"] == "none"
    summary = data["credential_json_data"]
    assert summary["id"] == f"urn:uuid:{uuid}"
    assert summary["issuer"].startswith("did:web:")
    assert summary["credentialSubject"] == {
        "name": "Barbara Liskov",
        "claim": {"name": "Distributed Systems", "description": "Variables, loops and functions."},
    }
    assert data["receipt"]["body"]["proof"][0]["cryptosuite"] == "eddsa-rdfc-2022"
    token = http.post(
        "/verify", content=data["receipt"]["jwt"], headers={"Content-Type": "application/vc+jwt"}
    )
    assert token.json()["valid"] is True


def test_other_tenants_and_unknown_ids_are_404(
    api: httpx.Client, http: httpx.Client, database: Database
) -> None:
    credential = _issued(api)
    other = make_tenant(database, "Other Academy")
    response = http.get(
        f"/v1/credentials/blockchain_data/{credential['encoded_id']}",
        headers={"Authorization": f"Token token={other.api_key}"},
    )
    assert response.status_code == 404
    for path in (
        "/v1/credentials/blockchain_data/nosuchthing",
        "/v2/credentials/00000000-0000-0000-0000-000000000000/blockchain_data",
    ):
        response = api.get(path)
        assert response.status_code == 404
        assert response.json() == {"errors": "Doesn't exist"}
    assert http.get("/v1/credentials/blockchain_data/x").status_code == 401
