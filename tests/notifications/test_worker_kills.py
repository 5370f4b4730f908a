"""Issue 14's crash test: a worker process is killed (SIGKILL) three times while it sends 500
mails to a real SMTP server and 500 webhook deliveries to a real HTTP listener; after a restart
every message has arrived, and a message arrives twice at most once per kill, with the same
Message-ID or event id both times (one worker sends one thing at a time).

The worker processes are forked from the test process (`plaudit worker` would spend seconds
importing, four times); each runs the same Worker loop as `plaudit worker`."""

import multiprocessing
import os
import signal
from collections import Counter
from collections.abc import Iterator
from multiprocessing.process import BaseProcess

import pytest
from sqlalchemy import func, select

from plaudit.jobs.worker import Worker, run_until_signalled
from plaudit.server_secret import server_secret
from plaudit.services import webhook_subscriptions
from plaudit.settings import Settings
from plaudit.store.db import Database
from plaudit.store.notification_tables import PENDING, SENT, Mail
from plaudit.store.webhook_tables import WebhookDelivery
from tests.support.jobs import wait_for
from tests.support.mail_rows import queued
from tests.support.smtp_server import SmtpServer
from tests.support.tenants import Tenant
from tests.support.webhook_listener import Listener, webhook_listener
from tests.support.webhook_rows import deliveries

MAILS = 500
DELIVERIES = 500
KILLS = 3
HOOK = "/kills"


@pytest.fixture
def listener() -> Iterator[Listener]:
    with webhook_listener() as running:
        yield running


def test_every_mail_and_webhook_arrive_after_three_kills_with_one_repeat_per_kill_at_most(
    mail_database: Database,
    mail_database_url: str,
    mail_settings: Settings,
    mail_tenant: Tenant,
    smtp: SmtpServer,
    listener: Listener,
) -> None:
    ids = queued(mail_database, mail_tenant, MAILS)
    with mail_database.session(readonly=True) as session:
        wanted = set(session.scalars(select(Mail.message_id).where(Mail.id.in_(ids))))
    settings = mail_settings.model_copy(
        update={
            "job_lease_seconds": 2.0,
            "job_poll_seconds": 0.1,
            "webhook_timeout_seconds": 1.0,
            "webhook_retry_seconds": 0.001,
        }
    )
    hook_ids = _queued_deliveries(mail_database, settings, mail_tenant, listener)
    wanted_events = _event_ids(mail_database, hook_ids)
    everything = MAILS + DELIVERIES

    def arrived() -> Counter[str]:
        mails = Counter(item for item in list(smtp.recorder.message_ids) if item in wanted)
        return mails + Counter(post.event_id for post in listener.at(HOOK))

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
                lambda kill=kill: sum(arrived().values()) >= kill * everything // (KILLS + 1),
                what=f"mail before kill {kill}",
            )
        finally:
            assert worker.pid is not None
            os.kill(worker.pid, signal.SIGKILL)
            worker.join(timeout=30)
    survivor = start()
    try:
        wait_for(lambda: set(arrived()) == wanted | wanted_events, what="everything to arrive")
        wait_for(lambda: _sent(mail_database, Mail, ids) == MAILS, what="every mail marked sent")
        wait_for(
            lambda: _sent(mail_database, WebhookDelivery, hook_ids) == DELIVERIES,
            what="every delivery marked sent",
        )
    finally:
        survivor.terminate()
        survivor.join(timeout=30)
        assert survivor.exitcode == 0

    counts = arrived()
    duplicates = sum(counts.values()) - len(counts)
    assert set(counts) == wanted | wanted_events
    # Each kill repeats at most the one send in flight: a row in flight at two kills arrives
    # three times, still one repeat per kill.
    assert duplicates <= KILLS
    assert all(post.signed for post in listener.at(HOOK))


def _worker(url: str, settings: Settings) -> None:
    database = Database(url)  # never the parent's engine: its connections are the parent's
    run_until_signalled(Worker(database, settings))


def _queued_deliveries(
    database: Database, settings: Settings, tenant: Tenant, listener: Listener
) -> list[int]:
    """Delivery rows as the dispatcher leaves them, to a subscription on the listener."""
    with database.transaction() as session:
        made = webhook_subscriptions.create(
            session,
            server_secret(settings),
            organization_id=tenant.organization_id,
            url=listener.url(HOOK),
            allowed_hosts=frozenset({"127.0.0.1"}),
        )
    listener.secrets[HOOK] = made.secret.encode()
    return deliveries(database, made.subscription, [PENDING] * DELIVERIES)


def _event_ids(database: Database, ids: list[int]) -> set[str]:
    with database.session(readonly=True) as session:
        found = session.scalars(
            select(WebhookDelivery.event_uuid).where(WebhookDelivery.id.in_(ids))
        )
        return {str(item) for item in found}


def _sent(database: Database, model: type[Mail] | type[WebhookDelivery], ids: list[int]) -> int:
    with database.session(readonly=True) as session:
        return (
            session.scalar(select(func.count()).where(model.id.in_(ids), model.state == SENT)) or 0
        )
