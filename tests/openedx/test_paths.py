"""Paths (issue 12, item 6), on SQLite and PostgreSQL: the credentials API answers under
`/api/v2/` and the seed's older `/api/v1/`, with and without the trailing slash, for the JWT of
a connected site as for an API key."""

import httpx
import pytest

from tests.openedx.helpers import Site, api_key_headers, learner_headers
from tests.support.tenants import Tenant

PATHS = (
    "/api/v2/credentials/",
    "/api/v2/credentials",
    "/api/v1/credentials/",
    "/api/v1/credentials",
)


@pytest.mark.parametrize("path", PATHS)
def test_credentials_list_answers_on_every_path(lms: httpx.Client, path: str):
    answer = lms.get(path, params={"username": "nobody", "status": "awarded"})
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"count": 0, "next": None, "previous": None, "results": []}


@pytest.mark.parametrize("path", PATHS)
def test_unauthenticated_is_drf_401_on_every_path(http: httpx.Client, path: str):
    answer = http.get(path)
    assert answer.status_code == 401
    assert answer.json() == {"detail": "Authentication credentials were not provided."}
    assert answer.headers["www-authenticate"] == 'JWT realm="api"'


def test_api_key_works_as_staff(http: httpx.Client, tenant: Tenant):
    answer = http.get("/api/v2/credentials/", headers=api_key_headers(tenant))
    assert answer.status_code == 200, answer.text


def test_learner_may_list_only_their_own(http: httpx.Client, site: Site):
    headers = learner_headers(site, "learner1")
    own = http.get("/api/v1/credentials/", params={"username": "learner1"}, headers=headers)
    other = http.get("/api/v1/credentials/", params={"username": "learner2"}, headers=headers)
    assert own.status_code == 200, own.text
    assert other.status_code == 403
    assert other.json() == {"detail": "You do not have permission to perform this action."}


def test_v1_and_v2_are_one_api_in_openapi(http: httpx.Client):
    paths = http.get("/openapi.json").json()["paths"]
    assert "/api/v2/credentials/" in paths
    assert not [path for path in paths if path.startswith("/api/v1/credentials")]


def test_a_method_the_path_lacks_is_drfs_405(lms: httpx.Client):
    answer = lms.put("/api/v1/credentials/", json={})
    assert answer.status_code == 405
    assert answer.json() == {"detail": 'Method "PUT" not allowed.'}
    assert set(answer.headers["allow"].split(", ")) >= {"GET", "POST"}
