"""`POST /api/credentials/v1/learner_cert_status/` and `bulk_learner_cert_status/`: which of
the courses and course runs asked about a learner holds an awarded certificate for, with the
grade (upstream's credentials_api v1). Older edx-platform releases post a form to
`/api/credentials/learner_cert_status`, served here too. Staff and the site's service user
only (upstream's CanGetLearnerStatus), else 403.

A bulk request answers every entry or, when one is wrong, none: a 400 listing each entry's
errors (`{}` for the good ones), as a DRF list serializer would; at most MAX_ENTRIES entries."""

import json
from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session
from starlette.exceptions import HTTPException

from plaudit.dialects.openedx.auth import Caller, OpenedxCaller
from plaudit.dialects.openedx.cert_status_body import form_data, parse_query
from plaudit.dialects.openedx.cert_status_mapping import learner_status_out
from plaudit.dialects.openedx.errors import NON_FIELD, not_a_list
from plaudit.dialects.openedx.routing import OpenedxRouter
from plaudit.domain.errors import Forbidden, Invalid
from plaudit.http.deps import DbWork
from plaudit.services import openedx_cert_status
from plaudit.services.openedx_cert_status import StatusQuery

router = OpenedxRouter(tags=["Open edX: learner certificate status"])
Json = dict[str, Any]
FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")
# Entries one bulk request may hold (upstream has no limit; each entry's identifiers are bound
# parameters of one query, and databases cap those).
MAX_ENTRIES = 1000


@router.post("/api/credentials/v1/learner_cert_status/", summary="A learner's certificates")
async def learner_cert_status(request: Request, caller: Caller, work: DbWork) -> Any:
    return await _single(request, caller, work)


@router.post(
    "/api/credentials/learner_cert_status",
    summary="A learner's certificates (older edx-platform releases, form-encoded)",
)
async def legacy_learner_cert_status(request: Request, caller: Caller, work: DbWork) -> Any:
    return await _single(request, caller, work)


@router.post(
    "/api/credentials/v1/bulk_learner_cert_status/", summary="Several learners' certificates"
)
async def bulk_learner_cert_status(request: Request, caller: Caller, work: DbWork) -> Any:
    body = await _allowed_body(request, caller)
    if not isinstance(body, list):
        return JSONResponse({NON_FIELD: [not_a_list(body)]}, status_code=400)
    if len(body) > MAX_ENTRIES:
        reason = f"Ensure this field has no more than {MAX_ENTRIES} elements."
        return JSONResponse({NON_FIELD: [reason]}, status_code=400)
    queries: list[StatusQuery] = []
    problems: list[dict[str, list[str]]] = []
    for entry in body:
        try:
            queries.append(parse_query(entry))
            problems.append({})
        except Invalid as error:
            problems.append(error.fields)
    if any(problems):
        return JSONResponse(problems, status_code=400)
    return await _answer(caller, work, queries)


async def _single(request: Request, caller: OpenedxCaller, work: DbWork) -> Any:
    body = await _allowed_body(request, caller)
    (answer,) = await _answer(caller, work, [parse_query(body)])
    return answer


async def _answer(caller: OpenedxCaller, work: DbWork, queries: list[StatusQuery]) -> list[Json]:
    def run(session: Session) -> list[Json]:
        answers = openedx_cert_status.statuses(session, caller.organization_id, queries)
        return [learner_status_out(answer) for answer in answers]

    return await work(run)


async def _allowed_body(request: Request, caller: OpenedxCaller) -> Any:
    """The JSON body, or a form's fields as JSON would hold them; no body is an empty one. The
    caller's permission is checked first (DRF reads the body after it)."""
    if not caller.is_staff:
        raise Forbidden("openedx.learner_status.not_staff", "staff or the service user only")
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type in FORMS:
        return form_data(await request.form())
    raw = await request.body()
    if not raw.strip():
        return {}
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError) as error:
        raise HTTPException(400, f"JSON parse error - {error}") from None
