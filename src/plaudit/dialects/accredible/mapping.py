"""Accredible's wire format to and from the core: request bodies to domain commands, rows to
the exact response shapes of the OpenAPI file."""

import json
from datetime import UTC, date, datetime
from typing import Any

from plaudit.dialects.accredible.schemas import CredentialIn, EvidenceItemIn, GroupIn, ReferenceIn
from plaudit.domain.achievements import AchievementFields
from plaudit.domain.credentials import (
    CredentialFields,
    EvidenceItemData,
    RecipientData,
    ReferenceData,
)
from plaudit.domain.dates import parse_date
from plaudit.store.tables import Achievement, Credential, EvidenceItem, Organization, Reference
from plaudit.web import urls

_CREDENTIAL_SCALARS = (
    "name",
    "description",
    "complete",
    "private",
    "approve",
    "grade",
    "custom_attributes",
    "meta_data",
    "allow_supplemental_evidence",
    "allow_supplemental_references",
)
_RECIPIENT_FIELDS = {
    "name": "name",
    "email": "email",
    "id": "external_id",
    "phone_number": "phone_number",
    "meta_data": "meta_data",
}


def credential_fields(body: CredentialIn) -> CredentialFields:
    given = body.model_fields_set
    fields = CredentialFields()
    if body.group_id is not None and body.group_id != "":
        fields.achievement_ref = body.group_id
    elif body.group_name:
        fields.achievement_ref = body.group_name
    if "recipient" in given and body.recipient is not None:
        recipient = body.recipient
        fields.recipient = RecipientData(
            **{
                _RECIPIENT_FIELDS[name]: getattr(recipient, name)
                for name in recipient.model_fields_set
                if name in _RECIPIENT_FIELDS
            }
        )
    if "id" in given:
        fields.license_id = body.id
    for name in _CREDENTIAL_SCALARS:
        if name in given:
            setattr(fields, name, getattr(body, name))
    for name in ("issued_on", "expired_on"):
        if name in given:
            setattr(fields, name, parse_date(getattr(body, name), name))
    if "evidence_items" in given:
        fields.evidence_items = [evidence_item_data(item) for item in body.evidence_items or []]
    if "references" in given:
        fields.references = [reference_data(item) for item in body.references or []]
    return fields


def evidence_item_data(item: EvidenceItemIn) -> EvidenceItemData:
    return EvidenceItemData(
        description=item.description,
        category=item.category,
        url=item.url,
        file=item.file,
        string_object=item.string_object,
        preview=item.preview,
        position=item.position,
        supplemental=bool(item.supplemental),
    )


def reference_data(item: ReferenceIn) -> ReferenceData:
    referee = item.referee
    return ReferenceData(
        description=item.description,
        relationship=item.relationship,
        referee_name=referee.name if referee else None,
        referee_email=referee.email if referee else None,
        referee_avatar=referee.avatar if referee else None,
        referee_url=referee.url if referee else None,
        supplemental=bool(item.supplemental),
        approve=item.approve if item.approve is not None else True,
    )


def achievement_fields(body: GroupIn) -> AchievementFields:
    return AchievementFields(**{name: getattr(body, name) for name in body.model_fields_set})


def credential_out(
    credential: Credential, issuer: Organization, base_url: str, *, id_as_string: bool = True
) -> dict[str, Any]:
    """A credential as Accredible shows it. Single-credential operations type `id` as a string,
    list operations as a number (as the OpenAPI file does)."""
    encoded = credential.encoded_id
    achievement = credential.achievement
    return {
        "id": str(credential.id) if id_as_string else credential.id,
        "name": credential.name,
        "description": credential.description,
        "approve": credential.approve,
        "grade": credential.grade,
        "complete": credential.complete,
        "issued_on": _date(credential.issued_on),
        "course_link": achievement.course_link,
        "custom_attributes": credential.custom_attributes,
        "expired_on": _date(credential.expired_on),
        "group_name": achievement.name,
        "group_id": achievement.id,
        "url": urls.credential_page(base_url, encoded),
        "encoded_id": encoded,
        "private": credential.private,
        "seo_image": urls.seo_image(base_url, encoded),
        "certificate": {"image": {"preview": urls.certificate_image(base_url, encoded)}},
        "badge": {"image": {"preview": urls.badge_image(base_url, encoded)}},
        "evidence_items": [evidence_item_out(item) for item in credential.evidence_items],
        "references": [reference_out(item) for item in credential.references],
        "recipient": {
            "name": credential.recipient_name,
            "email": credential.recipient_email,
            "phone_number": credential.recipient_phone_number,
            "id": credential.recipient_external_id,
            "meta_data": credential.recipient_meta_data,
        },
        "issuer": {
            "name": issuer.name,
            "description": issuer.description,
            "url": issuer.url,
            "id": issuer.id,
        },
        "meta_data": credential.meta_data,
    }


def evidence_item_out(item: EvidenceItem) -> dict[str, Any]:
    return {
        "id": item.id,
        "description": item.description,
        "preview_image_url": item.preview_image_url,
        "link_url": item.link_url,
        "type": item.category,
        "string_object": _string_object(item),
        "supplemental": item.supplemental,
        "position": item.position,
    }


def _string_object(item: EvidenceItem) -> dict[str, Any] | None:
    """Grades come back as `{"grade": 80}`; other structured evidence as the JSON it was given."""
    text = item.string_object
    if text is None:
        return None
    if item.category == "grade":
        try:
            number = float(text)
        except ValueError:
            return {"grade": text}
        return {"grade": int(number) if number.is_integer() else number}
    try:
        parsed = json.loads(text)
    except ValueError:
        return {"value": text}
    return parsed if isinstance(parsed, dict) else {"value": parsed}


def reference_out(reference: Reference) -> dict[str, Any]:
    return {
        "id": reference.id,
        "description": reference.description,
        "relationship": reference.relationship,
        "supplemental": reference.supplemental,
        "approve": reference.approve,
        "referee": {
            "name": reference.referee_name,
            "email": reference.referee_email,
            "avatar": reference.referee_avatar,
        },
    }


def group_out(achievement: Achievement) -> dict[str, Any]:
    design = achievement.certificate_design
    return {
        "id": achievement.id,
        "name": achievement.name,
        "course_description": achievement.course_description,
        "course_name": achievement.course_name,
        "learning_outcomes": achievement.learning_outcomes,
        "attach_pdf": achievement.attach_pdf,
        "course_link": achievement.course_link,
        "language": achievement.language,
        "design_name": design.name if design else None,
        "updated_at": timestamp(achievement.updated_at),
        "created_at": timestamp(achievement.created_at),
        "design_id": achievement.certificate_design_id,
        "blockchain": achievement.blockchain,
        "certificate_design_id": achievement.certificate_design_id,
        "badge_design_id": achievement.badge_design_id,
        "primary_design_id": achievement.primary_design_id,
        "department_id": achievement.department_id,
        "meta_data": achievement.meta_data,
        "generate_private_credential": achievement.generate_private_credential,
        "auto_expiry": achievement.auto_expiry,
        "signup_url_show": achievement.signup_url_show,
        "signup_url": achievement.signup_url,
        "course_link_show": achievement.course_link_show,
        "organization_link_show": achievement.organization_link_show,
        "allow_duplicate_credentials": achievement.allow_duplicate_credentials,
        "skill_category": None,
        "achievement_type": achievement.achievement_type,
        "collections": [],
    }


def issuer_out(organization: Organization) -> dict[str, Any]:
    return {
        "id": organization.id,
        "name": organization.name,
        "email": organization.email,
        "certificate_left": organization.credits_remaining,
        "language": organization.language,
        "url": organization.url,
        "spiderable": True,
        "whitelisted_domain": None,
        "linkedin_company_id": None,
        "linkedin_school_id": None,
    }


def timestamp(moment: datetime) -> str:
    """`2016-08-29T07:03:25.000Z`, as Accredible writes times."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _date(day: date | None) -> str | None:
    return day.isoformat() if day else None
