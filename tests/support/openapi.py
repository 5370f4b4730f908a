"""Validates response bodies against the Accredible OpenAPI file's schemas.

The file was generated from examples, so nullability is accidental: the same field is nullable in
one operation and not in its sibling. Every schema is therefore read with `nullable: true`; types,
required keys and shapes are checked as written. See docs/compatibility.md.
"""

import copy
import json
from functools import cache
from pathlib import Path
from typing import Any

from openapi_schema_validator import OAS30Validator

SPEC_PATH = Path(__file__).resolve().parents[1] / "data" / "accredible-openapi.json"


@cache
def spec() -> dict[str, Any]:
    return json.loads(SPEC_PATH.read_text())


def _relax_nulls(schema: Any) -> Any:
    if isinstance(schema, dict):
        relaxed = {key: _relax_nulls(value) for key, value in schema.items()}
        if "type" in relaxed or "properties" in relaxed or "items" in relaxed or not relaxed:
            relaxed["nullable"] = True
        return relaxed
    if isinstance(schema, list):
        return [_relax_nulls(item) for item in schema]
    return schema


@cache
def response_schema(method: str, path: str, status: int) -> dict[str, Any]:
    operation = spec()["paths"][path][method.lower()]
    content = operation["responses"][str(status)].get("content", {})
    schema = content.get("application/json", {}).get("schema")
    if schema is None:
        raise LookupError(f"{method} {path} documents no JSON body for {status}")
    relaxed = _relax_nulls(copy.deepcopy(schema))
    relaxed.pop("nullable", None)  # the body itself must be there
    return relaxed


def assert_conforms(method: str, path: str, status: int, body: Any) -> None:
    """Raises with every mismatch if `body` does not fit the documented response."""
    validator = OAS30Validator(response_schema(method, path, status))
    problems = [
        f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
        for error in validator.iter_errors(body)
    ]
    assert not problems, f"{method} {path} {status} does not conform:\n" + "\n".join(problems)
