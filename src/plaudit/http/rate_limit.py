"""Per-client request limits (seed 000: up to 2000 requests every 5 minutes from one IP, stricter
on sensitive endpoints), counted by the `limits` library.

Each limit is a moving window: a request counts for exactly the window's length after it was
made. Counters live in Redis when `PLAUDIT_REDIS_URL` is set, so every process and host shares
them, and in this process's memory otherwise. A dialect calls `admit` before serving a request
and `record_failed_auth` when it answers 401, and renders `RateLimited` in its own error format.
"""

import logging
import math
import time
from collections.abc import Awaitable, Callable

from fastapi import Request
from limits import RateLimitItem, parse
from limits.aio.storage import Storage
from limits.aio.strategies import MovingWindowRateLimiter
from limits.errors import StorageError
from limits.storage import storage_from_string

from plaudit.domain.errors import RateLimited
from plaudit.http.client_address import client_address, parse_networks
from plaudit.settings import Settings

logger = logging.getLogger("plaudit.rate_limit")

REQUESTS = "requests"
SSO = "sso"
FAILED_AUTH = "failed_auth"
KEY_PREFIX = "plaudit:rate"
REDIS_TIMEOUT_SECONDS = 2


def storage_for(redis_url: str | None) -> Storage:
    if not redis_url:
        return storage_from_string("async+memory://", wrap_exceptions=True)
    url = redis_url if redis_url.startswith("async+") else f"async+{redis_url}"
    return storage_from_string(
        url,
        wrap_exceptions=True,
        implementation="redispy",
        key_prefix=KEY_PREFIX,
        socket_timeout=REDIS_TIMEOUT_SECONDS,
        socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
    )


class RateLimits:
    """The limits of one app, by name: `requests` (every request), `sso` (SSO link
    generation) and `failed_auth` (failed authentications, past which a client is refused)."""

    def __init__(self, settings: Settings) -> None:
        self.enabled = settings.rate_limit_enabled
        self.trusted_proxies = parse_networks(settings.trusted_proxies)
        self.items: dict[str, RateLimitItem] = {
            REQUESTS: parse(settings.rate_limit),
            SSO: parse(settings.rate_limit_sso),
            FAILED_AUTH: parse(settings.rate_limit_failed_auth),
        }
        self.limiter = MovingWindowRateLimiter(storage_for(settings.redis_url))

    def client(self, request: Request) -> str:
        return client_address(request, self.trusted_proxies)

    async def admit(self, request: Request) -> None:
        """Counts a request; RateLimited when its client is over the general limit or has
        failed to authenticate too often."""
        if not self.enabled:
            return
        client = self.client(request)
        if not await self._within(FAILED_AUTH, client, consume=False):
            raise RateLimited(await self._retry_after(FAILED_AUTH, client))
        await self.count(REQUESTS, client)

    async def count(self, name: str, client: str) -> None:
        """Counts one use of the named limit; RateLimited past it."""
        if self.enabled and not await self._within(name, client, consume=True):
            raise RateLimited(await self._retry_after(name, client))

    async def record_failed_auth(self, request: Request) -> None:
        if self.enabled:
            await self._within(FAILED_AUTH, self.client(request), consume=True)

    async def _within(self, name: str, client: str, *, consume: bool) -> bool:
        item = self.items[name]
        check = self.limiter.hit if consume else self.limiter.test
        try:
            return await check(item, name, client)
        except StorageError as error:
            # Counters that cannot be reached must not take the API down with them.
            logger.warning(
                "rate_limit.storage_unavailable",
                extra={"fields": {"error": type(error.storage_error).__name__}},
            )
            return True

    async def _retry_after(self, name: str, client: str) -> int:
        """Whole seconds until the window has room again (at least 1)."""
        item = self.items[name]
        try:
            stats = await self.limiter.get_window_stats(item, name, client)
        except StorageError:
            return item.get_expiry()
        return max(1, math.ceil(stats.reset_time - time.time()))


def limits_of(request: Request) -> RateLimits:
    return request.app.state.rate_limits


def stricter_limit(name: str) -> Callable[[Request], Awaitable[None]]:
    """A route dependency that also counts the request against the named stricter limit."""

    async def dependency(request: Request) -> None:
        limits = limits_of(request)
        await limits.count(name, limits.client(request))

    return dependency
