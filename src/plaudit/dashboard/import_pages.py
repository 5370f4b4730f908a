"""`/dashboard/imports`: issuing from a CSV or XLSX file (services/spreadsheet_imports.py).

Upload (`/new`) -> map the columns and preview the first rows (`/{uuid}`) -> check every row
(errors per row and cell, paged, and as a CSV at `/{uuid}/errors.csv`) -> issue in the
background (jobs/import_job.py), with the progress at `/{uuid}/progress.json` for the page's
script (web/static/dashboard-import.js); the page itself shows it too, so a plain reload works
without JavaScript."""

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import PurePath
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from plaudit.dashboard import credential_list
from plaudit.dashboard.guard import DashboardRoute, require
from plaudit.dashboard.pages import show
from plaudit.dashboard.roles import Action
from plaudit.dashboard.sessions import SignedIn
from plaudit.domain import import_mapping
from plaudit.domain.errors import Conflict, Invalid
from plaudit.domain.import_mapping import MappingProblem
from plaudit.http.deps import Work
from plaudit.services import import_files, spreadsheet_imports
from plaudit.services.spreadsheet_imports import MAPPABLE
from plaudit.store.dashboard_tables import DashboardImport
from plaudit.web.pages import message_page

router = APIRouter(route_class=DashboardRoute, include_in_schema=False)

IMPORTS = "/dashboard/imports"
ERRORS_PER_PAGE = 50
SAMPLES = 3
SUMMARY_LINKS = 5
# The most an upload's request may carry: PLAUDIT_DASHBOARD_IMPORT_MAX_BYTES is checked below
# it, with a page that says so; a body larger than this is cut off with a bare 413.
UPLOAD_CEILING = 64 * 1024 * 1024
Reader = Annotated[SignedIn, Depends(require(Action.READ))]
Issuer = Annotated[SignedIn, Depends(require(Action.ISSUE))]


def _url(found_uuid: object, suffix: str = "") -> str:
    return f"{IMPORTS}/{found_uuid}{suffix}"


# --- the list and the upload --------------------------------------------------------------------


@router.get(IMPORTS)
async def imports_page(request: Request, signed_in: Reader) -> HTMLResponse:
    listed = await Work(request.app.state.database, readonly=True)(
        lambda session: spreadsheet_imports.recent(session, signed_in.scope)
    )
    return show(request, signed_in, "imports.html", {"title": "Imports", "imports": listed})


async def _upload_form(
    request: Request,
    signed_in: SignedIn,
    *,
    chosen: str = "",
    errors: dict[str, str] | None = None,
) -> HTMLResponse:
    choices = await Work(request.app.state.database, readonly=True)(
        lambda session: credential_list.achievement_choices(
            session, signed_in.scope, archived=False
        )
    )
    settings = request.app.state.settings
    context = {
        "title": "Issue from a file",
        "achievements": choices,
        "chosen": chosen,
        "errors": errors or {},
        "max_bytes": settings.dashboard_import_max_bytes,
        "max_megabytes": round(settings.dashboard_import_max_bytes / 1024 / 1024, 1),
        "max_rows": settings.dashboard_import_max_rows,
    }
    status = 422 if errors else 200
    return show(request, signed_in, "import_new.html", context, status_code=status)


@router.get(f"{IMPORTS}/new")
async def new_import_page(request: Request, signed_in: Issuer) -> HTMLResponse:
    return await _upload_form(request, signed_in)


@router.post(f"{IMPORTS}/new", max_body_size=UPLOAD_CEILING)
async def upload(request: Request, signed_in: Issuer) -> Response:
    settings = request.app.state.settings
    form = await request.form()  # read already by the form token's check
    chosen = form.get("achievement_id")
    chosen = chosen if isinstance(chosen, str) else ""
    file = form.get("file")
    if not isinstance(file, UploadFile) or not file.filename:
        return await _upload_form(
            request, signed_in, chosen=chosen, errors={"file": "Choose a .csv or .xlsx file."}
        )
    data = await file.read(settings.dashboard_import_max_bytes + 1)
    if len(data) > settings.dashboard_import_max_bytes:
        megabytes = round(settings.dashboard_import_max_bytes / 1024 / 1024, 1)
        message = f"The file is larger than {megabytes} MB: split it into smaller files."
        return await _upload_form(request, signed_in, chosen=chosen, errors={"file": message})
    filename = PurePath(file.filename.replace("\\", "/")).name
    try:
        sheet = await run_in_threadpool(
            import_files.read, filename, data, max_rows=settings.dashboard_import_max_rows
        )
    except import_files.FileRefused as refused:
        return await _upload_form(request, signed_in, chosen=chosen, errors={"file": str(refused)})
    achievement_id = (
        int(chosen) if chosen.isascii() and chosen.isdigit() and len(chosen) < 19 else 0
    )

    def run(session: Session) -> str:
        found = spreadsheet_imports.create(
            session,
            signed_in.scope,
            member_id=signed_in.member_id,
            achievement_id=achievement_id,
            filename=filename,
            sheet=sheet,
        )
        session.commit()
        return str(found.uuid)

    try:
        created = await Work(request.app.state.database, readonly=False)(run)
    except Invalid as error:
        message = " ".join(error.fields.get("achievement_id", ["Choose an achievement."]))
        return await _upload_form(
            request, signed_in, chosen=chosen, errors={"achievement_id": message}
        )
    return RedirectResponse(_url(created), status_code=303)


# --- one import ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ColumnChoice:
    """One column of the mapping form: its header, a few of its values, what it fills."""

    index: int
    header: str
    samples: list[str]
    use: str
    attribute: str
    problem: str | None


def _column_choices(
    found: DashboardImport,
    chosen: list[tuple[str, str]],
    problems: list[MappingProblem],
) -> list[ColumnChoice]:
    by_column = {problem.column: problem.message for problem in problems}
    choices = []
    for index, header in enumerate(found.columns):
        samples = [row[index] for row in found.rows[:50] if row[index].strip()][:SAMPLES]
        use, attribute = chosen[index]
        choices.append(
            ColumnChoice(index, header, samples, use, attribute or header, by_column.get(index))
        )
    return choices


def _mapping_context(
    session: Session,
    signed_in: SignedIn,
    ref: str,
    *,
    page: int,
    posted: list[tuple[str, str]] | None = None,
    problems: list[MappingProblem] | None = None,
) -> dict[str, Any]:
    scope = signed_in.scope
    found = spreadsheet_imports.get(session, scope, ref)
    mapping = found.mapping or import_mapping.empty_mapping()
    chosen = posted or import_mapping.uses(mapping, len(found.columns))
    complete = all(mapping.get(name) is not None for name in import_mapping.REQUIRED)
    today = datetime.now(UTC).date()
    errors = found.row_errors or []
    pages = max(1, -(-len(errors) // ERRORS_PER_PAGE))
    page = min(max(page, 1), pages)
    return {
        "title": f"Import {found.filename}",
        "found": found,
        "achievement_name": spreadsheet_imports.achievement_name(session, scope, found),
        "columns": _column_choices(found, chosen, problems or []),
        "form_problems": [p.message for p in problems or [] if p.column is None],
        "fields": import_mapping.FIELDS,
        "custom": import_mapping.CUSTOM,
        "preview": spreadsheet_imports.preview(session, scope, found, mapping, today)
        if complete
        else [],
        "checked": found.row_errors is not None,
        "errors": errors[(page - 1) * ERRORS_PER_PAGE : page * ERRORS_PER_PAGE],
        "error_count": len(errors),
        "bad_rows": len({error["row"] for error in errors}),
        "page": page,
        "pages": pages,
    }


def _progress_context(session: Session, signed_in: SignedIn, ref: str) -> dict[str, Any]:
    scope = signed_in.scope
    found = spreadsheet_imports.get(session, scope, ref, cells=False)
    progress = spreadsheet_imports.Progress(
        found.state, found.total, found.done, found.failed, found.started_at, found.finished_at
    )
    return {
        "title": f"Import {found.filename}",
        "found": found,
        "achievement_name": spreadsheet_imports.achievement_name(session, scope, found),
        "progress": progress.as_json(datetime.now(UTC)),
        "first_credentials": spreadsheet_imports.recipients(
            session, scope, (found.credential_ids or [])[:SUMMARY_LINKS]
        ),
        "errors": (found.row_errors or [])[:ERRORS_PER_PAGE],
    }


def _page_context(session: Session, signed_in: SignedIn, ref: str, page: int) -> dict[str, Any]:
    state = spreadsheet_imports.progress(session, signed_in.scope, ref).state
    if state in MAPPABLE:
        return _mapping_context(session, signed_in, ref, page=page)
    return _progress_context(session, signed_in, ref)


def _show_import(request: Request, signed_in: SignedIn, context: dict[str, Any]) -> HTMLResponse:
    template = "import.html" if context["found"].state in MAPPABLE else "import_progress.html"
    status = 422 if context.get("form_problems") or _column_problems(context) else 200
    return show(request, signed_in, template, context, status_code=status)


def _column_problems(context: dict[str, Any]) -> bool:
    return any(column.problem for column in context.get("columns", []))


@router.get(f"{IMPORTS}/{{ref}}")
async def import_page(request: Request, signed_in: Reader, ref: str, page: int = 1) -> Response:
    context = await Work(request.app.state.database, readonly=True)(
        lambda session: _page_context(session, signed_in, ref, page)
    )
    return _show_import(request, signed_in, context)


@router.post(f"{IMPORTS}/{{ref}}/mapping")
async def save_mapping(request: Request, signed_in: Issuer, ref: str) -> Response:
    """Keeps the form's mapping; with `action=check`, checks every row with it too."""
    form = await request.form()
    database = request.app.state.database
    scope = signed_in.scope
    columns = await Work(database, readonly=True)(
        lambda session: spreadsheet_imports.get(session, scope, ref, cells=False).columns
    )
    used_as = [str(form.get(f"use_{index}", "")) for index in range(len(columns))]
    names = [str(form.get(f"attribute_{index}", ""))[:200] for index in range(len(columns))]
    mapping = import_mapping.from_choices(columns, used_as, names)
    if isinstance(mapping, list):
        posted = list(zip(used_as, names, strict=True))
        context = await Work(database, readonly=True)(
            lambda session: _mapping_context(
                session, signed_in, ref, page=1, posted=posted, problems=mapping
            )
        )
        return _show_import(request, signed_in, context)
    try:
        if form.get("action") == "check":
            today = datetime.now(UTC).date()
            errors = await Work(database, readonly=True)(
                lambda session: spreadsheet_imports.check(
                    session, scope, spreadsheet_imports.get(session, scope, ref), mapping, today
                )
            )
            await _write(
                request,
                lambda session: spreadsheet_imports.record_check(
                    session, scope, ref, mapping, errors
                ),
            )
            return RedirectResponse(_url(ref, "#check"), status_code=303)
        await _write(
            request, lambda session: spreadsheet_imports.keep_mapping(session, scope, ref, mapping)
        )
    except Conflict as conflict:
        return _conflict_page(request, ref, conflict)
    return RedirectResponse(_url(ref, "#preview"), status_code=303)


async def _write(request: Request, change: Any) -> None:
    def run(session: Session) -> None:
        change(session)
        session.commit()

    await Work(request.app.state.database, readonly=False)(run)


def _conflict_page(request: Request, ref: str, conflict: Conflict) -> HTMLResponse:
    return message_page(request, 409, "Not possible now", str(conflict), return_url=_url(ref))


@router.post(f"{IMPORTS}/{{ref}}/issue")
async def issue(request: Request, signed_in: Issuer, ref: str) -> Response:
    now = datetime.now(UTC)
    try:
        await _write(
            request,
            lambda session: spreadsheet_imports.start(session, signed_in.scope, ref, now),
        )
    except Conflict as conflict:
        return _conflict_page(request, ref, conflict)
    return RedirectResponse(_url(ref), status_code=303)


@router.get(f"{IMPORTS}/{{ref}}/progress.json")
async def progress(request: Request, signed_in: Reader, ref: str) -> JSONResponse:
    found = await Work(request.app.state.database, readonly=True)(
        lambda session: spreadsheet_imports.progress(session, signed_in.scope, ref)
    )
    return JSONResponse(found.as_json(datetime.now(UTC)), headers={"Cache-Control": "no-store"})


@router.get(f"{IMPORTS}/{{ref}}/errors.csv")
async def errors_csv(request: Request, signed_in: Reader, ref: str) -> Response:
    def run(session: Session) -> tuple[str, str]:
        found = spreadsheet_imports.get(session, signed_in.scope, ref)
        return found.filename, spreadsheet_imports.errors_csv(found)

    filename, text = await Work(request.app.state.database, readonly=True)(run)
    stem = "".join(c for c in PurePath(filename).stem if c.isalnum() or c in "-_") or "import"
    return Response(
        text.encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{stem}-errors.csv"',
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )
