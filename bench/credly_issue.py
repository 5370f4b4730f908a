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
import time
from collections.abc import Iterator
from typing import Any

import httpx

from issue_credentials import (
    REQUEST_TIMEOUT_SECONDS,
    WARMUP_REQUESTS,
    Results,
    create_group,
    database_label,
    fresh_instance,
    log,
    percentiles_ms,
    run,
    send_all,
    serving,
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


def badges(path: str, template_id: str, prefix: str, count: int) -> Iterator[tuple[str, Any]]:
    return ((path, badge_body(template_id, prefix, index)) for index in range(count))


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
        warmup = await send_all(
            credly, badges(path, template, "warmup", WARMUP_REQUESTS), args.concurrency, 201
        )
        log(f"issuing {args.count} badges from {args.concurrency} concurrent clients")
        started = time.perf_counter()
        measured = await send_all(
            credly, badges(path, template, "earner", args.count), args.concurrency, 201
        )
        seconds = time.perf_counter() - started
    return measured, seconds, warmup.errors


def benchmark(args: argparse.Namespace) -> dict[str, Any]:
    with (
        fresh_instance(args.database_url) as instance,
        serving(instance.env, args.workers) as base_url,
    ):
        measured, seconds, warmup_errors = asyncio.run(run_load(base_url, instance.api_key, args))
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
