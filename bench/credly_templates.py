"""Benchmark: listing Credly badge templates with their `badges_count` over many badges.

The script makes a throw-away Plaudit database (a temporary SQLite file, or the empty database
--database-url names), writes --count credentials spread over --templates achievements (the
same loader as bench/search_credentials.py), gives every template two skills, starts a Plaudit
server on a loopback port and times, through HTTP with the Credly token:

- `GET /v1/organizations/{org}/badge_templates?sort=-badges_count` (50 a page: every
  template's badges counted to sort them);
- the same with `filter=skills::<one skill>` (a JSON list filter).

    .venv/bin/python bench/credly_templates.py
    .venv/bin/python bench/credly_templates.py --database-url postgresql://user@host/empty_db

stdout gets exactly one line of JSON; progress goes to stderr. The exit status is non-zero if
any request failed or a page's counts do not add up.
"""

import argparse
import sys
from typing import Any

import httpx
from sqlalchemy import select, update

from issue_credentials import database_label, fresh_instance, log, percentiles_ms, run, serving
from plaudit.store.db import Database
from plaudit.store.tables import Achievement, Organization
from search_credentials import fill, prepared, timed_json

BENCHMARK = "credly_badge_templates_list"
WARMUP_REQUESTS = 5


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000, help="Badges to store.")
    parser.add_argument("--templates", type=int, default=200, help="Templates they belong to.")
    parser.add_argument("--samples", type=int, default=100, help="Requests to time per kind.")
    parser.add_argument(
        "--database-url", default=None, help="An empty database; default: SQLite in a temp dir."
    )
    args = parser.parse_args()
    for name in ("count", "templates", "samples"):
        if getattr(args, name) < 1:
            parser.error(f"--{name} must be at least 1")
    return args


def prepare(database: Database, count: int, templates: int) -> str:
    """Templates with skills and badges; the organization's UUID."""
    ids = fill(database, count, templates)
    with database.transaction() as session:
        for index, achievement_id in enumerate(ids):
            skills = [f"Skill {index % 10}", "Common"]
            session.execute(
                update(Achievement).where(Achievement.id == achievement_id).values(skills=skills)
            )
        return str(session.scalar(select(Organization.uuid)))


def measure(client: httpx.Client, path: str, params: dict[str, str], samples: int) -> Any:
    for _ in range(WARMUP_REQUESTS):
        timed_json(client, "GET", path, params=params)
    latencies, body = [], None
    for _ in range(samples):
        body, elapsed = timed_json(client, "GET", path, params=params)
        latencies.append(elapsed)
    p50, p99 = percentiles_ms(latencies)
    return body, {"samples": samples, "p50_ms": round(p50, 2), "p99_ms": round(p99, 2)}


def benchmark(args: argparse.Namespace) -> dict[str, Any]:
    with fresh_instance(args.database_url) as instance:
        organization = prepared(
            instance, lambda database: prepare(database, args.count, args.templates)
        )
        path = f"/v1/organizations/{organization}/badge_templates"
        with (
            serving(instance.env, workers=1) as base_url,
            httpx.Client(base_url=base_url, auth=(instance.api_key, ""), timeout=60) as client,
        ):
            log(f"timing {args.samples} sorted pages of {args.templates} templates")
            sorted_body, sorted_figures = measure(
                client, path, {"sort": "-badges_count"}, args.samples
            )
            filtered_body, filtered_figures = measure(
                client, path, {"filter": "skills::Skill 3", "sort": "-badges_count"}, args.samples
            )
    counts = [item["badges_count"] for item in sorted_body["data"]]
    ordered = counts == sorted(counts, reverse=True)
    expected = min(args.templates, 50) * (args.count // args.templates)
    return {
        "benchmark": BENCHMARK,
        "database": database_label(args.database_url),
        "badges": args.count,
        "templates": args.templates,
        "sorted_by_badges_count": {**sorted_figures, "rows": len(counts)},
        "skills_filter": {**filtered_figures, "rows": len(filtered_body["data"])},
        "errors": 0 if ordered and sum(counts) >= expected else 1,
    }


def main() -> int:
    args = parse_args()
    return run(lambda: benchmark(args), "the page's badges_count were wrong or out of order")


if __name__ == "__main__":
    sys.exit(main())
