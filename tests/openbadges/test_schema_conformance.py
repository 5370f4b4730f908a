"""Issued credentials validate against 1EdTech's Open Badges 3.0 JSON Schema (the copy under
tests/data, draft 2019-09), as issued: the JSON-LD with its proof, and the JWT's payload."""

import json
from pathlib import Path

import httpx
from jsonschema import Draft201909Validator

from tests.openbadges.verify_helpers import issued, jwt_payload, signed_json, signed_jwt

SCHEMAS = Path(__file__).resolve().parents[1] / "data" / "openbadges"


def validator(name: str) -> Draft201909Validator:
    return Draft201909Validator(json.loads((SCHEMAS / f"{name}.schema.json").read_text()))


def test_issued_credentials_validate_against_the_1edtech_schema(
    api: httpx.Client, http: httpx.Client
) -> None:
    credential = issued(
        api,
        expired_on="2031-05-01",
        grade="Distinction",
        custom_attributes={"instructor": "Dr. Hopper", "hours": 12},
        evidence_items=[
            {"description": "Final project", "url": "https://example.org/p", "category": "url"}
        ],
    )
    achievement_credential = validator("achievementcredential")
    for document in (
        signed_json(http, credential["encoded_id"]),
        jwt_payload(signed_jwt(http, credential["encoded_id"])),
    ):
        errors = [error.message for error in achievement_credential.iter_errors(document)]
        assert errors == [], errors
        assert len(document["credentialSubject"]["result"]) == 3
        assert "jti" not in document
    document = signed_json(http, credential["encoded_id"])
    assert isinstance(document["proof"], list)  # the schema's form: a set of proofs
    profile = validator("profile")
    assert [error.message for error in profile.iter_errors(document["issuer"])] == []


def test_the_schema_catches_a_broken_credential(api: httpx.Client, http: httpx.Client) -> None:
    document = signed_json(http, issued(api)["encoded_id"])
    del document["validFrom"]
    document["credentialSubject"]["achievement"].pop("criteria")
    messages = [error.message for error in validator("achievementcredential").iter_errors(document)]
    assert any("validFrom" in message for message in messages)
    assert any("criteria" in message for message in messages)
