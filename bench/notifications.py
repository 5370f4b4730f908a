"""The outbox: emails per second that `--workers` `plaudit worker` processes send to a local
SMTP server (aiosmtpd, in this process), then webhook deliveries per second they POST to a
local HTTP listener (in this process too, checking every signature), and the workers' CPU
milliseconds per mail and per delivery.

The workers start first, on an empty outbox; then `--count` mails are queued in one
transaction (as the dispatcher queues them) and the clock runs until the SMTP server has every
one; then `--count` webhook deliveries likewise, until the listener has every event id. Prints
one JSON line to stdout; progress goes to stderr.

    .venv/bin/python bench/notifications.py --count 2000 --workers 2
    .venv/bin/python bench/notifications.py --database-url postgresql://user:pass@localhost/plaudit
"""

import argparse
import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from proc_stats import cpu_seconds

sys.path.append(str(Path(__file__).resolve().parent.parent))  # the checkout: tests.support
from tests.support.mail_rows import queued
from tests.support.smtp_server import smtp_server
from tests.support.tenants import Tenant, make_tenant
from tests.support.webhook_listener import Listener, webhook_listener
from tests.support.webhook_rows import deliveries

from plaudit.services import webhook_subscriptions
from plaudit.store.db import Database
from plaudit.store.migrate import upgrade
from plaudit.store.notification_tables import PENDING

PLAUDIT = Path(sys.executable).with_name("plaudit")


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def start_workers(count: int, env: dict[str, str], data_dir: Path) -> list[subprocess.Popen[bytes]]:
    with (data_dir / "workers.log").open("ab") as output:
        return [
            subprocess.Popen([str(PLAUDIT), "worker"], env=env, stdout=output, stderr=output)
            for _ in range(count)
        ]


def wait_started(data_dir: Path, count: int, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while (data_dir / "workers.log").read_text().count("jobs.worker_started") < count:
        if time.monotonic() > deadline:
            raise SystemExit("the workers did not start")
        time.sleep(0.2)


def post_webhooks(
    database: Database,
    tenant: Tenant,
    listener: Listener,
    server_secret: bytes,
    workers: list[subprocess.Popen[bytes]],
    count: int,
) -> dict[str, float | int]:
    """Queue `count` deliveries to one subscription on the listener; time them all arriving."""
    path = "/bench"
    with database.transaction() as session:
        made = webhook_subscriptions.create(
            session,
            server_secret,
            organization_id=tenant.organization_id,
            url=listener.url(path),
            allowed_hosts=frozenset({"127.0.0.1"}),
        )
        subscription = made.subscription
    listener.secrets[path] = made.secret.encode()
    cpu_before = sum(cpu_seconds(worker.pid) for worker in workers)
    log(f"queueing {count} webhook deliveries for {len(workers)} workers")
    started = time.monotonic()
    deliveries(database, subscription, [PENDING] * count)
    while len({post.event_id for post in listener.at(path)}) < count:
        time.sleep(0.05)
    elapsed = time.monotonic() - started
    cpu = sum(cpu_seconds(worker.pid) for worker in workers) - cpu_before
    posts = listener.at(path)
    return {
        "webhooks": count,
        "webhook_deliveries_per_second": round(count / elapsed, 1),
        "worker_cpu_ms_per_webhook": round(cpu * 1000 / count, 2),
        "webhook_duplicates": len(posts) - count,
        "webhooks_unsigned": sum(1 for post in posts if not post.signed),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--database-url", default=None)
    options = parser.parse_args()
    data_dir = Path(tempfile.mkdtemp(prefix="plaudit-bench-mail-"))
    url = options.database_url or f"sqlite:///{data_dir / 'plaudit.db'}"
    database = Database(url)
    upgrade(database.engine)
    tenant = make_tenant(database, "Bench Academy")
    server_secret = secrets.token_urlsafe(48)
    with smtp_server() as smtp, webhook_listener() as listener:
        env = {
            **os.environ,
            "PLAUDIT_DATABASE_URL": url,
            "PLAUDIT_DATA_DIR": str(data_dir),
            "PLAUDIT_SECRET_KEY": server_secret,
            "PLAUDIT_WEBHOOK_ALLOW_HOSTS": "127.0.0.1",
            "PLAUDIT_SMTP_HOST": "127.0.0.1",
            "PLAUDIT_SMTP_PORT": str(smtp.port),
            "PLAUDIT_SMTP_STARTTLS": "false",
            "PLAUDIT_JOB_POLL_SECONDS": "0.05",
            "PLAUDIT_LOG_LEVEL": "info",
        }
        workers = start_workers(options.workers, env, data_dir)
        try:
            wait_started(data_dir, options.workers)
            cpu_before = sum(cpu_seconds(worker.pid) for worker in workers)
            log(f"queueing {options.count} mails for {options.workers} workers")
            started = time.monotonic()
            queued(database, tenant, options.count)
            while len(set(smtp.recorder.message_ids)) < options.count:
                time.sleep(0.05)
            elapsed = time.monotonic() - started
            cpu = sum(cpu_seconds(worker.pid) for worker in workers) - cpu_before
            webhooks = post_webhooks(
                database, tenant, listener, server_secret.encode(), workers, options.count
            )
        finally:
            for worker in workers:
                worker.terminate()
            for worker in workers:
                worker.wait(timeout=30)
    print(
        json.dumps(
            {
                "bench": "notifications",
                "backend": database.engine.dialect.name,
                "workers": options.workers,
                "mails": options.count,
                "emails_per_second": round(options.count / elapsed, 1),
                "worker_cpu_ms_per_mail": round(cpu * 1000 / options.count, 2),
                "duplicates": len(smtp.recorder.message_ids) - options.count,
                **webhooks,
            }
        )
    )
    database.dispose()


if __name__ == "__main__":
    main()
