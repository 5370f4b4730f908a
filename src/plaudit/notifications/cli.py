"""`plaudit outbox ...`: the mail outbox seen and retried from the command line. Registered
on the `plaudit` command at the bottom of plaudit/cli.py."""

import json
from typing import Annotated

import typer

from plaudit.cli import CommandFailed, _database
from plaudit.jobs.registry import PeriodicContext
from plaudit.jobs.worker import new_worker_id
from plaudit.notifications import outbox, outbox_pumps
from plaudit.settings import get_settings
from plaudit.store.notification_tables import DEAD, FAILED, HELD, STATES
from plaudit.store.tables import utcnow

outbox_app = typer.Typer(help="Recipients' mail: list, retry, dead letters.", no_args_is_help=True)
Org = Annotated[int | None, typer.Option(help="Only this organization's mail.")]
Limit = Annotated[int, typer.Option(help="Most mails shown, newest first.", min=1)]
AsJson = Annotated[bool, typer.Option("--json", help="One JSON object per line.")]


def _print(organization_id: int | None, states: tuple[str, ...], limit: int, as_json: bool) -> None:
    database = _database()
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


@outbox_app.command("list")
def list_mail(
    org: Org = None,
    state: Annotated[
        list[str] | None, typer.Option(help=f"Only these states: {', '.join(STATES)}.")
    ] = None,
    limit: Limit = 50,
    as_json: AsJson = False,
) -> None:
    """Mail in the outbox, newest first."""
    unknown = sorted(set(state or ()) - set(STATES))
    if unknown:
        raise CommandFailed(f"unknown state {unknown[0]!r}: one of {', '.join(STATES)}")
    _print(org, tuple(state or ()), limit, as_json)


@outbox_app.command("dead-letters")
def dead_letters(org: Org = None, limit: Limit = 50, as_json: AsJson = False) -> None:
    """Mail whose retries ran out (and mail refused for good): `plaudit outbox retry` queues
    it again."""
    _print(org, (DEAD, FAILED), limit, as_json)


@outbox_app.command("retry")
def retry(
    ids: Annotated[list[int] | None, typer.Argument(help="Mail ids; none: every one.")] = None,
    send: Annotated[
        bool, typer.Option(help="Send what is due now, from this process, when SMTP is set.")
    ] = True,
) -> None:
    """Queue dead, failed and held mail again, with fresh attempts, then send it."""
    settings = get_settings()
    database = _database()
    with database.transaction() as session:
        count = outbox.retry(session, utcnow(), ids or (), (DEAD, FAILED, HELD))
    typer.echo(f"{count} mail(s) queued again.")
    if send and settings.smtp_host:
        worker_id = new_worker_id()
        while outbox_pumps.send_mail(
            PeriodicContext(database, settings, worker_id, utcnow(), utcnow)
        ):
            pass
        typer.echo("Due mail sent; `plaudit outbox list` shows the outcome.")
    database.dispose()
