"""`GET /v1/issuer/credential_redirect`: to a credential's public page by the caller's id."""

import httpx
import pytest

from plaudit.store.db import Database
from tests.accredible.helpers import create_group, issue, unique_email
from tests.support.live_server import LiveServer
from tests.support.tenants import Tenant, add_department, department_key, make_tenant

PATH = "/v1/issuer/credential_redirect"


def test_redirects_by_license_id(
    api: httpx.Client, live_server: LiveServer, tenant: Tenant
) -> None:
    license_id = f"LIC-{unique_email()}"
    credential = issue(api, create_group(api)["id"], id=license_id)
    response = api.get(PATH, params={"id": license_id, "issuer_id": tenant.organization_id})
    assert response.status_code == 302
    assert response.headers["location"] == f"{live_server.base_url}/c/{credential['encoded_id']}"
    assert credential["url"] == response.headers["location"]


def test_redirects_by_plaudit_ids_too(api: httpx.Client, tenant: Tenant) -> None:
    credential = issue(api, create_group(api)["id"])
    for reference in (credential["id"], credential["encoded_id"]):
        response = api.get(PATH, params={"id": reference, "issuer_id": tenant.organization_id})
        assert response.status_code == 302
        assert response.headers["location"].endswith(f"/c/{credential['encoded_id']}")


@pytest.mark.parametrize(
    ("params", "status", "errors"),
    [
        ({"issuer_id": "{org}"}, 422, {"id": ["can't be blank"]}),
        ({"id": "{license}"}, 422, {"issuer_id": ["can't be blank"]}),
        ({"id": "unknown", "issuer_id": "{org}"}, 404, "Doesn't exist"),
        ({"id": "{license}", "issuer_id": "999999999"}, 404, "Doesn't exist"),
        ({"id": "{license}", "issuer_id": "abc"}, 404, "Doesn't exist"),
        ({"id": "{license}", "issuer_id": "{org}\x00"}, 400, "Request contains a NUL character"),
    ],
)
def test_refusals(
    api: httpx.Client, tenant: Tenant, params: dict[str, str], status: int, errors: object
) -> None:
    license_id = f"LIC-{unique_email()}"
    issue(api, create_group(api)["id"], id=license_id)
    filled = {
        name: value.format(org=tenant.organization_id, license=license_id)
        for name, value in params.items()
    }
    response = api.get(PATH, params=filled)
    assert response.status_code == status, response.text
    assert response.json() == {"errors": errors}


def test_another_tenants_credential_is_not_found(
    api: httpx.Client, live_server: LiveServer, database: Database, tenant: Tenant
) -> None:
    other_tenant = make_tenant(database)
    other = httpx.Client(
        base_url=live_server.base_url,
        headers={"Authorization": f"Token token={other_tenant.api_key}"},
        timeout=30,
    )
    license_id = f"LIC-{unique_email()}"
    issue(other, create_group(other)["id"], id=license_id)
    for issuer_id in (tenant.organization_id, other_tenant.organization_id):
        response = api.get(PATH, params={"id": license_id, "issuer_id": issuer_id})
        assert response.status_code == 404
        assert response.json() == {"errors": "Doesn't exist"}


def test_department_scoped_key(
    api: httpx.Client, live_server: LiveServer, database: Database, tenant: Tenant
) -> None:
    department_id = add_department(database, tenant.organization_id, "Arts")
    key = department_key(database, tenant.organization_id, department_id)
    scoped = httpx.Client(
        base_url=live_server.base_url, headers={"Authorization": f"Token token={key}"}, timeout=30
    )
    outside = issue(api, create_group(api)["id"])
    inside = issue(scoped, create_group(scoped)["id"])
    params = {"issuer_id": tenant.organization_id}
    assert scoped.get(PATH, params={**params, "id": outside["id"]}).status_code == 404
    assert scoped.get(PATH, params={**params, "id": inside["id"]}).status_code == 302


def test_needs_a_key(http: httpx.Client) -> None:
    response = http.get(PATH, params={"id": "1", "issuer_id": "1"})
    assert response.status_code == 401
    assert response.text == "HTTP Token: Access denied."
    assert http.get(PATH).status_code == 401
