"""What a signed-in recipient may see and change: their own credentials in one organization."""

from sqlalchemy import select
from sqlalchemy.orm import Session, lazyload

from plaudit.domain.errors import NotFound
from plaudit.store.tables import Credential


def credentials_of(session: Session, organization_id: int, email: str) -> list[Credential]:
    """The recipient's published credentials (by normalized email), most recently issued first.
    Unpublished ones (waiting for credits) are not theirs to see yet."""
    return list(
        session.scalars(
            select(Credential)
            .where(
                Credential.organization_id == organization_id,
                Credential.recipient_email_normalized == email,
                Credential.approve.is_(True),
            )
            .order_by(Credential.issued_on.desc(), Credential.id.desc())
            # The wallet lists no evidence or references: load them only if someone asks.
            .options(lazyload(Credential.evidence_items), lazyload(Credential.references))
        )
    )


def set_private(
    session: Session, organization_id: int, email: str, encoded_id: str, private: bool
) -> Credential:
    """The recipient hides their credential from everyone else, or shows it again."""
    credential = own_credential(session, organization_id, email, encoded_id)
    credential.private = private
    session.flush()
    return credential


def own_credential(
    session: Session, organization_id: int, email: str, encoded_id: str
) -> Credential:
    """One of the recipient's published credentials. Another person's credential is a NotFound,
    as an unknown one is."""
    credential = session.scalar(
        select(Credential).where(
            Credential.organization_id == organization_id,
            Credential.recipient_email_normalized == email,
            Credential.encoded_id == encoded_id,
            Credential.approve.is_(True),
        )
    )
    if credential is None:
        raise NotFound("credential")
    return credential
