"""Drawing runs in worker processes: a drawing that crashes, hangs or eats memory fails alone."""

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from plaudit.render import isolation
from plaudit.render.raster import RenderFailed, svg_to_png
from tests.support import render_probes

HOSTILE = Path(__file__).parents[1] / "data" / "hostile" / "design"


@pytest.fixture(scope="module", autouse=True)
def strict_pool() -> Iterator[None]:
    before = isolation.limits()
    isolation.configure(workers=2, timeout_seconds=2.0, memory_mb=512)
    yield
    isolation.configure(before.workers, before.timeout_seconds, before.memory_bytes // 2**20)


def test_a_crashing_drawing_fails_alone_and_the_next_one_runs() -> None:
    with pytest.raises(RenderFailed, match="died"):
        isolation.run(render_probes.crash)
    assert isolation.run(render_probes.sleep, 0) == b"slept"


def test_resvg_overflowing_its_stack_kills_only_its_worker() -> None:
    """The 250-deep design, drawn with no sanitizer in front: resvg overflows its stack."""
    deep = (HOSTILE / "nested-250-groups.svg").read_text()
    with pytest.raises(RenderFailed, match="died"):
        isolation.run(svg_to_png, deep, 600)
    assert isolation.run(svg_to_png, deep.replace("<g>" * 10, "").replace("</g>" * 10, ""), 60)


def test_a_drawing_past_its_time_is_stopped() -> None:
    started = time.monotonic()
    with pytest.raises(RenderFailed, match="longer than 2 seconds"):
        isolation.run(render_probes.sleep, 30)
    assert time.monotonic() - started < 6
    assert isolation.run(render_probes.sleep, 0) == b"slept"


def test_a_drawing_past_its_memory_fails_in_its_worker() -> None:
    with pytest.raises((MemoryError, RenderFailed)):
        isolation.run(render_probes.allocate, 2048)
    assert isolation.run(render_probes.allocate, 16) == b"\0"


def test_workers_are_other_processes() -> None:
    assert isolation.run(render_probes.pid) != os.getpid()
