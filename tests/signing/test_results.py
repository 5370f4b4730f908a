"""The grade and custom attributes in the signed credential, where Open Badges 3.0 puts them: a
`result` of the subject, each pointing at a `ResultDescription` of the achievement; valid
against 1EdTech's schema, and still canonicalized on the fast path. And the VC-JWT payload
holds only terms its contexts define (JSON-LD safe mode)."""

from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from plaudit.openbadges import canonical, schema, vc_jwt
from tests.signing.documents import METHOD, credential_document


def fast(document: dict[str, Any]) -> str:
    return canonical._label(canonical._fast_quads(document, safe=True))


def _described(document: dict[str, Any]) -> dict[str, tuple[str, str]]:
    """Each result's description name and its value, through the id that links them."""
    subject = document["credentialSubject"]
    descriptions = {d["id"]: d for d in subject["achievement"]["resultDescription"]}
    out = {}
    for result in subject["result"]:
        assert result["type"] == ["Result"]
        description = descriptions[result["resultDescription"]]
        assert description["type"] == ["ResultDescription"]
        assert description["resultType"] == "Result"
        out[description["name"]] = (description["id"], result["value"])
    return out


def test_the_grade_and_custom_attributes_are_results_with_descriptions() -> None:
    document = credential_document(
        grade="A+",
        custom_attributes={"hours": 12, "instructor": "Dr. Hopper", "honours": True, "empty": ""},
    )
    described = _described(document)
    assert {name: value for name, (_, value) in described.items()} == {
        "Grade": "A+",
        "hours": "12",
        "instructor": "Dr. Hopper",
        "honours": "true",
    }
    assert all(id_.startswith("urn:uuid:") for id_, _ in described.values())
    assert len({id_ for id_, _ in described.values()}) == 4
    assert schema.problems(document) == []
    # New terms, same fast path.
    assert fast(document) == canonical.canonize_with_pyld(document)


def test_a_credential_without_grade_or_attributes_has_no_result() -> None:
    document = credential_document()
    assert "result" not in document["credentialSubject"]
    assert "resultDescription" not in document["credentialSubject"]["achievement"]


def test_the_jwt_payload_holds_only_terms_its_contexts_define() -> None:
    document = credential_document(grade="B")
    key = Ed25519PrivateKey.generate()
    token = vc_jwt.sign_jwt(document, key, METHOD)
    payload = vc_jwt.claims(document)
    assert "jti" not in payload
    assert vc_jwt.verify_jwt(token, key.public_key()) == payload
    # The fast path checks every term in safe mode (UndefinedTerm), but leaves numbers to pyld:
    # the two numeric claims are VC 2.0 top-level terms, the rest goes through the check.
    top = canonical._TOP[tuple(payload["@context"])].terms
    assert {"nbf", "exp", "iss", "sub"} <= set(top)
    fast({key: value for key, value in payload.items() if key not in ("nbf", "exp")})
