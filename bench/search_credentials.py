"""Benchmark: reading many credentials through the Accredible dialect's v2 search.

The script makes a throw-away Plaudit database (a temporary SQLite file, or the empty database
--database-url names), writes --count credentials into it straight through SQLAlchemy Core
(spread over --groups groups and three years of issue dates), starts a Plaudit server on a
loopback port, and measures through HTTP:

- a filtered, sorted page: `POST /v2/credentials/search` with one group and a 90-day
  `issued_on` range, sorted by `issued_on` descending, 50 a page; --samples requests one after
  another (after a warm-up), p50 and p99 latency, and the server's CPU milliseconds a request
  (utime + stime from /proc, which other load on the machine barely changes);
- a cursor walk through every credential, --walk-size a page, in rows per second (--no-walk
  skips it).

Run it from the project root:

    .venv/bin/python bench/search_credentials.py
    .venv/bin/python bench/search_credentials.py --database-url postgresql://user@host/empty_db

With --keep DIR the data directory (and the database in it, or the one --database-url names) is
kept: the first run fills it, later runs with the same --count and --groups reuse it (writing a
million rows takes minutes), after `plaudit serve` has applied any new migrations.

stdout gets exactly one line of JSON; progress and errors go to stderr. The exit status is
non-zero if any request failed or the walk did not see every credential exactly once.
"""

import argparse
import random
import statistics
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import httpx
from sqlalchemy import func, insert, select, text

from issue_credentials import (
    Instance,
    create_api_key,
    database_label,
    fresh_instance,
    log,
    percentiles_ms,
    run,
    server_environment,
)
from plaudit.domain.achievements import AchievementFields
from plaudit.domain.scope import Scope
from plaudit.services import achievements, organizations
from plaudit.services.credentials import ENCODED_ID_ALPHABET, ENCODED_ID_LENGTH
from plaudit.settings import Settings
from plaudit.store.db import Database
from plaudit.store.tables import Achievement, Credential
from plaudit_server import RunningServer, running
from proc_stats import tree_cpu_seconds

T = TypeVar("T")

BENCHMARK = "accredible_search_credentials_v2"
INSERT_BATCH = 50_000  # rows a transaction: big executemany chunks keep a million quick
WARMUP_REQUESTS = 20
FIRST_ISSUE_DATE = date(2023, 1, 1)
ISSUE_DAYS = 3 * 365
RANGE_DAYS = 90
REQUEST_TIMEOUT_SECONDS = 60.0


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000, help="Credentials to store.")
    parser.add_argument("--groups", type=int, default=20, help="Groups they belong to.")
    parser.add_argument("--samples", type=int, default=500, help="Filtered pages to time.")
    parser.add_argument("--walk-size", type=int, default=100, help="Page size of the walk.")
    parser.add_argument(
        "--database-url", default=None, help="An empty database; default: SQLite in a temp dir."
    )
    parser.add_argument(
        "--walk",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="Walk through every credential after the filtered pages (--no-walk: do not).",
    )
    parser.add_argument(
        "--keep",
        type=Path,
        default=None,
        metavar="DIR",
        help="Keep the data directory DIR (made if missing) and reuse its credentials.",
    )
    args = parser.parse_args()
    for name in ("count", "groups", "samples", "walk_size"):
        if getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be at least 1")
    return args


def fill(database: Database, count: int, group_count: int) -> list[int]:
    """Groups and credentials of the one organization `plaudit init` made; the group ids."""
    with database.transaction() as session:
        (organization,) = organizations.list_organizations(session)
        scope = Scope(organization.id)
        if session.scalar(select(func.count()).select_from(Credential)):
            raise RuntimeError("the database already holds credentials; give an empty one")
        department_id = organizations.default_department(session, organization.id).id
        group_ids = [
            achievements.create(
                session,
                scope,
                AchievementFields(
                    name=f"Course {index}",
                    course_name=f"Course {index}",
                    course_description="Written by bench/search_credentials.py.",
                ),
            ).id
            for index in range(group_count)
        ]
    rows = random.Random(7)
    encoded_ids: set[str] = set()

    def new_encoded_id() -> str:
        # The server's alphabet and length from the seeded generator: secrets.choice a
        # character at a time was the slowest part of writing a million rows.
        return "".join(rows.choices(ENCODED_ID_ALPHABET, k=ENCODED_ID_LENGTH))

    def row(index: int) -> dict[str, Any]:
        encoded_id = new_encoded_id()
        while encoded_id in encoded_ids:
            encoded_id = new_encoded_id()
        encoded_ids.add(encoded_id)
        issued_on = FIRST_ISSUE_DATE + timedelta(days=rows.randrange(ISSUE_DAYS))
        now = datetime.now(UTC)
        return {
            "uuid": uuid.uuid4(),
            "created_at": now,
            "updated_at": now,
            "organization_id": organization.id,
            "department_id": department_id,
            "achievement_id": group_ids[index % group_count],
            "encoded_id": encoded_id,
            "license_id": None,
            "duplicate_key": None,
            "recipient_name": f"Learner {index}",
            "recipient_email": f"learner-{index}@example.com",
            "recipient_email_normalized": f"learner-{index}@example.com",
            "recipient_external_id": f"R-{index}",
            "name": "Benchmark course",
            "description": "Written by bench/search_credentials.py.",
            "issued_on": issued_on,
            "expired_on": issued_on + timedelta(days=3 * 365) if index % 3 else None,
            "complete": True,
            "approve": True,
            "private": False,
            "allow_supplemental_evidence": True,
            "allow_supplemental_references": True,
        }

    write_credentials(database, count, row, "credentials")
    return group_ids


def filled(database: Database, count: int, group_count: int) -> list[int]:
    """The group ids of a database an earlier --keep run filled with `count` credentials in
    `group_count` groups; a new fill if it holds no credentials yet."""
    with database.session(readonly=True) as session:
        stored = session.scalar(select(func.count()).select_from(Credential)) or 0
        group_ids = list(session.scalars(select(Achievement.id).order_by(Achievement.id)))
    if not stored:
        return fill(database, count, group_count)
    if stored != count or len(group_ids) != group_count:
        raise RuntimeError(
            f"the kept database holds {stored} credentials in {len(group_ids)} groups,"
            f" not {count} in {group_count}; give another --keep directory"
        )
    log(f"reusing {stored} credentials")
    return group_ids


def write_credentials(
    database: Database, count: int, row: Callable[[int], dict[str, Any]], noun: str
) -> None:
    """Insert `row(index)` for every index below `count` through SQLAlchemy Core, INSERT_BATCH
    a transaction, then analyze the table as autovacuum would."""
    started = time.perf_counter()
    for first in range(0, count, INSERT_BATCH):
        batch = [row(index) for index in range(first, min(first + INSERT_BATCH, count))]
        with database.transaction() as session:
            session.execute(insert(Credential.__table__), batch)
    log(f"{count} {noun} written in {time.perf_counter() - started:.1f} s")
    if not database.is_sqlite:
        # What autovacuum does shortly after a load this size; SQLite runs as deployed.
        with database.engine.connect() as connection:
            connection.execution_options(isolation_level="AUTOCOMMIT").execute(
                text("VACUUM ANALYZE credentials")
            )


def prepared(instance: Instance, prepare: Callable[[Database], T]) -> T:
    """What `prepare` returns after filling the instance's database directly."""
    settings = Settings(data_dir=instance.data_dir, database_url=instance.database_url)
    database = Database(settings.resolved_database_url)
    try:
        return prepare(database)
    finally:
        database.dispose()


def timed_json(client: httpx.Client, method: str, url: str, **kwargs: Any) -> tuple[Any, float]:
    """The answer's JSON body and the request's seconds; RuntimeError unless it is a 200."""
    started = time.perf_counter()
    response = client.request(method, url, **kwargs)
    elapsed = time.perf_counter() - started
    if response.status_code != 200:
        raise RuntimeError(f"HTTP {response.status_code}: {response.text[:500]}")
    return response.json(), elapsed


def filtered_page(group_ids: list[int], index: int) -> dict[str, Any]:
    start = FIRST_ISSUE_DATE + timedelta(days=(index * 37) % (ISSUE_DAYS - RANGE_DAYS))
    return {
        "query": {
            "group.id": group_ids[index % len(group_ids)],
            "issued_on[gte]": start.isoformat(),
            "issued_on[lt]": (start + timedelta(days=RANGE_DAYS)).isoformat(),
        },
        "sort": {"issued_on": "desc"},
        "page": {"from": 0, "size": 50},
    }


def search(client: httpx.Client, body: dict[str, Any]) -> tuple[dict[str, Any], float]:
    return timed_json(client, "POST", "/v2/credentials/search", json=body)


def time_filtered_pages(
    client: httpx.Client, server: RunningServer, group_ids: list[int], samples: int
) -> tuple[list[float], float, float]:
    """Latencies of the measured requests, the mean number of rows each one matched, and the
    server's CPU seconds a request."""
    for index in range(WARMUP_REQUESTS):
        search(client, filtered_page(group_ids, index))
    latencies, matched = [], []
    cpu_before = tree_cpu_seconds(server.pid)
    for index in range(samples):
        body, elapsed = search(client, filtered_page(group_ids, WARMUP_REQUESTS + index))
        latencies.append(elapsed)
        matched.append(body["meta"]["count"])
    cpu_per_request = (tree_cpu_seconds(server.pid) - cpu_before) / samples
    return latencies, statistics.fmean(matched), cpu_per_request


def walk(client: httpx.Client, size: int) -> tuple[int, int, float, list[float]]:
    """Rows seen, distinct ids, seconds and page latencies of a cursor walk through all."""
    seen: list[int] = []
    latencies = []
    page: dict[str, Any] = {"size": size}
    started = time.perf_counter()
    while True:
        body, elapsed = search(client, {"query": {}, "page": page})
        latencies.append(elapsed)
        seen.extend(item["id"] for item in body["credentials"])
        cursor = body["meta"]["cursor"]
        if cursor is None:
            break
        page = {"cursor": cursor, "size": size}
    return len(seen), len(set(seen)), time.perf_counter() - started, latencies


@contextmanager
def kept_instance(data_dir: Path, database_url: str | None) -> Iterator[Instance]:
    """The instance in `data_dir`, set up (`plaudit init`) on first use and never removed."""
    data_dir.mkdir(parents=True, exist_ok=True)
    env = server_environment(data_dir, database_url)
    yield Instance(data_dir, database_url, env, create_api_key(env))


def benchmark(args: argparse.Namespace) -> dict[str, Any]:
    if args.keep is None:
        instance_of, prepare = fresh_instance, fill
    else:
        instance_of, prepare = (lambda url: kept_instance(args.keep, url)), filled
    with instance_of(args.database_url) as instance:
        group_ids = prepared(instance, lambda database: prepare(database, args.count, args.groups))
        with (
            running(instance.env, workers=1) as server,
            httpx.Client(
                base_url=server.base_url,
                headers={"Authorization": f"Token token={instance.api_key}"},
                timeout=REQUEST_TIMEOUT_SECONDS,
            ) as client,
        ):
            log(f"timing {args.samples} filtered, sorted pages")
            latencies, matched, cpu = time_filtered_pages(client, server, group_ids, args.samples)
            walked = timed_walk(client, args.count, args.walk_size) if args.walk else None
    p50, p99 = percentiles_ms(latencies)
    complete = walked is None or walked["rows"] == walked["distinct_rows"] == args.count
    return {
        "benchmark": BENCHMARK,
        "database": database_label(args.database_url),
        "credentials": args.count,
        "groups": args.groups,
        "filtered_page": {
            "samples": args.samples,
            "page_size": 50,
            "mean_matches": round(matched, 1),
            "p50_ms": round(p50, 2),
            "p99_ms": round(p99, 2),
            "server_cpu_ms_per_request": round(cpu * 1000, 2),
        },
        **({"cursor_walk": walked} if walked else {}),
        "errors": 0 if complete else 1,
    }


def timed_walk(client: httpx.Client, count: int, size: int) -> dict[str, Any]:
    log(f"walking all {count} credentials, {size} a page")
    rows, distinct, seconds, page_latencies = walk(client, size)
    walk_p50, walk_p99 = percentiles_ms(page_latencies)
    return {
        "page_size": size,
        "rows": rows,
        "distinct_rows": distinct,
        "seconds": round(seconds, 3),
        "rows_per_second": round(rows / seconds, 1),
        "page_p50_ms": round(walk_p50, 2),
        "page_p99_ms": round(walk_p99, 2),
    }


def main() -> int:
    args = parse_args()
    return run(lambda: benchmark(args), "the cursor walk did not see every credential exactly once")


if __name__ == "__main__":
    sys.exit(main())
