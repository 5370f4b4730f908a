"""Benchmark: public credential pages (`GET /c/{encoded_id}`), requests per second and latency.

The script starts a throw-away Plaudit server (`plaudit serve --workers N`, its own temporary
data directory, SQLite unless --database-url names another database), issues --credentials
credentials through the API (each with two evidence items and a reference, so the page has
something to show), then requests their pages round-robin from --concurrency concurrent
clients, --requests times in all. Each request is a full page view as a browser makes it:
HTML only (the images are separate requests, served and cached by the rendering code), and
the server records an analytics event for it. A warm-up of --warmup requests is not measured.

Run it from the project root:

    .venv/bin/python bench/public_page.py
    .venv/bin/python bench/public_page.py --workers 2 --requests 5000 --concurrency 16

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

BENCHMARK = "public_credential_page"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=5000, help="Page requests measured.")
    parser.add_argument("--warmup", type=int, default=200, help="Page requests not measured.")
    parser.add_argument("--credentials", type=int, default=50, help="Distinct pages requested.")
    parser.add_argument("--concurrency", type=int, default=16, help="Concurrent clients.")
    parser.add_argument("--workers", type=int, default=2, help="Server worker processes.")
    parser.add_argument(
        "--database-url", default=None, help="SQLAlchemy URL; default: SQLite in a temp dir."
    )
    args = parser.parse_args()
    for name in ("requests", "credentials", "concurrency", "workers"):
        if getattr(args, name) < 1:
            parser.error(f"--{name} must be at least 1")
    if args.warmup < 0:
        parser.error("--warmup must not be negative")
    return args


def credential_body(index: int, group_id: int) -> dict[str, Any]:
    return {
        "credential": {
            "recipient": {"name": f"Learner {index}", "email": f"page-{index}@example.com"},
            "group_id": group_id,
            "evidence_items": [
                {"description": "Capstone", "category": "url", "url": "https://example.org/c"},
                {"description": "Final grade", "category": "grade", "string_object": "88"},
            ],
            "references": [
                {
                    "description": "Thorough and clear work.",
                    "relationship": "taught",
                    "referee": {"name": "A. Teacher"},
                }
            ],
        }
    }


async def issue_credentials(base_url: str, api_key: str, count: int) -> list[str]:
    """The public URLs of `count` new credentials."""
    headers = {"Authorization": f"Token token={api_key}"}
    async with httpx.AsyncClient(
        base_url=base_url, headers=headers, timeout=REQUEST_TIMEOUT_SECONDS
    ) as client:
        group_id = await create_group(client)
        urls = []
        for index in range(count):
            response = await client.post("/v1/credentials", json=credential_body(index, group_id))
            if response.status_code != 200:
                raise RuntimeError(f"issuing: HTTP {response.status_code}: {response.text}")
            urls.append(str(response.json()["credential"]["url"]))
    return urls


async def view_pages(urls: list[str], count: int, concurrency: int) -> tuple[Results, float]:
    """`count` page requests, round-robin over `urls`, from `concurrency` clients."""
    results = Results()
    targets = itertools.islice(itertools.cycle(urls), count)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(limits=limits, timeout=REQUEST_TIMEOUT_SECONDS) as client:

        async def worker() -> None:
            for url in targets:
                started = time.perf_counter()
                try:
                    response = await client.get(url, headers={"Accept": "text/html"})
                except httpx.HTTPError as error:
                    report_error(results, f"{type(error).__name__}: {error}")
                    continue
                if response.status_code != 200:
                    report_error(results, f"HTTP {response.status_code}: {url}")
                    continue
                results.latencies.append(time.perf_counter() - started)

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        seconds = time.perf_counter() - started
    return results, seconds


def benchmark(args: argparse.Namespace) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="plaudit-bench-") as data_dir:
        env = server_environment(Path(data_dir), args.database_url)
        api_key = create_api_key(env)
        port = free_port()
        base_url = f"http://127.0.0.1:{port}"
        env["PLAUDIT_BASE_URL"] = base_url
        server = start_server(env, port, args.workers)
        try:
            wait_until_healthy(base_url, server)
            log(f"issuing {args.credentials} credentials")
            urls = asyncio.run(issue_credentials(base_url, api_key, args.credentials))
            log(f"warming up with {args.warmup} page requests")
            warmup, _ = asyncio.run(view_pages(urls, args.warmup, args.concurrency))
            log(f"requesting {args.requests} pages from {args.concurrency} concurrent clients")
            measured, seconds = asyncio.run(view_pages(urls, args.requests, args.concurrency))
        finally:
            stop_server(server)
    p50, p99 = percentiles_ms(measured.latencies)
    return {
        "benchmark": BENCHMARK,
        "database": database_label(args.database_url),
        "workers": args.workers,
        "concurrency": args.concurrency,
        "requests": args.requests,
        "credentials": args.credentials,
        "seconds": round(seconds, 3),
        "requests_per_second": round(len(measured.latencies) / seconds, 1),
        "p50_ms": round(p50, 2),
        "p99_ms": round(p99, 2),
        "errors": warmup.errors + measured.errors,
    }


def main() -> int:
    args = parse_args()
    return run(lambda: benchmark(args), "some page requests failed")


if __name__ == "__main__":
    sys.exit(main())
