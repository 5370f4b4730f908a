"""Both proof formats: a signed credential verifies, and any change to it does not."""

import base64
import copy
import json

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from joserfc import jwt
from joserfc.jwk import OKPKey

from plaudit.openbadges import data_integrity, did, multibase, status_list, vc_jwt
from plaudit.openbadges.data_integrity import ProofInvalid
from tests.signing.documents import METHOD, credential_document, evidence

KEY = Ed25519PrivateKey.generate()


def signed() -> dict:
    document = credential_document(items=[evidence("Project", "https://example.org/p")])
    return data_integrity.add_proof(document, KEY, METHOD)


def test_a_signed_credential_verifies() -> None:
    document = signed()
    (proof,) = document["proof"]
    assert proof["cryptosuite"] == "eddsa-rdfc-2022"
    assert proof["proofValue"].startswith("z")
    data_integrity.verify_proof(document, KEY.public_key())


def _rename_recipient(d: dict) -> None:
    d["credentialSubject"]["name"] = "Mallory"


def _later_expiry(d: dict) -> None:
    d["validUntil"] = "2099-01-01T00:00:00Z"


def _other_evidence(d: dict) -> None:
    d["evidence"][0]["id"] = "https://evil.example/p"


def _other_status_index(d: dict) -> None:
    d["credentialStatus"]["statusListIndex"] = "7"


def _undefined_term(d: dict) -> None:
    d["credentialSubject"]["grade"] = "A+"  # JSON-LD would drop it silently


def _other_created(d: dict) -> None:
    d["proof"][0]["created"] = "2020-01-01T00:00:00Z"


def _other_signature(d: dict) -> None:
    value = d["proof"][0]["proofValue"]
    d["proof"][0]["proofValue"] = value[:-2] + ("A" if value[-2] != "A" else "B") + value[-1]


@pytest.mark.parametrize(
    "tamper",
    [
        _rename_recipient,
        _later_expiry,
        _other_evidence,
        _other_status_index,
        _undefined_term,
        _other_created,
        _other_signature,
    ],
)
def test_tampering_breaks_the_proof(tamper) -> None:
    document = signed()
    tampered = copy.deepcopy(document)
    tamper(tampered)
    with pytest.raises(ProofInvalid):
        data_integrity.verify_proof(tampered, KEY.public_key())


def test_another_key_does_not_verify() -> None:
    with pytest.raises(ProofInvalid, match="does not match"):
        data_integrity.verify_proof(signed(), Ed25519PrivateKey.generate().public_key())


def test_a_credential_without_a_proof_is_refused() -> None:
    with pytest.raises(ProofInvalid, match="no Data Integrity proof"):
        data_integrity.verify_proof(credential_document(), KEY.public_key())


def test_the_jwt_verifies_with_joserfc_and_carries_the_credential() -> None:
    document = credential_document(items=[evidence("Project", "https://example.org/p")])
    token = vc_jwt.sign_jwt(document, KEY, METHOD)
    decoded = jwt.decode(token, OKPKey.import_key(KEY.public_key()), algorithms=["EdDSA"])
    # Exactly these: Open Badges 3.0 allows no other JOSE header (so no optional `cty`).
    assert decoded.header == {"alg": "EdDSA", "kid": METHOD, "typ": "vc+jwt"}
    assert decoded.claims["iss"] == document["issuer"]["id"]
    assert "jti" not in decoded.claims  # no context defines it (tests/signing/test_results.py)
    assert decoded.claims["credentialSubject"] == document["credentialSubject"]
    assert vc_jwt.verify_jwt(token, KEY.public_key())["name"] == document["name"]


def test_a_tampered_jwt_fails() -> None:
    token = vc_jwt.sign_jwt(credential_document(), KEY, METHOD)
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["name"] = "Forged"
    forged_payload = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    forged = ".".join([header, forged_payload, signature])
    with pytest.raises(ProofInvalid):
        vc_jwt.verify_jwt(forged, KEY.public_key())
    with pytest.raises(ProofInvalid):
        vc_jwt.verify_jwt(token, Ed25519PrivateKey.generate().public_key())


def test_the_status_bitstring_is_gzip_base64url_with_the_u_prefix() -> None:
    encoded = status_list.encode_list([0, 9, 131_071])
    assert encoded.startswith("u") and "=" not in encoded
    bits = status_list.decode_list(encoded)
    assert len(bits) * 8 == status_list.LIST_SIZE >= 131_072
    assert bits[0] == 0x80 and bits[1] == 0x40  # index 0 is the leftmost bit
    assert [i for i in (0, 1, 8, 9, 131_071) if status_list.bit(bits, i)] == [0, 9, 131_071]
    assert status_list.encode_list([5]) == status_list.encode_list([5])  # deterministic


def test_did_web_percent_encodes_the_port_and_keeps_the_path() -> None:
    uuid = "6f1c2f4e-3a55-4d5e-9a0b-1c2d3e4f5a6b"
    assert did.did_web("http://127.0.0.1:8000", uuid) == f"did:web:127.0.0.1%3A8000:orgs:{uuid}"
    assert did.did_web("https://x.example/plaudit/", uuid) == (
        f"did:web:x.example:plaudit:orgs:{uuid}"
    )
    ours = f"did:web:x.example:plaudit:orgs:{uuid}"
    assert str(did.organization_of_did("https://x.example/plaudit", ours)) == uuid
    assert did.organization_of_did("https://other.example", ours) is None


def test_a_did_key_resolves_to_its_key_without_a_database() -> None:
    fingerprint = multibase.public_key_multibase(KEY.public_key().public_bytes_raw())
    assert fingerprint.startswith("z6Mk")
    document = did.did_key_document(did.did_key(fingerprint))
    method = document["verificationMethod"][0]
    assert method["type"] == "Multikey" and method["publicKeyMultibase"] == fingerprint
    assert document["assertionMethod"] == [method["id"]]
    resolved = did.resolve_did(None, "https://x.example", did.did_key(fingerprint))  # type: ignore[arg-type]
    assert list(resolved) == [method["id"]]


def test_every_proof_of_a_proof_set_must_verify() -> None:
    document = signed()
    (good,) = document["proof"]
    other = data_integrity.add_proof(document, Ed25519PrivateKey.generate(), METHOD)["proof"][0]
    with pytest.raises(ProofInvalid, match=r"^proof 2 of 2: the signature does not match"):
        data_integrity.verify_proof({**document, "proof": [good, other]}, KEY.public_key())
    data_integrity.verify_proof({**document, "proof": [good, good]}, KEY.public_key())
