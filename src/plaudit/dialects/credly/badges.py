"""`POST /v1/organizations/{org}/badges` issues a badge; `GET .../badges/{badge_id}` reads one.

A badge is a credential issued through the core (services/credentials.issue), so the core's
rules hold here as through Accredible: one badge per template and email or issuer_earner_id
unless the template allows duplicates, no badge from an archived template. A badge issued here
starts `pending` until the earner accepts it.

An unknown `badge_template_id` is a 422 naming it, not a 404: the path's resources exist, the
id is a field of the body (as Accredible's unknown group is a 422 too). A replaced badge answers
a 302 to the current badge of its chain (seed: "the service will return a redirect")."""

from datetime import UTC, datetime
from typing import Any

from fastapi import Response
from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session

from plaudit.dialects.credly.auth import Token, authorize_organization
from plaudit.dialects.credly.badge_mapping import badge_out, badge_url
from plaudit.dialects.credly.badge_schemas import BadgeCreate
from plaudit.dialects.credly.routing import CredlyRouter
from plaudit.domain.errors import Duplicate, Invalid, NotFound
from plaudit.domain.scope import Scope
from plaudit.http.deps import AppSettings, DbWork
from plaudit.services import achievements, badge_lifecycle, credentials
from plaudit.store.tables import Achievement, Credential, Organization

router = CredlyRouter(tags=["Credly: badges"])
Json = dict[str, Any]
BASE = "/v1/organizations/{organization_id}/badges"
# The core's field names as Credly calls them.
FIELD_NAMES = {
    "group_id": "badge_template_id",
    "recipient.email": "recipient_email",
    "recipient.external_id": "issuer_earner_id",
    "recipient.name": "issued_to",
    "recipient.first_name": "issued_to_first_name",
    "recipient.middle_name": "issued_to_middle_name",
    "recipient.last_name": "issued_to_last_name",
    "issued_on": "issued_at",
    "expired_on": "expires_at",
}
DUPLICATE = "has already been issued this badge"
UNKNOWN_TEMPLATE = "is not a badge template of this organization"
ARCHIVED_TEMPLATE = "is archived and cannot be used to issue new badges"


@router.post(BASE, summary="Issue a badge", status_code=201)
async def issue_badge(
    organization_id: str,
    body: BadgeCreate,
    token: Token,
    work: DbWork,
    settings: AppSettings,
    response: Response,
) -> Json:
    def run(session: Session) -> Json:
        scope, organization = authorize_organization(session, token, organization_id)
        body.check_required()
        achievement = template_of(session, scope, body.badge_template_id or "")
        fields = body.credential_fields(achievement.id)
        try:
            issued = credentials.issue(
                session,
                scope,
                fields,
                today=datetime.now(UTC).date(),
                achievement_cache={achievement.id: achievement},
            )
        except Invalid as refused:
            raise credly_invalid(refused) from None
        badge = issued.credential
        response.headers["Location"] = badge_url(settings.public_base_url, organization, badge)
        # In the write's session: the answer counts the template's badges, this one included.
        return badge_answer(badge, organization, settings.public_base_url)

    return await work.grouped(run)  # committed with the creates queued beside it


@router.get(BASE + "/{badge_id}", summary="Get a badge", response_model=None)
async def get_badge(
    organization_id: str, badge_id: str, token: Token, work: DbWork, settings: AppSettings
) -> Json | RedirectResponse:
    def run(session: Session) -> Json | RedirectResponse:
        scope, organization = authorize_organization(session, token, organization_id)
        badge = credentials.get_by_uuid(session, scope, badge_id)
        if badge.replaced_by_id is not None:
            current = badge_lifecycle.current_of(session, badge)
            location = badge_url(settings.public_base_url, organization, current)
            return RedirectResponse(location, status_code=302)
        return badge_answer(badge, organization, settings.public_base_url)

    return await work(run)


def badge_answer(credential: Credential, organization: Organization, base_url: str) -> Json:
    return {"data": badge_out(credential, organization, base_url), "metadata": {}}


def template_of(session: Session, scope: Scope, template_id: str) -> Achievement:
    try:
        return achievements.get_by_uuid(session, scope, template_id)
    except NotFound:
        raise Invalid(fields={"badge_template_id": [UNKNOWN_TEMPLATE]}) from None


def credly_invalid(error: Invalid) -> Invalid:
    """The core's refusal under Credly's attribute names, in Credly's words for its rules."""
    fields: dict[str, list[str]] = {}
    for name, reasons in error.fields.items():
        credly_name = FIELD_NAMES.get(name, name.replace("evidence_items", "evidence", 1))
        if isinstance(error, Duplicate) and credly_name in {"recipient_email", "issuer_earner_id"}:
            reasons = [DUPLICATE]
        elif error.code == "achievement.archived":
            reasons = [ARCHIVED_TEMPLATE]
        fields[credly_name] = reasons
    if any(name.startswith("issued_to_") for name in fields):
        # The full name is made of the parts: a part too long is named, not the name too.
        fields.pop("issued_to", None)
    return type(error)(code=error.code, fields=fields)
