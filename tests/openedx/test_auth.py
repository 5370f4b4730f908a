"""Open edX authentication and DRF error bodies (issue 12, items 1 and 6), on SQLite and
PostgreSQL: site JWTs (HS256; issuer, audience, expiry; staff by claim or service user), API
keys, and the 401/403/404/400 shapes, through probe routes on the real app."""

import base64
import json
from collections.abc import Iterator

import httpx
import pytest
from fastapi import APIRouter, FastAPI
from pydantic import BaseModel

from plaudit.dialects.openedx.auth import Caller
from plaudit.dialects.openedx.routing import OpenedxRouter, mount
from plaudit.domain.errors import Conflict, Forbidden, Invalid, NotFound
from plaudit.server_secret import server_secret
from plaudit.services import openedx_sites
from plaudit.settings import Settings
from plaudit.store.db import Database
from tests.openedx.helpers import (
    Site,
    api_key_headers,
    connect_site,
    jwt_headers,
    make_jwt,
    service_headers,
    sign,
)
from tests.support.live_server import start_live_server
from tests.support.tenants import Tenant, add_department, department_key, make_tenant

probe = OpenedxRouter()


class Credential(BaseModel):
    program_uuid: str


class Body(BaseModel):
    username: str
    credential: Credential
    status: str = "awarded"
    attributes: list[dict[str, str]] = []


@probe.get("/probe/whoami/")
async def whoami(caller: Caller) -> dict[str, object]:
    return {
        "organization_id": caller.organization_id,
        "department_id": caller.scope.department_id,
        "username": caller.username,
        "is_staff": caller.is_staff,
    }


@probe.post("/probe/body/")
async def body(caller: Caller, payload: Body) -> dict[str, str]:
    return {"username": payload.username}


@probe.get("/probe/refuse/{kind}/")
async def refuse(caller: Caller, kind: str) -> None:
    if kind == "forbidden":
        raise Forbidden("openedx.not_staff", "only staff")
    if kind == "missing":
        raise NotFound("credential")
    if kind == "conflict":
        raise Conflict("openedx.state", "Cannot do that now.")
    raise Invalid(
        fields={"credential.program_uuid": ["No active ProgramCertificate exists."], "base": ["x"]}
    )


def add_probes(app: FastAPI) -> None:
    parent = APIRouter()
    mount(parent, probe, ("/api/v2", "/api/v1"))
    app.include_router(parent)


@pytest.fixture(scope="module")
def client(settings: Settings, database: Database) -> Iterator[httpx.Client]:
    """The real app, served, with the probe routes added."""
    server = start_live_server(settings, database, add_probes)
    with httpx.Client(base_url=server.base_url, timeout=30) as client:
        yield client
    server.stop()


def jwt_claims(token: str) -> dict:
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def whoami_with(client: httpx.Client, headers: dict[str, str], path: str = "/api/v2/probe/whoami/"):
    return client.get(path, headers=headers)


def test_service_user_jwt_is_staff_of_the_sites_organization(client: httpx.Client, site: Site):
    answer = whoami_with(client, service_headers(site))
    assert answer.status_code == 200, answer.text
    assert answer.json() == {
        "organization_id": site.organization_id,
        "department_id": None,
        "username": site.service_username,
        "is_staff": True,
    }


def test_bearer_jwt_works_like_jwt(client: httpx.Client, site: Site):
    answer = whoami_with(client, jwt_headers(make_jwt(site, "learner1"), "Bearer"))
    assert answer.status_code == 200, answer.text
    assert answer.json()["username"] == "learner1"


def test_learner_is_not_staff(client: httpx.Client, site: Site):
    answer = whoami_with(client, jwt_headers(make_jwt(site, "learner1")))
    assert answer.json()["is_staff"] is False


def test_administrator_claim_makes_staff(client: httpx.Client, site: Site):
    answer = whoami_with(client, jwt_headers(make_jwt(site, "admin1", administrator=True)))
    assert answer.json() == {**answer.json(), "username": "admin1", "is_staff": True}


def test_username_claim_when_no_preferred_username(client: httpx.Client, site: Site):
    token = make_jwt(site, preferred_username=None, username="learner2")
    answer = whoami_with(client, jwt_headers(token))
    assert answer.json()["username"] == "learner2"


def test_token_without_username_is_refused(client: httpx.Client, site: Site):
    answer = whoami_with(client, jwt_headers(make_jwt(site, preferred_username=None)))
    assert answer.status_code == 401
    assert answer.json() == {"detail": "JWT must include a preferred_username or username claim!"}


@pytest.mark.parametrize(
    "change",
    [
        pytest.param({"secret": "another-secret-of-enough-length-123"}, id="bad-signature"),
        pytest.param({"iss": "https://unknown.example.org/oauth2"}, id="unknown-issuer"),
        pytest.param({"aud": "another-audience"}, id="wrong-audience"),
        pytest.param({"aud": None}, id="no-audience"),
        pytest.param({"exp": None}, id="no-expiry"),
        pytest.param({"iat": None}, id="no-issued-at"),
        pytest.param({"iat": 4102444800}, id="issued-in-the-future"),
        pytest.param({"version": "2.0.0"}, id="unsupported-version"),
    ],
)
def test_invalid_tokens_are_401_invalid_token(client: httpx.Client, site: Site, change: dict):
    answer = whoami_with(client, jwt_headers(make_jwt(site, "learner1", **change)))
    assert answer.status_code == 401
    assert answer.json() == {"detail": "Invalid token."}
    assert answer.headers["www-authenticate"] == 'JWT realm="api"'


def test_token_of_another_sites_secret_is_refused(
    client: httpx.Client, site: Site, database: Database, settings: Settings
):
    other = connect_site(database, settings, make_tenant(database))
    forged = make_jwt(site, "learner1", secret=other.secret)
    assert whoami_with(client, jwt_headers(forged)).status_code == 401


@pytest.mark.parametrize(
    "header",
    [
        pytest.param({"alg": "none"}, id="alg-none"),
        pytest.param({"alg": "HS512"}, id="alg-hs512"),
    ],
)
def test_only_hs256_is_taken(client: httpx.Client, site: Site, header: dict):
    claims = jwt_claims(make_jwt(site, "learner1"))
    answer = whoami_with(client, jwt_headers(sign(claims, site.secret, header)))
    assert answer.status_code == 401
    assert answer.json() == {"detail": "Invalid token."}


def test_garbage_token_is_invalid(client: httpx.Client):
    for token in ("a.b.c", "not-a-jwt-at-all.x.y"):
        answer = whoami_with(client, jwt_headers(token))
        assert answer.json() == {"detail": "Invalid token."}


def test_short_secret_of_a_devstack_works(
    client: httpx.Client, database: Database, settings: Settings, tenant: Tenant
):
    """Devstack's `lms-secret` is shorter than JOSE libraries like: it works all the same."""
    site = Site(tenant.organization_id, f"https://devstack-{tenant.organization_id}", "lms-key",
                "lms-secret", "svc")  # fmt: skip
    with database.transaction() as session:
        openedx_sites.connect(
            session, server_secret(settings), organization_id=site.organization_id,
            jwt_secret=site.secret, jwt_issuer=site.issuer, jwt_audience=site.audience,
            service_username=site.service_username,
        )  # fmt: skip
    answer = whoami_with(client, jwt_headers(make_jwt(site)))
    assert answer.status_code == 200, answer.text
    assert answer.json()["is_staff"] is True


def test_expired_token_is_401_token_has_expired(client: httpx.Client, site: Site):
    answer = whoami_with(client, jwt_headers(make_jwt(site, "learner1", lifetime=-10)))
    assert answer.status_code == 401
    assert answer.json() == {"detail": "Token has expired."}


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param({}, id="none"),
        pytest.param({"Authorization": "Basic dXNlcjpwYXNz"}, id="other-scheme"),
    ],
)
def test_missing_credentials_are_401_not_provided(client: httpx.Client, headers: dict):
    answer = whoami_with(client, headers)
    assert answer.status_code == 401
    assert answer.json() == {"detail": "Authentication credentials were not provided."}


@pytest.mark.parametrize(
    "form",
    [
        pytest.param("Token token={}", id="token-token"),
        pytest.param("Token {}", id="token"),
        pytest.param("Bearer {}", id="bearer"),
    ],
)
def test_api_key_is_staff_of_its_organization(client: httpx.Client, tenant: Tenant, form: str):
    answer = whoami_with(client, {"Authorization": form.format(tenant.api_key)})
    assert answer.status_code == 200, answer.text
    assert answer.json() == {
        "organization_id": tenant.organization_id,
        "department_id": None,
        "username": None,
        "is_staff": True,
    }


def test_a_department_key_is_no_staff_and_may_do_nothing_here(
    client: httpx.Client, tenant: Tenant, database: Database
):
    department = add_department(database, tenant.organization_id, "Science")
    key = department_key(database, tenant.organization_id, department)
    headers = {"Authorization": f"Token token={key}"}
    answer = whoami_with(client, headers)
    assert answer.json()["department_id"] == department
    assert answer.json()["is_staff"] is False
    listed = client.get("/api/v2/credentials/", headers=headers)
    assert listed.status_code == 403
    assert listed.json() == {"detail": "You do not have permission to perform this action."}


@pytest.mark.parametrize(
    ("header", "message"),
    [
        pytest.param("JWT", "Invalid Authorization header. No credentials provided.", id="empty"),
        pytest.param(
            "JWT a.b.c d",
            "Invalid Authorization header. Credentials string should not contain spaces.",
            id="spaces",
        ),
    ],
)
def test_malformed_jwt_header_is_401_as_drf_jwt(client: httpx.Client, header: str, message: str):
    answer = whoami_with(client, {"Authorization": header})
    assert answer.status_code == 401
    assert answer.json() == {"detail": message}


def test_unknown_api_key_is_401_invalid_token(client: httpx.Client):
    answer = whoami_with(client, {"Authorization": "Token token=" + "0" * 52})
    assert answer.status_code == 401
    assert answer.json() == {"detail": "Invalid token."}


def test_paths_answer_with_and_without_trailing_slash_and_under_v1(client: httpx.Client, site):
    for path in ("/api/v2/probe/whoami/", "/api/v2/probe/whoami", "/api/v1/probe/whoami/"):
        assert whoami_with(client, service_headers(site), path).status_code == 200, path


@pytest.mark.parametrize(
    ("kind", "status", "expected"),
    [
        pytest.param(
            "forbidden",
            403,
            {"detail": "You do not have permission to perform this action."},
            id="forbidden",
        ),
        pytest.param("missing", 404, {"detail": "Not found."}, id="not-found"),
        pytest.param("conflict", 400, {"non_field_errors": ["Cannot do that now."]}, id="conflict"),
        pytest.param(
            "invalid",
            400,
            {
                "credential": {"program_uuid": ["No active ProgramCertificate exists."]},
                "non_field_errors": ["x"],
            },
            id="invalid",
        ),
    ],
)
def test_domain_errors_in_drf_bodies(
    client: httpx.Client, tenant: Tenant, kind: str, status: int, expected: dict
):
    answer = client.get(f"/api/v2/probe/refuse/{kind}/", headers=api_key_headers(tenant))
    assert answer.status_code == status
    assert answer.json() == expected


def test_body_validation_is_400_by_field(client: httpx.Client, tenant: Tenant):
    answer = client.post(
        "/api/v2/probe/body/", headers=api_key_headers(tenant), json={"credential": {}}
    )
    assert answer.status_code == 400
    assert answer.json() == {
        "username": ["This field is required."],
        "credential": {"program_uuid": ["This field is required."]},
    }


def test_null_and_wrong_type_messages(client: httpx.Client, tenant: Tenant):
    answer = client.post(
        "/api/v2/probe/body/",
        headers=api_key_headers(tenant),
        json={"username": None, "credential": "x"},
    )
    assert answer.json() == {
        "username": ["This field may not be null."],
        "credential": ["Invalid data. Expected a dictionary, but got str."],
    }


def test_malformed_json_is_a_parse_error(client: httpx.Client, tenant: Tenant):
    answer = client.post(
        "/api/v2/probe/body/",
        headers={**api_key_headers(tenant), "Content-Type": "application/json"},
        content=b"{nope",
    )
    assert answer.status_code == 400
    assert answer.json()["detail"].startswith("JSON parse error - ")


def test_unauthenticated_invalid_body_is_401_not_400(client: httpx.Client):
    answer = client.post("/api/v2/probe/body/", json={})
    assert answer.status_code == 401


def test_method_not_allowed_in_drf_body(client: httpx.Client, tenant: Tenant):
    answer = client.delete("/api/v2/probe/whoami/", headers=api_key_headers(tenant))
    assert answer.status_code == 405
    assert answer.json() == {"detail": 'Method "DELETE" not allowed.'}
    assert answer.headers["allow"] == "GET"
