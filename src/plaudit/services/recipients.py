"""What a signed-in recipient may see: their own credentials in one organization."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from plaudit.store.tables import Credential


def credentials_of(session: Session, organization_id: int, email: str) -> list[Credential]:
    """The recipient's credentials (by normalized email), most recently issued first."""
    return list(
        session.scalars(
            select(Credential)
            .where(
                Credential.organization_id == organization_id,
                Credential.recipient_email_normalized == email,
            )
            .order_by(Credential.issued_on.desc(), Credential.id.desc())
        )
    )
