"""Core objects as Credly shows them."""

from datetime import UTC, datetime
from typing import Any

from plaudit.dialects.credly import template_expiry
from plaudit.dialects.credly.schemas import EXTRAS
from plaudit.store.tables import Achievement, ApiKey, Organization
from plaudit.web import urls


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
    """An achievement as a Credly badge template (`id` = its UUID), with every key of the
    seed's `badge_template`: what Plaudit holds, Credly's defaults for the rest. `image_url`
    is the template's badge design drawn as a PNG."""
    details = achievement.template_details or {}
    image_url = urls.ob2_badge_class_image(base_url, achievement.uuid)
    owner_url = organization_url(base_url, organization)
    return {
        **TEMPLATE_DEFAULTS,
        **{name: details[name] for name in EXTRAS if name in details},
        **template_expiry.out(achievement),
        "id": str(achievement.uuid),
        "name": achievement.name,
        "description": achievement.course_description,
        "state": achievement.state,
        "allow_duplicate_badges": achievement.allow_duplicate_credentials,
        "global_activity_url": achievement.course_link,
        "badges_count": achievement.badges_count,
        "get_issue_count": achievement.badges_count,
        "allow_delete": achievement.badges_count == 0,
        "skills": list(achievement.skills or []),
        "reporting_tags": list(achievement.reporting_tags or []),
        "alignments": list(achievement.alignments or []),
        "recommendations": list(achievement.recommendations or []),
        "badge_template_activities": list(achievement.activities or []),
        "image": {"id": str(achievement.uuid), "url": image_url},
        "image_url": image_url,
        "url": f"{owner_url}/badge_templates/{achievement.uuid}",
        "state_updated_at": None,
        "created_at": timestamp(achievement.created_at),
        "updated_at": timestamp(achievement.updated_at),
        "owner": {
            "type": "Organization",
            "id": str(organization.uuid),
            "name": organization.name,
            "enable_blockchain": False,
            "url": owner_url,
            "vanity_url": None,
            "vanity_slug": None,
            "verified": True,
            "viewable": True,
        },
    }


# The seed's badge_template keys Plaudit has nothing behind: Credly's values for a plain template.
TEMPLATE_DEFAULTS: dict[str, Any] = {
    "primary_badge_template_id": None,
    "variant_name": None,
    "earn_this_badge_url": None,
    "enable_earn_this_badge": False,
    "enable_detail_attribute_visibility": True,
    "lock_badge_state": False,
    "public": True,
    "recipient_type": "User",
    "send_expiring_badge_notifications": False,
    "settings_enable_related_badges": True,
    "show_badge_lmi": False,
    "show_lmi_jobs": False,
    "show_skill_tag_links": True,
    "vanity_slug": None,
    "record_to_blockchain": None,
    "translatable": False,
    "printing_disabled": False,
    "visibility": "public",
    "variants_allowed": False,
    "variant_type": None,
    "allow_archive": True,
    "available_locales": [],
    "only_one_skill_required": False,
    "linkedin_share_default_message": None,
    "level": None,
    "time_to_earn": None,
    "cost": None,
    "type_category": None,
    "criteria_url_name": None,
    "criteria_url": None,
    "certification": False,
    "show_template_settings": False,
    "get_variants_issue_count": 0,
    "required_badge_templates": [],
    "endorsements": [],
}
