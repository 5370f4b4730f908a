"""What every `plaudit` command module shares (plaudit/cli.py and the dialects' and
notifications' subcommands): the refusal that becomes one line on stderr, the database a
command opens, and the organization it acts on. A module of its own, so that a subcommand
module imports it without importing plaudit/cli.py (which registers the subcommands)."""

from typing import TYPE_CHECKING

from plaudit.domain.errors import DomainError, Invalid

if TYPE_CHECKING:
    from plaudit.store.db import Database

# A command (and the migration `serve` runs first) waits for locks as long as it takes another
# process to migrate, not the few seconds after which a request is answered 503.
COMMAND_LOCK_TIMEOUT_SECONDS = 60.0


class CommandFailed(Exception):
    """A command cannot do what was asked; the message is the line the user sees."""


def domain_message(error: DomainError) -> str:
    if isinstance(error, Invalid):
        reasons = [f"{name} {why}" for name, whys in error.fields.items() for why in whys]
        return "; ".join(reasons) or error.code
    return str(error)


def open_database() -> "Database":
    """The settings' database, migrated to the newest schema."""
    from plaudit.settings import get_settings
    from plaudit.store.db import Database
    from plaudit.store.migrate import upgrade

    database = Database(
        get_settings().resolved_database_url, lock_timeout_seconds=COMMAND_LOCK_TIMEOUT_SECONDS
    )
    upgrade(database.engine)
    return database


def pick_organization_id(database: "Database", given: int | None) -> int:
    """`given` if it names an organization; else the only one there is."""
    from plaudit.services import organizations
    from plaudit.store.tables import Organization

    with database.session(readonly=True) as session:
        if given is not None:
            if session.get(Organization, given) is None:
                raise CommandFailed(f"no organization {given} (`plaudit orgs list` shows them)")
            return given
        found = organizations.list_organizations(session)
    if not found:
        raise CommandFailed("no organization yet: make one with `plaudit orgs create NAME`")
    if len(found) > 1:
        raise CommandFailed(
            f"{len(found)} organizations: name one with --org (`plaudit orgs list` shows them)"
        )
    return found[0].id
