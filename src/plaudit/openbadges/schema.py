"""1EdTech's Open Badges 3.0 JSON Schemas (draft 2019-09), shipped with the package."""

import json
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from jsonschema import Draft201909Validator

SCHEMAS = Path(__file__).parent / "schemas"


@cache
def validator(name: str = "achievementcredential") -> Draft201909Validator:
    document = json.loads((SCHEMAS / f"{name}.schema.json").read_text(encoding="utf-8"))
    return Draft201909Validator(document)


def problems(document: dict[str, Any], name: str = "achievementcredential") -> list[str]:
    """Why `document` fails the schema, one line per error (at its JSON path); [] when valid.

    Validation is most of a verification's time, and the same documents come back (a
    credential's page shows its live verification): answers are kept by the document's text."""
    return list(_problems(json.dumps(document, sort_keys=True), name))


@lru_cache(maxsize=2048)
def _problems(text: str, name: str) -> tuple[str, ...]:
    errors = sorted(validator(name).iter_errors(json.loads(text)), key=lambda e: list(e.path))
    return tuple(f"{error.json_path}: {error.message[:200]}" for error in errors)


def proof_as_set(document: dict[str, Any]) -> dict[str, Any]:
    """The document with a single `proof` object written as a one-proof set. VC Data Model 2.0
    allows both forms and JSON-LD reads them the same; the schema's 2024 build accepts only
    the set, so a verifier applies it to the set form."""
    proof = document.get("proof")
    return {**document, "proof": [proof]} if isinstance(proof, dict) else document
