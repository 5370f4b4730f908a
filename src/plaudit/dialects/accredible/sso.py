"""`POST /v1/sso/generate_link`: a single-use, expiring link that signs a recipient in."""

from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi import APIRouter, Depends
from sqlalchemy.orm import Session

from plaudit.dialects.accredible.auth import ApiKey, authorize
from plaudit.dialects.accredible.errors import AccredibleRoute
from plaudit.dialects.accredible.schemas import SsoLinkBody
from plaudit.domain.sso import SsoLinkRequest
from plaudit.http.deps import AppSettings, DbWork, ServerSecret
from plaudit.http.rate_limit import SSO, stricter_limit
from plaudit.services import sso
from plaudit.web import urls

router = APIRouter(route_class=AccredibleRoute, tags=["SSO"])


@router.post(
    "/v1/sso/generate_link",
    summary="Generate SSO Link",
    dependencies=[Depends(stricter_limit(SSO))],
)
async def generate_link(
    body: SsoLinkBody, key: ApiKey, work: DbWork, settings: AppSettings, secret: ServerSecret
) -> dict[str, Any]:
    request = SsoLinkRequest(
        credential_ref=body.credential_id,
        recipient_id=body.recipient_id,
        recipient_email=body.recipient_email,
        group_id=body.group_id,
        wallet_view=bool(body.wallet_view),
        embed=bool(body.embed),
        redirect_to=body.redirect_to,
    )

    def run(session: Session) -> dict[str, Any]:
        scope = authorize(session, key)
        link = sso.generate_link(
            session,
            scope,
            request,
            secret=secret,
            now=datetime.now(UTC),
            ttl=timedelta(seconds=settings.sso_code_ttl_seconds),
        )
        session.commit()
        return {"link": urls.sso_link(settings.public_base_url, link.encoded_id, link.code)}

    return await work(run)
