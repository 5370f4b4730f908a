"""Credentials as the list operations show them: `all_credentials` and v1 search show the v1
credential (with `id` a number), v2 search a flat record of its own."""

from typing import Any

from plaudit.dialects.accredible.mapping import credential_out, timestamp
from plaudit.services.analytics import RecipientActivity
from plaudit.store.tables import Credential, Organization
from plaudit.web import urls


def v1_item(credential: Credential, issuer: Organization, base_url: str) -> dict[str, Any]:
    return {
        **credential_out(credential, issuer, base_url),
        "allow_supplemental_evidence": credential.allow_supplemental_evidence,
        "allow_supplemental_references": credential.allow_supplemental_references,
    }


def v2_item(credential: Credential, base_url: str, activity: RecipientActivity) -> dict[str, Any]:
    achievement = credential.achievement
    return {
        "id": credential.id,
        "uuid": str(credential.uuid),
        "encoded_id": credential.encoded_id,
        "name": credential.name,
        "license_id": credential.license_id,
        "issuer_id": credential.organization_id,
        "private": credential.private,
        "approve": credential.approve,
        "grade": credential.grade,
        "issued_on": credential.issued_on.isoformat(),
        "expired_on": credential.expired_on.isoformat() if credential.expired_on else None,
        # Plaudit keeps no separate publication time: a published credential was published
        # the day it was made.
        "published_on": credential.created_at.date().isoformat() if credential.approve else None,
        "created_at": timestamp(credential.created_at),
        "updated_at": timestamp(credential.updated_at),
        "seo_image": urls.seo_image(base_url, credential.encoded_id),
        "recipient_name": credential.recipient_name,
        "recipient_email": credential.recipient_email,
        "recipient_id": credential.recipient_external_id,
        "recipient_meta_data": credential.recipient_meta_data,
        # Counted from the public page's events that the signed-in recipient caused.
        "recipient_opened": credential.id in activity.opened,
        "recipient_engaged": credential.id in activity.engaged,
        "custom_attributes": credential.custom_attributes,
        "meta_data": credential.meta_data,
        "group": {
            "id": achievement.id,
            "name": achievement.name,
            "course_name": achievement.course_name,
            "certificate_design_id": achievement.certificate_design_id,
            "badge_design_id": achievement.badge_design_id,
        },
    }
