"""`GET|PUT /v1/organizations/{org}` (with `webhook_url`) and the authorization tokens list."""

import re
from typing import Any

import httpx
import pytest

from plaudit.services import api_keys
from plaudit.store.db import Database
from tests.credly.helpers import basic, organization_uuid
from tests.support.tenants import Tenant, add_department, department_key, make_tenant

TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


def _get(http: httpx.Client, org: str, token: str) -> dict[str, Any]:
    response = http.get(f"/v1/organizations/{org}", headers=basic(token))
    assert response.status_code == 200, response.text
    return response.json()


def test_get_shows_the_organization_in_the_envelope(
    http: httpx.Client, database: Database, tenant: Tenant
) -> None:
    org = organization_uuid(database, tenant)
    body = _get(http, org, tenant.api_key)
    assert body["metadata"] == {}
    data = body["data"]
    assert data["id"] == org
    assert data["name"] == "Test Academy"
    assert data["website_url"] == "https://issuer.example.org"
    assert data["contact_email"] == "issuer@example.org"
    assert data["webhook_url"] is None
    assert TIMESTAMP.match(data["created_at"]) and TIMESTAMP.match(data["updated_at"])


def test_put_changes_the_fields_given_and_keeps_the_others(
    http: httpx.Client, database: Database, tenant: Tenant
) -> None:
    org = organization_uuid(database, tenant)
    headers = basic(tenant.api_key)
    response = http.put(
        f"/v1/organizations/{org}",
        headers=headers,
        json={"webhook_url": "https://hooks.example.org/credly", "unknown": "ignored"},
    )
    assert response.status_code == 200, response.text
    assert response.json()["metadata"] == {}
    assert response.json()["data"]["webhook_url"] == "https://hooks.example.org/credly"
    assert response.json()["data"]["name"] == "Test Academy"
    everything = {
        "name": "Renamed Academy",
        "website_url": "http://renamed.example.org",
        "contact_email": "contact@renamed.example.org",
    }
    response = http.put(f"/v1/organizations/{org}", headers=headers, json=everything)
    assert response.status_code == 200, response.text
    data = _get(http, org, tenant.api_key)["data"]
    assert {name: data[name] for name in everything} == everything
    assert data["webhook_url"] == "https://hooks.example.org/credly"
    # Null clears the webhook; the name is not touched.
    response = http.put(f"/v1/organizations/{org}", headers=headers, json={"webhook_url": None})
    assert response.status_code == 200, response.text
    data = _get(http, org, tenant.api_key)["data"]
    assert data["webhook_url"] is None
    assert data["name"] == "Renamed Academy"


@pytest.mark.parametrize(
    "webhook_url",
    ["ftp://hooks.example.org/x", "hooks.example.org/credly", "javascript:alert(1)", "https://"],
)
def test_a_webhook_url_that_is_not_http_is_a_422_in_the_error_envelope(
    http: httpx.Client, database: Database, tenant: Tenant, webhook_url: str
) -> None:
    org = organization_uuid(database, tenant)
    response = http.put(
        f"/v1/organizations/{org}", headers=basic(tenant.api_key), json={"webhook_url": webhook_url}
    )
    assert response.status_code == 422, response.text
    assert response.json() == {
        "data": {
            "message": "Validation failed: Webhook url must be an http or https URL",
            "errors": [
                {
                    "attribute": "webhook_url",
                    "attribute_label": "Webhook url",
                    "messages": ["must be an http or https URL"],
                }
            ],
        },
        "metadata": None,
    }
    assert _get(http, org, tenant.api_key)["data"]["webhook_url"] is None


@pytest.mark.parametrize(
    ("webhook_url", "message"),
    [
        ("http://hooks.example.org/credly", "must be an https URL (plain http only for hosts"),
        ("https://127.0.0.1/credly", "must not be a private, loopback or link-local address"),
        ("https://user:secret@hooks.example.org/", "must not carry a user name or password"),
    ],
)
def test_a_webhook_url_this_server_may_not_post_to_is_refused_up_front(
    http: httpx.Client, database: Database, tenant: Tenant, webhook_url: str, message: str
) -> None:
    """The same rules as any webhook subscription (PLAUDIT_WEBHOOK_ALLOW_HOSTS is empty here)."""
    org = organization_uuid(database, tenant)
    response = http.put(
        f"/v1/organizations/{org}", headers=basic(tenant.api_key), json={"webhook_url": webhook_url}
    )
    assert response.status_code == 422, response.text
    [error] = response.json()["data"]["errors"]
    assert error["attribute"] == "webhook_url"
    assert error["messages"][0].startswith(message)
    assert _get(http, org, tenant.api_key)["data"]["webhook_url"] is None


def test_every_bad_field_is_named_at_once_under_credlys_names(
    http: httpx.Client, database: Database, tenant: Tenant
) -> None:
    org = organization_uuid(database, tenant)
    response = http.put(
        f"/v1/organizations/{org}",
        headers=basic(tenant.api_key),
        json={"name": " ", "website_url": "mailto:x@example.org", "contact_email": "nope"},
    )
    assert response.status_code == 422, response.text
    errors = {error["attribute"]: error for error in response.json()["data"]["errors"]}
    assert set(errors) == {"name", "website_url", "contact_email"}
    assert errors["name"]["messages"] == ["can't be blank"]
    assert errors["contact_email"]["attribute_label"] == "Contact email"
    assert response.json()["data"]["message"].startswith("Validation failed: Name can't be blank")
    assert _get(http, org, tenant.api_key)["data"]["name"] == "Test Academy"


def test_wrong_types_are_a_422_and_broken_json_a_400(
    http: httpx.Client, database: Database, tenant: Tenant
) -> None:
    org = organization_uuid(database, tenant)
    headers = basic(tenant.api_key)
    response = http.put(f"/v1/organizations/{org}", headers=headers, json={"webhook_url": 5})
    assert response.status_code == 422
    [error] = response.json()["data"]["errors"]
    assert error["attribute"] == "webhook_url"
    response = http.put(
        f"/v1/organizations/{org}",
        headers={**headers, "Content-Type": "application/json"},
        content=b"{not json",
    )
    assert response.status_code == 400
    assert response.json() == {
        "data": {"message": "Request body is not valid JSON"},
        "metadata": None,
    }
    # Without a working token, nothing is said about the body.
    response = http.put(f"/v1/organizations/{org}", json={"webhook_url": 5})
    assert response.status_code == 401


def test_a_department_key_reads_the_organization_but_cannot_change_it(
    http: httpx.Client, database: Database, tenant: Tenant
) -> None:
    org = organization_uuid(database, tenant)
    department = add_department(database, tenant.organization_id, "Physics")
    key = department_key(database, tenant.organization_id, department)
    assert _get(http, org, key)["data"]["id"] == org
    response = http.put(f"/v1/organizations/{org}", headers=basic(key), json={"name": "Mine"})
    assert response.status_code == 403
    assert response.json()["data"]["message"]
    assert _get(http, org, key)["data"]["name"] == "Test Academy"


def test_the_tokens_list_shows_keys_by_prefix_and_label_never_the_secret(
    http: httpx.Client, database: Database, tenant: Tenant
) -> None:
    org = organization_uuid(database, tenant)
    with database.transaction() as session:
        second = api_keys.create_key(session, tenant.organization_id, label="integration")
        revoked = api_keys.create_key(session, tenant.organization_id, label="old")
        api_keys.revoke_key(session, revoked.plaintext)
    other = make_tenant(database, "Other Academy")
    response = http.get(
        f"/v1/organizations/{org}/authorization_tokens", headers=basic(tenant.api_key)
    )
    assert response.status_code == 200, response.text
    body = response.json()
    tokens = {item["token"]: item for item in body["data"]}
    assert set(tokens) == {tenant.api_key[:12], second.plaintext[:12]}
    assert tokens[second.plaintext[:12]]["description"] == "integration"
    assert tokens[tenant.api_key[:12]]["description"] == "tests"
    for item in body["data"]:
        assert item["owner_id"] == org
        assert item["owner"]["id"] == org
        assert item["owner"]["type"] == "Organization"
        assert item["owner"]["url"].endswith(f"/v1/organizations/{org}")
        assert TIMESTAMP.match(item["created_at"])
    for plaintext in (tenant.api_key, second.plaintext, other.api_key):
        assert plaintext[12:] not in response.text
    assert other.api_key[:12] not in response.text
    assert body["metadata"]["count"] == body["metadata"]["total_count"] == 2
    assert body["metadata"]["per"] == 50


def test_a_department_key_lists_only_its_departments_tokens(
    http: httpx.Client, database: Database, tenant: Tenant
) -> None:
    org = organization_uuid(database, tenant)
    department = add_department(database, tenant.organization_id, "Chemistry")
    key = department_key(database, tenant.organization_id, department)
    response = http.get(f"/v1/organizations/{org}/authorization_tokens", headers=basic(key, "|"))
    assert response.status_code == 200, response.text
    assert [item["token"] for item in response.json()["data"]] == [key[:12]]
