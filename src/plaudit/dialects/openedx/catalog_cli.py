"""`plaudit openedx catalog import FILE...`: course-discovery's programs (what its
`/api/v1/programs/` answers: a page `{"results": [...]}`, a list of programs or one program), one
page per file, imported in one transaction (services/openedx_catalog_import.py)."""

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from plaudit.command_support import (
    CommandFailed,
    domain_message,
    open_database,
    pick_organization_id,
)
from plaudit.domain.errors import Invalid
from plaudit.domain.openedx_catalog import CatalogProgram, parse_programs

catalog_app = typer.Typer(
    help="The Open edX catalog: programs, courses, runs.", no_args_is_help=True
)


@catalog_app.command("import")
def import_catalog(
    files: Annotated[
        list[Path], typer.Argument(help="course-discovery JSON pages; - reads stdin.")
    ],
    org: Annotated[int | None, typer.Option(help="Organization id.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Create or update programs, their courses and course runs.

    Each program's certificate is a Plaudit achievement. A new program's certificate is active
    unless discovery says the program is not; one already imported keeps its state."""
    # Imported here, as in plaudit/cli.py: every `plaudit` command imports this module.
    from plaudit.services import openedx_catalog_import

    programs = [program for file in files for program in _read(file)]
    database = open_database()
    organization_id = pick_organization_id(database, org)
    with database.transaction() as session:
        result = openedx_catalog_import.import_programs(session, organization_id, programs)
    if as_json:
        created = [str(uuid) for uuid in result.created]
        typer.echo(json.dumps({"created": created, "updated": [str(u) for u in result.updated]}))
        return
    typer.echo(
        f"Imported {len(programs)} programs into organization {organization_id}: "
        f"{len(result.created)} created, {len(result.updated)} updated."
    )


def _read(file: Path) -> list[CatalogProgram]:
    try:
        text = sys.stdin.read() if str(file) == "-" else file.read_text(encoding="utf-8")
        document: Any = json.loads(text)
    except UnicodeDecodeError:
        raise CommandFailed(f"{file} is not UTF-8 text") from None
    except json.JSONDecodeError as error:
        raise CommandFailed(f"{file} is not JSON: {error}") from None
    try:
        return parse_programs(document)
    except Invalid as error:
        raise CommandFailed(f"{file}: {domain_message(error)}") from None
