"""The `plaudit` command.

Every failure ends the same way, in `_Commands`: one line on stderr and a non-zero exit status,
never a traceback, for refusals of the commands themselves, domain errors, bad options, an
unusable secret or signing key, bad settings and database errors. Commands that touch the
server's secret get it first, through `server_secret`, which applies the production rule before
anything is created.

Each command imports what it uses when it runs: the whole of Plaudit (FastAPI, rendering,
JSON-LD) takes seconds to import on a small machine, which `plaudit --help` or `plaudit orgs
list` should not pay.
"""

import json
import logging
import os
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from typer.core import TyperGroup

from plaudit.command_support import (
    CommandFailed,
    domain_message,
    open_database,
    pick_organization_id,
)
from plaudit.domain.errors import DomainError, Invalid, NotFound, Replaced

if TYPE_CHECKING:
    from pydantic import ValidationError
    from sqlalchemy.orm import Session

    from plaudit.settings import Settings
    from plaudit.store.db import Database

logger = logging.getLogger("plaudit.cli")
WORKER_HEALTHCHECK_SECONDS = 60


# A bad option or an unknown command: Typer's click raises it (the package Typer vendors since
# 0.2x, or the click package before), so it is found through Typer's public BadParameter.
_UsageError: type[Exception] = next(
    base for base in typer.BadParameter.__mro__ if base.__name__ == "UsageError"
)


class _Commands(TyperGroup):
    """The one place where a command's failure becomes one line on stderr and an exit status."""

    def make_context(
        self, info_name: str | None, args: list[str], parent: Any = None, **extra: Any
    ) -> Any:
        try:
            return super().make_context(info_name, args, parent, **extra)
        except _UsageError as error:
            _usage_failure(error)

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except _UsageError as error:
            _usage_failure(error)
        except Exception as error:
            message = _failure_message(error)
            if message is None:
                raise
            _fail(message)


def _failure_message(error: Exception) -> str | None:
    """The line for a failure a command may meet, or None for a bug (its traceback is shown).
    The classes are imported here, after the failure: the command that raised one of them has
    imported its module already, and `plaudit --help` imports none of them."""
    from pydantic import ValidationError
    from sqlalchemy.exc import SQLAlchemyError

    from plaudit.openbadges.keys import KeyUnavailable
    from plaudit.server_secret import SecretUnavailable
    from plaudit.store.outage import DatabaseUnavailable

    if isinstance(error, DomainError):
        return domain_message(error)
    if isinstance(error, CommandFailed | SecretUnavailable | KeyUnavailable):
        return str(error)
    if isinstance(error, ValidationError):
        return _settings_message(error)
    if isinstance(error, DatabaseUnavailable):
        return f"{error}: {error.detail}" if error.detail else str(error)
    if isinstance(error, SQLAlchemyError):
        return f"database error: {getattr(error, 'orig', None) or error}"
    if isinstance(error, OSError):
        return f"{error.strerror or error}: {error.filename or ''}".rstrip(": ")
    return None


def _usage_failure(error: Any) -> NoReturn:
    if type(error).__name__ == "NoArgsIsHelpError":
        raise error  # not a failure: the help text that was asked for
    context = error.ctx
    _fail(error.format_message(), error.exit_code, context.command_path if context else "plaudit")


def _fail(message: str, status: int = 1, command: str = "plaudit") -> NoReturn:
    line = " ".join(message.split())
    typer.echo(f"{command}: {line}", err=True)
    raise typer.Exit(status)


def _settings_message(error: "ValidationError") -> str:
    """Names each bad setting and why, never its value (it may be the secret)."""
    problems = [
        f"PLAUDIT_{'_'.join(str(part) for part in problem['loc']).upper()}: {problem['msg']}"
        for problem in error.errors()
    ]
    return "bad configuration: " + "; ".join(problems)


app = typer.Typer(
    cls=_Commands, help="Plaudit: self-hosted digital credentials.", no_args_is_help=True
)
keys_app = typer.Typer(help="Manage API keys.", no_args_is_help=True)
db_app = typer.Typer(help="Manage the database schema.", no_args_is_help=True)
credits_app = typer.Typer(help="Issuance credits.", no_args_is_help=True)
app.add_typer(keys_app, name="keys")
app.add_typer(db_app, name="db")
app.add_typer(credits_app, name="credits")
credentials_app = typer.Typer(help="Credentials.", no_args_is_help=True)
app.add_typer(credentials_app, name="credentials")
signing_app = typer.Typer(help="Organizations' signing keys and DIDs.", no_args_is_help=True)
app.add_typer(signing_app, name="signing")
orgs_app = typer.Typer(help="Organizations.", no_args_is_help=True)
app.add_typer(orgs_app, name="orgs")


@app.callback()
def _start() -> None:
    # Settings are read (and refused, in one line) before any command runs; logs are JSON lines.
    from plaudit.http.request_log import configure_logging
    from plaudit.settings import get_settings

    configure_logging(get_settings().log_level)


def _report_locked_out(database: "Database", secret: bytes) -> None:
    """At start-up, one log line per organization that cannot sign under this secret, saying
    what to do, rather than a failure at its next issuance."""
    from plaudit.openbadges import keys

    with database.session(readonly=True) as session:
        locked = keys.locked_out(session, secret)
    for organization in locked:
        fields = {
            "organization_id": organization.id,
            "organization_name": organization.name,
            "message": str(keys.KeyUnavailable(organization.id)),
        }
        logger.error("signing.key_unavailable", extra={"fields": fields})


def _listening_on(host: str | None, port: int | None) -> "Settings":
    """The settings with --host and --port in them, so that every URL the server builds (its
    default base URL, hence its did:web) names the address it listens on. They go through the
    environment because the app is made by uvicorn, in each worker process."""
    from plaudit.settings import get_settings

    if host is not None:
        os.environ["PLAUDIT_HOST"] = host
    if port is not None:
        os.environ["PLAUDIT_PORT"] = str(port)
    get_settings.cache_clear()
    return get_settings()


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Address to listen on.")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on.")] = None,
    workers: Annotated[int, typer.Option(help="Worker processes.")] = 1,
) -> None:
    """Apply migrations, then serve the API."""
    import uvicorn

    from plaudit.http.request_log import uvicorn_log_config
    from plaudit.openbadges import issuer_dids
    from plaudit.server_secret import server_secret

    settings = _listening_on(host, port)
    secret = server_secret(settings)
    database = open_database()
    _report_locked_out(database, secret)
    with database.transaction() as session:
        issuer_dids.record_current(session, settings.public_base_url)
    database.dispose()
    uvicorn.run(
        "plaudit.app:create_app",
        factory=True,
        host=settings.host,
        port=settings.port,
        workers=workers,
        log_level=settings.log_level,
        # uvicorn's lines in Plaudit's JSON format, in every worker process too.
        log_config=uvicorn_log_config(settings.log_level),
        access_log=False,
        # The app reads X-Forwarded-For itself, and only from PLAUDIT_TRUSTED_PROXIES.
        proxy_headers=False,
        # The fastest event loop and HTTP parser (uvicorn[standard]), named so that a missing
        # one fails at start-up instead of silently costing throughput.
        loop="uvloop",
        http="httptools",
        # A spawned worker imports Plaudit (seconds of CPU) before it can answer the parent's
        # health check; uvicorn's 5 s default killed and respawned every worker without end
        # on a busy 2-core machine.
        timeout_worker_healthcheck=WORKER_HEALTHCHECK_SECONDS,
    )


@app.command()
def init(
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Create the demo organization if missing and print a new account-wide API key for it."""
    from plaudit.dashboard import links
    from plaudit.openbadges import keys
    from plaudit.server_secret import server_secret
    from plaudit.services import api_keys, organizations
    from plaudit.settings import get_settings

    settings = get_settings()
    secret = server_secret(settings)
    database = open_database()
    with database.transaction() as session:
        organization, created = organizations.ensure_organization(session, settings.demo_org_name)
        keys.ensure_key(session, organization, secret)  # its signing key
        issued = api_keys.create_key(session, organization.id, label="plaudit init")
        owner_link = None
        if not links.has_owner(session, organization.id):
            owner_link = _owner_link(session, organization.id, settings, secret)
        result = {
            "organization_id": organization.id,
            "organization_uuid": str(organization.uuid),
            "organization_name": organization.name,
            "created": created,
            "api_key": issued.plaintext,
            "owner_link": owner_link,
        }
    if as_json:
        typer.echo(json.dumps(result))
        return
    verb = "Created" if created else "Found"
    typer.echo(f"{verb} organization {organization.name!r} (id {organization.id}).")
    typer.echo(f"API key (shown once): {issued.plaintext}")
    typer.echo(
        f"Try: curl -H 'Authorization: Token token={issued.plaintext}' "
        f"{settings.public_base_url}/v1/issuer/details"
    )
    if owner_link is None:
        typer.echo(f"Dashboard: {settings.public_base_url}/dashboard (sign in as its owner)")
    else:
        _echo_owner_link(owner_link)


def _owner_link(
    session: "Session", organization_id: int, settings: "Settings", secret: bytes
) -> str:
    """A new first-owner link of the organization's dashboard (the older one stops working)."""
    from plaudit.dashboard import links

    token = links.make(
        session,
        organization_id=organization_id,
        purpose=links.FIRST_OWNER,
        secret=secret,
        now=datetime.now(UTC),
    )
    return links.url(settings.public_base_url, links.FIRST_OWNER, token)


def _echo_owner_link(link: str) -> None:
    typer.echo(f"Dashboard owner link (works once, for 7 days; makes its first owner): {link}")


@orgs_app.command("create")
def orgs_create(
    name: Annotated[str, typer.Argument(help="The organization's name (unique).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Create an organization, with its default department and designs, and print a new
    account-wide API key for it, and the one-time link that makes its dashboard's first owner.
    Its signing key is made when it first signs, under the server's secret."""
    from plaudit.server_secret import server_secret
    from plaudit.services import api_keys, organizations
    from plaudit.settings import get_settings

    settings = get_settings()
    secret = server_secret(settings)
    database = open_database()
    with database.transaction() as session:
        organization = organizations.create_named(session, name)
        issued = api_keys.create_key(session, organization.id, label="plaudit orgs create")
        owner_link = _owner_link(session, organization.id, settings, secret)
    result = {
        "organization_id": organization.id,
        "organization_uuid": str(organization.uuid),
        "organization_name": organization.name,
        "api_key": issued.plaintext,
        "owner_link": owner_link,
    }
    if as_json:
        typer.echo(json.dumps(result))
        return
    typer.echo(f"Created organization {organization.name!r} (id {organization.id}).")
    typer.echo(f"API key (shown once): {issued.plaintext}")
    _echo_owner_link(owner_link)


@orgs_app.command("owner-link")
def orgs_owner_link(
    org: Annotated[int | None, typer.Option(help="Organization id.")] = None,
) -> None:
    """A fresh one-time link that makes the organization's first owner (the earlier one stops
    working); refused once it has an owner (then: `plaudit orgs reset-link`)."""
    from plaudit.server_secret import server_secret
    from plaudit.settings import get_settings

    settings = get_settings()
    secret = server_secret(settings)
    database = open_database()
    organization_id = pick_organization_id(database, org)
    with database.transaction() as session:
        owner_link = _owner_link(session, organization_id, settings, secret)
    _echo_owner_link(owner_link)


@orgs_app.command("reset-link")
def orgs_reset_link(
    email: Annotated[str, typer.Option(help="The team member's email.")],
    org: Annotated[int | None, typer.Option(help="Organization id.")] = None,
) -> None:
    """A one-time link that lets a team member choose a new password (valid 1 hour; an
    invitation, valid 7 days, for a member who has none yet). Earlier ones stop working."""
    from plaudit.dashboard import links
    from plaudit.server_secret import server_secret
    from plaudit.settings import get_settings

    settings = get_settings()
    secret = server_secret(settings)
    database = open_database()
    organization_id = pick_organization_id(database, org)
    with database.transaction() as session:
        member, purpose, token = links.for_member(
            session, organization_id, email, secret=secret, now=datetime.now(UTC)
        )
        name = member.name
    what = "Password reset link (works once, for 1 hour)"
    if purpose == links.INVITE:
        what = "Invitation link (works once, for 7 days)"
    typer.echo(f"{what} for {name}: {links.url(settings.public_base_url, purpose, token)}")


@orgs_app.command("list")
def orgs_list(
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON array.")] = False,
) -> None:
    """List the organizations: id, UUID and name."""
    from plaudit.services import organizations

    database = open_database()
    with database.session(readonly=True) as session:
        found = organizations.list_organizations(session)
    if as_json:
        rows = [{"id": o.id, "uuid": str(o.uuid), "name": o.name} for o in found]
        typer.echo(json.dumps(rows))
        return
    for organization in found:
        typer.echo(f"{organization.id:>6}  {organization.uuid}  {organization.name}")


@keys_app.command("create")
def keys_create(
    org: Annotated[int | None, typer.Option(help="Organization id.")] = None,
    department: Annotated[
        int | None, typer.Option(help="Scope the key to this department.")
    ] = None,
    label: Annotated[str | None, typer.Option(help="What the key is for.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Create an API key (account-wide, or scoped to one department)."""
    from plaudit.services import api_keys

    database = open_database()
    organization_id = pick_organization_id(database, org)
    try:
        with database.transaction() as session:
            issued = api_keys.create_key(session, organization_id, department, label)
    except NotFound as error:
        if error.entity != "department":
            raise
        raise CommandFailed(
            f"organization {organization_id} has no department {department}"
        ) from None
    result = {
        "prefix": issued.key.prefix,
        "organization_id": organization_id,
        "department_id": department,
        "api_key": issued.plaintext,
    }
    typer.echo(json.dumps(result) if as_json else f"API key (shown once): {issued.plaintext}")


@keys_app.command("list")
def keys_list(org: Annotated[int | None, typer.Option(help="Organization id.")] = None) -> None:
    """List an organization's keys (prefixes only; secrets are never stored)."""
    from plaudit.services import api_keys

    database = open_database()
    organization_id = pick_organization_id(database, org)
    with database.session() as session:
        for key in api_keys.list_keys(session, organization_id):
            state = "revoked" if key.revoked_at else "active"
            scope = f"department {key.department_id}" if key.department_id else "account-wide"
            typer.echo(f"{key.prefix}  {state:8} {scope:16} {key.label or ''}")


@keys_app.command("revoke")
def keys_revoke(prefix: Annotated[str, typer.Argument(help="The key or its prefix.")]) -> None:
    """Revoke a key: it stops working at once."""
    from plaudit.services import api_keys

    database = open_database()
    with database.transaction() as session:
        key = api_keys.revoke_key(session, prefix)
        typer.echo(f"Revoked {key.prefix}.")


@credentials_app.command("revoke")
def credentials_revoke(
    ref: Annotated[str, typer.Argument(help="License id, id or encoded id of the credential.")],
    org: Annotated[int | None, typer.Option(help="Organization id.")] = None,
    reason: Annotated[str | None, typer.Option(help="Why (Credly's revocation_reason).")] = None,
) -> None:
    """Revoke a credential for good: its state becomes revoked, its status-list bit is set,
    its page says revoked and every verifier rejects it."""
    from plaudit.domain.scope import Scope
    from plaudit.services import badge_lifecycle
    from plaudit.services import credentials as credential_service

    database = open_database()
    organization_id = pick_organization_id(database, org)
    scope = Scope(organization_id)
    try:
        with database.transaction() as session:
            credential = credential_service.get(session, scope, ref)
            badge_lifecycle.revoke(session, scope, credential, reason, suppress_email=False)
    except NotFound:
        raise CommandFailed(f"no credential {ref!r} in organization {organization_id}") from None
    except Replaced as replaced:
        raise CommandFailed(f"{replaced.message} Current version: {replaced.current}") from None
    typer.echo(f"Revoked credential {credential.id}.")


@credits_app.command("set")
def credits_set(
    amount: Annotated[str, typer.Argument(help="Credits left, or 'unlimited'.")],
    org: Annotated[int | None, typer.Option(help="Organization id.")] = None,
) -> None:
    """Set an organization's credit balance; each published credential uses one."""
    from plaudit.services import credits

    balance = None if amount.strip().lower() == "unlimited" else _whole_number(amount)
    database = open_database()
    organization_id = pick_organization_id(database, org)
    try:
        with database.transaction() as session:
            credits.set_balance(session, organization_id, balance)
    except Invalid:
        raise CommandFailed("credits must be between 0 and 2147483647") from None
    typer.echo(f"Credits of organization {organization_id}: {amount.strip().lower()}.")


@credits_app.command("show")
def credits_show(org: Annotated[int | None, typer.Option(help="Organization id.")] = None) -> None:
    """Print an organization's credit balance."""
    from plaudit.services import organizations

    database = open_database()
    organization_id = pick_organization_id(database, org)
    with database.session() as session:
        left = organizations.get_organization(session, organization_id).credits_remaining
    typer.echo("unlimited" if left is None else str(left))


def _whole_number(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise CommandFailed("credits are a whole number or 'unlimited'") from None


@app.command()
def worker() -> None:
    """Run background jobs until SIGTERM or Ctrl-C (the job under way is finished first)."""
    from plaudit.jobs.worker import Worker, run_until_signalled
    from plaudit.server_secret import server_secret
    from plaudit.settings import get_settings

    settings = get_settings()
    secret = server_secret(settings)
    database = open_database()
    _report_locked_out(database, secret)
    run_until_signalled(Worker(database, settings))
    database.dispose()


@app.command()
def verify(
    file: Annotated[
        str,
        typer.Argument(help="A credential (.json, .jwt) or baked badge (.png, .svg); - for stdin."),
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Verify a credential: proof, issuer key, status, validity dates, schema. Exit code 0 when
    it is valid, 1 when it is not (or could not be checked). This server's issuers resolve from
    its database, did:key from the key; another issuer's did:web document (and its status list
    on the same host) is fetched unless PLAUDIT_VERIFY_FETCH is false."""
    from plaudit.openbadges.verify import Verification
    from plaudit.server_secret import server_secret
    from plaudit.services import verification
    from plaudit.services.remote_issuers import Fetched, FetchPolicy, RemoteIssuers, Wanted
    from plaudit.services.signing import Signer
    from plaudit.services.verification_workers import Limits, VerificationWorkers
    from plaudit.settings import get_settings

    try:
        data = sys.stdin.buffer.read() if file == "-" else Path(file).read_bytes()
    except OSError as error:
        # A usage error (status 2): status 1 means "not valid".
        raise typer.BadParameter(f"cannot read {file}: {error.strerror}") from None
    settings = get_settings()
    signer = Signer(settings.public_base_url, server_secret(settings))
    workers = VerificationWorkers(Limits.of(settings))  # the same bounds as POST /verify
    try:
        examined = workers.examine_blocking(data)
    finally:
        workers.close()
    database = open_database()
    remote = RemoteIssuers(FetchPolicy.of(settings))

    def conclude(fetched: Fetched | None) -> tuple[Verification, Wanted]:
        with database.writing_session() as session:
            answer = verification.verify_examined(
                session, signer, examined, may_sign=True, fetched=fetched
            )
            session.commit()  # keeps a status list it had to sign again
        return answer

    try:
        result = verification.conclude_submitted(conclude, remote).as_json()
    finally:
        remote.close()
        database.dispose()
    if as_json:
        typer.echo(json.dumps(result, indent=2))
    else:
        typer.echo(VERDICT_LINES[result["verdict"]])
        for error in result["errors"] if not result["checks"] else []:
            typer.echo(f"  {error}")
        for check in result["checks"]:
            typer.echo(f"  {check['outcome']:<9} {check['name']:<9} {check['reason']}")
    raise typer.Exit(0 if result["valid"] else 1)


VERDICT_LINES = {
    "valid": "VALID",
    "invalid": "NOT VALID",
    "unchecked": "NOT VALID: COULD NOT BE CHECKED",
}


@signing_app.command("show")
def signing_show(org: Annotated[int | None, typer.Option(help="Organization id.")] = None) -> None:
    """Print the organization's DID and its keys (active first), making its first key if none."""
    from plaudit.openbadges import did, keys
    from plaudit.server_secret import server_secret
    from plaudit.services import organizations
    from plaudit.settings import get_settings

    settings = get_settings()
    secret = server_secret(settings)
    database = open_database()
    organization_id = pick_organization_id(database, org)
    with database.transaction() as session:
        organization = organizations.get_organization(session, organization_id)
        keys.ensure_key(session, organization, secret)
        published = keys.published_keys(session, organization_id)
        typer.echo(did.issuer_did(settings.public_base_url, organization, published[0]))
        for row in published:
            state = f"retired {row.retired_at:%Y-%m-%d}" if row.retired_at else "active"
            if not row.retired_at and row.encryption_key_id != keys.encryption_key_id(secret):
                state += " (made under another secret: rotate to sign again)"
            typer.echo(f"  key {row.sequence}  {keys.multikey(row)}  {state}")


@signing_app.command("rotate")
def signing_rotate(
    org: Annotated[int | None, typer.Option(help="Organization id.")] = None,
) -> None:
    """Make a new signing key; older keys are retired but stay published, so what they signed
    still verifies. Credentials are signed again with the new key when next asked for. It is
    also the way out for an organization whose key was made under another server secret: the
    old key is not needed to make the new one."""
    from plaudit.openbadges import keys
    from plaudit.server_secret import server_secret
    from plaudit.services import organizations
    from plaudit.settings import get_settings

    settings = get_settings()
    secret = server_secret(settings)
    database = open_database()
    organization_id = pick_organization_id(database, org)
    with database.transaction() as session:
        organization = organizations.get_organization(session, organization_id)
        row = keys.rotate(session, organization, secret)
        typer.echo(f"Key {row.sequence} is now active: {keys.multikey(row)}")


@signing_app.command("did-method")
def signing_did_method(
    method: Annotated[str, typer.Argument(help="web (default) or key.")],
    org: Annotated[int | None, typer.Option(help="Organization id.")] = None,
) -> None:
    """How the organization's credentials name their issuer: did:web, or the active key's
    did:key (which changes when the key rotates)."""
    from plaudit.openbadges import did
    from plaudit.services import organizations

    if method not in did.METHODS:
        raise CommandFailed("the DID method is web or key")
    database = open_database()
    organization_id = pick_organization_id(database, org)
    with database.transaction() as session:
        organizations.get_organization(session, organization_id).did_method = method
    typer.echo(f"Organization {organization_id} now signs as did:{method}.")


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply every pending migration."""
    open_database().dispose()
    typer.echo("Database is up to date.")


# The Open edX and outbox commands live with their areas; registered last, as they use the
# helpers above.
from plaudit.dialects.openedx.cli import openedx_app  # noqa: E402
from plaudit.notifications.cli import outbox_app  # noqa: E402

app.add_typer(openedx_app, name="openedx")
app.add_typer(outbox_app, name="outbox")
