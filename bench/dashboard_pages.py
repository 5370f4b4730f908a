"""Benchmark: every dashboard page of an organization with 10,000 credentials and 100,000 events.

The script makes a throw-away Plaudit instance (a temporary SQLite file, or the empty database
--database-url names), writes --credentials credentials (over --achievements achievements and
the last twelve months of issue dates) and --events analytics events (views, shares, LinkedIn
additions, verifications and downloads over the same twelve months) straight through
SQLAlchemy Core (and counts them as the server does: services/analytics_counts.py), adds a team
member, starts a Plaudit server, signs in through the dashboard's form and times, over HTTP
with the session cookie, --samples requests of each page one after another (after a
warm-up): p50 and p99 latency. Issue 15 wants every page under 100 ms p99 at 10,000 credentials.

    .venv/bin/python bench/dashboard_pages.py
    .venv/bin/python bench/dashboard_pages.py --samples 300 --database-url postgresql://...

stdout gets exactly one line of JSON; progress goes to stderr. The exit status is non-zero if any
request failed (a page that does not exist yet is reported as missing, not timed).
"""

import argparse
import random
import sys
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import insert, select, text

from issue_credentials import database_label, fresh_instance, log, percentiles_ms, run
from plaudit.dashboard import passwords
from plaudit.domain.achievements import AchievementFields
from plaudit.domain.scope import Scope
from plaudit.domain.values import normalize_email
from plaudit.services import achievements, analytics_counts, organizations
from plaudit.settings import Settings
from plaudit.store.db import Database
from plaudit.store.org_tables import TeamMember
from plaudit.store.reporting_tables import AnalyticsEvent
from plaudit.store.tables import Credential
from plaudit_server import running
from proc_stats import tree_cpu_seconds

BENCHMARK = "dashboard_pages"
INSERT_BATCH = 20_000
WARMUP_REQUESTS = 10
DAYS = 365
EMAIL = "bench-owner@example.org"
PASSWORD = "bench password, not a secret"
# (kind, channel, weight) of the events written.
EVENT_MIX = (
    ("view", None, 70),
    ("share", "linkedin_profile", 8),
    ("share", "linkedin", 6),
    ("share", "copy_link", 6),
    ("download", "pdf", 10),
    ("verify", "credential_page", 5),
)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--credentials", type=int, default=10_000)
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--achievements", type=int, default=20)
    parser.add_argument("--samples", type=int, default=200, help="Requests timed per page.")
    parser.add_argument(
        "--only", default="", help="Comma-separated page names to time (default: every page)."
    )
    parser.add_argument(
        "--database-url", default=None, help="An empty database; default: SQLite in a temp dir."
    )
    args = parser.parse_args()
    for name in ("credentials", "events", "achievements", "samples"):
        if getattr(args, name) < 1:
            parser.error(f"--{name} must be at least 1")
    return args


def fill(database: Database, args: argparse.Namespace) -> tuple[int, int]:
    """Achievements, credentials, events and a team member; the first achievement's id and
    the first credential's."""
    today = datetime.now(UTC).date()
    rows = random.Random(15)
    with database.transaction() as session:
        (organization,) = organizations.list_organizations(session)
        department_id = organizations.default_department(session, organization.id).id
        achievement_ids = [
            achievements.create(
                session,
                Scope(organization.id),
                AchievementFields(
                    name=f"Course {index}",
                    course_name=f"Course {index}",
                    course_description="Written by bench/dashboard_pages.py.",
                ),
            ).id
            for index in range(args.achievements)
        ]
        member = TeamMember(
            organization_id=organization.id,
            name="Bench Owner",
            email=EMAIL,
            email_normalized=normalize_email(EMAIL),
            role="owner",
            password_hash=passwords.hash_password(PASSWORD),
        )
        session.add(member)

    def credential(index: int) -> dict[str, Any]:
        issued_on = today - timedelta(days=rows.randrange(DAYS))
        now = datetime.now(UTC)
        return {
            "uuid": uuid.uuid4(),
            "created_at": now,
            "updated_at": now,
            "organization_id": organization.id,
            "department_id": department_id,
            "achievement_id": achievement_ids[index % len(achievement_ids)],
            "encoded_id": f"bench{index:010d}",
            "recipient_name": f"Learner {index}",
            "recipient_email": f"learner-{index}@example.com",
            "recipient_email_normalized": f"learner-{index}@example.com",
            "name": "Benchmark course",
            "description": "Written by bench/dashboard_pages.py.",
            "issued_on": issued_on,
            "complete": True,
            "approve": True,
            "private": False,
            "allow_supplemental_evidence": True,
            "allow_supplemental_references": True,
        }

    write(database, Credential, [credential(index) for index in range(args.credentials)])
    with database.session(readonly=True) as session:
        credential_ids = list(
            session.scalars(
                select(Credential.id).where(Credential.organization_id == organization.id)
            )
        )
    kinds = [(kind, channel) for kind, channel, weight in EVENT_MIX for _ in range(weight)]

    def event(_index: int) -> dict[str, Any]:
        kind, channel = rows.choice(kinds)
        moment = datetime.now(UTC) - timedelta(seconds=rows.randrange(DAYS * 86_400))
        return {
            "uuid": uuid.uuid4(),
            "created_at": moment,
            "updated_at": moment,
            "organization_id": organization.id,
            "credential_id": rows.choice(credential_ids),
            "kind": kind,
            "channel": channel,
            "by_recipient": rows.random() < 0.3,
        }

    # In the order they happen, as the public pages write them (ids follow time).
    events = sorted(
        (event(index) for index in range(args.events)), key=lambda row: row["created_at"]
    )
    write(database, AnalyticsEvent, events)
    count(database, events)
    return achievement_ids[0], credential_ids[0]


def count(database: Database, events: list[dict[str, Any]]) -> None:
    """The events' day and per-credential counts, as the server keeps them as it writes."""
    started = time.perf_counter()
    with database.transaction() as session:
        found = analytics_counts.homes(session, (row["credential_id"] for row in events))
        counted = [
            analytics_counts.Event(
                row["credential_id"], row["kind"], row["channel"], row["created_at"]
            )
            for row in events
        ]
        analytics_counts.count(session, counted, found)
    log(f"{len(events)} events counted in {time.perf_counter() - started:.1f} s")


def write(database: Database, table: Any, rows: list[dict[str, Any]]) -> None:
    started = time.perf_counter()
    for first in range(0, len(rows), INSERT_BATCH):
        with database.transaction() as session:
            session.execute(insert(table.__table__), rows[first : first + INSERT_BATCH])
    log(f"{len(rows)} {table.__tablename__} written in {time.perf_counter() - started:.1f} s")
    if not database.is_sqlite:
        with database.engine.connect() as connection:
            connection.execution_options(isolation_level="AUTOCOMMIT").execute(
                text(f"VACUUM ANALYZE {table.__tablename__}")
            )


def pages(achievement_id: int, credential_id: int, today: date) -> dict[str, str]:
    return {
        "analytics_30_days": "/dashboard/analytics",
        "analytics_90_days": "/dashboard/analytics?period=90d",
        "analytics_12_months": "/dashboard/analytics?period=12m",
        "analytics_12_months_per_day": (
            f"/dashboard/analytics?period=custom&from={today - timedelta(days=364)}"
            f"&to={today}&bucket=day"
        ),
        "analytics_12_months_one_achievement": (
            f"/dashboard/analytics?period=12m&achievement={achievement_id}"
        ),
        "analytics_csv_12_months": "/dashboard/analytics.csv?period=12m",
        "credentials": "/dashboard/credentials",
        "credentials_by_engagement": "/dashboard/credentials?sort=engagement",
        "credentials_search": "/dashboard/credentials?q=Learner+42",
        "credential_detail": f"/dashboard/credentials/{credential_id}",
        "overview": "/dashboard",
        "achievements": "/dashboard/achievements",
        "achievement": f"/dashboard/achievements/{achievement_id}",
        "achievement_new": "/dashboard/achievements/new",
        "issue": "/dashboard/issue",
        "imports": "/dashboard/imports",
        "import_new": "/dashboard/imports/new",
        "team": "/dashboard/team",
        "keys": "/dashboard/keys",
        "webhooks": "/dashboard/webhooks",
        "openedx": "/dashboard/openedx",
        "settings": "/dashboard/settings",
        "single_sign_on": "/dashboard/settings/sso",
    }


def time_page(client: httpx.Client, server_pid: int, path: str, samples: int) -> dict[str, Any]:
    """p50/p99 of `samples` requests one after another, and the server's CPU milliseconds a
    request (from /proc: what other load on the machine barely changes)."""
    first = client.get(path)
    if first.status_code == 404:
        return {"missing": True}
    if first.status_code != 200:
        raise RuntimeError(f"GET {path}: HTTP {first.status_code}: {first.text[:300]}")
    for _ in range(WARMUP_REQUESTS):
        client.get(path)
    latencies = []
    cpu_before = tree_cpu_seconds(server_pid)
    for _ in range(samples):
        started = time.perf_counter()
        response = client.get(path)
        latencies.append(time.perf_counter() - started)
        if response.status_code != 200:
            raise RuntimeError(f"GET {path}: HTTP {response.status_code}")
    cpu_ms = (tree_cpu_seconds(server_pid) - cpu_before) / samples * 1000
    p50, p99 = percentiles_ms(latencies)
    return {
        "p50_ms": round(p50, 2),
        "p99_ms": round(p99, 2),
        "server_cpu_ms_per_request": round(cpu_ms, 2),
        "bytes": len(first.content),
    }


def benchmark(args: argparse.Namespace) -> dict[str, Any]:
    with fresh_instance(args.database_url) as instance:
        settings = Settings(data_dir=instance.data_dir, database_url=instance.database_url)
        database = Database(settings.resolved_database_url)
        try:
            achievement_id, credential_id = fill(database, args)
        finally:
            database.dispose()
        with (
            running(instance.env, workers=1) as server,
            httpx.Client(base_url=server.base_url, timeout=60) as client,
        ):
            signed = client.post("/dashboard/sign-in", data={"email": EMAIL, "password": PASSWORD})
            if signed.status_code != 303:
                raise RuntimeError(f"sign-in: HTTP {signed.status_code}")
            timed = {}
            chosen = {name for name in args.only.split(",") if name}
            for name, path in pages(
                achievement_id, credential_id, datetime.now(UTC).date()
            ).items():
                if chosen and name not in chosen:
                    continue
                log(f"timing {args.samples} x GET {path}")
                timed[name] = time_page(client, server.pid, path, args.samples)
    return {
        "benchmark": BENCHMARK,
        "database": database_label(args.database_url),
        "credentials": args.credentials,
        "events": args.events,
        "samples": args.samples,
        "pages": timed,
        "errors": 0,
    }


def main() -> int:
    args = parse_args()
    return run(lambda: benchmark(args), "some requests failed")


if __name__ == "__main__":
    sys.exit(main())
