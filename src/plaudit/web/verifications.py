"""`verify` analytics events: someone verified one of our credentials through this server, on
its page (the live verification) or by submitting a copy to `/verify`.

At most one event per verification request, added to the batch page views go through
(web/page_views.py): the answer neither waits for a write nor fails when the event cannot be
recorded (that is logged). A credential of another issuer records nothing.
"""

import logging

from fastapi import Request
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from plaudit.openbadges.verify import Verification
from plaudit.services import verification
from plaudit.web import page_views

logger = logging.getLogger("plaudit.web")

# Where the verification was asked for (the event's channel).
CREDENTIAL_PAGE = "credential_page"
SUBMITTED = "submitted"

Verified = tuple[int, int]
"""(organization id, credential id) of the credential verified."""


def of_submission(session: Session, result: Verification) -> Verified | None:
    """Which of our credentials a submitted copy proved to be, if any; a failure to tell is
    logged, and the verification answers all the same."""
    try:
        return verification.credential_verified(session, result)
    except SQLAlchemyError:
        logger.warning("web.verify_event_not_recorded", exc_info=True)
        return None


def record(
    request: Request, verified: Verified | None, *, channel: str, by_recipient: bool = False
) -> None:
    if verified is None:
        return
    organization_id, credential_id = verified
    page_views.of(request).add_verification(
        organization_id, credential_id, channel=channel, by_recipient=by_recipient
    )
