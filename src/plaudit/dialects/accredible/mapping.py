"""Accredible's wire format to and from the core: request bodies to domain commands, rows to
the exact response shapes of the OpenAPI file."""

import json
from datetime import UTC, date, datetime
from typing import Any

from plaudit.dialects.accredible.schemas import (
    AttributeKeyIn,
    CollectionIn,
    CollectionQueryIn,
    CollectionSearchBody,
    CredentialIn,
    DepartmentIn,
    DepartmentPermissionIn,
    EvidenceItemIn,
    GroupIn,
    GroupSearchBody,
    IdRefIn,
    ReferenceIn,
    TeamMemberIn,
)
from plaudit.domain.achievements import AchievementFields, AchievementSearch
from plaudit.domain.attribute_keys import AttributeKeyData
from plaudit.domain.collections import CollectionFields, CollectionSearch, parse_sort
from plaudit.domain.credentials import (
    CredentialFields,
    EvidenceItemData,
    RecipientData,
    ReferenceData,
)
from plaudit.domain.dates import parse_date
from plaudit.domain.departments import DepartmentFields
from plaudit.domain.team_members import DepartmentPermission, Permissions, TeamMemberFields
from plaudit.services.collections import CollectionView
from plaudit.services.credential_reads import CredentialRead, IssuerRead
from plaudit.store.group_tables import SkillCategory
from plaudit.store.org_tables import AttributeKey, TeamMember
from plaudit.store.tables import (
    Achievement,
    Credential,
    Department,
    EvidenceItem,
    Organization,
    Reference,
)
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
        position=item.position,
    )


# Fields of EvidenceItemData and ReferenceData that a null leaves as they are.
_KEPT_WHEN_NULL = {"position", "supplemental", "approve"}


def evidence_item_changes(item: EvidenceItemIn) -> dict[str, Any]:
    """The fields an update gives, by `EvidenceItemData` name (`custom_insight` is not kept)."""
    given = item.model_fields_set - {"custom_insight"}
    return _changes({name: getattr(item, name) for name in given})


def reference_changes(item: ReferenceIn) -> dict[str, Any]:
    """The fields an update gives, by `ReferenceData` name."""
    changes = {name: getattr(item, name) for name in item.model_fields_set - {"referee"}}
    if item.referee is not None:
        for name in item.referee.model_fields_set:
            changes[f"referee_{name}"] = getattr(item.referee, name)
    return _changes(changes)


def _changes(given: dict[str, Any]) -> dict[str, Any]:
    return {
        name: value
        for name, value in given.items()
        if value is not None or name not in _KEPT_WHEN_NULL
    }


def achievement_fields(body: GroupIn) -> AchievementFields:
    given = body.model_fields_set - {"collections"}
    fields = AchievementFields(**{name: getattr(body, name) for name in given})
    if "collections" in body.model_fields_set:
        fields.collection_refs = _refs(body.collections)
    return fields


def achievement_search(body: GroupSearchBody) -> AchievementSearch:
    return AchievementSearch(
        ids=body.ids,
        name=body.name,
        course_name=body.course_name,
        meta_data=body.meta_data,
        updated_from=parse_date(body.start_updated_date, "start_updated_date"),
        updated_until=parse_date(body.end_updated_date, "end_updated_date"),
    )


def collection_fields(body: CollectionIn) -> CollectionFields:
    """A null `public` leaves it as it is; a null `groups` empties the collection."""
    given = body.model_fields_set - {"groups"}
    if body.public is None:
        given -= {"public"}
    fields = CollectionFields(**{name: getattr(body, name) for name in given})
    if "groups" in body.model_fields_set:
        fields.achievement_refs = _refs(body.groups)
    return fields


def collection_search(body: CollectionSearchBody) -> CollectionSearch:
    query = body.query or CollectionQueryIn()
    return CollectionSearch(
        ids=query.ids,
        name=query.name,
        public=query.public,
        exclusion_list=query.exclusion_list,
        sort=parse_sort(body.sort),
    )


def _refs(items: list[IdRefIn] | None) -> list[str]:
    """The ids a `[{"id": 1}, ...]` list names; null names none."""
    return [item.id for item in items or []]


def credential_out(
    credential: Credential | CredentialRead, issuer: Organization | IssuerRead, base_url: str
) -> dict[str, Any]:
    """A credential as Accredible shows it. `id` is a number everywhere, as the live service
    answers and real clients read it, though the OpenAPI file types it as a string in the
    single-credential operations (docs/compatibility.md). The ORM rows or, for a read, the
    same columns read by services/credential_reads.py."""
    encoded = credential.encoded_id
    achievement = credential.achievement
    return {
        "id": credential.id,
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
        "position": reference.position,
        "referee": {
            "name": reference.referee_name,
            "email": reference.referee_email,
            "avatar": reference.referee_avatar,
            "url": reference.referee_url,
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
        "skill_category": skill_category_out(achievement.skill_category),
        "achievement_type": achievement.achievement_type,
        "collections": [
            {"id": item.id, "name": item.name, "description": item.description}
            for item in achievement.collections
        ],
    }


def skill_category_out(category: SkillCategory | None) -> dict[str, Any] | None:
    return {"id": category.id, "name": category.name} if category else None


def collection_out(view: CollectionView) -> dict[str, Any]:
    """A collection as the search operation shows it. `id` is a number, as every other id
    (the file types it as a string there, with UUIDs in its example: docs/compatibility.md)."""
    collection = view.collection
    return {
        "id": collection.id,
        "name": collection.name,
        "description": collection.description,
        "organization_id": collection.organization_id,
        "public": collection.public,
        "groups_count": len(view.achievement_ids),
        "groups": [{"id": achievement_id} for achievement_id in view.achievement_ids],
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


def department_fields(body: DepartmentIn) -> DepartmentFields:
    return DepartmentFields(**{name: getattr(body, name) for name in body.model_fields_set})


def department_out(department: Department) -> dict[str, Any]:
    return {
        "id": department.id,
        "name": department.name,
        "description": department.description,
        "url": department.url,
        "logo": department.logo,
        "page_banner": department.page_banner,
        "whitelabel_logo": department.whitelabel_logo,
        "linkedin_company_id": department.linkedin_company_id,
        "meta_data": department.meta_data,
        "generate_private_credential": department.generate_private_credential,
    }


def attribute_key_data(body: AttributeKeyIn) -> AttributeKeyData:
    return AttributeKeyData(name=body.name, kind=body.kind, department_id=body.department_id)


def attribute_key_out(key: AttributeKey) -> dict[str, Any]:
    return {"id": key.id, "name": key.name, "kind": key.kind, "department_id": key.department_id}


def team_member_fields(body: TeamMemberIn) -> TeamMemberFields:
    fields = TeamMemberFields()
    given = body.model_fields_set
    if "name" in given:
        fields.name = body.name
    if "email" in given:
        fields.email = body.email
    if "department_permissions" in given:
        grants = body.department_permissions
        fields.department_permissions = None if grants is None else [_grant(g) for g in grants]
    return fields


def _grant(grant: DepartmentPermissionIn) -> DepartmentPermission:
    permissions = grant.permissions
    return DepartmentPermission(
        department_id=grant.department_id,
        permissions=None if permissions is None else Permissions(**permissions.model_dump()),
    )


def team_member_out(member: TeamMember) -> dict[str, Any]:
    return {
        "id": member.id,
        "name": member.name,
        "email": member.email,
        "department_permissions": [
            {
                "department_id": grant.department_id,
                "permissions": {
                    "designs": grant.designs,
                    "emails": grant.emails,
                    "credential_attributes": grant.credential_attributes,
                    "analytics": grant.analytics,
                    "settings": grant.settings,
                    "role": grant.role,
                    "groups": grant.group_ids,
                },
            }
            for grant in member.department_permissions
        ],
    }
