"""`plaudit outbox ...`: the mail outbox, and with `--webhooks` the webhook deliveries, seen
and retried from the command line. Registered on the `plaudit` command at the bottom of
plaudit/cli.py."""

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated

import typer

from plaudit.command_support import CommandFailed, open_database

if TYPE_CHECKING:
    from plaudit.jobs.registry import PeriodicContext
    from plaudit.settings import Settings
    from plaudit.store.db import Database

outbox_app = typer.Typer(
    help="Recipients' mail and webhook deliveries (--webhooks): list, retry, dead letters.",
    no_args_is_help=True,
)
Org = Annotated[int | None, typer.Option(help="Only this organization's mail or deliveries.")]
Limit = Annotated[int, typer.Option(help="Most shown, newest first.", min=1)]
AsJson = Annotated[bool, typer.Option("--json", help="One JSON object per line.")]
Webhooks = Annotated[bool, typer.Option("--webhooks", help="Webhook deliveries instead of mail.")]
# The states of store/notification_tables.py, written out so that building the help text does not
# import the database tables (tests/cli/test_cli_imports.py checks they are the same).
STATES = ("held", "pending", "sending", "sent", "failed", "dead")


def _print(
    organization_id: int | None,
    states: tuple[str, ...],
    limit: int,
    as_json: bool,
    webhooks: bool = False,
) -> None:
    # The outbox modules are imported here, as in plaudit/cli.py: every `plaudit` command imports
    # this module.
    from plaudit.notifications import outbox

    if webhooks:
        _print_deliveries(organization_id, states, limit, as_json)
        return
    database = open_database()
    with database.session(readonly=True) as session:
        rows, total = outbox.page(session, organization_id, states, limit=limit)
    for row in rows:
        shown = outbox.describe(row)
        if as_json:
            typer.echo(json.dumps(shown))
        else:
            error = f"  {shown['last_error']}" if shown["last_error"] else ""
            typer.echo(
                f"{row.id}\t{row.state}\t{row.kind}\t{row.recipient_email}\t"
                f"attempts={row.attempts}\t{row.subject}{error}"
            )
    if not as_json:
        typer.echo(f"{len(rows)} of {total} shown.")
    database.dispose()


def _print_deliveries(
    organization_id: int | None, states: tuple[str, ...], limit: int, as_json: bool
) -> None:
    from plaudit.notifications import webhook_outbox

    database = open_database()
    with database.session(readonly=True) as session:
        shown, total = webhook_outbox.page(session, organization_id, states, limit=limit)
    for delivery in shown:
        if as_json:
            typer.echo(json.dumps(delivery))
            continue
        error = f"  {delivery['last_error']}" if delivery["last_error"] else ""
        typer.echo(
            f"{delivery['id']}\t{delivery['state']}\t{delivery['event_type']}\t"
            f"{delivery['event_id']}\twebhook={delivery['subscription_id']}\t"
            f"attempts={delivery['attempts']}\tstatus={delivery['response_status']}{error}"
        )
    if not as_json:
        typer.echo(f"{len(shown)} of {total} shown.")
    database.dispose()


@outbox_app.command("list")
def list_mail(
    org: Org = None,
    state: Annotated[
        list[str] | None, typer.Option(help=f"Only these states: {', '.join(STATES)}.")
    ] = None,
    limit: Limit = 50,
    as_json: AsJson = False,
    webhooks: Webhooks = False,
) -> None:
    """Mail (or webhook deliveries) in the outbox, newest first."""
    unknown = sorted(set(state or ()) - set(STATES))
    if unknown:
        raise CommandFailed(f"unknown state {unknown[0]!r}: one of {', '.join(STATES)}")
    _print(org, tuple(state or ()), limit, as_json, webhooks)


@outbox_app.command("dead-letters")
def dead_letters(
    org: Org = None, limit: Limit = 50, as_json: AsJson = False, webhooks: Webhooks = False
) -> None:
    """Mail (or webhook deliveries) whose retries ran out, and those refused for good:
    `plaudit outbox retry` queues them again."""
    from plaudit.store.notification_tables import DEAD, FAILED

    _print(org, (DEAD, FAILED), limit, as_json, webhooks)


@outbox_app.command("retry")
def retry(
    ids: Annotated[
        list[int] | None, typer.Argument(help="Mail (or delivery) ids; none: every one.")
    ] = None,
    send: Annotated[
        bool,
        typer.Option(help="Send what is due now, from this process (mail: when SMTP is set)."),
    ] = True,
    webhooks: Webhooks = False,
) -> None:
    """Queue dead, failed and held mail again, with fresh attempts, then send it. With
    --webhooks: replay dead and failed deliveries (same body, same event id), then POST them."""
    from plaudit.notifications import outbox, outbox_pumps, webhook_outbox
    from plaudit.settings import get_settings
    from plaudit.store.notification_tables import DEAD, FAILED, HELD
    from plaudit.store.tables import utcnow

    settings = get_settings()
    database = open_database()
    if webhooks:
        with database.transaction() as session:
            count = webhook_outbox.replay_all(session, utcnow(), ids or ())
        typer.echo(f"{count} webhook delivery(ies) queued again.")
        if send:
            _send_due(database, settings, outbox_pumps.send_webhooks)
            typer.echo("Due deliveries sent; `plaudit outbox list --webhooks` shows the outcome.")
        database.dispose()
        return
    with database.transaction() as session:
        count = outbox.retry(session, utcnow(), ids or (), (DEAD, FAILED, HELD))
    typer.echo(f"{count} mail(s) queued again.")
    if send and settings.smtp_host:
        _send_due(database, settings, outbox_pumps.send_mail)
        typer.echo("Due mail sent; `plaudit outbox list` shows the outcome.")
    database.dispose()


def _send_due(
    database: "Database", settings: "Settings", pump: Callable[["PeriodicContext"], bool]
) -> None:
    """Run one of the worker's senders from this process until nothing is due."""
    from plaudit.jobs.registry import PeriodicContext
    from plaudit.jobs.worker import new_worker_id
    from plaudit.store.tables import utcnow

    worker_id = new_worker_id()
    while pump(PeriodicContext(database, settings, worker_id, utcnow(), utcnow)):
        pass
