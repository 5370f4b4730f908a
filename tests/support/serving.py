"""Waiting for a `plaudit serve` that a test started as a process."""

import time

import httpx


def wait_until_serving(base: str, seconds: float = 30) -> None:
    """Returns once `{base}/healthz` answers 200; fails the test after `seconds`."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            if httpx.get(f"{base}/healthz").status_code == 200:
                return
        except httpx.TransportError:
            pass
        assert time.monotonic() < deadline, "server did not start"
        time.sleep(0.1)
