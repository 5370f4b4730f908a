"""`/api/v2/programs/`: the staff API of the catalog (Plaudit's own; upstream copies its catalog
from course-discovery with a management command, which `plaudit openedx catalog import` is here).

- `GET /api/v2/programs/`: the programs, DRF page-number pages.
- `POST /api/v2/programs/`: imports course-discovery's `/api/v1/programs/` JSON (a page
  `{"results": [...]}`, a list of programs or one program); 200 `{"created": [uuid...],
  "updated": [uuid...]}`.
- `GET /api/v2/programs/{uuid}/`; `PATCH /api/v2/programs/{uuid}/` `{"is_active": bool}` makes the
  program's certificate active (credentials may be awarded) or inactive.
Staff only (the site's service user, an administrator, an API key); learners get 403."""

from typing import Annotated, Any

from fastapi import Body, Request
from pydantic import BaseModel
from sqlalchemy.orm import Session

from plaudit.dialects.openedx.auth import Caller, OpenedxCaller
from plaudit.dialects.openedx.catalog_mapping import program_out
from plaudit.dialects.openedx.drf_paging import page_of, paged, resolve
from plaudit.dialects.openedx.routing import OpenedxRouter
from plaudit.domain.errors import Forbidden
from plaudit.domain.openedx_catalog import parse_programs
from plaudit.http.deps import AppSettings, DbWork
from plaudit.services import openedx_catalog_import, openedx_programs
from plaudit.store.openedx_tables import OpenedxProgram

router = OpenedxRouter(tags=["Open edX: programs"])
PATH = "/api/v2/programs/"
ITEM = "/api/v2/programs/{uuid}/"
Json = dict[str, Any]


class ProgramUpdate(BaseModel):
    is_active: bool


def _staff(caller: OpenedxCaller) -> None:
    if not caller.is_staff:
        raise Forbidden("openedx.programs.not_staff", "only staff manage the catalog")


def _out(session: Session, program: OpenedxProgram) -> Json:
    return program_out(program, openedx_programs.course_runs(session, [program])[program.id])


@router.get(PATH, summary="List the catalog's programs")
async def list_programs(
    request: Request, caller: Caller, work: DbWork, settings: AppSettings
) -> Any:
    _staff(caller)
    page = page_of(request.query_params)

    def run(session: Session) -> Json:
        count = openedx_programs.count(session, caller.organization_id)
        number = resolve(page, count)
        programs = openedx_programs.page(
            session, caller.organization_id, offset=(number - 1) * page.size, limit=page.size
        )
        runs = openedx_programs.course_runs(session, programs)
        results = [program_out(program, runs[program.id]) for program in programs]
        return paged(request, settings.public_base_url, page, number, count, results)

    return await work(run)


@router.post(PATH, summary="Import programs in course-discovery's shape")
async def import_programs(body: Annotated[Any, Body()], caller: Caller, work: DbWork) -> Json:
    _staff(caller)
    programs = parse_programs(body)

    def run(session: Session) -> Json:
        result = openedx_catalog_import.import_programs(session, caller.organization_id, programs)
        session.commit()
        return {
            "created": [str(uuid) for uuid in result.created],
            "updated": [str(uuid) for uuid in result.updated],
        }

    return await work(run)


@router.get(ITEM, summary="Read a program")
async def get_program(uuid: str, caller: Caller, work: DbWork) -> Json:
    _staff(caller)
    return await work(
        lambda session: _out(session, openedx_programs.get(session, caller.organization_id, uuid))
    )


@router.patch(ITEM, summary="Make a program's certificate active or inactive")
async def patch_program(uuid: str, body: ProgramUpdate, caller: Caller, work: DbWork) -> Json:
    _staff(caller)

    def run(session: Session) -> Json:
        program = openedx_programs.set_active(session, caller.organization_id, uuid, body.is_active)
        answer = _out(session, program)
        session.commit()
        return answer

    return await work(run)
