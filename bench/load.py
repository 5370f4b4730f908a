"""Benchmark: Plaudit under load from wrk, next to a bare FastAPI "hello" app (issue 13).

Starts Plaudit as a user would (`plaudit init --json`, `plaudit serve --workers N`, a temporary
data directory, rate limit off, signing at issuance on unless a measure turns it off), on SQLite
by default or PostgreSQL (--database-url, or --postgres for a throw-away durable server), and
the hello app (FastAPI + uvicorn, one worker) in the same run. Each measure drives its endpoint
with wrk (2 threads) for --duration seconds after a --warmup, and prints one JSON line:
requests per second, p50/p99, errors, the ratio to the hello app, and the server's and wrk's
CPU ms per request (from /proc: the server's figure is what to compare between runs on a busy
machine; wrk's shows that the client is not the bottleneck).

Measures: hello, healthz, get_credential, public_page (reads, 4 connections); create,
create_unsigned (16 connections); bulk_create (v1, 100 credentials a request, 4 connections);
bulk_floor (the same rows through Core executemany and Plaudit's signing, no HTTP: see
bulk_floor.py); memory (worker RSS after --count/2 and --count creates).

    .venv/bin/python bench/load.py
    .venv/bin/python bench/load.py --measure create,bulk_create --workers 1,2 --duration 10
    .venv/bin/python bench/load.py --postgres --measure create --workers 1,2
    .venv/bin/python bench/load.py --measure memory --count 100000 --workers 2

Every line goes to stdout; progress to stderr. The exit status is non-zero if any measure saw
an error (a non-2xx answer, a connect/read/write error or a timeout).
"""

import argparse
import asyncio
import json
import secrets
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from bulk_floor import FloorResult, measure_floor
from hello_app import serving_hello
from issue_credentials import database_label, fresh_instance, log, run
from memory import measure_memory
from plaudit.server_secret import server_secret
from plaudit.services.signing import Signer
from plaudit.settings import Settings
from plaudit_server import RunningServer, Target, durable_postgres, prepare, running
from proc_stats import tree_cpu_seconds
from search_credentials import prepared
from wrk_runner import WrkResult, run_wrk

READS = ("healthz", "get_credential", "public_page")
SIGNED = (*READS, "create", "bulk_create")
MEASURES = ("hello", *SIGNED, "create_unsigned", "bulk_floor", "memory")
DEFAULT_MEASURES = tuple(name for name in MEASURES if name != "memory")
READ_CONNECTIONS = 4
CREATE_CONNECTIONS = 16
BULK_CONNECTIONS = 4
BULK_SIZE = 100


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--measure", default=",".join(DEFAULT_MEASURES), help="name[,name]")
    parser.add_argument("--workers", default="1,2", help="Server worker processes: n[,n].")
    parser.add_argument("--duration", type=float, default=10.0, help="Seconds per measure.")
    parser.add_argument("--warmup", type=float, default=2.0, help="Unmeasured seconds first.")
    parser.add_argument("--count", type=int, default=100_000, help="Creates for memory.")
    parser.add_argument(
        "--floor-count", type=int, default=2000, help="Credentials the floor writes."
    )
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--database-url", default=None, help="SQLAlchemy URL; default SQLite.")
    where.add_argument("--postgres", action="store_true", help="A throw-away PostgreSQL server.")
    args = parser.parse_args()
    args.measures = [name.strip() for name in args.measure.split(",") if name.strip()]
    if unknown := set(args.measures) - set(MEASURES):
        parser.error(f"unknown measure(s) {sorted(unknown)}; choose from {', '.join(MEASURES)}")
    try:
        args.worker_counts = [int(part) for part in args.workers.split(",")]
    except ValueError:
        parser.error("--workers takes numbers: 1,2")
    if min(args.worker_counts) < 1 or args.duration < 1 or args.count < 2 or args.floor_count < 1:
        parser.error("--workers and --duration must be at least 1, --count at least 2")
    return args


@contextmanager
def database_urls(args: argparse.Namespace) -> Iterator[Callable[[], str | None]]:
    """A function giving each instance its database: None (SQLite in its data directory), the
    --database-url, or a new database on a throw-away PostgreSQL server."""
    if not args.postgres:
        yield lambda: args.database_url
        return
    with durable_postgres() as server:
        made = iter(range(1, 1000))
        yield lambda: server.create_database(f"plaudit_bench_{next(made)}")


def load_plan(measure: str, target: Target, api_key: str) -> tuple[str, int, dict[str, Any]]:
    """The path a measure drives, its connections and its wrk options."""
    creating = {"script_args": [str(target.group_id)], "api_key": api_key}
    create = ("/v1/credentials", CREATE_CONNECTIONS, {**creating, "request_script": "create"})
    plans = {
        "healthz": ("/healthz", READ_CONNECTIONS, {}),
        "get_credential": (
            f"/v1/credentials/{target.credential_id}",
            READ_CONNECTIONS,
            {"api_key": api_key},
        ),
        "public_page": (f"/c/{target.encoded_id}", READ_CONNECTIONS, {}),
        "create": create,
        "create_unsigned": create,
        "bulk_create": (
            "/v1/credentials/bulk_create",
            BULK_CONNECTIONS,
            {**creating, "request_script": "bulk_create"},
        ),
    }
    return plans[measure]


class Bench:
    """Runs measures and prints their lines; remembers the hello and floor figures."""

    def __init__(self, args: argparse.Namespace, database: str) -> None:
        self.args = args
        self.database = database
        self.hello_rps: float | None = None
        self.floor: FloorResult | None = None
        self.errors = 0

    def drive(
        self, server_pid: int, url: str, connections: int, **wrk: Any
    ) -> tuple[WrkResult, float, int]:
        """A warm-up, then the measured wrk run: its result, the server's CPU seconds during
        it, and the warm-up's errors."""
        label = secrets.token_hex(4)
        script_args = wrk.pop("script_args", None)

        def load(phase: str, seconds: float) -> WrkResult:
            arguments = [*script_args, f"{phase}-{label}"] if script_args is not None else ()
            return run_wrk(
                url, connections=connections, seconds=seconds, script_args=arguments, **wrk
            )

        warmup_errors = load("warmup", self.args.warmup).errors if self.args.warmup > 0 else 0
        before = tree_cpu_seconds(server_pid)
        result = load("run", self.args.duration)
        return result, tree_cpu_seconds(server_pid) - before, warmup_errors

    def emit(self, line: dict[str, Any]) -> None:
        if line.get("requests") == 0:
            log(f"{line['measure']}: no request completed; a longer --duration is needed")
            line["errors"] = max(int(line["errors"]), 1)
        self.errors += int(line.get("errors", 0))
        print(json.dumps(line), flush=True)

    def line(
        self,
        measure: str,
        workers: int | None,
        connections: int,
        result: WrkResult,
        server_cpu: float,
        warmup_errors: int,
    ) -> dict[str, Any]:
        requests = max(result.requests, 1)
        rps = result.requests_per_second
        return {
            "benchmark": "load",
            "measure": measure,
            "database": self.database,
            "workers": workers,
            "connections": connections,
            "seconds": round(result.seconds, 2),
            "requests": result.requests,
            "requests_per_second": round(rps, 1),
            "p50_ms": round(result.p50_ms, 2),
            "p99_ms": round(result.p99_ms, 2),
            "errors": result.errors + warmup_errors,
            "ratio_to_hello": round(rps / self.hello_rps, 3) if self.hello_rps else None,
            "server_cpu_ms_per_request": round(server_cpu * 1000 / requests, 3),
            "client_cpu_ms_per_request": round(result.client_cpu_seconds * 1000 / requests, 3),
        }

    def hello(self) -> None:
        log("measure hello")
        with serving_hello() as (url, pid):
            result, server_cpu, warmup_errors = self.drive(pid, url, READ_CONNECTIONS)
        self.hello_rps = result.requests_per_second
        self.emit(self.line("hello", 1, READ_CONNECTIONS, result, server_cpu, warmup_errors))

    def bulk_floor(self, database_url: str | None) -> None:
        log(f"measure bulk_floor ({self.args.floor_count} credentials)")
        with fresh_instance(database_url) as instance:
            settings = Settings(data_dir=instance.data_dir, database_url=database_url)
            signer = Signer(settings.public_base_url, server_secret(settings))
            self.floor = prepared(
                instance, lambda database: measure_floor(database, signer, self.args.floor_count)
            )
        self.emit(
            {
                "benchmark": "load",
                "measure": "bulk_floor",
                "database": self.database,
                "workers": None,
                "credentials": self.floor.credentials,
                "seconds": round(self.floor.seconds, 3),
                "credentials_per_second": round(self.floor.credentials_per_second, 1),
                "cpu_ms_per_credential": round(
                    self.floor.cpu_seconds * 1000 / self.floor.credentials, 3
                ),
                "errors": 0,
            }
        )

    def on_server(self, measure: str, server: RunningServer, api_key: str, target: Target) -> None:
        log(f"measure {measure} ({server.workers} workers)")
        path, connections, wrk = load_plan(measure, target, api_key)
        url, workers = f"{server.base_url}{path}", server.workers
        result, server_cpu, warmup_errors = self.drive(server.pid, url, connections, **wrk)
        line = self.line(measure, workers, connections, result, server_cpu, warmup_errors)
        if measure == "bulk_create":
            per_second = result.requests_per_second * BULK_SIZE
            line["credentials_per_second"] = round(per_second, 1)
            line["server_cpu_ms_per_credential"] = round(
                line["server_cpu_ms_per_request"] / BULK_SIZE, 3
            )
            if self.floor is not None:
                line["floor_credentials_per_second"] = round(self.floor.credentials_per_second, 1)
                line["ratio_to_floor"] = round(per_second / self.floor.credentials_per_second, 3)
                floor_cpu_ms = self.floor.cpu_seconds * 1000 / self.floor.credentials
                line["floor_cpu_ms_per_credential"] = round(floor_cpu_ms, 3)
        self.emit(line)

    def serve_and_measure(
        self, database_url: str | None, workers: int, signing: bool, measures: list[str]
    ) -> None:
        with (
            fresh_instance(database_url, signing) as instance,
            running(instance.env, workers) as server,
        ):
            target = asyncio.run(prepare(server.base_url, instance.api_key))
            for measure in measures:
                if measure == "memory":
                    log(f"measure memory ({self.args.count} creates, {workers} workers)")
                    result = measure_memory(
                        server, instance.api_key, target, self.args.count, secrets.token_hex(4)
                    )
                    self.emit(
                        {"benchmark": "load", "measure": "memory", "database": self.database}
                        | {"workers": workers, **result}
                    )
                else:
                    self.on_server(measure, server, instance.api_key, target)


def benchmark(args: argparse.Namespace) -> dict[str, Any]:
    """Every selected measure; the summary `run` judges (errors over all lines)."""
    wanted = args.measures
    bench = Bench(args, "postgresql" if args.postgres else database_label(args.database_url))
    with database_urls(args) as new_database_url:
        if any(name in wanted for name in ("hello", *SIGNED, "create_unsigned")):
            bench.hello()
        if "bulk_floor" in wanted or "bulk_create" in wanted:
            bench.bulk_floor(new_database_url())
        for workers in args.worker_counts:
            signed = [name for name in SIGNED if name in wanted]
            if signed:
                bench.serve_and_measure(new_database_url(), workers, True, signed)
            if "create_unsigned" in wanted:
                bench.serve_and_measure(new_database_url(), workers, False, ["create_unsigned"])
            if "memory" in wanted:
                bench.serve_and_measure(new_database_url(), workers, True, ["memory"])
    return {"benchmark": "load", "measure": "summary", "errors": bench.errors}


def main() -> int:
    args = parse_args()
    return run(lambda: benchmark(args), "some requests failed (see the lines' errors)")


if __name__ == "__main__":
    sys.exit(main())
