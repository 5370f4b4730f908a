"""Issue 14's crash test: a worker process is killed (SIGKILL) three times while it sends 500
mails to a real SMTP server; after a restart every message has arrived, and a message arrives
twice at most once per kill, with the same Message-ID both times.

The worker processes are forked from the test process (`plaudit worker` would spend seconds
importing, four times); each runs the same Worker loop as `plaudit worker`."""

import multiprocessing
import os
import signal
from collections import Counter
from multiprocessing.process import BaseProcess

from sqlalchemy import func, select

from plaudit.jobs.worker import Worker, run_until_signalled
from plaudit.settings import Settings
from plaudit.store.db import Database
from plaudit.store.notification_tables import SENT, Mail
from tests.support.jobs import wait_for
from tests.support.mail_rows import queued
from tests.support.smtp_server import SmtpServer
from tests.support.tenants import Tenant

MAILS = 500
KILLS = 3


def test_every_mail_arrives_after_three_kills_with_at_most_one_duplicate_each(
    mail_database: Database,
    mail_database_url: str,
    mail_settings: Settings,
    mail_tenant: Tenant,
    smtp: SmtpServer,
) -> None:
    ids = queued(mail_database, mail_tenant, MAILS)
    with mail_database.session(readonly=True) as session:
        wanted = set(session.scalars(select(Mail.message_id).where(Mail.id.in_(ids))))
    settings = mail_settings.model_copy(update={"job_lease_seconds": 2.0, "job_poll_seconds": 0.1})

    def arrived() -> Counter[str]:
        return Counter(item for item in list(smtp.recorder.message_ids) if item in wanted)

    def start() -> BaseProcess:
        process = multiprocessing.get_context("fork").Process(
            target=_worker, args=(mail_database_url, settings), daemon=True
        )
        process.start()
        return process

    for kill in range(1, KILLS + 1):
        worker = start()
        try:
            wait_for(
                lambda kill=kill: sum(arrived().values()) >= kill * MAILS // (KILLS + 1),
                what=f"mail before kill {kill}",
            )
        finally:
            assert worker.pid is not None
            os.kill(worker.pid, signal.SIGKILL)
            worker.join(timeout=30)
    survivor = start()
    try:
        wait_for(lambda: set(arrived()) == wanted, what="every mail to arrive")
        wait_for(lambda: _sent(mail_database, ids) == MAILS, what="every mail marked sent")
    finally:
        survivor.terminate()
        survivor.join(timeout=30)
        assert survivor.exitcode == 0

    counts = arrived()
    duplicates = sum(counts.values()) - len(counts)
    assert set(counts) == wanted
    assert duplicates <= KILLS
    assert max(counts.values()) <= 2


def _worker(url: str, settings: Settings) -> None:
    database = Database(url)  # never the parent's engine: its connections are the parent's
    run_until_signalled(Worker(database, settings))


def _sent(database: Database, ids: list[int]) -> int:
    with database.session(readonly=True) as session:
        return session.scalar(select(func.count()).where(Mail.id.in_(ids), Mail.state == SENT)) or 0
