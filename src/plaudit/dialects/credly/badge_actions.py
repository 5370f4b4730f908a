"""Replace, revoke and delete a badge (seed 002): `POST .../badges/{badge_id}/replace` (201,
Location of the new badge), `PUT .../badges/{badge_id}/revoke` (200; POST too, as for template
archiving) and `DELETE .../badges/{badge_id}` (204). The rules are services/badge_lifecycle's;
a replaced badge's 422s are rendered by errors.py."""

from typing import Any

from fastapi import Response
from pydantic import BaseModel, ConfigDict
from sqlalchemy.orm import Session

from plaudit.dialects.credly.auth import Token, authorize_organization
from plaudit.dialects.credly.badge_evidence import evidence_data
from plaudit.dialects.credly.badge_mapping import badge_url
from plaudit.dialects.credly.badge_schemas import parse_expires, parse_moment, require
from plaudit.dialects.credly.badges import badge_answer, credly_invalid, template_of
from plaudit.dialects.credly.routing import CredlyRouter
from plaudit.domain.errors import Invalid
from plaudit.domain.values import UNSET, Maybe
from plaudit.http.deps import AppSettings, DbWork
from plaudit.services import badge_lifecycle, credentials

router = CredlyRouter(tags=["Credly: badges"])
Json = dict[str, Any]
BADGE = "/v1/organizations/{organization_id}/badges/{badge_id}"


class BadgeReplace(BaseModel):
    """The seed's replace body: `badge_template_id` and `issued_at` required, the rest optional."""

    model_config = ConfigDict(extra="ignore")

    badge_template_id: str | None = None
    issued_at: str | None = None
    expires_at: bool | str | None = None
    recipient_email: str | None = None
    issued_to_first_name: str | None = None
    issued_to_middle_name: str | None = None
    issued_to_last_name: str | None = None
    issuer_earner_id: str | int | None = None
    country_name: str | None = None
    state_or_province: str | None = None
    evidence: list[Any] | None = None
    notification_message: str | None = None

    def replacement(self, achievement_id: int) -> badge_lifecycle.Replacement:
        issued_at, issued_on = parse_moment(self.issued_at or "", "issued_at")
        given = self.model_fields_set
        return badge_lifecycle.Replacement(
            achievement_id=achievement_id,
            issued_at=issued_at,
            issued_on=issued_on,
            expires=self.expires(),
            recipient_email=self.recipient_email
            if "recipient_email" in given and self.recipient_email is not None
            else UNSET,
            first_name=self.issued_to_first_name if "issued_to_first_name" in given else UNSET,
            middle_name=self.issued_to_middle_name if "issued_to_middle_name" in given else UNSET,
            last_name=self.issued_to_last_name if "issued_to_last_name" in given else UNSET,
            issuer_earner_id=_text(self.issuer_earner_id),
            country_name=_text(self.country_name),
            state_or_province=_text(self.state_or_province),
            evidence=evidence_data(self.evidence) if self.evidence else [],
            notification_message=_text(self.notification_message),
        )

    def check_required(self) -> None:
        require(self, ("badge_template_id", "issued_at"))

    def expires(self) -> Maybe[Any]:
        """Omitted: UNSET; null or blank: None (the template's default); false: never; else
        the day it names."""
        if "expires_at" not in self.model_fields_set:
            return UNSET
        return parse_expires(self.expires_at)


class BadgeRevoke(BaseModel):
    model_config = ConfigDict(extra="ignore")

    reason: str | None = None
    suppress_revoke_notification_email: bool | None = None


def _text(value: str | int | None) -> str | None:
    text = None if value is None else str(value).strip()
    return text or None


@router.post(BADGE + "/replace", summary="Replace a badge", status_code=201)
async def replace_badge(
    organization_id: str,
    badge_id: str,
    body: BadgeReplace,
    token: Token,
    work: DbWork,
    settings: AppSettings,
    response: Response,
) -> Json:
    def run(session: Session) -> Json:
        scope, organization = authorize_organization(session, token, organization_id)
        old = credentials.get_by_uuid(session, scope, badge_id)
        body.check_required()
        achievement = template_of(session, scope, body.badge_template_id or "")
        try:
            new = badge_lifecycle.replace(session, scope, old, body.replacement(achievement.id))
        except Invalid as refused:
            raise credly_invalid(refused) from None
        answer = badge_answer(new, organization, settings.public_base_url)
        session.commit()
        response.headers["Location"] = badge_url(settings.public_base_url, organization, new)
        return answer

    return await work(run)


async def revoke_badge(
    organization_id: str,
    badge_id: str,
    token: Token,
    work: DbWork,
    settings: AppSettings,
    body: BadgeRevoke | None = None,
) -> Json:
    given = body or BadgeRevoke()

    def run(session: Session) -> Json:
        scope, organization = authorize_organization(session, token, organization_id)
        credential = badge_lifecycle.revoke(
            session,
            scope,
            credentials.get_by_uuid(session, scope, badge_id),
            _text(given.reason),
            bool(given.suppress_revoke_notification_email),
        )
        answer = badge_answer(credential, organization, settings.public_base_url)
        session.commit()
        return answer

    return await work(run)


# Credly documents PUT; POST is accepted too (some clients send it).
router.add_api_route(
    BADGE + "/revoke", revoke_badge, methods=["PUT", "POST"], summary="Revoke a badge"
)


@router.delete(BADGE, summary="Delete a badge", status_code=204)
async def delete_badge(organization_id: str, badge_id: str, token: Token, work: DbWork) -> Response:
    def run(session: Session) -> None:
        scope, _ = authorize_organization(session, token, organization_id)
        badge_lifecycle.delete(session, scope, credentials.get_by_uuid(session, scope, badge_id))
        session.commit()

    await work(run)
    return Response(status_code=204)
