"""`/api/v2/credentials/` (and `/api/v1/credentials/`, the same): Open edX user credentials.

POST is update-or-create on (username, certificate) and answers 201 either way; PATCH changes
only the status; DELETE revokes (never deletes) and answers 200 with the credential. Staff (the
LMS's service user, an administrator, an API key) may do anything in their organization; a
learner may only list (`?username=<self>`) and read their own (upstream's
UserCredentialPermissions; usernames compared case-insensitively as there)."""

from datetime import UTC, datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import Body, Request
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session

from plaudit.dialects.openedx.auth import Caller, OpenedxCaller
from plaudit.dialects.openedx.credential_body import (
    AwardBody,
    BadRequest,
    parse_award,
    parse_status,
)
from plaudit.dialects.openedx.credential_mapping import credential_out
from plaudit.dialects.openedx.drf_paging import page_of, paged, resolve
from plaudit.dialects.openedx.routing import OpenedxRouter
from plaudit.domain.errors import Forbidden, Invalid, NotFound
from plaudit.http.deps import AppSettings, DbWork
from plaudit.services import openedx_catalog
from plaudit.services import openedx_credentials as service
from plaudit.store.openedx_tables import OpenedxUserCredential

router = OpenedxRouter(tags=["Open edX: credentials"])
PATH = "/credentials/"
ITEM = "/credentials/{uuid}/"
FILTER_TYPES = (service.PROGRAM, service.COURSE_RUN)
TRUE, FALSE = ("True", "true", "1"), ("False", "false", "0")
Json = dict[str, Any]


def _staff(caller: OpenedxCaller) -> None:
    if not caller.is_staff:
        raise Forbidden("openedx.forbidden", "not staff")


def _is_self(caller: OpenedxCaller, username: str) -> bool:
    return caller.username is not None and caller.username.lower() == username.lower()


def _found(session: Session, caller: OpenedxCaller, uuid: str) -> OpenedxUserCredential:
    try:
        key = UUID(uuid)
    except ValueError:
        raise NotFound("credential") from None
    row = service.get(session, caller.organization_id, key)
    if row is None:
        raise NotFound("credential")
    return row


def _certificate(session: Session, organization_id: int, body: AwardBody) -> service.Certificate:
    """The active certificate the body names, or upstream's 400: CredentialField raises it with
    a plain string under the identifier, nested in `credential`."""
    ref = body.credential
    try:
        if ref.program_uuid is not None:
            program, achievement = openedx_catalog.awardable_program_certificate(
                session, organization_id, ref.program_uuid
            )
            return service.Certificate(achievement.id, program_id=program.id)
        assert ref.course_run_key is not None
        course = openedx_catalog.awardable_course_certificate(
            session, organization_id, ref.course_run_key, ref.mode
        )
    except Invalid as error:
        raise BadRequest(
            {"credential": {name: reasons[0] for name, reasons in error.fields.items()}}
        ) from None
    assert course.achievement is not None
    return service.Certificate(course.achievement.id, course_certificate_id=course.id)


def _bad_request(error: BadRequest) -> JSONResponse:
    return JSONResponse(error.body, status_code=400)


@router.post(PATH, status_code=201)
async def create_credential(
    caller: Caller,
    work: DbWork,
    settings: AppSettings,
    body: Annotated[Any, Body()] = None,
) -> Any:
    _staff(caller)
    try:
        parsed = parse_award(body)
    except BadRequest as error:
        return _bad_request(error)

    def run(session: Session) -> Json:
        certificate = _certificate(session, caller.organization_id, parsed)
        row = service.award(
            session,
            caller.scope,
            service.Award(
                username=parsed.username,
                certificate=certificate,
                status=parsed.status,
                attributes=parsed.attributes,
                date_override=parsed.date_override,
                lms_user_id=parsed.lms_user_id,
            ),
            today=datetime.now(UTC).date(),
        )
        answer = credential_out(row, settings.public_base_url)
        session.commit()
        return answer

    try:
        return JSONResponse(await work(run), status_code=201)
    except BadRequest as error:
        return _bad_request(error)


@router.get(PATH)
async def list_credentials(
    request: Request, caller: Caller, work: DbWork, settings: AppSettings
) -> Any:
    params = request.query_params
    username = params.get("username")
    if not (username and _is_self(caller, username)):
        _staff(caller)
    try:
        query = _query(params)
    except BadRequest as error:
        return _bad_request(error)
    page = page_of(params)

    def run(session: Session) -> Json:
        count = service.count(session, caller.organization_id, query)
        number = resolve(page, count)
        rows = service.page(
            session, caller.organization_id, query, offset=(number - 1) * page.size, limit=page.size
        )
        results = [credential_out(row, settings.public_base_url) for row in rows]
        return paged(request, settings.public_base_url, page, number, count, results)

    return await work(run)


def _query(params: Any) -> service.Query:
    status = params.get("status")
    if status is not None and status not in service.STATUSES:
        raise BadRequest(
            {"status": [f"Select a valid choice. {status} is not one of the available choices."]}
        )
    kind = params.get("type")
    program_text = params.get("program_uuid")
    program_uuid = None
    if program_text:
        try:
            program_uuid = UUID(program_text)
        except ValueError:
            program_uuid = None
    return service.Query(
        username=params.get("username") or None,
        status=status or None,
        type=kind if kind in FILTER_TYPES else None,
        by_program=bool(program_text),
        program_uuid=program_uuid,
        only_visible=params.get("only_visible") in TRUE,
    )


@router.get(ITEM)
async def get_credential(uuid: str, caller: Caller, work: DbWork, settings: AppSettings) -> Json:
    def run(session: Session) -> Json:
        row = _found(session, caller, uuid)
        if not _is_self(caller, row.learner.username):
            _staff(caller)
        return credential_out(row, settings.public_base_url)

    return await work(run)


@router.patch(ITEM)
async def update_credential(
    uuid: str,
    caller: Caller,
    work: DbWork,
    settings: AppSettings,
    body: Annotated[Any, Body()] = None,
) -> Any:
    _staff(caller)
    try:
        status = parse_status(body)
    except BadRequest as error:
        return _bad_request(error)
    return await _change_status(uuid, caller, work, settings, status)


@router.delete(ITEM)
async def revoke_credential(uuid: str, caller: Caller, work: DbWork, settings: AppSettings) -> Json:
    """Upstream's destroy revokes and answers the credential, 200."""
    _staff(caller)
    return await _change_status(uuid, caller, work, settings, service.REVOKED)


async def _change_status(
    uuid: str, caller: OpenedxCaller, work: DbWork, settings: AppSettings, status: str | None
) -> Json:
    def run(session: Session) -> Json:
        row = _found(session, caller, uuid)
        if status is not None:
            service.set_status(session, caller.scope, row, status, today=datetime.now(UTC).date())
        answer = credential_out(row, settings.public_base_url)
        session.commit()
        return answer

    return await work(run)
