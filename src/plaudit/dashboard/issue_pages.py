"""`/dashboard/issue`: issue one credential, with a live preview of its certificate and badge.

The form POSTs here with one of three buttons: `issue` (through the same prepare and write as
`POST /v1/credentials`, then on to the credential's page), `preview` (the page again with the
preview drawn from its values: the preview without JavaScript) and `add_row` (one more custom
attribute row). `dashboard-issue.js` refreshes the preview images as the form changes."""

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from plaudit.dashboard import credential_list, issue_preview
from plaudit.dashboard.guard import DashboardRoute, require
from plaudit.dashboard.issue_form import PREVIEW_PATH, IssueValues, check, errors_of
from plaudit.dashboard.pages import show
from plaudit.dashboard.roles import Action
from plaudit.dashboard.sessions import SignedIn
from plaudit.domain.errors import Invalid
from plaudit.http.deps import Work
from plaudit.http.render_slots import in_render_slot
from plaudit.http.signer import get_issuance_signer
from plaudit.services import issuance, renderings
from plaudit.services.renderings import RenderJob
from plaudit.web import conditional

router = APIRouter(route_class=DashboardRoute, include_in_schema=False)

PATH = "/dashboard/issue"
# A browser keeps a preview and asks again with its ETag: the same values are not drawn twice.
PREVIEW_CACHE = "private, no-cache"


@router.get(PATH)
async def issue_page(
    request: Request, signed_in: Annotated[SignedIn, Depends(require(Action.ISSUE))]
) -> HTMLResponse:
    values = IssueValues(
        achievement=request.query_params.get("achievement", "").strip(),
        issued_on=datetime.now(UTC).date().isoformat(),
    )
    return await _form(request, signed_in, values.with_blank_rows())


@router.post(PATH)
async def issue_submit(
    request: Request, signed_in: Annotated[SignedIn, Depends(require(Action.ISSUE))]
) -> Response:
    form = await request.form()
    values = IssueValues.read(form)
    button = form.get("action")
    if button == "add_row":
        return await _form(request, signed_in, values.with_one_more_row())
    if button == "preview":
        return await _form(request, signed_in, values.with_blank_rows())
    checked = check(values)
    if checked.fields is None:
        return await _form(request, signed_in, values.with_blank_rows(), checked.errors)
    fields = checked.fields
    scope = signed_in.scope
    today = datetime.now(UTC).date()
    signer = await get_issuance_signer(request)
    work = Work(request.app.state.database, readonly=False)
    try:
        prepared = await work.read(
            lambda session: issuance.prepare_one(session, scope, fields, today=today, signer=signer)
        )
        issued = await work.grouped(lambda session: issuance.write_one(session, prepared))
    except Invalid as refused:
        return await _form(request, signed_in, values.with_blank_rows(), errors_of(refused))
    done = "issued_unpublished" if issued.unpublished_for_credits else "issued"
    return RedirectResponse(
        f"{credential_list.PATH}/{issued.credential.id}?done={done}", status_code=303
    )


@router.get(f"{PREVIEW_PATH}/{{kind}}.png")
async def preview_image(
    request: Request,
    kind: str,
    signed_in: Annotated[SignedIn, Depends(require(Action.ISSUE))],
) -> Response:
    """The certificate or badge drawn with the query's values (the form's field names)."""
    values = IssueValues.read(request.query_params, checkboxes=False)
    scope = signed_in.scope
    state = request.app.state

    def run(session: Session) -> RenderJob:
        return issue_preview.job(
            session,
            scope,
            values,
            kind,
            base_url=state.settings.public_base_url,
            today=datetime.now(UTC).date(),
        )

    job = await Work(state.database, readonly=True)(run)
    tag = f'"{job.key}"'
    headers = {
        "ETag": tag,
        "Cache-Control": "private, no-cache",
        "X-Content-Type-Options": "nosniff",
    }
    if conditional.is_current(request, tag):
        return Response(status_code=304, headers=headers)
    image = await in_render_slot(renderings.produce, job)
    return Response(image, media_type=job.variant.media_type, headers=headers)


async def _form(
    request: Request,
    signed_in: SignedIn,
    values: IssueValues,
    errors: dict[str, str] | None = None,
) -> HTMLResponse:
    """The form with `values`, the preview drawn from them when they name an achievement."""
    scope = signed_in.scope
    choices = await Work(request.app.state.database, readonly=True)(
        lambda session: credential_list.achievement_choices(session, scope, archived=False)
    )
    context = {
        "title": "Issue a credential",
        "values": values,
        "errors": errors or {},
        "achievements": choices,
        "preview_id": values.achievement_id(),
    }
    return show(request, signed_in, "issue.html", context, status_code=422 if errors else 200)
