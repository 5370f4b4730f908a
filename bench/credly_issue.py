"""Benchmark: issuing badges through the Credly dialect (`POST /v1/organizations/{org}/badges`),
one badge per request, requests per second and latency.

The script starts a throw-away Plaudit server the way bench/issue_credentials.py does (its own
temporary data directory, SQLite unless --database-url names another database), creates one
badge template (an Accredible group, which refuses duplicates) and issues --count badges with
the seed's body (an issuer_earner_id each, a UrlEvidence item) from --concurrency concurrent
clients authenticating as Credly clients do (HTTP Basic, the key as user name). A warm-up of a
few requests runs first and is not measured.

Run it from the project root:

    .venv/bin/python bench/credly_issue.py --count 2000 --concurrency 8

stdout gets exactly one line of JSON; progress goes to stderr. The exit status is non-zero if
any request failed (an answer other than 201, or a transport error).
"""

import argparse
import asyncio
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx

from issue_credentials import (
    REQUEST_TIMEOUT_SECONDS,
    WARMUP_REQUESTS,
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

BENCHMARK = "credly_issue_badge"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=2000, help="Badges to issue.")
    parser.add_argument("--concurrency", type=int, default=8, help="Concurrent clients.")
    parser.add_argument("--workers", type=int, default=1, help="Server worker processes.")
    parser.add_argument(
        "--database-url", default=None, help="SQLAlchemy URL; default: SQLite in a temp dir."
    )
    args = parser.parse_args()
    for name in ("count", "concurrency", "workers"):
        if getattr(args, name) < 1:
            parser.error(f"--{name} must be at least 1")
    return args


def badge_body(template_id: str, prefix: str, index: int) -> dict[str, Any]:
    return {
        "recipient_email": f"{prefix}-{index}@example.com",
        "badge_template_id": template_id,
        "issued_at": "2014-04-01 09:41:00 -0500",
        "issued_to_first_name": "Earner",
        "issued_to_last_name": f"Number {index}",
        "expires_at": None,
        "issuer_earner_id": f"{prefix}-{index}",
        "locale": "en",
        "suppress_badge_notification_email": False,
        "evidence": [
            {"type": "UrlEvidence", "value": "https://example.org/evidence", "name": "Evidence"}
        ],
    }


async def organization_and_template(
    client: httpx.AsyncClient, credly: httpx.AsyncClient
) -> tuple[str, str]:
    """The key's organization UUID and a new template's UUID (created as an Accredible group)."""
    await create_group(client)
    organizations = await credly.get("/v1/organizations")
    organizations.raise_for_status()
    organization = organizations.json()["data"][0]["id"]
    templates = await credly.get(f"/v1/organizations/{organization}/badge_templates")
    templates.raise_for_status()
    [template] = [item["id"] for item in templates.json()["data"]]
    return organization, template


async def issue_many(
    client: httpx.AsyncClient, path: str, template_id: str, prefix: str, count: int, workers: int
) -> Results:
    results = Results()
    indices: Iterator[int] = iter(range(count))

    async def worker() -> None:
        for index in indices:
            started = time.perf_counter()
            try:
                response = await client.post(path, json=badge_body(template_id, prefix, index))
            except httpx.HTTPError as error:
                report_error(results, f"{type(error).__name__}: {error}")
                continue
            if response.status_code != 201:
                report_error(results, f"HTTP {response.status_code}: {response.text[:500]}")
                continue
            results.latencies.append(time.perf_counter() - started)
            results.credentials += 1

    await asyncio.gather(*(worker() for _ in range(workers)))
    return results


async def run_load(
    base_url: str, api_key: str, args: argparse.Namespace
) -> tuple[Results, float, int]:
    limits = httpx.Limits(
        max_connections=args.concurrency, max_keepalive_connections=args.concurrency
    )
    common: dict[str, Any] = {"base_url": base_url, "timeout": REQUEST_TIMEOUT_SECONDS}
    async with (
        httpx.AsyncClient(headers={"Authorization": f"Token token={api_key}"}, **common) as client,
        httpx.AsyncClient(auth=(api_key, ""), limits=limits, **common) as credly,
    ):
        organization, template = await organization_and_template(client, credly)
        path = f"/v1/organizations/{organization}/badges"
        log(f"template {template}; warming up with {WARMUP_REQUESTS} requests")
        warmup = await issue_many(
            credly, path, template, "warmup", WARMUP_REQUESTS, args.concurrency
        )
        log(f"issuing {args.count} badges from {args.concurrency} concurrent clients")
        started = time.perf_counter()
        measured = await issue_many(credly, path, template, "earner", args.count, args.concurrency)
        seconds = time.perf_counter() - started
    return measured, seconds, warmup.errors


def benchmark(args: argparse.Namespace) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="plaudit-bench-") as data_dir:
        env = server_environment(Path(data_dir), args.database_url)
        api_key = create_api_key(env)
        port = free_port()
        base_url = f"http://127.0.0.1:{port}"
        server = start_server(env, port, args.workers)
        try:
            wait_until_healthy(base_url, server)
            measured, seconds, warmup_errors = asyncio.run(run_load(base_url, api_key, args))
        finally:
            stop_server(server)
    p50, p99 = percentiles_ms(measured.latencies)
    return {
        "benchmark": BENCHMARK,
        "database": database_label(args.database_url),
        "count": args.count,
        "concurrency": args.concurrency,
        "workers": args.workers,
        "seconds": round(seconds, 3),
        "requests_per_second": round(measured.credentials / seconds, 1),
        "p50_ms": round(p50, 2),
        "p99_ms": round(p99, 2),
        "errors": measured.errors + warmup_errors,
    }


def main() -> int:
    args = parse_args()
    return run(lambda: benchmark(args), "some requests failed")


if __name__ == "__main__":
    sys.exit(main())
