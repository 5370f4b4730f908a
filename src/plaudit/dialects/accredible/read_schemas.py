"""The shapes of Accredible answers, for the OpenAPI document only (`XRead`, as `XIn` are the
request bodies). Routes still answer the dicts of mapping.py as they are: these models never
filter or convert an answer. tests/accredible/test_openapi_document.py checks live answers
against them, so that they say what the routes do."""

from typing import Any

from pydantic import BaseModel

Json = dict[str, Any]


class Read(BaseModel):
    """Every listed key is always present; null where the model says so."""


class ImageRead(Read):
    preview: str


class DesignImageRead(Read):
    image: ImageRead


class RecipientRead(Read):
    name: str
    email: str
    phone_number: str | None
    id: str | None
    meta_data: Json | None


class CredentialIssuerRead(Read):
    id: int
    name: str
    description: str | None
    url: str | None


class EvidenceItemRead(Read):
    id: int
    description: str
    preview_image_url: str | None
    link_url: str | None
    type: str
    string_object: Json | None
    supplemental: bool
    position: int | None


class RefereeRead(Read):
    name: str | None
    email: str | None
    avatar: str | None
    url: str | None


class ReferenceRead(Read):
    id: int
    description: str | None
    relationship: str | None
    supplemental: bool
    approve: bool
    position: int | None
    referee: RefereeRead


class CredentialRead(Read):
    id: int
    name: str | None
    description: str | None
    approve: bool
    grade: str | None
    complete: bool | None
    issued_on: str | None
    course_link: str | None
    custom_attributes: Json | None
    expired_on: str | None
    group_name: str
    group_id: int
    url: str
    encoded_id: str
    private: bool | None
    seo_image: str
    certificate: DesignImageRead
    badge: DesignImageRead
    evidence_items: list[EvidenceItemRead]
    references: list[ReferenceRead]
    recipient: RecipientRead
    issuer: CredentialIssuerRead
    meta_data: Json | None


class CredentialAnswer(Read):
    credential: CredentialRead


class SkillCategoryRead(Read):
    id: int
    name: str


class GroupCollectionRead(Read):
    id: int
    name: str
    description: str | None


class GroupRead(Read):
    id: int
    name: str
    course_name: str
    course_description: str
    course_link: str | None
    learning_outcomes: list[str] | None
    language: str | None
    attach_pdf: bool | None
    design_name: str | None
    design_id: int | None
    certificate_design_id: int | None
    badge_design_id: int | None
    primary_design_id: int | None
    department_id: int | None
    meta_data: Json | None
    skill_category: SkillCategoryRead | None
    achievement_type: str | None
    collections: list[GroupCollectionRead]
    created_at: str
    updated_at: str


class GroupAnswer(Read):
    group: GroupRead


class IssuerRead(Read):
    id: int
    name: str
    email: str | None
    certificate_left: int | None
    language: str | None
    url: str | None
    spiderable: bool
    whitelisted_domain: str | None
    linkedin_company_id: str | None
    linkedin_school_id: str | None


class IssuerAnswer(Read):
    issuer: IssuerRead
