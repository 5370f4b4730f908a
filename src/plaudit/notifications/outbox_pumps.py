"""The job worker's periodic notification work (jobs/worker.py runs it when no job is due):
dispatch recorded events into mail and webhook deliveries, queue reminders, send due mail and
webhooks. Each step is safe to run in any number of processes at once."""

from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime, timedelta

from plaudit.jobs.registry import PeriodicContext
from plaudit.notifications import dispatch, reminders
from plaudit.notifications.deliveries import Policy, RowT, claim, deliver_claimed, has_due
from plaudit.notifications.smtp import SmtpSender
from plaudit.notifications.webhook_compose import EventJson
from plaudit.notifications.webhook_sender import WebhookSender
from plaudit.server_secret import server_secret
from plaudit.settings import Settings
from plaudit.store.notification_tables import HELD, PENDING, Mail
from plaudit.store.webhook_tables import WebhookDelivery

REMINDER_INTERVAL = timedelta(hours=1)
LONGEST_RETRY = timedelta(hours=6)
# With SMTP configured, held mail (queued while it was not) is sent like pending mail.
SENDABLE = (PENDING, HELD)
WEBHOOK_LONGEST_RETRY = timedelta(hours=12)
# The deadline (PLAUDIT_WEBHOOK_GIVE_UP_HOURS) ends the retries; this only bounds a delivery
# whose every worker died while sending it.
WEBHOOK_MAX_ATTEMPTS = 500


def mail_policy(settings: Settings) -> Policy:
    return Policy(
        lease=timedelta(seconds=settings.job_lease_seconds),
        max_attempts=settings.mail_max_attempts,
        first_retry=timedelta(seconds=settings.mail_retry_seconds),
        longest_retry=LONGEST_RETRY,
    )


def webhook_policy(settings: Settings) -> Policy:
    """Retried until the deadline; the lease outlasts a batch's last delivery started (at
    half the lease) by more than one attempt's longest wait."""
    return Policy(
        lease=timedelta(
            seconds=max(settings.job_lease_seconds, 4 * settings.webhook_timeout_seconds)
        ),
        max_attempts=WEBHOOK_MAX_ATTEMPTS,
        first_retry=timedelta(seconds=settings.webhook_retry_seconds),
        longest_retry=WEBHOOK_LONGEST_RETRY,
        give_up_after=timedelta(hours=settings.webhook_give_up_hours),
    )


def dispatch_events(context: PeriodicContext, *, event_json: EventJson) -> bool:
    """`event_json`: how Credly shows an event (the webhooks' bodies), passed in by the
    worker's registry so that notifications import no dialect."""
    with context.database.session(readonly=True) as session:
        if not dispatch.has_undispatched(session, context.now):
            return False
    secret = server_secret(context.settings)
    claimed = dispatch.dispatch(
        context.database,
        context.settings,
        secret,
        context.now,
        event_json,
        owner=context.worker_id,
    )
    return claimed > 0


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
    policy = mail_policy(settings)
    rows = _due_batch(context, Mail, policy, SENDABLE)
    if not rows:
        return False
    with SmtpSender(settings) as sender:
        _deliver(context, Mail, rows, sender, policy)
    return True


def send_webhooks(context: PeriodicContext) -> bool:
    """Send one batch of due webhook deliveries, one after the other."""
    policy = webhook_policy(context.settings)
    rows = _due_batch(context, WebhookDelivery, policy, (PENDING,))
    if not rows:
        return False
    secret = server_secret(context.settings)
    with WebhookSender(context.database, context.settings, secret, rows) as sender:
        _deliver(context, WebhookDelivery, rows, sender, policy)
    return True


def _deliver(
    context: PeriodicContext,
    model: type[RowT],
    rows: Sequence[RowT],
    sender: Callable[[RowT], Mapping[str, object] | None],
    policy: Policy,
) -> None:
    deliver_claimed(
        context.database,
        model,
        rows,
        sender,
        worker_id=context.worker_id,
        policy=policy,
        clock=context.clock,
    )


def _due_batch(
    context: PeriodicContext, model: type[RowT], policy: Policy, ready: Sequence[str]
) -> list[RowT]:
    """A batch of due rows claimed by this worker; a cheap read first spares idle workers a
    writing transaction."""
    with context.database.session(readonly=True) as session:
        if not has_due(session, model, context.now, ready):
            return []
    with context.database.transaction() as session:
        return claim(session, model, context.worker_id, now=context.now, policy=policy, ready=ready)
