"""Validates response bodies against the Accredible OpenAPI file's schemas.

The file was generated from examples, so nullability is accidental: the same field is nullable in
one operation and not in its sibling. Every schema is therefore read with `nullable: true`; types,
required keys and shapes are checked as written. See docs/compatibility.md.

One correction where real clients win: the file types a few numeric ids as strings (the
single-credential operations' `credential.id`, collection search's `id`) that the live service
and real clients have as numbers (issue 10). Those ids, and only those, are read as integers.
"""

import copy
import json
import re
from functools import cache
from pathlib import Path
from typing import Any

from openapi_schema_validator import OAS30Validator

SPEC_PATH = Path(__file__).resolve().parents[1] / "data" / "accredible-openapi.json"


# (method, path): the property paths of the 200 body whose id the file types as a string.
INTEGER_IDS: dict[tuple[str, str], tuple[tuple[str, ...], ...]] = {
    ("post", "/v1/credentials"): (("credential", "id"),),
    ("get", "/v1/credentials/{id}"): (("credential", "id"),),
    ("delete", "/v1/credentials/{id}"): (("credential", "id"),),
    ("post", "/v1/collections/search"): (("collections", "[]", "id"),),
}


@cache
def spec() -> dict[str, Any]:
    """The file, with the ids of INTEGER_IDS typed as integers."""
    document = json.loads(SPEC_PATH.read_text())
    for (method, path), locations in INTEGER_IDS.items():
        body = document["paths"][path][method]["responses"]["200"]["content"]
        for location in locations:
            schema = body["application/json"]["schema"]
            for step in location[:-1]:
                schema = schema["items"] if step == "[]" else schema["properties"][step]
            assert schema["properties"][location[-1]] == {"type": "string"}, location
            schema["properties"][location[-1]] = {"type": "integer"}
    return document


def _relax_nulls(schema: Any) -> Any:
    """A copy of a schema object in which this schema and every sub-schema is nullable."""
    if not isinstance(schema, dict):
        return schema
    relaxed = dict(schema)
    if "properties" in relaxed and isinstance(relaxed["properties"], dict):
        relaxed["properties"] = {
            name: _relax_nulls(sub) for name, sub in relaxed["properties"].items()
        }
    for key in ("items", "additionalProperties", "not"):
        if isinstance(relaxed.get(key), dict):
            relaxed[key] = _relax_nulls(relaxed[key])
    for key in ("allOf", "anyOf", "oneOf"):
        if isinstance(relaxed.get(key), list):
            relaxed[key] = [_relax_nulls(sub) for sub in relaxed[key]]
    relaxed["nullable"] = True
    return relaxed


@cache
def relaxed_spec() -> dict[str, Any]:
    """The whole OpenAPI document with every schema nullable (see the module docstring)."""
    document = _relax_schemas(copy.deepcopy(spec()))
    _declare_path_parameters(document)
    return document


def _declare_path_parameters(document: dict[str, Any]) -> None:
    """Some operations leave a parameter of their path template undeclared (the clone of a
    group, a department, a team member); declare each as a string, as the paths' siblings do."""
    for path, operations in document["paths"].items():
        names = re.findall(r"\{([^}]+)\}", path)
        for operation in operations.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            parameters = operation.setdefault("parameters", [])
            declared = {p.get("name") for p in parameters if p.get("in") == "path"}
            parameters.extend(
                {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
                for name in names
                if name not in declared
            )


def _relax_schemas(node: Any) -> Any:
    """Relax every `schema` object of the document, leaving the rest (headers...) as it is."""
    if isinstance(node, dict):
        return {
            key: _relax_nulls(value) if key == "schema" else _relax_schemas(value)
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [_relax_schemas(item) for item in node]
    return node


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
