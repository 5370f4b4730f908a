"""The certificate and badge a credential would get, drawn from the issue form's values
without issuing anything: a credential object that never enters a session goes through the
same design choice and merge fields as an issued credential's files (services/renderings.py).
"""

from datetime import date

from sqlalchemy.orm import Session

from plaudit.dashboard.issue_form import IssueValues
from plaudit.domain import credentials as rules
from plaudit.domain.dates import parse_date
from plaudit.domain.errors import Invalid, NotFound
from plaudit.domain.scope import Scope
from plaudit.render.fields import SAMPLE
from plaudit.services import renderings, visible
from plaudit.services.renderings import RenderJob
from plaudit.store.tables import Achievement, Credential, Organization

KINDS = {"certificate": "certificate.png", "badge": "badge.png"}
PREVIEW_ID = "preview"


def job(
    session: Session, scope: Scope, values: IssueValues, kind: str, *, base_url: str, today: date
) -> RenderJob:
    """What to draw for the preview of `kind`; NotFound for an unknown kind or achievement.
    Values the form could not accept yet (a half-typed date) are left out, not refused."""
    variant = KINDS.get(kind)
    achievement_id = values.achievement_id()
    achievement = (
        session.scalar(visible.achievements(scope).where(Achievement.id == achievement_id))
        if variant is not None and achievement_id is not None
        else None
    )
    organization = session.get(Organization, scope.organization_id)
    if variant is None or achievement is None or organization is None:
        raise NotFound("preview")
    credential = _unsaved(achievement, values, today)
    return renderings.prepare(session, credential, organization, variant, base_url)


def _unsaved(achievement: Achievement, values: IssueValues, today: date) -> Credential:
    issued_on = _date(values.issued_on) or today
    expired_on = _date(values.expired_on) or rules.default_expiry(
        issued_on,
        achievement.auto_expiry,
        fixed_on=achievement.expiry_fixed_on,
        period=achievement.expiry_period,
    )
    credential = Credential(
        organization_id=achievement.organization_id,
        achievement_id=achievement.id,
        encoded_id=PREVIEW_ID,
        recipient_name=values.recipient_name or SAMPLE["recipient.name"],
        recipient_email=values.recipient_email or SAMPLE["recipient.email"],
        issued_on=issued_on,
        expired_on=expired_on,
        grade=values.grade or None,
        custom_attributes=values.custom_attributes() or None,
    )
    # Set on the new object only: nothing cascades from an achievement to its credentials, so
    # the object stays out of the session.
    credential.achievement = achievement
    return credential


def _date(text: str) -> date | None:
    try:
        return parse_date(text, "date") if text else None
    except Invalid:
        return None
