"""Credly auth (the three Basic forms real clients send), tenancy by organization UUID,
trailing slashes, and the `{"data", "metadata"}` envelope of answers and errors."""

import uuid

import httpx
import pytest

from plaudit.services import api_keys
from plaudit.store.db import Database
from tests.credly.helpers import basic, organization_uuid
from tests.support.tenants import Tenant, make_tenant

UNAUTHORIZED = {
    "data": {"message": "You must provide a valid authorization token."},
    "metadata": None,
}


@pytest.mark.parametrize("suffix", [":", "", "|"], ids=["colon", "bare", "bar"])
def test_every_basic_form_real_clients_send_works(
    http: httpx.Client, database: Database, tenant: Tenant, suffix: str
) -> None:
    org = organization_uuid(database, tenant)
    response = http.get(f"/v1/organizations/{org}", headers=basic(tenant.api_key, suffix))
    assert response.status_code == 200, response.text
    assert response.json()["data"]["id"] == org


def test_openedx_header_for_its_test_key_is_read_as_documented() -> None:
    from plaudit.dialects.credly.auth import presented_token

    # openedx/credentials' test expects `Basic dGVzdF9hcGlfa2V5` for `test_api_key`.
    assert presented_token("Basic dGVzdF9hcGlfa2V5") == "test_api_key"
    assert presented_token("basic dGVzdF9hcGlfa2V5") == "test_api_key"
    assert presented_token("Bearer test_api_key") is None
    assert presented_token("Basic !!!") is None


@pytest.mark.parametrize(
    "header",
    [None, "", "Basic", "Basic !!notbase64", "Token token={key}", "Bearer {key}", "wrong", "x"],
)
def test_missing_or_bad_token_is_a_401_in_credlys_envelope(
    http: httpx.Client, database: Database, tenant: Tenant, header: str | None
) -> None:
    org = organization_uuid(database, tenant)
    if header == "wrong":
        headers = basic(tenant.api_key[:-1] + ("0" if tenant.api_key[-1] != "0" else "1"))
    elif header == "x":
        headers = basic(tenant.api_key + "x")
    elif header is None:
        headers = {}
    else:
        headers = {"Authorization": header.format(key=tenant.api_key)}
    for path in ("/v1/organizations", f"/v1/organizations/{org}"):
        response = http.get(path, headers=headers)
        assert response.status_code == 401, (path, response.text)
        assert response.json() == UNAUTHORIZED
        assert response.headers["www-authenticate"].startswith("Basic")


def test_a_revoked_token_is_refused(http: httpx.Client, database: Database, tenant: Tenant) -> None:
    with database.transaction() as session:
        api_keys.revoke_key(session, tenant.api_key)
    response = http.get("/v1/organizations", headers=basic(tenant.api_key))
    assert response.status_code == 401
    assert response.json() == UNAUTHORIZED


def test_another_organizations_uuid_or_an_unknown_one_is_a_404(
    http: httpx.Client, database: Database, tenant: Tenant
) -> None:
    other = organization_uuid(database, make_tenant(database, "Other Academy"))
    headers = basic(tenant.api_key)
    for org in (other, str(uuid.uuid4()), "not-a-uuid", "1"):
        for path in (f"/v1/organizations/{org}", f"/v1/organizations/{org}/authorization_tokens"):
            response = http.get(path, headers=headers)
            assert response.status_code == 404, (path, response.text)
            body = response.json()
            assert set(body) == {"data", "metadata"}
            assert body["data"]["message"]
        response = http.put(f"/v1/organizations/{org}", headers=headers, json={"name": "Taken"})
        assert response.status_code == 404
    # Nothing of the other organization changed.
    mine = organization_uuid(database, tenant)
    assert http.get(f"/v1/organizations/{mine}", headers=headers).json()["data"]["name"] == (
        "Test Academy"
    )


def test_every_path_answers_with_and_without_a_trailing_slash(
    http: httpx.Client, database: Database, tenant: Tenant
) -> None:
    org = organization_uuid(database, tenant)
    headers = basic(tenant.api_key, "")
    for path in (
        "/v1/organizations",
        f"/v1/organizations/{org}",
        f"/v1/organizations/{org}/authorization_tokens",
    ):
        plain = http.get(path, headers=headers)
        slashed = http.get(path + "/", headers=headers)
        assert plain.status_code == slashed.status_code == 200, (path, slashed.text)
        assert plain.json()["data"] == slashed.json()["data"]
    response = http.put(f"/v1/organizations/{org}/", headers=headers, json={"name": "Slashed"})
    assert response.status_code == 200, response.text
    assert response.json()["data"]["name"] == "Slashed"


def test_a_method_a_path_lacks_is_a_405_in_the_envelope(
    http: httpx.Client, database: Database, tenant: Tenant
) -> None:
    org = organization_uuid(database, tenant)
    response = http.delete(f"/v1/organizations/{org}", headers=basic(tenant.api_key))
    assert response.status_code == 405
    assert set(response.headers["allow"].split(", ")) == {"GET", "PUT"}
    assert response.json() == {"data": {"message": "Method Not Allowed"}, "metadata": None}


def test_the_organization_list_has_credlys_list_metadata(
    http: httpx.Client, database: Database, tenant: Tenant
) -> None:
    headers = basic(tenant.api_key)
    body = http.get("/v1/organizations", headers=headers).json()
    assert [item["id"] for item in body["data"]] == [organization_uuid(database, tenant)]
    assert body["metadata"] == {
        "count": 1,
        "current_page": 1,
        "total_count": 1,
        "total_pages": 1,
        "per": 50,
        "previous_page_url": None,
        "next_page_url": None,
    }
    past = http.get("/v1/organizations", params={"page": 2}, headers=headers).json()
    assert past["data"] == []
    assert past["metadata"]["count"] == 0
    assert past["metadata"]["current_page"] == 2
    assert past["metadata"]["previous_page_url"].endswith("/v1/organizations?page=1")
    assert past["metadata"]["next_page_url"] is None


@pytest.mark.parametrize("page", ["0", "-1", "two"])
def test_a_bad_page_is_a_422_naming_it(http: httpx.Client, tenant: Tenant, page: str) -> None:
    response = http.get("/v1/organizations", params={"page": page}, headers=basic(tenant.api_key))
    assert response.status_code == 422
    [error] = response.json()["data"]["errors"]
    assert error["attribute"] == "page"
    assert error["attribute_label"] == "Page"
