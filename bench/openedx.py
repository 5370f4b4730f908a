"""Benchmark: the Open edX Credentials dialect as edx-platform loads it. `POST
/api/v2/credentials/` (course run awards) requests per second and latency, beside the Accredible
create (`POST /v1/credentials`) on the same server, then `bulk_learner_cert_status/` asking for
--learners learners x --courses course runs each, latency.

The script starts a throw-away Plaudit server the way bench/issue_credentials.py does (its own
temporary data directory, SQLite unless --database-url names another database) and calls it with
the organization's API key (staff, as the LMS's service user is). It configures --courses course
certificates, awards every learner every course (--learners x --courses credentials, from
--concurrency clients, measured), reports a grade for each (not measured), issues as many
Accredible credentials (measured), then sends --requests bulk status requests one after another
(measured). A warm-up of a few requests runs before each measured phase.

Run it from the project root:

    .venv/bin/python bench/openedx.py
    .venv/bin/python bench/openedx.py --learners 100 --courses 10 --concurrency 8 --requests 50

stdout gets exactly one line of JSON; progress goes to stderr. The exit status is non-zero if
any request failed (an unexpected status, a transport error, or a status answer that does not
list every awarded certificate).
"""

import argparse
import asyncio
import sys
import time
from typing import Any

import httpx

from issue_credentials import (
    REQUEST_TIMEOUT_SECONDS,
    create_group,
    database_label,
    fresh_instance,
    issue_many,
    log,
    percentiles_ms,
    run,
    send_all,
    serving,
)

BENCHMARK = "openedx_credentials"
WARMUP = 20
Request = tuple[str, Any]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=100, help="Learners.")
    parser.add_argument("--courses", type=int, default=10, help="Course runs per learner.")
    parser.add_argument("--concurrency", type=int, default=8, help="Concurrent clients.")
    parser.add_argument("--requests", type=int, default=50, help="Bulk status requests.")
    parser.add_argument("--workers", type=int, default=1, help="Server worker processes.")
    parser.add_argument(
        "--database-url", default=None, help="SQLAlchemy URL; default: SQLite in a temp dir."
    )
    args = parser.parse_args()
    for name in ("learners", "courses", "concurrency", "requests", "workers"):
        if getattr(args, name) < 1:
            parser.error(f"--{name} must be at least 1")
    return args


def run_key(course: int) -> str:
    return f"course-v1:Bench+C{course}+2026"


def award(prefix: str, learner: int, course: int) -> Request:
    """edx-platform's course run award."""
    return "/api/v2/credentials/", {
        "username": f"{prefix}{learner}",
        "status": "awarded",
        "credential": {"course_run_key": run_key(course), "mode": "verified", "type": "course-run"},
        "date_override": None,
        "attributes": [{"name": "visible_date", "value": "2026-12-01T00:00:00Z"}],
    }


def grade(learner: int, course: int) -> Request:
    return "/api/v2/grades/", {
        "username": f"learner{learner}",
        "course_run": run_key(course),
        "letter_grade": "Pass",
        "percent_grade": 0.85,
        "verified": True,
        "lms_last_updated_at": "2026-12-01T10:00:00Z",
    }


def pairs(learners: int, courses: int) -> list[tuple[int, int]]:
    return [(learner, course) for learner in range(learners) for course in range(courses)]


async def run_load(base_url: str, api_key: str, args: argparse.Namespace) -> dict[str, Any]:
    limits = httpx.Limits(
        max_connections=args.concurrency, max_keepalive_connections=args.concurrency
    )
    async with httpx.AsyncClient(
        base_url=base_url,
        headers={"Authorization": f"Token token={api_key}"},
        limits=limits,
        timeout=REQUEST_TIMEOUT_SECONDS,
    ) as client:
        errors = 0
        certificates = (
            (
                "/api/v2/course_certificates/",
                {
                    "course_id": run_key(course),
                    "certificate_type": "verified",
                    "certificate_available_date": None,
                    "is_active": True,
                },
            )
            for course in range(args.courses)
        )
        errors += (await send_all(client, certificates, 1, 201)).errors
        warmup = (award("warmup", index, index % args.courses) for index in range(WARMUP))
        errors += (await send_all(client, warmup, args.concurrency, 201)).errors

        everyone = pairs(args.learners, args.courses)
        log(f"awarding {len(everyone)} course run credentials")
        started = time.perf_counter()
        awards = (award("learner", *pair) for pair in everyone)
        awarded = await send_all(client, awards, args.concurrency, 201)
        award_seconds = time.perf_counter() - started
        grades = (grade(*pair) for pair in everyone)
        graded = await send_all(client, grades, args.concurrency, 201)
        errors += awarded.errors + graded.errors

        log(f"issuing {len(everyone)} Accredible credentials")
        group_id = await create_group(client)
        warmup_results = await issue_many(client, group_id, "warmup", WARMUP, args.concurrency, 0)
        started = time.perf_counter()
        accredible = await issue_many(
            client, group_id, "learner", len(everyone), args.concurrency, 0
        )
        accredible_seconds = time.perf_counter() - started
        errors += warmup_results.errors + accredible.errors

        log(f"{args.requests} bulk status requests of {args.learners} x {args.courses}")
        body = [
            {
                "username": f"learner{learner}",
                "course_runs": [run_key(c) for c in range(args.courses)],
            }
            for learner in range(args.learners)
        ]

        def complete(answer: Any) -> bool:
            return all(len(item["status"]) == args.courses for item in answer)

        bulk_path = "/api/credentials/v1/bulk_learner_cert_status/"
        warm = await send_all(client, iter([(bulk_path, body)] * 3), 1, 200, complete)
        statuses = await send_all(
            client, iter([(bulk_path, body)] * args.requests), 1, 200, complete
        )
        errors += warm.errors + statuses.errors

    award_p50, award_p99 = percentiles_ms(awarded.latencies)
    accredible_p50, accredible_p99 = percentiles_ms(accredible.latencies)
    bulk_p50, bulk_p99 = percentiles_ms(statuses.latencies)
    return {
        "benchmark": BENCHMARK,
        "database": database_label(args.database_url),
        "concurrency": args.concurrency,
        "workers": args.workers,
        "awards": len(everyone),
        "openedx_create_requests_per_second": round(awarded.credentials / award_seconds, 1),
        "openedx_create_p50_ms": round(award_p50, 2),
        "openedx_create_p99_ms": round(award_p99, 2),
        "accredible_create_requests_per_second": round(
            accredible.credentials / accredible_seconds, 1
        ),
        "accredible_create_p50_ms": round(accredible_p50, 2),
        "accredible_create_p99_ms": round(accredible_p99, 2),
        "bulk_status_learners": args.learners,
        "bulk_status_courses": args.courses,
        "bulk_status_requests": args.requests,
        "bulk_status_p50_ms": round(bulk_p50, 2),
        "bulk_status_p99_ms": round(bulk_p99, 2),
        "errors": errors,
    }


def benchmark(args: argparse.Namespace) -> dict[str, Any]:
    """Set up a server in a temporary directory, load it, and always tear it down."""
    with (
        fresh_instance(args.database_url) as instance,
        serving(instance.env, args.workers) as base_url,
    ):
        return asyncio.run(run_load(base_url, instance.api_key, args))


def main() -> int:
    args = parse_args()
    return run(lambda: benchmark(args), "some requests failed")


if __name__ == "__main__":
    sys.exit(main())
