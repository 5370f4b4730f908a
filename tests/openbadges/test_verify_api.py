"""`POST /verify` over real HTTP: a good credential passes every check, in both proof formats
and from a baked image; a tampered, revoked, deleted, expired or foreign one fails the right
check, and says why."""

import json
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from joserfc import jwt
from joserfc.jwk import OKPKey

from plaudit.openbadges import multibase, vc_jwt
from plaudit.openbadges.data_integrity import add_proof
from plaudit.openbadges.vc_jwt import sign_jwt
from plaudit.store.db import Database
from tests.openbadges.verify_helpers import (
    issued,
    revoke,
    signed_json,
    signed_jwt,
    tampered_json,
    tampered_jwt,
)

CHECKS = ["proof", "issuer", "status", "validity", "schema"]


def outcomes(result: dict[str, Any]) -> dict[str, str]:
    return {check["name"]: check["outcome"] for check in result["checks"]}


def reason(result: dict[str, Any], name: str) -> str:
    return next(check["reason"] for check in result["checks"] if check["name"] == name)


def post_json(http: httpx.Client, document: dict[str, Any], media_type: str) -> dict[str, Any]:
    response = http.post(
        "/verify", content=json.dumps(document), headers={"Content-Type": media_type}
    )
    assert response.status_code == 200, response.text
    return response.json()


def post_jwt(
    http: httpx.Client, token: str, media_type: str = "application/vc+jwt"
) -> dict[str, Any]:
    response = http.post("/verify", content=token, headers={"Content-Type": media_type})
    assert response.status_code == 200, response.text
    return response.json()


@pytest.mark.parametrize("media_type", ["application/json", "application/vc+ld+json"])
def test_good_json_ld_credential_passes_every_check(
    api: httpx.Client, http: httpx.Client, media_type: str
) -> None:
    credential = issued(api)
    document = signed_json(http, credential["encoded_id"])
    result = post_json(http, document, media_type)
    assert result["valid"] is True, result
    assert [check["name"] for check in result["checks"]] == CHECKS
    assert set(outcomes(result).values()) == {"passed"}
    assert result["format"] == "vc+ld+json" and result["source"] == "json"
    assert result["credential"]["achievement"] == "Applied Cryptography"
    assert result["credential"]["issuer"] == document["issuer"]["id"]
    assert result["errors"] == []
    assert "eddsa-rdfc-2022" in reason(result, "proof")
    assert reason(result, "status") == "not revoked"


@pytest.mark.parametrize("media_type", ["application/vc+jwt", "text/plain"])
def test_good_jwt_passes_every_check(
    api: httpx.Client, http: httpx.Client, media_type: str
) -> None:
    token = signed_jwt(http, issued(api)["encoded_id"])
    result = post_jwt(http, token, media_type)
    assert result["valid"] is True, result
    assert set(outcomes(result).values()) == {"passed"}
    assert result["format"] == "vc+jwt"


def test_tampered_credentials_fail_the_proof(api: httpx.Client, http: httpx.Client) -> None:
    encoded_id = issued(api)["encoded_id"]
    result = post_json(http, tampered_json(signed_json(http, encoded_id)), "application/json")
    assert result["valid"] is False
    assert outcomes(result)["proof"] == "failed"
    assert "does not match" in reason(result, "proof")
    assert outcomes(result)["issuer"] == "passed"  # the key is the issuer's; the data is not
    assert any(error.startswith("proof: ") for error in result["errors"])

    token = tampered_jwt(signed_jwt(http, encoded_id), name="Mallory's Degree")
    result = post_jwt(http, token)
    assert result["valid"] is False and outcomes(result)["proof"] == "failed"


def test_revoked_credential_fails_the_status_check(
    api: httpx.Client, http: httpx.Client, database: Database
) -> None:
    encoded_id = issued(api)["encoded_id"]
    document, token = signed_json(http, encoded_id), signed_jwt(http, encoded_id)
    assert post_json(http, document, "application/json")["valid"] is True
    revoke(database, encoded_id)
    for result in (post_json(http, document, "application/json"), post_jwt(http, token)):
        assert result["valid"] is False
        assert outcomes(result) == {
            "proof": "passed",
            "issuer": "passed",
            "status": "failed",
            "validity": "passed",
            "schema": "passed",
        }
        assert reason(result, "status").startswith("revoked")


def test_deleted_credential_copy_fails_the_status_check(
    api: httpx.Client, http: httpx.Client
) -> None:
    credential = issued(api)
    document = signed_json(http, credential["encoded_id"])
    assert api.delete(f"/v1/credentials/{credential['id']}").status_code == 200
    result = post_json(http, document, "application/json")
    assert result["valid"] is False
    assert outcomes(result)["status"] == "failed"


def test_expired_credential_fails_the_validity_check(api: httpx.Client, http: httpx.Client) -> None:
    credential = issued(api, issued_on="2019-01-01", expired_on="2020-01-01")
    for result in (
        post_json(http, signed_json(http, credential["encoded_id"]), "application/json"),
        post_jwt(http, signed_jwt(http, credential["encoded_id"])),
    ):
        assert result["valid"] is False
        assert outcomes(result)["validity"] == "failed"
        assert "expired" in reason(result, "validity")
        assert outcomes(result)["proof"] == "passed"


def test_a_credential_expired_after_signing_fails_on_its_bit_and_its_new_dates(
    api: httpx.Client, http: httpx.Client
) -> None:
    credential = issued(api)
    before = signed_json(http, credential["encoded_id"])
    response = api.put(
        f"/v1/credentials/{credential['id']}", json={"credential": {"expired_on": "2020-01-01"}}
    )
    assert response.status_code == 200, response.text
    old_copy = post_json(http, before, "application/json")
    assert old_copy["valid"] is False and outcomes(old_copy)["status"] == "failed"
    new_copy = post_json(http, signed_json(http, credential["encoded_id"]), "application/json")
    assert new_copy["valid"] is False and outcomes(new_copy)["validity"] == "failed"


def _foreign_credential(issuer: str, key: Ed25519PrivateKey) -> dict[str, Any]:
    method = f"{issuer}#key-1"
    document = {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "id": "urn:uuid:6c5e8a2b-7f0e-4a51-9d3b-1f2e3d4c5b6a",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": "Foreign Badge",
        "issuer": {"id": issuer, "type": ["Profile"], "name": "Elsewhere University"},
        "validFrom": "2024-01-01T00:00:00Z",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "urn:uuid:0f1e2d3c-4b5a-4697-8887-766554433221",
                "type": ["Achievement"],
                "name": "Foreign Achievement",
                "description": "Signed by someone this server does not know.",
                "criteria": {"narrative": "Anything."},
            },
        },
    }
    return add_proof(document, key, method)


def test_foreign_did_web_issuer_not_fetched_could_not_be_checked(http: httpx.Client) -> None:
    """With fetching off (as in the shared test server), another issuer's credential is not
    called a forgery: its signature and issuer could not be checked."""
    key = Ed25519PrivateKey.generate()
    document = _foreign_credential("did:web:issuer.example.org", key)
    result = post_json(http, document, "application/json")
    assert result["valid"] is False and result["verdict"] == "unchecked"
    assert outcomes(result)["issuer"] == "unchecked"
    assert reason(result, "issuer").startswith("could not be checked: ")
    assert "not fetched" in reason(result, "issuer")
    assert outcomes(result)["proof"] == "unchecked"
    assert outcomes(result)["schema"] == "passed"

    token = sign_jwt(_strip(document), key, "did:web:issuer.example.org#key-1")
    assert post_jwt(http, token)["valid"] is False


def test_did_key_issuer_resolves_from_the_key_itself(http: httpx.Client) -> None:
    key = Ed25519PrivateKey.generate()
    did = "did:key:" + multibase.public_key_multibase(key.public_key().public_bytes_raw())
    method = f"{did}#{did.removeprefix('did:key:')}"
    document = add_proof(_strip(_foreign_credential(did, key)), key, method)
    result = post_json(http, document, "application/json")
    assert result["valid"] is True, result
    assert outcomes(result)["status"] == "skipped"  # it names no status list
    # Signed by that did:key, but naming another issuer: the key is not the issuer's.
    other = _strip(_foreign_credential("did:web:issuer.example.org", key))
    result = post_json(http, add_proof(other, key, method), "application/json")
    assert outcomes(result)["proof"] == "passed"
    assert outcomes(result)["issuer"] == "failed"
    assert result["valid"] is False


@pytest.mark.parametrize("claim", ["iss", "jti"])
def test_jwt_claims_that_contradict_the_credential_fail_the_proof(
    http: httpx.Client, claim: str
) -> None:
    key = Ed25519PrivateKey.generate()
    did = "did:key:" + multibase.public_key_multibase(key.public_key().public_bytes_raw())
    method = f"{did}#{did.removeprefix('did:key:')}"
    document = _strip(_foreign_credential(did, key))
    assert post_jwt(http, sign_jwt(document, key, method))["valid"] is True
    payload = {**vc_jwt.claims(document), claim: "urn:example:someone-else"}
    header = {"alg": "EdDSA", "kid": method, "typ": "vc+jwt"}
    token = jwt.encode(header, payload, OKPKey.import_key(key), algorithms=["EdDSA"])
    result = post_jwt(http, token)
    assert result["valid"] is False and outcomes(result)["proof"] == "failed"
    assert f"{claim} claim does not match" in reason(result, "proof")


def _strip(document: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in document.items() if key != "proof"}


def test_schema_failures_are_reported(http: httpx.Client) -> None:
    key = Ed25519PrivateKey.generate()
    did = "did:key:" + multibase.public_key_multibase(key.public_key().public_bytes_raw())
    document = _strip(_foreign_credential(did, key))
    del document["credentialSubject"]["achievement"]["criteria"]
    result = post_json(http, add_proof(document, key, f"{did}#{did[8:]}"), "application/json")
    assert result["valid"] is False
    assert outcomes(result)["schema"] == "failed"
    assert "criteria" in reason(result, "schema")


@pytest.mark.parametrize(
    ("body", "content_type", "message"),
    [
        (b"{not json", "application/json", "not valid JSON"),
        (b"[1, 2]", "application/json", "JSON object"),
        (b"abc.def", "application/vc+jwt", "compact JWT"),
        (b"bm90anNvbg.e30.AAAA", "application/vc+jwt", "compact JWT"),  # header not JSON
        (b"[" * 100_000, "application/json", "nested too deeply"),
        (b'{"a":' * 50_000 + b"1" + b"}" * 50_000, "application/json", "nested too deeply"),
        (b"\x89PNG\r\n\x1a\n garbage", "image/png", "truncated"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "image/svg+xml", "carries no"),
        (b"\xff\xfe\x00", "application/octet-stream", "UTF-8"),
    ],
)
def test_unreadable_input_is_an_answer_not_an_error(
    http: httpx.Client, body: bytes, content_type: str, message: str
) -> None:
    response = http.post("/verify", content=body, headers={"Content-Type": content_type})
    assert response.status_code == 200
    result = response.json()
    assert result["valid"] is False and result["checks"] == []
    assert message in result["errors"][0]


def test_nothing_to_verify_is_a_400(http: httpx.Client) -> None:
    response = http.post("/verify", content=b"  ", headers={"Content-Type": "text/plain"})
    assert response.status_code == 400
    assert response.json()["errors"] == ["nothing to verify"]


def test_multipart_upload_and_pasted_text(api: httpx.Client, http: httpx.Client) -> None:
    encoded_id = issued(api)["encoded_id"]
    document = signed_json(http, encoded_id)
    files = {"file": ("credential.json", json.dumps(document).encode(), "application/json")}
    assert http.post("/verify", files=files).json()["valid"] is True
    pasted = http.post("/verify", data={"credential": signed_jwt(http, encoded_id)})
    assert pasted.json()["valid"] is True


def test_a_context_we_do_not_ship_is_never_fetched(http: httpx.Client) -> None:
    key = Ed25519PrivateKey.generate()
    did = "did:key:" + multibase.public_key_multibase(key.public_key().public_bytes_raw())
    method = f"{did}#{did.removeprefix('did:key:')}"
    document = _strip(_foreign_credential(did, key))
    signed = add_proof(document, key, method)
    signed["@context"] = [*signed["@context"], "http://127.0.0.1:9/never-fetched.jsonld"]
    result = post_json(http, signed, "application/json")
    assert result["valid"] is False
    assert outcomes(result)["proof"] == "failed"
    assert "not valid JSON-LD" in reason(result, "proof")


@pytest.mark.parametrize("number", ["\u00b2", "9" * 30, "9" * 5000])
def test_a_status_list_url_naming_no_list_fails_the_status_check(
    api: httpx.Client, http: httpx.Client, number: str
) -> None:
    document = signed_json(http, issued(api)["encoded_id"])
    status = document["credentialStatus"]
    status["statusListCredential"] = f"{status['statusListCredential']}/{number}"
    result = post_json(http, document, "application/json")
    assert outcomes(result)["status"] == "failed"
    assert "names no status list of this server" in reason(result, "status")


@pytest.mark.parametrize("value", ["1e20", "-1e20", "NaN", "Infinity", "9" * 30])
def test_jwt_dates_out_of_range_fail_the_validity_check(http: httpx.Client, value: str) -> None:
    body = f'{{"validFrom": "2020-01-01T00:00:00Z", "nbf": {value}, "exp": {value}}}'
    response = http.post("/verify", content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 200, response.text
    assert outcomes(response.json())["validity"] == "failed"
    assert "not a date-time" in reason(response.json(), "validity")


def test_a_poison_graph_is_answered_promptly(http: httpx.Client) -> None:
    """Blank nodes that all know each other make RDFC-1.0 exponential: the work is bounded."""
    knows = "https://schema.org/knows"
    nodes = [
        {"@id": f"_:b{i}", knows: [{"@id": f"_:b{j}"} for j in range(12) if j != i]}
        for i in range(12)
    ]
    key = Ed25519PrivateKey.generate()
    did = "did:key:" + multibase.public_key_multibase(key.public_key().public_bytes_raw())
    document = _strip(_foreign_credential(did, key))
    document["evidence"] = nodes
    document["proof"] = {
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-rdfc-2022",
        "verificationMethod": f"{did}#{did.removeprefix('did:key:')}",
        "proofPurpose": "assertionMethod",
        "proofValue": multibase.encode_z(bytes(64)),
    }
    response = http.post("/verify", json=document, timeout=30)
    assert response.status_code == 200
    assert "cannot be canonicalized" in reason(response.json(), "proof")


def test_too_large_input_is_refused(http: httpx.Client) -> None:
    body = b'{"a": "' + b"x" * (3 * 1024 * 1024) + b'"}'
    response = http.post("/verify", content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 200
    assert response.json()["errors"] == ["too large to be a credential"]


def test_every_proof_of_a_proof_set_must_hold(api: httpx.Client, http: httpx.Client) -> None:
    """A junk proof beside a good one does not ride on it: the credential is not valid, and the
    reason names the proof that failed."""
    document = signed_json(http, issued(api)["encoded_id"])
    (good,) = document["proof"]
    forged = {**good, "proofValue": multibase.encode_z(bytes(64))}
    cases = [
        ([good, forged], "proof 2 of 2: the signature does not match the credential"),
        ([forged, good], "proof 1 of 2: the signature does not match the credential"),
        ([good, "junk"], "proof 2 of 2 is not a proof object"),
        ([good, {"type": "Ed25519Signature2020"}], "proof 2 of 2 is not a DataIntegrityProof"),
    ]
    for proofs, expected in cases:
        result = post_json(http, {**document, "proof": proofs}, "application/json")
        assert result["valid"] is False, proofs
        assert outcomes(result)["proof"] == "failed"
        assert reason(result, "proof").startswith(expected), reason(result, "proof")
    both = post_json(http, {**document, "proof": [good, good]}, "application/json")
    assert both["valid"] is True, both
