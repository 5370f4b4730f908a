"""`/openapi.json` lists Credly's operations once each (not their trailing-slash twins), tagged
`Credly...`, with an HTTP Basic security scheme that Swagger UI's "Authorize" fills in; Accredible's
operations keep their own schemes (tests/accredible/test_openapi_document.py)."""

import base64
from typing import Any

import httpx

from plaudit.store.db import Database
from tests.credly.helpers import organization_uuid
from tests.support.tenants import Tenant

METHODS = ("get", "post", "put", "patch", "delete")
ORGANIZATION = "/v1/organizations/{organization_id}"


def _document(http: httpx.Client) -> dict[str, Any]:
    response = http.get("/openapi.json")
    assert response.status_code == 200
    return response.json()


def _credly_operations(document: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {
        (method, path): operation
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if method in METHODS and any(tag.startswith("Credly") for tag in operation["tags"])
    }


def _basic_scheme(document: dict[str, Any]) -> str:
    schemes = document["components"]["securitySchemes"]
    [name] = [name for name, scheme in schemes.items() if scheme.get("scheme") == "basic"]
    assert schemes[name]["type"] == "http"
    return name


def test_credly_operations_are_listed_once_with_http_basic(http: httpx.Client) -> None:
    document = _document(http)
    basic = _basic_scheme(document)
    operations = _credly_operations(document)
    assert {
        ("get", "/v1/organizations"),
        ("get", ORGANIZATION),
        ("put", ORGANIZATION),
        ("get", ORGANIZATION + "/authorization_tokens"),
        ("get", ORGANIZATION + "/badge_templates"),
        ("post", ORGANIZATION + "/badge_templates"),
        ("put", ORGANIZATION + "/badge_templates/{template_id}/archive"),
    } <= set(operations)
    assert not [path for _, path in operations if path.endswith("/")]
    ids = [operation["operationId"] for operation in operations.values()]
    assert len(ids) == len(set(ids))
    for key, operation in operations.items():
        if key[1].startswith("/v1/organizations"):
            assert operation["security"] == [{basic: []}], key
    # Credly's Open Badges 2.0 aliases are public, listed once (the `/v1` copies are hidden).
    alias = document["paths"]["/obi/v2/badge_assertions/{assertion_id}"]["get"]
    assert "security" not in alias
    assert not [path for path in document["paths"] if path.startswith("/v1/obi/")]
    # No other operation asks for Credly's scheme.
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method in METHODS and (method, path) not in operations:
                required = {name for entry in operation.get("security", []) for name in entry}
                assert basic not in required, (method, path)


def test_a_request_made_as_swagger_ui_makes_it_works(
    http: httpx.Client, database: Database, tenant: Tenant
) -> None:
    """Swagger UI sends HTTP Basic as `base64(user:password)`: the key as user, no password."""
    _basic_scheme(_document(http))
    encoded = base64.b64encode(f"{tenant.api_key}:".encode()).decode()
    response = http.get(
        f"/v1/organizations/{organization_uuid(database, tenant)}",
        headers={"Authorization": f"Basic {encoded}"},
    )
    assert response.status_code == 200, response.text
