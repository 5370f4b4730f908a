"""Issuing with mail off and on (issue 14): `POST /v1/credentials` must not get slower when the
outbox sends mail, since nothing is sent inside the issuing transaction.

For each job-worker arrangement (`--job-worker`): `in_process`, the server processes' own worker
threads (README's default), and `separate`, `PLAUDIT_WORKER_IN_PROCESS=false` on the server and
`--job-workers` `plaudit worker` processes next to it (README's advice at scale), load.py's
`create` measure (wrk, 16 connections, a new recipient each request) runs twice, each on a fresh
instance: with no SMTP server configured (every issue mail is composed and kept `held`) and
with `PLAUDIT_SMTP_HOST` naming an SMTP server on loopback (aiosmtpd, in this process). Each run
prints one JSON line: requests per second, p50/p99, the server's CPU ms per request, the job
workers' (separate), and the mail: after the load the outbox is given `--drain-seconds` to queue
a mail for every credential issued and, when on, to deliver each (distinct `Message-ID`s
received); `mails_received_during_run` says how much of the sending overlapped the measured
window. A last line per arrangement gives the on/off ratios.

    .venv/bin/python bench/create_with_mail.py
    .venv/bin/python bench/create_with_mail.py --workers 2 --duration 10 --job-worker separate
    .venv/bin/python bench/create_with_mail.py --postgres

Every line goes to stdout, progress to stderr. The exit status is non-zero if a request failed
or some mail was not queued or delivered in time.
"""

import argparse
import asyncio
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from issue_credentials import database_label, fresh_instance, log, plaudit_executable, run
from load import CREATE_CONNECTIONS, Bench, database_urls, load_plan
from plaudit.settings import Settings
from plaudit.store.db import Database
from plaudit.store.notification_tables import Mail
from plaudit.store.tables import Credential
from plaudit_server import prepare, running
from proc_stats import cpu_seconds

sys.path.append(str(Path(__file__).resolve().parent.parent))  # the checkout: tests.support
from tests.support.smtp_server import SmtpServer, smtp_server

ARRANGEMENTS = ("in_process", "separate")
WORKER_START_SECONDS = 120.0
POLL_SECONDS = 0.2


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2, help="Server worker processes.")
    parser.add_argument(
        "--job-worker", default=",".join(ARRANGEMENTS), help="in_process[,separate]"
    )
    parser.add_argument(
        "--job-workers", type=int, default=2, help="`plaudit worker` processes when separate."
    )
    parser.add_argument("--duration", type=float, default=10.0, help="Seconds per run.")
    parser.add_argument("--warmup", type=float, default=2.0, help="Unmeasured seconds first.")
    parser.add_argument(
        "--drain-seconds", type=float, default=300.0, help="Longest wait for the outbox after."
    )
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--database-url", default=None, help="SQLAlchemy URL; default SQLite.")
    where.add_argument("--postgres", action="store_true", help="A throw-away PostgreSQL server.")
    args = parser.parse_args()
    args.arrangements = [part.strip() for part in args.job_worker.split(",") if part.strip()]
    if unknown := set(args.arrangements) - set(ARRANGEMENTS):
        parser.error(f"unknown --job-worker {sorted(unknown)}; choose from {ARRANGEMENTS}")
    if min(args.workers, args.job_workers) < 1 or args.duration < 1:
        parser.error("--workers, --job-workers and --duration must be at least 1")
    return args


def smtp_environment(smtp: SmtpServer) -> dict[str, str]:
    return {
        "PLAUDIT_SMTP_HOST": "127.0.0.1",
        "PLAUDIT_SMTP_PORT": str(smtp.port),
        "PLAUDIT_SMTP_STARTTLS": "false",
    }


@contextmanager
def job_workers(env: dict[str, str], count: int, data_dir: Path) -> Iterator[list[int]]:
    """`count` `plaudit worker` processes, started and logging `jobs.worker_started`; their
    process ids. Stopped (SIGTERM: after the job under way) afterwards."""
    log_path = data_dir / "workers.log"
    worker_env = {**env, "PLAUDIT_LOG_LEVEL": "info"}
    processes: list[subprocess.Popen[bytes]] = []
    try:
        with log_path.open("ab") as output:
            for _ in range(count):
                command = [str(plaudit_executable()), "worker"]
                processes.append(
                    subprocess.Popen(command, env=worker_env, stdout=output, stderr=output)
                )
        deadline = time.monotonic() + WORKER_START_SECONDS
        while log_path.read_text().count("jobs.worker_started") < count:
            if time.monotonic() > deadline or any(p.poll() is not None for p in processes):
                raise RuntimeError(f"the job workers did not start (see {log_path})")
            time.sleep(POLL_SECONDS)
        yield [process.pid for process in processes]
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=30)


def wait_for(condition: Callable[[], bool], seconds: float) -> float | None:
    """Seconds until `condition` held, or None if it still did not after `seconds`."""
    started = time.monotonic()
    while not condition():
        if time.monotonic() - started > seconds:
            return None
        time.sleep(POLL_SECONDS)
    return time.monotonic() - started


class MailCounts:
    """Credentials and queued mail in an instance's database, read from this process."""

    def __init__(self, database: Database) -> None:
        self.database = database

    def credentials(self) -> int:
        with self.database.session(readonly=True) as session:
            return int(session.scalar(select(func.count()).select_from(Credential)) or 0)

    def mails(self) -> int:
        with self.database.session(readonly=True) as session:
            return int(session.scalar(select(func.count()).select_from(Mail)) or 0)


def received(smtp: SmtpServer | None) -> int:
    return len(set(smtp.recorder.message_ids)) if smtp is not None else 0


class MailBench:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.bench = Bench(
            args, "postgresql" if args.postgres else database_label(args.database_url)
        )

    def create(self, database_url: str | None, arrangement: str, mail: str) -> dict[str, Any]:
        """One create run on a fresh instance (and SMTP server), its mail counted; its line,
        printed."""
        separate = arrangement == "separate"
        log(f"create with mail {mail}, job workers {arrangement}")
        with ExitStack() as stack:
            smtp = stack.enter_context(smtp_server()) if mail == "on" else None
            instance = stack.enter_context(fresh_instance(database_url))
            env = dict(instance.env)
            if smtp is not None:
                env |= smtp_environment(smtp)
            if separate:
                env["PLAUDIT_WORKER_IN_PROCESS"] = "false"
            worker_pids = stack.enter_context(
                job_workers(env, self.args.job_workers if separate else 0, instance.data_dir)
            )
            server = stack.enter_context(running(env, self.args.workers))
            settings = Settings(data_dir=instance.data_dir, database_url=database_url)
            database = Database(settings.resolved_database_url)
            stack.callback(database.dispose)
            counts = MailCounts(database)
            target = asyncio.run(prepare(server.base_url, instance.api_key))
            path, connections, wrk = load_plan("create", target, instance.api_key)
            received_before = received(smtp)
            workers_cpu_before = sum(cpu_seconds(pid) for pid in worker_pids)
            result, server_cpu, warmup_errors = self.bench.drive(
                server.pid, f"{server.base_url}{path}", connections, **wrk
            )
            workers_cpu = sum(cpu_seconds(pid) for pid in worker_pids) - workers_cpu_before
            during_run = received(smtp) - received_before
            # Requests wrk left in flight may still be issuing: every count is read afresh.
            queued_after = wait_for(
                lambda: counts.mails() >= counts.credentials(), self.args.drain_seconds
            )
            sent_after = (
                wait_for(lambda: received(smtp) >= counts.credentials(), self.args.drain_seconds)
                if smtp is not None and queued_after is not None
                else None
            )
            issued, queued = counts.credentials(), counts.mails()
            line = self.bench.line(
                f"create_mail_{mail}",
                self.args.workers,
                CREATE_CONNECTIONS,
                result,
                server_cpu,
                warmup_errors,
            )
            requests = max(result.requests, 1)
            missing = max(issued - queued, 0) + (max(issued - received(smtp), 0) if smtp else 0)
            line |= {
                "mail": mail,
                "job_worker": arrangement,
                "job_workers": self.args.job_workers if separate else 0,
                "job_worker_cpu_ms_per_request": round(workers_cpu * 1000 / requests, 3),
                "credentials_issued": issued,
                "mails_queued": queued,
                "mails_received": received(smtp),
                "mails_received_during_run": during_run,
                "drain_seconds": round((queued_after or 0) + (sent_after or 0), 1),
            }
            line["errors"] += missing
        self.bench.emit(line)
        return line

    def compare(self, arrangement: str, off: dict[str, Any], on: dict[str, Any]) -> None:
        def ratio(key: str) -> float | None:
            return round(on[key] / off[key], 3) if off[key] else None

        self.bench.emit(
            {
                "benchmark": "load",
                "measure": "create_mail_ratio",
                "database": self.bench.database,
                "workers": self.args.workers,
                "job_worker": arrangement,
                "requests_per_second_on_over_off": ratio("requests_per_second"),
                "p99_on_over_off": ratio("p99_ms"),
                "server_cpu_on_over_off": ratio("server_cpu_ms_per_request"),
                "errors": 0,
            }
        )


def benchmark(args: argparse.Namespace) -> dict[str, Any]:
    bench = MailBench(args)
    with database_urls(args) as new_database_url:
        for arrangement in args.arrangements:
            off = bench.create(new_database_url(), arrangement, "off")
            on = bench.create(new_database_url(), arrangement, "on")
            bench.compare(arrangement, off, on)
    return {"benchmark": "load", "measure": "summary", "errors": bench.bench.errors}


def main() -> int:
    args = parse_args()
    return run(lambda: benchmark(args), "some requests failed or some mail was not delivered")


if __name__ == "__main__":
    sys.exit(main())
