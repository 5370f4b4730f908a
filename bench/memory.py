"""The memory measure: resident memory of each worker after N/2 and N creates.

Creates go through wrk (create.lua, 16 connections) in runs whose length is sized from the
rate seen so far, until the count is reached; VmRSS is read from /proc/<pid>/status.
"""

from typing import Any

from plaudit_server import RunningServer, Target
from proc_stats import resident_kib
from wrk_runner import run_wrk

CONNECTIONS = 16
FIRST_RUN_SECONDS = 3.0
LONGEST_RUN_SECONDS = 60.0


def create_until(
    server: RunningServer, api_key: str, target: Target, wanted: int, label: str
) -> int:
    """Issue at least `wanted` credentials; how many were issued."""
    issued, run_number, seconds = 0, 0, FIRST_RUN_SECONDS
    while issued < wanted:
        run_number += 1
        result = run_wrk(
            f"{server.base_url}/v1/credentials",
            connections=CONNECTIONS,
            seconds=seconds,
            request_script="create",
            script_args=[str(target.group_id), f"{label}-{run_number}"],
            api_key=api_key,
        )
        if result.errors:
            raise RuntimeError(
                f"{result.errors} creates failed while filling for the memory measure"
            )
        issued += result.requests
        rate = max(result.requests_per_second, 1.0)
        seconds = min(max((wanted - issued) / rate, 1.0), LONGEST_RUN_SECONDS)
    return issued


def worker_rss_mb(server: RunningServer) -> dict[str, float]:
    """VmRSS in MB by worker process id (a worker uvicorn replaced shows as a new id)."""
    return {str(pid): round(resident_kib(pid) / 1024, 1) for pid in sorted(server.worker_pids())}


def measure_memory(
    server: RunningServer, api_key: str, target: Target, count: int, label: str
) -> dict[str, Any]:
    """Worker RSS at count/2 and count creates, and its growth between the two."""
    halfway = create_until(server, api_key, target, count // 2, f"{label}-first")
    at_half = worker_rss_mb(server)
    total = halfway + create_until(server, api_key, target, count - halfway, f"{label}-second")
    at_end = worker_rss_mb(server)
    return {
        "creates_at_half": halfway,
        "creates": total,
        "rss_mb_at_half": at_half,
        "rss_mb_at_end": at_end,
        "rss_growth_mb": {
            pid: round(at_end[pid] - rss, 1) for pid, rss in at_half.items() if pid in at_end
        },
        "errors": 0,
    }
