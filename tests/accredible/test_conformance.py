"""Schemathesis against a live server: every implemented operation of the Accredible OpenAPI
file, fed generated input, never answers 5xx, and every documented response conforms."""

import re
from functools import cache
from typing import Any

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from plaudit.app import create_app
from plaudit.settings import Settings
from plaudit.store.db import Database
from tests.support.live_server import LiveServer
from tests.support.openapi import relaxed_spec
from tests.support.tenants import Tenant

_PARAMETER = re.compile(r"\{[^}]+\}")


def _shape(path: str) -> str:
    return _PARAMETER.sub("{}", path)


@cache
def implemented() -> frozenset[tuple[str, str]]:
    """(METHOD, path shape) of every operation Plaudit publishes in its own OpenAPI document."""
    app = create_app(Settings(), Database("sqlite://"))
    return frozenset(
        (method.upper(), _shape(path))
        for path, operations in app.openapi()["paths"].items()
        for method in operations
    )


def _served(ctx: Any) -> bool:
    operation = ctx.operation
    return (operation.method.upper(), _shape(operation.path)) in implemented()


# Operations whose documented response schema is wrong, so only "no 5xx" is checked there.
SCHEMA_ERRATA = {
    # The file's search answer is one department object; a search answers a list of them.
    ("POST", "/v1/departments/search"),
}

schema = schemathesis.openapi.from_dict(relaxed_spec()).include(func=_served)


@schema.parametrize()
@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    database=None,
)
def test_generated_requests(case: Any, live_server: LiveServer, tenant: Tenant) -> None:
    checks = [not_a_server_error]
    if (case.operation.method.upper(), case.operation.path) not in SCHEMA_ERRATA:
        checks.append(response_schema_conformance)
    case.call_and_validate(
        base_url=live_server.base_url,
        headers={"Authorization": f"Token token={tenant.api_key}"},
        checks=checks,
    )


def test_the_implemented_operations_are_checked() -> None:
    assert {("POST", "/v1/credentials"), ("GET", "/v1/issuer/all_groups")} <= implemented()
    designs = {
        ("POST", "/v1/designs"),
        ("GET", "/v1/designs"),
        ("POST", "/v1/designs/search"),
        ("GET", "/v1/designs/{}"),
        ("PUT", "/v1/designs/{}"),
        ("DELETE", "/v1/designs/{}"),
        ("POST", "/v1/designs/{}/copy"),
        ("POST", "/v1/designs/{}/preview"),
        ("POST", "/v1/designers/certificate/initialize"),
        ("POST", "/v1/designers/badge/initialize"),
    }
    assert designs <= implemented()
    assert len(list(schema.get_all_operations())) >= 10
