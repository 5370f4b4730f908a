"""The two badge formats of Credly's high-volume search (seed: "Get Badges in Bulk"), with
exactly the seed's fields: `minimal`, enough to identify a badge, and `default`, most of the
badge and a summary of its template, issuer and creator.

Both are built straight from the credential, without the full badge object: the high-volume
search exists to read many badges fast. The caller builds each template's summary once a
page."""

from typing import Any
from uuid import UUID

from plaudit.dialects.credly import badge_mapping, mapping
from plaudit.dialects.credly.mapping import timestamp
from plaudit.store.tables import Achievement, Credential, Organization
from plaudit.web import urls

Json = dict[str, Any]
FORMATS = ("default", "minimal")


def minimal(credential: Credential, base_url: str) -> Json:
    return {
        "id": str(credential.uuid),
        **badge_mapping.recipient_fields(credential),
        "recipient_email": credential.recipient_email,
        "state": credential.state,
        "badge_url": urls.credential_page(base_url, credential.encoded_id),
        "updated_at": timestamp(credential.updated_at),
        "created_at": timestamp(credential.created_at),
        "expires_at": timestamp(badge_mapping.expires_at(credential)),
        "issued_at": timestamp(badge_mapping.issued_at(credential)),
        "state_updated_at": timestamp(credential.state_updated_at),
        "badge_template": {
            "id": str(credential.achievement.uuid),
            "name": credential.achievement.name,
        },
        "user": {"id": str(credential.recipient_user_uuid)},
    }


def template_summary(achievement: Achievement, organization: Organization, base_url: str) -> Json:
    """The template as the default format shows it: the seed's keys, with the values the full
    template object (mapping.badge_template_out) gives them. Built here rather than cut from
    that object, which counts the template's badges: a query the summary has no use for."""
    image_url = urls.ob2_badge_class_image(base_url, achievement.uuid)
    details = achievement.template_details or {}
    return {
        "id": str(achievement.uuid),
        "description": achievement.course_description,
        "global_activity_url": achievement.course_link,
        "name": achievement.name,
        "state": achievement.state,
        "public": mapping.TEMPLATE_DEFAULTS["public"],
        "vanity_slug": details.get("vanity_slug", mapping.TEMPLATE_DEFAULTS["vanity_slug"]),
        "image": {"id": str(achievement.uuid), "url": image_url},
        "image_url": image_url,
        "url": f"{mapping.organization_url(base_url, organization)}/badge_templates/"
        f"{achievement.uuid}",
        "owner": {"type": "Organization", "id": str(organization.uuid)},
        "state_updated_at": None,
        "created_at": timestamp(achievement.created_at),
        "updated_at": timestamp(achievement.updated_at),
    }


def default(
    credential: Credential,
    organization: Organization,
    base_url: str,
    *,
    template: Json,
    replacement: UUID | None,
) -> Json:
    """`template` is template_summary of the credential's achievement; `replacement` the id
    of the badge that replaced this one."""
    badge = minimal(credential, base_url)
    issuer = {"type": "Organization", "id": str(organization.uuid)}
    badge.update(
        {
            "replacement_badge_id": None if replacement is None else str(replacement),
            "revocation_reason": credential.revocation_reason,
            "suppress_badge_notification_email": credential.suppress_notification,
            "issued_at_date": credential.issued_on.isoformat(),
            "expires_at_date": None
            if credential.expired_on is None
            else credential.expired_on.isoformat(),
            "badge_template": template,
            "created_by": issuer,
            "issuer": {
                "summary": f"issued by {organization.name}",
                "entities": [
                    {"label": "Issued by", "primary": True, **issuer, "name": organization.name}
                ],
            },
        }
    )
    return badge
