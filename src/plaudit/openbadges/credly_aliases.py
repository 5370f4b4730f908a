"""Open Badges 2.0 hosted documents at the paths Credly publishes them under:
`/obi/v2/badge_assertions/{badge_id}`, `/obi/v2/badge_classes/{badge_template_id}` and
`/obi/v2/issuers/{organization_id}` (badge, template and organization UUIDs), with and without
the `/v1` API prefix (the copies under `/v1` stay out of /openapi.json). The same handlers as
hosted.py's `/api/v1/obi/...` paths, so the same documents and the same 410 Gone for a revoked
or deleted badge."""

from fastapi import APIRouter

from plaudit.openbadges import hosted
from plaudit.openbadges.document_route import DocumentRoute

router = APIRouter(route_class=DocumentRoute, tags=["Open Badges 2.0"])
# Credly's own links are `/obi/v2/...`; the riipen client (obi.rb) asks for them relative to its
# API base, `/v1/obi/v2/...`.
for _prefix in ("/obi/v2", "/v1/obi/v2"):
    for _path, _endpoint, _summary in (
        ("/badge_assertions/{assertion_id}", hosted.badge_assertion, "Assertion"),
        ("/badge_classes/{badge_class_id}", hosted.badge_class, "BadgeClass"),
        ("/badge_classes/{badge_class_id}/image.png", hosted.badge_class_image, "BadgeClass image"),
        ("/issuers/{issuer_id}", hosted.issuer, "Issuer"),
    ):
        router.add_api_route(
            _prefix + _path,
            _endpoint,
            methods=["GET"],
            summary=f"OB 2.0 hosted {_summary} (Credly's path)",
            include_in_schema=_prefix == "/obi/v2",
        )
