"""Benchmark: reading every badge through Credly's high-volume search, in both formats.

The script makes a throw-away Plaudit database (a temporary SQLite file, or the empty database
--database-url names), writes --count badges into it straight through SQLAlchemy Core (spread
over --templates badge templates and four states, created in runs that share a created_at),
starts a Plaudit server on a loopback port, and walks
`GET /v1/organizations/{org}/high_volume_issued_badge_search` from the first page to the last
(`next_page_url` until null), once with `badge_format=minimal` and once with `default`.

Run it from the project root:

    .venv/bin/python bench/credly_search.py
    .venv/bin/python bench/credly_search.py --database-url postgresql://user@host/empty_db

stdout gets exactly one line of JSON: rows per second, seconds and page latencies per format;
progress and errors go to stderr. The exit status is non-zero if a request failed or a walk did
not see every badge exactly once.
"""

import argparse
import random
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import func, select

from issue_credentials import database_label, fresh_instance, log, percentiles_ms, run, serving
from plaudit.domain.achievements import AchievementFields
from plaudit.domain.recipients import user_uuid
from plaudit.domain.scope import Scope
from plaudit.services import achievements, organizations
from plaudit.services.credentials import new_encoded_id
from plaudit.store.db import Database
from plaudit.store.tables import Credential
from search_credentials import prepared, timed_json, write_credentials

BENCHMARK = "credly_high_volume_badge_search"
FORMATS = ("minimal", "default")
STATES = ("accepted", "accepted", "pending", "rejected", "revoked")
FIRST_CREATED = datetime(2023, 1, 1, tzinfo=UTC)
REQUEST_TIMEOUT_SECONDS = 120.0


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000, help="Badges to store.")
    parser.add_argument("--templates", type=int, default=20, help="Templates they belong to.")
    parser.add_argument(
        "--database-url", default=None, help="An empty database; default: SQLite in a temp dir."
    )
    args = parser.parse_args()
    for name in ("count", "templates"):
        if getattr(args, name) < 1:
            parser.error(f"--{name} must be at least 1")
    return args


def fill(database: Database, count: int, template_count: int) -> str:
    """Templates and badges of the one organization `plaudit init` made; its UUID."""
    with database.transaction() as session:
        (organization,) = organizations.list_organizations(session)
        if session.scalar(select(func.count()).select_from(Credential)):
            raise RuntimeError("the database already holds credentials; give an empty one")
        department_id = organizations.default_department(session, organization.id).id
        template_ids = []
        for index in range(template_count):
            template = achievements.create(
                session,
                Scope(organization.id),
                AchievementFields(
                    name=f"Badge {index}",
                    course_name=f"Badge {index}",
                    course_description="Written by bench/credly_search.py.",
                ),
            )
            template.skills = [f"Skill {index}", "Teamwork"]
            template_ids.append(template.id)
        organization_id, organization_uuid = organization.id, str(organization.uuid)
    rows = random.Random(11)

    def row(index: int) -> dict[str, Any]:
        # Runs of five badges share a created_at: the cursor must break ties by id.
        created_at = FIRST_CREATED + timedelta(seconds=60 * (index // 5))
        email = f"earner-{index}@example.com"
        return {
            "uuid": uuid.uuid4(),
            "created_at": created_at,
            "updated_at": created_at,
            "organization_id": organization_id,
            "department_id": department_id,
            "achievement_id": template_ids[index % template_count],
            "encoded_id": new_encoded_id(),
            "recipient_name": f"Earner Number {index}",
            "recipient_first_name": "Earner",
            "recipient_last_name": f"Number {index}",
            "recipient_email": email,
            "recipient_email_normalized": email,
            "recipient_user_uuid": user_uuid(email),
            "recipient_external_id": f"E-{index}",
            "name": "Benchmark badge",
            "description": "Written by bench/credly_search.py.",
            "issued_on": created_at.date(),
            "issued_at": created_at,
            "expired_on": created_at.date() + timedelta(days=730) if index % 3 else None,
            "state": rows.choice(STATES),
            "state_updated_at": created_at,
            "complete": True,
            "approve": True,
            "private": False,
            "allow_supplemental_evidence": True,
            "allow_supplemental_references": True,
        }

    write_credentials(database, count, row, "badges")
    return organization_uuid


def walk(client: httpx.Client, organization_uuid: str, badge_format: str) -> dict[str, Any]:
    """Every page of the high-volume search, following next_page_url to its end."""
    url: str | None = (
        f"/v1/organizations/{organization_uuid}/high_volume_issued_badge_search"
        f"?badge_format={badge_format}"
    )
    seen: list[str] = []
    latencies = []
    started = time.perf_counter()
    while url is not None:
        body, elapsed = timed_json(client, "GET", url)
        latencies.append(elapsed)
        seen.extend(row["id"] for row in body["data"])
        url = body["metadata"]["next_page_url"]
    seconds = time.perf_counter() - started
    p50, p99 = percentiles_ms(latencies)
    return {
        "rows": len(seen),
        "distinct_rows": len(set(seen)),
        "pages": len(latencies),
        "seconds": round(seconds, 3),
        "rows_per_second": round(len(seen) / seconds, 1),
        "page_p50_ms": round(p50, 2),
        "page_p99_ms": round(p99, 2),
        # A keyset page costs the same deep in the walk as at its start.
        "first_page_ms": round(latencies[0] * 1000, 2),
        "last_page_ms": round(latencies[-1] * 1000, 2),
    }


def benchmark(args: argparse.Namespace) -> dict[str, Any]:
    walks = {}
    with fresh_instance(args.database_url) as instance:
        organization_uuid = prepared(
            instance, lambda database: fill(database, args.count, args.templates)
        )
        with (
            serving(instance.env, workers=1) as base_url,
            httpx.Client(
                base_url=base_url, auth=(instance.api_key, ""), timeout=REQUEST_TIMEOUT_SECONDS
            ) as client,
        ):
            for badge_format in FORMATS:
                log(f"walking all {args.count} badges, format {badge_format}")
                walks[badge_format] = walk(client, organization_uuid, badge_format)
    complete = all(
        found["rows"] == found["distinct_rows"] == args.count for found in walks.values()
    )
    return {
        "benchmark": BENCHMARK,
        "database": database_label(args.database_url),
        "badges": args.count,
        "templates": args.templates,
        "page_size": 1000,
        **{f"{badge_format}_format": found for badge_format, found in walks.items()},
        "total_seconds": round(sum(found["seconds"] for found in walks.values()), 3),
        "errors": 0 if complete else 1,
    }


def main() -> int:
    args = parse_args()
    return run(lambda: benchmark(args), "a walk did not see every badge exactly once")


if __name__ == "__main__":
    sys.exit(main())
