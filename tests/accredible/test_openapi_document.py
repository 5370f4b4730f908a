"""`/openapi.json` lets Swagger UI's "Authorize" work (the `Token token=KEY` header and Bearer
as security schemes, referenced by every Accredible operation) and describes the 200 answers
Plaudit has a schema for, truthfully: live answers validate against them."""

from typing import Any

import httpx
from jsonschema import Draft202012Validator

from tests.accredible.helpers import create_group, issue
from tests.support.tenants import Tenant

METHODS = ("get", "post", "put", "patch", "delete")


def _document(http: httpx.Client) -> dict[str, Any]:
    response = http.get("/openapi.json")
    assert response.status_code == 200
    return response.json()


def _is_accredible(path: str, operation: dict[str, Any]) -> bool:
    """A `/v1/` or `/v2/` operation that is not Credly's (tagged `Credly...`, with its own
    scheme: tests/credly)."""
    tags = operation.get("tags", [])
    return path.startswith(("/v1/", "/v2/")) and not any(tag.startswith("Credly") for tag in tags)


def _operations(document: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {
        (method, path): operation
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if method in METHODS
    }


def test_the_security_schemes_are_declared_and_every_accredible_operation_uses_them(
    http: httpx.Client,
) -> None:
    document = _document(http)
    schemes = document["components"]["securitySchemes"]
    token = [s for s in schemes.values() if s["type"] == "apiKey"]
    bearer = [s for s in schemes.values() if s.get("scheme") == "bearer"]
    assert token == [
        {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "The whole header value: `Token token=YOUR_API_KEY`.",
        }
    ]
    assert len(bearer) == 1
    names = {name for name, scheme in schemes.items() if scheme.get("scheme") != "basic"}
    accredible = {
        key: operation
        for key, operation in _operations(document).items()
        if _is_accredible(key[1], operation)
    }
    assert len(accredible) > 50
    for key, operation in accredible.items():
        required = {name for requirement in operation.get("security", []) for name in requirement}
        assert required == names, key
    # Public pages and documents ask for nothing.
    assert "security" not in document["paths"]["/verify"]["post"]


def test_a_request_made_as_swagger_ui_makes_it_works(http: httpx.Client, tenant: Tenant) -> None:
    document = _document(http)
    schemes = document["components"]["securitySchemes"]
    for scheme in schemes.values():
        if scheme.get("scheme") == "basic":
            continue  # Credly's: tests/credly/test_openapi_document.py
        if scheme["type"] == "apiKey":  # the value the user types into "Authorize", as is
            headers = {scheme["name"]: f"Token token={tenant.api_key}"}
        else:
            headers = {"Authorization": f"Bearer {tenant.api_key}"}
        response = http.get("/v1/issuer/details", headers=headers)
        assert response.status_code == 200, (scheme, response.text)


def _validator(document: dict[str, Any], method: str, path: str) -> Draft202012Validator:
    operation = document["paths"][path][method]
    schema = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert schema, (method, path)
    return Draft202012Validator({**schema, "components": document["components"]})


def test_the_documented_200_schemas_hold_for_live_answers(
    api: httpx.Client, http: httpx.Client
) -> None:
    document = _document(http)
    group = create_group(api)
    credential = issue(api, group["id"], grade="A", custom_attributes={"hours": 3})
    answers = {
        ("post", "/v1/issuer/groups"): {"group": group},
        ("get", "/v1/issuer/groups/{group_id}"): api.get(f"/v1/issuer/groups/{group['id']}").json(),
        ("get", "/v1/credentials/{id}"): api.get(f"/v1/credentials/{credential['id']}").json(),
        ("get", "/v1/issuer/details"): api.get("/v1/issuer/details").json(),
    }
    for (method, path), body in answers.items():
        errors = [e.message for e in _validator(document, method, path).iter_errors(body)]
        assert errors == [], (method, path, errors)
    for method, path in (
        ("post", "/v1/credentials"),
        ("put", "/v1/credentials/{id}"),
        ("patch", "/v1/credentials/{id}"),
        ("delete", "/v1/credentials/{id}"),
        ("put", "/v1/issuer/groups/{group_id}"),
        ("delete", "/v1/issuer/groups/{group_id}"),
    ):
        _validator(document, method, path)
    # A schema that describes the answer, not anything: a wrong shape fails it.
    wrong = {"credential": {**credential, "id": "not a number"}}
    assert list(_validator(document, "get", "/v1/credentials/{id}").iter_errors(wrong))
