"""Plaudit's notifications API, under the Accredible key (a Plaudit extension, see
docs/compatibility.md): the organization's mail, and its mail templates.

- `GET /v1/notifications/mails?page=&page_size=&state=`: newest first, Accredible paging;
- `GET /v1/notifications/mail_templates`;
- `PUT /v1/notifications/mail_templates/{kind}/{locale}` with `{"mail_template": {"subject",
  "body"}}`: plain text with the designs' merge fields.
"""

from typing import Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel
from sqlalchemy.orm import Session

from plaudit.dialects.accredible.auth import ApiKey, authorize
from plaudit.dialects.accredible.errors import AccredibleRoute
from plaudit.dialects.accredible.paging import list_parameters, page_meta, page_request
from plaudit.domain.errors import Invalid
from plaudit.http.deps import DbWork
from plaudit.notifications import mail_templates, outbox
from plaudit.store.notification_tables import STATES, MailTemplate

router = APIRouter(route_class=AccredibleRoute, tags=["Notifications (Plaudit)"])
Json = dict[str, Any]


class MailTemplateIn(BaseModel):
    subject: str
    body: str


class MailTemplateBody(BaseModel):
    mail_template: MailTemplateIn


def template_out(template: MailTemplate) -> Json:
    return {
        "kind": template.kind,
        "locale": template.locale,
        "subject": template.subject,
        "body": template.body,
        "updated_at": template.updated_at.isoformat(),
    }


@router.get("/v1/notifications/mails", summary="List Mails (Plaudit)")
async def list_mails(
    key: ApiKey, work: DbWork, parameters: dict[str, Any] = Depends(list_parameters)
) -> Json:
    paging = page_request(parameters)
    state = parameters.get("state")
    if state is not None and state not in STATES:
        raise Invalid(fields={"state": [f"must be one of {', '.join(STATES)}"]})

    def run(session: Session) -> Json:
        scope = authorize(session, key)
        rows, total = outbox.page(
            session,
            scope.organization_id,
            (state,) if state else (),
            offset=(paging.page - 1) * paging.page_size,
            limit=paging.page_size,
            department_id=scope.department_id,
        )
        return {"mails": [outbox.describe(row) for row in rows], "meta": page_meta(paging, total)}

    return await work(run)


@router.get("/v1/notifications/mail_templates", summary="List Mail Templates (Plaudit)")
async def list_templates(key: ApiKey, work: DbWork) -> Json:
    def run(session: Session) -> Json:
        scope = authorize(session, key)
        return {
            "mail_templates": [
                template_out(item) for item in mail_templates.list_all(session, scope)
            ]
        }

    return await work(run)


@router.put(
    "/v1/notifications/mail_templates/{kind}/{locale}", summary="Set a Mail Template (Plaudit)"
)
async def put_template(
    kind: str, locale: str, body: MailTemplateBody, key: ApiKey, work: DbWork
) -> Json:
    def run(session: Session) -> Json:
        scope = authorize(session, key)
        fields = body.mail_template
        template = mail_templates.put(session, scope, kind, locale, fields.subject, fields.body)
        response = {"mail_template": template_out(template)}
        session.commit()
        return response

    return await work(run)
