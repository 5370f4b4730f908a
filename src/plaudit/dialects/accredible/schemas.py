"""Request bodies as Accredible clients send them: lenient about number-or-string ids and about
the `credential` / `group` wrapper, strict about types that matter."""

import json
from typing import Annotated, Any, ClassVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, model_validator
from pydantic_core import PydanticCustomError

from plaudit.domain.limits import contains_nul


def _number_to_str(value: Any) -> Any:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return value


LooseStr = Annotated[str, BeforeValidator(_number_to_str)]


class In(BaseModel):
    model_config = ConfigDict(extra="ignore")


class RecipientIn(In):
    name: LooseStr | None = None
    email: LooseStr | None = None
    id: LooseStr | None = None
    phone_number: LooseStr | None = None
    meta_data: dict[str, Any] | None = None


class EvidenceItemIn(In):
    description: LooseStr | None = None
    category: LooseStr | None = None
    url: LooseStr | None = None
    file: LooseStr | None = None
    string_object: LooseStr | None = None
    preview: LooseStr | None = None
    position: int | None = None
    supplemental: bool | None = None
    custom_insight: LooseStr | None = None


class RefereeIn(In):
    name: LooseStr | None = None
    email: LooseStr | None = None
    avatar: LooseStr | None = None
    url: LooseStr | None = None


class ReferenceIn(In):
    description: LooseStr | None = None
    relationship: LooseStr | None = None
    referee: RefereeIn | None = None
    supplemental: bool | None = None
    approve: bool | None = None
    position: int | None = None


class CredentialIn(In):
    id: LooseStr | None = None
    recipient: RecipientIn | None = None
    group_id: int | LooseStr | None = None
    group_name: LooseStr | None = None
    name: LooseStr | None = None
    description: LooseStr | None = None
    issued_on: Any = None
    expired_on: Any = None
    complete: bool | None = None
    private: bool | None = None
    approve: bool | None = None
    grade: LooseStr | None = None
    custom_attributes: dict[str, Any] | None = None
    meta_data: dict[str, Any] | None = None
    allow_supplemental_evidence: bool | None = None
    allow_supplemental_references: bool | None = None
    evidence_items: list[EvidenceItemIn] | None = None
    references: list[ReferenceIn] | None = None


def _decoded(value: Any) -> Any:
    """JSON sent under another content type (curl -d sends a form type) is still JSON."""
    if not isinstance(value, bytes):
        return value
    try:
        return json.loads(value)
    except ValueError:
        raise PydanticCustomError("json_invalid", "is not valid JSON") from None


class Body(In):
    """A whole request body: JSON under any content type, and no NUL anywhere in it."""

    @model_validator(mode="before")
    @classmethod
    def _check_raw(cls, value: Any) -> Any:
        value = _decoded(value)
        if contains_nul(value):
            raise PydanticCustomError("nul_character", "contains a NUL character")
        return value


class Wrapped(Body):
    """Accepts `{key: {...}}` as documented, and the bare object some clients send."""

    wrapper_key: ClassVar[str]

    @model_validator(mode="before")
    @classmethod
    def _wrap(cls, value: Any) -> Any:
        value = _decoded(value)  # runs before Body's check, so decode here too
        if isinstance(value, dict) and cls.wrapper_key not in value:
            return {cls.wrapper_key: value}
        return value


class CredentialBody(Wrapped):
    wrapper_key = "credential"
    credential: CredentialIn


class BulkBody(Body):
    """`{"credentials": [...]}`; items are read one by one so one bad item spoils no other."""

    credentials: list[Any]


class IdRefIn(In):
    """`{"id": 1}`: how a list names the groups or collections it holds."""

    id: LooseStr


class GroupIn(In):
    name: LooseStr | None = None
    course_name: LooseStr | None = None
    course_description: LooseStr | None = None
    course_link: LooseStr | None = None
    language: LooseStr | None = None
    attach_pdf: bool | None = None
    blockchain: bool | None = None
    design_id: int | None = None
    certificate_design_id: int | None = None
    badge_design_id: int | None = None
    primary_design_id: int | None = None
    department_id: int | None = None
    meta_data: dict[str, Any] | None = None
    learning_outcomes: list[LooseStr] | None = None
    generate_private_credential: bool | None = None
    auto_expiry: int | None = None
    signup_url: LooseStr | None = None
    signup_url_show: bool | None = None
    course_link_show: bool | None = None
    organization_link_show: bool | None = None
    allow_duplicate_credentials: bool | None = None
    skill_category_id: int | None = None
    achievement_type: LooseStr | None = None
    collections: list[IdRefIn] | None = None

    @model_validator(mode="before")
    @classmethod
    def _language_typo(cls, value: Any) -> Any:
        """The OpenAPI file's update example spells `language` as `langauge`."""
        if isinstance(value, dict) and "langauge" in value and "language" not in value:
            value = {**value, "language": value["langauge"]}
        return value


class GroupBody(Wrapped):
    wrapper_key = "group"
    group: GroupIn


class EvidenceItemBody(Wrapped):
    wrapper_key = "evidence_item"
    evidence_item: EvidenceItemIn


class ReferenceBody(Wrapped):
    wrapper_key = "reference"
    reference: ReferenceIn


class DepartmentIn(In):
    name: LooseStr | None = None
    description: LooseStr | None = None
    url: LooseStr | None = None
    logo: LooseStr | None = None
    page_banner: LooseStr | None = None
    whitelabel_logo: LooseStr | None = None
    linkedin_company_id: LooseStr | None = None
    meta_data: dict[str, Any] | None = None
    generate_private_credential: bool | None = None


class DepartmentBody(Wrapped):
    wrapper_key = "department"
    department: DepartmentIn


class PageIn(Body):
    """The page-number paging every search body carries."""

    page: int | None = None
    page_size: int | None = None


class DepartmentSearchIn(PageIn):
    meta_data: dict[str, Any] | None = None


class AttributeKeyIn(In):
    name: LooseStr | None = None
    kind: LooseStr | None = None
    department_id: int | None = None


class AttributeKeyBody(Wrapped):
    wrapper_key = "attribute_key"
    attribute_key: AttributeKeyIn


class AttributeKeySearchIn(PageIn):
    name: LooseStr | None = None
    kind: LooseStr | None = None
    department_id: int | None = None


class PermissionsIn(In):
    designs: bool | None = None
    emails: bool | None = None
    credential_attributes: bool | None = None
    analytics: bool | None = None
    settings: bool | None = None
    role: LooseStr | None = None
    groups: list[int] | None = None


class DepartmentPermissionIn(In):
    department_id: int | None = None
    permissions: PermissionsIn | None = None


class TeamMemberIn(In):
    name: LooseStr | None = None
    email: LooseStr | None = None
    department_permissions: list[DepartmentPermissionIn] | None = None


class TeamMemberBody(Wrapped):
    wrapper_key = "team_member"
    team_member: TeamMemberIn


class GroupSearchBody(PageIn):
    """`POST /v1/issuer/groups/search`: filters at the top level, beside the paging."""

    ids: list[LooseStr] | None = None
    name: LooseStr | None = None
    course_name: LooseStr | None = None
    meta_data: dict[str, LooseStr] | None = None
    start_updated_date: Any = None
    end_updated_date: Any = None


class CollectionIn(In):
    name: LooseStr | None = None
    description: LooseStr | None = None
    public: bool | None = None
    groups: list[IdRefIn] | None = None


class CollectionBody(Wrapped):
    wrapper_key = "collection"
    collection: CollectionIn


class CollectionQueryIn(In):
    ids: list[LooseStr] | None = None
    name: LooseStr | None = None
    public: bool | None = None
    exclusion_list: list[LooseStr] | None = None


class CollectionPagingIn(In):
    """Documented as strings; numbers are accepted too."""

    page_number: int | None = None
    per_page: int | None = None


class CollectionSearchBody(Body):
    """`POST /v1/collections/search`: `query`, `sort` and `meta` (paging)."""

    query: CollectionQueryIn | None = None
    sort: dict[str, Any] | None = None
    meta: CollectionPagingIn | None = None


class SsoLinkBody(Body):
    """`POST /v1/sso/generate_link`: whose credential the link signs in to, and how it lands."""

    credential_id: LooseStr | None = None
    recipient_id: LooseStr | None = None
    recipient_email: LooseStr | None = None
    group_id: LooseStr | None = None
    wallet_view: bool | None = None
    embed: bool | None = None
    redirect_to: LooseStr | None = None


class DataExportIn(In):
    entity: LooseStr | None = None
    department_id: int | None = None


class DataExportBody(Wrapped):
    wrapper_key = "data_export"
    data_export: DataExportIn
