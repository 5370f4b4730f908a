"""Core objects as Credly shows them."""

from datetime import UTC, datetime
from typing import Any

from plaudit.store.tables import Achievement, ApiKey, Organization


def timestamp(moment: datetime | None) -> str | None:
    """Credly's form: `2014-04-01T14:41:00.000Z`."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def organization_url(base_url: str, organization: Organization) -> str:
    return f"{base_url.rstrip('/')}/v1/organizations/{organization.uuid}"


def organization_out(organization: Organization) -> dict[str, Any]:
    return {
        "id": str(organization.uuid),
        "name": organization.name,
        "website_url": organization.url,
        "contact_email": organization.email,
        "webhook_url": organization.webhook_url,
        "photo_url": None,
        "vanity_slug": None,
        "vanity_url": None,
        "created_at": timestamp(organization.created_at),
        "updated_at": timestamp(organization.updated_at),
    }


def authorization_token_out(
    key: ApiKey, organization: Organization, base_url: str
) -> dict[str, Any]:
    """A key by its prefix and label: the secret is stored hashed and never shown again."""
    return {
        "id": str(key.uuid),
        "token": key.prefix,
        "owner_id": str(organization.uuid),
        "description": key.label,
        "write_enabled": True,
        "read_enabled": True,
        "delete_enabled": True,
        "created_at": timestamp(key.created_at),
        "expires_at": None,
        "owner": {
            "type": "Organization",
            "id": str(organization.uuid),
            "name": organization.name,
            "url": organization_url(base_url, organization),
        },
    }


def badge_template_out(
    achievement: Achievement, organization: Organization, base_url: str
) -> dict[str, Any]:
    """An achievement as a Credly badge template (`id` = its UUID). Fields Plaudit does not
    hold yet are Credly's defaults for a template without them."""
    return {
        "id": str(achievement.uuid),
        "name": achievement.name,
        "description": achievement.course_description,
        "state": achievement.state,
        "public": True,
        "visibility": "public",
        "allow_duplicate_badges": achievement.allow_duplicate_credentials,
        "global_activity_url": achievement.course_link,
        "default_expires_at": None,
        "default_expires_at_date": None,
        "default_expires_at_type": None,
        "recipient_type": "User",
        "skills": [],
        "alignments": [],
        "recommendations": [],
        "badge_template_activities": [],
        "image_url": None,
        "url": f"{organization_url(base_url, organization)}/badge_templates/{achievement.uuid}",
        "created_at": timestamp(achievement.created_at),
        "updated_at": timestamp(achievement.updated_at),
        "owner": {
            "type": "Organization",
            "id": str(organization.uuid),
            "name": organization.name,
            "url": organization_url(base_url, organization),
        },
    }
