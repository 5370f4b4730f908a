"""The 200 answers of /openapi.json that Plaudit has a schema for (read_schemas.py), added to
the generated document rather than to the routes, so that no route's answer passes through a
response model (which would filter and convert it)."""

from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from plaudit.dialects.accredible.read_schemas import CredentialAnswer, GroupAnswer, IssuerAnswer

_CREDENTIAL = "/v1/credentials/{id}"
_GROUP = "/v1/issuer/groups/{group_id}"
ANSWERS: dict[tuple[str, str], type[BaseModel]] = {
    ("post", "/v1/credentials"): CredentialAnswer,
    **{(method, _CREDENTIAL): CredentialAnswer for method in ("get", "put", "patch", "delete")},
    ("post", "/v1/issuer/groups"): GroupAnswer,
    **{(method, _GROUP): GroupAnswer for method in ("get", "put", "delete")},
    ("get", "/v1/issuer/details"): IssuerAnswer,
}
_REF = "#/components/schemas/{model}"


def describe_answers(document: dict[str, Any]) -> None:
    """Adds the schemas to `components` and points each operation's 200 answer at its own."""
    models = sorted(set(ANSWERS.values()), key=lambda model: model.__name__)
    refs, definitions = models_json_schema(
        [(model, "serialization") for model in models], ref_template=_REF
    )
    document.setdefault("components", {}).setdefault("schemas", {}).update(
        definitions.get("$defs", {})
    )
    for (method, path), model in ANSWERS.items():
        operation = document["paths"][path][method]
        answer = operation.setdefault("responses", {}).setdefault("200", {})
        answer.setdefault("description", "Successful Response")
        answer["content"] = {"application/json": {"schema": refs[(model, "serialization")]}}
