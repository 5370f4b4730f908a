"""Drawing waits its turn: at most one drawing per render worker process at a time.

A request that needs a file drawn waits here without holding a thread; the drawing itself runs
in a worker process (render/isolation.py), so neither a slow nor a crashing design can starve or
stop the API.
"""

from collections.abc import Callable
from functools import partial
from typing import Any, TypeVar

import anyio

T = TypeVar("T")

render_slots = anyio.CapacityLimiter(2)


def set_slots(count: int) -> None:
    render_slots.total_tokens = max(1, count)


async def in_render_slot(function: Callable[..., T], *args: Any) -> T:
    """function(*args) in a thread once a render slot is free (it blocks on a render worker)."""
    return await anyio.to_thread.run_sync(partial(function, *args), limiter=render_slots)
