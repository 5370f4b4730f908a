"""Benchmark: certificate PDFs and badge PNGs per second, cold (drawn) and warm (cached), over HTTP.

The script starts a throw-away Plaudit server (`plaudit serve --workers N`, its own temporary
data directory, SQLite unless --database-url names another database), issues --credentials
credentials with the built-in designs, then from --concurrency concurrent clients:

- cold: fetches each credential's `certificate.pdf` once (each is drawn, then stored), then
  each one's `badge.png` once;
- warm: fetches them again, round-robin, --warm-requests times each kind (answered from the
  in-process cache or the `renderings` table).

Run it from the project root:

    .venv/bin/python bench/render.py
    .venv/bin/python bench/render.py --credentials 200 --workers 2 --concurrency 8

stdout gets exactly one line of JSON; progress goes to stderr. The exit status is non-zero if
any request failed (an answer other than 200, or a transport error).
"""

import argparse
import asyncio
import itertools
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from issue_credentials import (
    REQUEST_TIMEOUT_SECONDS,
    Results,
    create_api_key,
    create_group,
    database_label,
    free_port,
    log,
    percentiles_ms,
    report_error,
    run,
    server_environment,
    start_server,
    stop_server,
    wait_until_healthy,
)

BENCHMARK = "render_certificates_and_badges"
BULK = 100  # credentials per bulk_create request while setting up


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--credentials", type=int, default=200, help="Credentials (cold files).")
    parser.add_argument("--warm-requests", type=int, default=2000, help="Warm requests per kind.")
    parser.add_argument("--concurrency", type=int, default=8, help="Concurrent clients.")
    parser.add_argument("--workers", type=int, default=2, help="Server worker processes.")
    parser.add_argument(
        "--database-url", default=None, help="SQLAlchemy URL; default: SQLite in a temp dir."
    )
    args = parser.parse_args()
    for name in ("credentials", "warm_requests", "concurrency", "workers"):
        if getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be at least 1")
    return args


async def issue_credentials(base_url: str, api_key: str, count: int) -> list[str]:
    """The public URLs of `count` new credentials."""
    headers = {"Authorization": f"Token token={api_key}"}
    async with httpx.AsyncClient(
        base_url=base_url, headers=headers, timeout=REQUEST_TIMEOUT_SECONDS
    ) as client:
        group_id = await create_group(client)
        urls: list[str] = []
        for start in range(0, count, BULK):
            rows = [
                {
                    "recipient": {"name": f"Learner {n}", "email": f"render-{n}@example.com"},
                    "group_id": group_id,
                }
                for n in range(start, min(count, start + BULK))
            ]
            response = await client.post("/v1/credentials/bulk_create", json={"credentials": rows})
            if response.status_code != 200:
                raise RuntimeError(f"issuing: HTTP {response.status_code}: {response.text}")
            urls += [str(item["url"]) for item in response.json()["credentials"]]
    return urls


async def fetch(targets: list[str], concurrency: int) -> tuple[Results, float]:
    """GETs every target once from `concurrency` clients: (results, seconds)."""
    results = Results()
    queue = iter(targets)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(limits=limits, timeout=REQUEST_TIMEOUT_SECONDS) as client:

        async def worker() -> None:
            for url in queue:
                started = time.perf_counter()
                try:
                    response = await client.get(url)
                except httpx.HTTPError as error:
                    report_error(results, f"{type(error).__name__}: {error}")
                    continue
                if response.status_code != 200 or not response.content:
                    report_error(results, f"HTTP {response.status_code}: {url}")
                    continue
                results.latencies.append(time.perf_counter() - started)

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        seconds = time.perf_counter() - started
    return results, seconds


def phase(name: str, targets: list[str], concurrency: int) -> tuple[dict[str, Any], int]:
    log(f"{name}: {len(targets)} requests")
    results, seconds = asyncio.run(fetch(targets, concurrency))
    p50, p99 = percentiles_ms(results.latencies)
    figures = {
        f"{name}_per_second": round(len(results.latencies) / seconds, 1),
        f"{name}_p50_ms": round(p50, 2),
        f"{name}_p99_ms": round(p99, 2),
    }
    return figures, results.errors


def benchmark(args: argparse.Namespace) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="plaudit-bench-") as data_dir:
        env = server_environment(Path(data_dir), args.database_url, signing=False)
        api_key = create_api_key(env)
        port = free_port()
        base_url = f"http://127.0.0.1:{port}"
        env["PLAUDIT_BASE_URL"] = base_url
        server = start_server(env, port, args.workers)
        figures: dict[str, Any] = {}
        errors = 0
        try:
            wait_until_healthy(base_url, server)
            log(f"issuing {args.credentials} credentials")
            pages = asyncio.run(issue_credentials(base_url, api_key, args.credentials))
            for kind, file in (("pdf", "certificate.pdf"), ("badge_png", "badge.png")):
                urls = [f"{page}/{file}" for page in pages]
                cold, failed = phase(f"cold_{kind}", urls, args.concurrency)
                figures.update(cold)
                errors += failed
                warm_targets = list(itertools.islice(itertools.cycle(urls), args.warm_requests))
                warm, failed = phase(f"warm_{kind}", warm_targets, args.concurrency)
                figures.update(warm)
                errors += failed
        finally:
            stop_server(server)
    return {
        "benchmark": BENCHMARK,
        "database": database_label(args.database_url),
        "workers": args.workers,
        "concurrency": args.concurrency,
        "credentials": args.credentials,
        "warm_requests": args.warm_requests,
        **figures,
        "errors": errors,
    }


def main() -> int:
    args = parse_args()
    return run(lambda: benchmark(args), "some file requests failed")


if __name__ == "__main__":
    sys.exit(main())
