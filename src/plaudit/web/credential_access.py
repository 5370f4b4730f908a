"""Who is looking at a credential, whether they may see it, and what everyone else gets."""

from dataclasses import dataclass

from fastapi import Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy.orm import Session

from plaudit.domain import credential_state
from plaudit.domain.errors import NotFound
from plaudit.http.deps import Work
from plaudit.services import badge_lifecycle, public_credentials
from plaudit.services.public_credentials import PublicCredential
from plaudit.store.tables import Credential
from plaudit.web import session as recipient_session
from plaudit.web.pages import message_page

# Accredible's body for a private credential (seed 000).
PRIVATE_ERROR = {"errors": "Private Certificate, use key"}


@dataclass(frozen=True)
class Visit:
    """A credential and whether the browser asking for it is its signed-in recipient."""

    shown: PublicCredential
    by_recipient: bool
    # The encoded id of the credential that replaced this one (the end of its chain), if any.
    replaced_by: str | None = None

    @property
    def credential(self) -> Credential:
        return self.shown.credential


async def visit(request: Request, encoded_id: str) -> Visit:
    """Reads the credential (Core rows, not ORM objects: http/loop_reads.py); NotFound for an
    unknown id. A replaced one's successor is looked up afterwards, through the ORM."""
    state = request.app.state
    who = recipient_session.signed_in(request, state.server_secret, state.settings)
    shown = await state.loop_reads(
        lambda connection: public_credentials.read(connection, encoded_id)
    )
    replaced_by = None
    if shown.credential.replaced_by_id is not None:

        def successor(session: Session) -> str:
            return badge_lifecycle.current_of(session, shown.credential).encoded_id

        replaced_by = await Work(state.database, readonly=True)(successor)
    return Visit(shown, is_recipient(who, shown.credential), replaced_by)


def is_recipient(who: recipient_session.RecipientSession | None, credential: Credential) -> bool:
    """Whether the signed-in recipient (if any) is this credential's."""
    return (
        who is not None
        and who.organization_id == credential.organization_id
        and who.email == credential.recipient_email_normalized
    )


def refusal(request: Request, visit: Visit) -> Response | None:
    """None when the visitor may see the credential. An unpublished one is a NotFound for
    everyone; someone else's private one is a 403."""
    credential = visit.credential
    if not credential.approve:
        raise NotFound("credential")
    if credential_state.may_view(private=credential.private, by_recipient=visit.by_recipient):
        return None
    if wants_json(request):
        return JSONResponse(PRIVATE_ERROR, status_code=403, headers={"Cache-Control": "no-store"})
    text = (
        "Its recipient has made this credential private. If it is yours, open the sign-in "
        "link your organization sent you to see it."
    )
    return message_page(request, 403, "This credential is private", text)


def wants_json(request: Request) -> bool:
    """An API client rather than a browser: it asks for JSON and not for HTML."""
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept
