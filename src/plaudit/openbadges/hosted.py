"""Open Badges 2.0 hosted documents at Credly's paths (seed 002): the Assertion, its
BadgeClass, the Issuer and the issuer's RevocationList, named by UUID. A revoked assertion
answers 410 Gone with `{"revoked": true, "revocationReason": ...}`."""

from typing import Any
from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy.orm import Session

from plaudit.http.deps import DbWork
from plaudit.http.render_slots import in_render_slot
from plaudit.openbadges import ob2
from plaudit.openbadges.document_route import DocumentRoute
from plaudit.services import design_images, designs, hosted_badges

router = APIRouter(route_class=DocumentRoute, prefix="/api/v1/obi", tags=["Open Badges 2.0"])
MEDIA_TYPE = "application/ld+json"


def _document(body: dict[str, Any], status_code: int = 200) -> JSONResponse:
    headers = {"Cache-Control": "no-cache"}
    return JSONResponse(body, status_code=status_code, media_type=MEDIA_TYPE, headers=headers)


def _base_url(request: Request) -> str:
    return request.app.state.settings.public_base_url


@router.get("/badgeassertions/{assertion_id}", summary="OB 2.0 hosted Assertion")
async def badge_assertion(request: Request, assertion_id: str, work: DbWork) -> Response:
    base_url, secret = _base_url(request), request.app.state.server_secret

    def run(session: Session) -> tuple[dict[str, Any], int]:
        hosted = hosted_badges.assertion(session, assertion_id)
        if hosted.credential is None:
            return ob2.revoked_assertion(UUID(assertion_id), base_url, hosted.gone), 410
        return ob2.assertion(hosted.credential, base_url, secret), 200

    body, status_code = await work(run)
    return _document(body, status_code)


@router.get("/badgeclasses/{badge_class_id}", summary="OB 2.0 hosted BadgeClass")
async def badge_class(request: Request, badge_class_id: str, work: DbWork) -> Response:
    base_url = _base_url(request)

    def run(session: Session) -> dict[str, Any]:
        achievement, organization = hosted_badges.achievement(session, badge_class_id)
        return ob2.badge_class(achievement, organization, base_url)

    return _document(await work(run))


@router.get("/badgeclasses/{badge_class_id}/image.png", summary="OB 2.0 BadgeClass image")
async def badge_class_image(badge_class_id: str, work: DbWork) -> Response:
    """The achievement's badge design drawn with its own names and sample recipient data."""

    def run(session: Session) -> tuple[str, dict[str, str]]:
        achievement, _organization = hosted_badges.achievement(session, badge_class_id)
        design = hosted_badges.badge_design(session, achievement)
        given = {
            "group.name": achievement.name,
            "group.course_name": achievement.course_name,
            "group.course_description": achievement.course_description,
        }
        return designs.template_of(design), design_images.sample_values(session, design, given)

    template, fields = await work(run)
    image = await in_render_slot(design_images.render, template, fields, "badge")
    headers = {"ETag": f'"{image.etag}"', "Cache-Control": "public, max-age=300"}
    return Response(image.png, media_type="image/png", headers=headers)


@router.get("/issuers/{issuer_id}", summary="OB 2.0 hosted Issuer")
async def issuer(request: Request, issuer_id: str, work: DbWork) -> Response:
    base_url = _base_url(request)

    def run(session: Session) -> dict[str, Any]:
        return ob2.issuer(hosted_badges.organization(session, issuer_id), base_url)

    return _document(await work(run))


@router.get("/issuers/{issuer_id}/revocations", summary="OB 2.0 issuer RevocationList")
async def revocation_list(request: Request, issuer_id: str, work: DbWork) -> Response:
    base_url = _base_url(request)

    def run(session: Session) -> dict[str, Any]:
        organization = hosted_badges.organization(session, issuer_id)
        revoked = hosted_badges.revoked(session, organization.id)
        return ob2.revocation_list(organization, base_url, revoked)

    return _document(await work(run))
