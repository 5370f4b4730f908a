"""Unsubscribe links of recipients' mail (notifications/unsubscribe.py).

`GET /unsubscribe/{token}` asks (mail scanners follow links: a GET changes nothing);
`POST /unsubscribe/{token}` unsubscribes, as a form button or a mail client's one-click
`List-Unsubscribe-Post` (RFC 8058) does. The signed token is the authority, so no session or
form token is needed; a forged one is a 404."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from plaudit.domain.errors import NotFound
from plaudit.http.deps import DbWork, ServerSecret
from plaudit.notifications import unsubscribe
from plaudit.services import organizations
from plaudit.web.pages import WebRoute, message_page, page

router = APIRouter(route_class=WebRoute, include_in_schema=False)
DONE = "You will get no more mail from {name} at {email}."


def _who(secret: bytes, token: str) -> unsubscribe.Unsubscriber:
    who = unsubscribe.read(secret, token)
    if who is None:
        raise NotFound("unsubscribe link")
    return who


@router.get("/unsubscribe/{token}")
async def ask(request: Request, token: str, secret: ServerSecret, work: DbWork) -> HTMLResponse:
    who = _who(secret, token)

    def run(session: Session) -> str:
        return organizations.get_organization(session, who.organization_id).name

    name = await work(run)
    context = {"organization_name": name, "email": who.email_normalized, "action": request.url.path}
    return page(request, "unsubscribe.html", context)


@router.post("/unsubscribe/{token}")
async def confirm(request: Request, token: str, secret: ServerSecret, work: DbWork) -> HTMLResponse:
    who = _who(secret, token)

    def run(session: Session) -> str:
        name = organizations.get_organization(session, who.organization_id).name
        unsubscribe.record(session, who)
        session.commit()
        return name

    name = await work(run)
    text = DONE.format(name=name, email=who.email_normalized)
    return message_page(request, 200, "Unsubscribed", text)
