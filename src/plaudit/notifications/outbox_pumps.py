"""The job worker's periodic notification work (jobs/worker.py runs it when no job is due):
dispatch recorded events into mail, queue reminders, send due mail. Each step is safe to run
in any number of processes at once."""

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from plaudit.jobs.registry import PeriodicContext
from plaudit.notifications import dispatch, reminders
from plaudit.notifications.deliveries import Policy, claim, deliver_claimed, has_due
from plaudit.notifications.smtp import SmtpSender
from plaudit.server_secret import server_secret
from plaudit.settings import Settings
from plaudit.store.notification_tables import HELD, PENDING, Mail

REMINDER_INTERVAL = timedelta(hours=1)
LONGEST_RETRY = timedelta(hours=6)
# With SMTP configured, held mail (queued while it was not) is sent like pending mail.
SENDABLE = (PENDING, HELD)


def mail_policy(settings: Settings) -> Policy:
    return Policy(
        lease=timedelta(seconds=settings.job_lease_seconds),
        max_attempts=settings.mail_max_attempts,
        first_retry=timedelta(seconds=settings.mail_retry_seconds),
        longest_retry=LONGEST_RETRY,
    )


def dispatch_events(context: PeriodicContext) -> bool:
    with context.database.session(readonly=True) as session:
        if not dispatch.has_undispatched(session):
            return False
    secret = server_secret(context.settings)
    return dispatch.dispatch(context.database, context.settings, secret, context.now) > 0


def every(
    interval: timedelta, task: Callable[[PeriodicContext], bool]
) -> Callable[[PeriodicContext], bool]:
    """`task` at most once per `interval` in this process (first on the first call)."""
    next_run: list[datetime] = []

    def run(context: PeriodicContext) -> bool:
        if next_run and context.now < next_run[0]:
            return False
        next_run[:] = [context.now + interval]
        return task(context)

    return run


def queue_reminders(context: PeriodicContext) -> bool:
    settings = context.settings
    if not (settings.mail_accept_reminder_days or settings.mail_expiry_reminder_days):
        return False
    secret = server_secret(settings)
    today = context.now.astimezone(UTC).date()
    with context.database.transaction() as session:
        queued = reminders.queue_reminders(session, settings, secret, context.now, today)
    return queued > 0


def send_mail(context: PeriodicContext) -> bool:
    """Send one batch of due mail; False when SMTP is not configured or nothing is due."""
    settings = context.settings
    if not settings.smtp_host:
        return False
    with context.database.session(readonly=True) as session:
        if not has_due(session, Mail, context.now, SENDABLE):
            return False
    policy = mail_policy(settings)
    with context.database.transaction() as session:
        rows = claim(
            session, Mail, context.worker_id, now=context.now, policy=policy, ready=SENDABLE
        )
    if not rows:
        return False
    with SmtpSender(settings) as sender:
        deliver_claimed(
            context.database,
            Mail,
            rows,
            sender,
            worker_id=context.worker_id,
            policy=policy,
            clock=context.clock,
        )
    return True
