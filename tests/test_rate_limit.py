"""Rate limits (seed 000): per client IP, stricter for SSO links and failed authentication, 429
with Retry-After, counters in memory or shared through a real Redis server."""

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
import redis
from pydantic import ValidationError

from plaudit.settings import Settings
from plaudit.store.db import Database
from tests.accredible.helpers import create_group, issue
from tests.support.live_server import start_live_server
from tests.support.postgres import free_port
from tests.support.redis import RedisServer, find_redis_server, start_redis_server
from tests.support.tenants import Tenant

DETAILS = "/v1/issuer/details"


@contextmanager
def serving(settings: Settings, database: Database, **changes: Any) -> Iterator[str]:
    """A live server of its own (so its own in-memory counters), with rate limiting on."""
    server = start_live_server(
        settings.model_copy(update={"rate_limit_enabled": True, **changes}), database
    )
    try:
        yield server.base_url
    finally:
        server.stop()


def client(base_url: str, tenant: Tenant | None = None, **headers: str) -> httpx.Client:
    if tenant is not None:
        headers["Authorization"] = f"Token token={tenant.api_key}"
    return httpx.Client(base_url=base_url, headers=headers, timeout=30)


def assert_limited(response: httpx.Response, window_seconds: int) -> None:
    assert response.status_code == 429, response.text
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert set(body) == {"errors"} and body["errors"].startswith("Rate limit exceeded")
    assert 1 <= int(response.headers["retry-after"]) <= window_seconds


@pytest.fixture(scope="module")
def redis_server() -> Iterator[RedisServer]:
    binary = find_redis_server()
    if binary is None:
        pytest.skip("redis-server not installed: shared (Redis) rate-limit counters not tested")
    server = start_redis_server(binary)
    yield server
    server.stop()


@pytest.fixture
def redis_url(redis_server: RedisServer) -> str:
    """The server's URL, with no counters left from an earlier test."""
    with redis.Redis(host="127.0.0.1", port=redis_server.port) as connection:
        connection.flushall()
    return redis_server.url


def test_past_the_limit_requests_get_429_with_retry_after(
    settings: Settings, database: Database, tenant: Tenant
) -> None:
    with serving(settings, database, rate_limit="5 per minute") as url, client(url, tenant) as api:
        for _ in range(5):
            assert api.get(DETAILS).status_code == 200
        assert_limited(api.get(DETAILS), 60)
        # Every Accredible route counts, whatever the method or key.
        assert_limited(api.post("/v1/credentials", json={}), 60)
        assert_limited(httpx.get(f"{url}{DETAILS}", timeout=30), 60)


def test_the_window_slides(settings: Settings, database: Database, tenant: Tenant) -> None:
    with (
        serving(settings, database, rate_limit="2 per 2 seconds") as url,
        client(url, tenant) as api,
    ):
        assert api.get(DETAILS).status_code == 200
        time.sleep(1.2)
        assert api.get(DETAILS).status_code == 200
        refused = api.get(DETAILS)
        assert_limited(refused, 2)
        time.sleep(0.9)  # the first request has left the window, the second has not
        assert api.get(DETAILS).status_code == 200
        assert_limited(api.get(DETAILS), 2)


def test_limits_can_be_switched_off(settings: Settings, database: Database, tenant: Tenant) -> None:
    with (
        serving(settings, database, rate_limit="2 per minute", rate_limit_enabled=False) as url,
        client(url, tenant) as api,
    ):
        assert all(api.get(DETAILS).status_code == 200 for _ in range(5))


def test_sso_link_generation_has_a_stricter_limit(
    settings: Settings, database: Database, tenant: Tenant
) -> None:
    with (
        serving(
            settings, database, rate_limit="50 per minute", rate_limit_sso="2 per minute"
        ) as url,
        client(url, tenant) as api,
    ):
        credential = issue(api, create_group(api)["id"])
        body = {"credential_id": credential["id"]}
        assert api.post("/v1/sso/generate_link", json=body).status_code == 200
        assert api.post("/v1/sso/generate_link", json=body).status_code == 200
        assert_limited(api.post("/v1/sso/generate_link", json=body), 60)
        assert api.get(DETAILS).status_code == 200


def test_failed_authentications_lock_the_address_out(
    settings: Settings, database: Database, tenant: Tenant
) -> None:
    def at(url: str, address: str) -> httpx.Client:
        return client(url, tenant, **{"X-Forwarded-For": address})

    wrong = {"Authorization": "Token token=wrong"}
    with (
        serving(
            settings,
            database,
            rate_limit_failed_auth="3 per minute",
            trusted_proxies="127.0.0.1",
        ) as url,
        at(url, "203.0.113.7") as guesser,
        at(url, "203.0.113.8") as sneaky,
        at(url, "203.0.113.9") as bystander,
    ):
        for _ in range(3):
            assert guesser.get(DETAILS, headers=wrong).status_code == 401
        # Refused even with a good key, until the window frees.
        assert_limited(guesser.get(DETAILS), 60)
        # A malformed body does not dodge the count.
        for _ in range(3):
            response = sneaky.post("/v1/credentials", content=b"{", headers=wrong)
            assert response.status_code == 401
        assert_limited(sneaky.get(DETAILS), 60)
        assert bystander.get(DETAILS).status_code == 200


def test_unknown_sso_codes_count_as_failed_authentication(
    settings: Settings, database: Database, tenant: Tenant
) -> None:
    with (
        serving(settings, database, rate_limit_failed_auth="2 per minute") as url,
        client(url, tenant) as api,
    ):
        credential = issue(api, create_group(api)["id"])
        guess = f"/c/{credential['encoded_id']}/sso?code=guess"
        assert api.get(guess).status_code == 404
        assert api.get(guess).status_code == 404
        refused = api.get(guess)
        assert refused.status_code == 429
        assert refused.headers["content-type"].startswith("text/html")
        assert 1 <= int(refused.headers["retry-after"]) <= 60
        assert "Try again in" in refused.text


def test_forwarded_for_is_ignored_unless_the_peer_is_a_trusted_proxy(
    settings: Settings, database: Database, tenant: Tenant
) -> None:
    with serving(settings, database, rate_limit="2 per minute") as url:
        for address in ("198.51.100.1", "198.51.100.2"):
            with client(url, tenant, **{"X-Forwarded-For": address}) as api:
                assert api.get(DETAILS).status_code == 200
        with client(url, tenant, **{"X-Forwarded-For": "198.51.100.3"}) as api:
            assert_limited(api.get(DETAILS), 60)


def test_behind_trusted_proxies_each_client_has_its_own_count(
    settings: Settings, database: Database, tenant: Tenant
) -> None:
    with serving(
        settings, database, rate_limit="2 per minute", trusted_proxies="127.0.0.0/8, 10.0.0.1"
    ) as url:
        # A client's own X-Forwarded-For entries are left of what the proxies add.
        first = {"X-Forwarded-For": "spoofed, 198.51.100.1, 10.0.0.1"}
        with client(url, tenant, **first) as api:
            assert [api.get(DETAILS).status_code for _ in range(3)] == [200, 200, 429]
        second = {"X-Forwarded-For": "198.51.100.1, 198.51.100.2"}
        with client(url, tenant, **second) as api:
            assert api.get(DETAILS).status_code == 200


def test_two_app_instances_share_counters_through_redis(
    settings: Settings, database: Database, tenant: Tenant, redis_url: str
) -> None:
    shared = {"rate_limit": "4 per minute", "redis_url": redis_url}
    with (
        serving(settings, database, **shared) as first_url,
        serving(settings, database, **shared) as second_url,
        client(first_url, tenant) as first,
        client(second_url, tenant) as second,
    ):
        assert first.get(DETAILS).status_code == 200
        assert second.get(DETAILS).status_code == 200
        assert first.get(DETAILS).status_code == 200
        assert second.get(DETAILS).status_code == 200
        assert_limited(first.get(DETAILS), 60)
        assert_limited(second.get(DETAILS), 60)


def test_failed_authentications_are_shared_through_redis(
    settings: Settings, database: Database, tenant: Tenant, redis_url: str
) -> None:
    shared = {"rate_limit_failed_auth": "2 per minute", "redis_url": redis_url}
    wrong = {"Authorization": "Token token=wrong"}
    with (
        serving(settings, database, **shared) as first_url,
        serving(settings, database, **shared) as second_url,
        client(first_url, tenant) as first,
        client(second_url, tenant) as second,
    ):
        assert first.get(DETAILS, headers=wrong).status_code == 401
        assert second.get(DETAILS, headers=wrong).status_code == 401
        assert_limited(first.get(DETAILS), 60)


def test_unreachable_redis_lets_requests_through(
    settings: Settings, database: Database, tenant: Tenant
) -> None:
    gone = f"redis://127.0.0.1:{free_port()}/0"
    with (
        serving(settings, database, rate_limit="1 per minute", redis_url=gone) as url,
        client(url, tenant) as api,
    ):
        assert [api.get(DETAILS).status_code for _ in range(3)] == [200, 200, 200]


@pytest.mark.parametrize(
    "changes",
    [
        {"rate_limit": "lots"},
        {"rate_limit_sso": "5 per fortnight"},
        {"rate_limit_failed_auth": ""},
        {"trusted_proxies": "10.0.0.1, proxy.example.org"},
    ],
)
def test_settings_refuse_what_they_cannot_read(changes: dict[str, str]) -> None:
    with pytest.raises(ValidationError):
        Settings(**changes)
