"""Achievements (Accredible groups, Credly badge templates, Open edX certificates): their fields
and rules."""

from dataclasses import dataclass, fields
from datetime import date
from typing import Any

from plaudit.domain import limits
from plaudit.domain.errors import Invalid
from plaudit.domain.values import UNSET, Maybe, is_blank, is_set

REQUIRED_TEXT = ("name", "course_name", "course_description")
STATES = ("draft", "active", "archived")
SORTS = ("name", "created_at", "updated_at", "badges_count")
LANGUAGES = (
    "en",
    "es",
    "vi",
    "pt",
    "ja",
    "fr",
    "da",
    "nl",
    "fi",
    "no",
    "nb",
    "ro",
    "sv",
    "th",
    "tw",
    "zh",
    "tr",
    "ar",
    "he",
    "ms",
    "de",
)
# Open Badges 3.0 AchievementType; "ext:" names an extension type.
ACHIEVEMENT_TYPES = (
    "Achievement",
    "ApprenticeshipCertificate",
    "Assessment",
    "Assignment",
    "AssociateDegree",
    "Award",
    "Badge",
    "BachelorDegree",
    "Certificate",
    "CertificateOfCompletion",
    "Certification",
    "CommunityService",
    "Competency",
    "Course",
    "CoCurricular",
    "Degree",
    "Diploma",
    "DoctoralDegree",
    "Fieldwork",
    "GeneralEducationDevelopment",
    "JourneymanCertificate",
    "LearningProgram",
    "License",
    "Membership",
    "ProfessionalDoctorate",
    "QualityAssuranceCredential",
    "MasterCertificate",
    "MasterDegree",
    "MicroCredential",
    "ResearchDoctorate",
    "SecondarySchoolDiploma",
)
TEXT_LIMITS = {
    "name": limits.NAME,
    "course_name": limits.NAME,
    "course_link": limits.URL,
    "signup_url": limits.URL,
}


@dataclass
class AchievementFields:
    """Every settable field of an achievement; UNSET means "not given"."""

    name: Maybe[str] = UNSET
    course_name: Maybe[str] = UNSET
    course_description: Maybe[str] = UNSET
    course_link: Maybe[str | None] = UNSET
    language: Maybe[str] = UNSET
    attach_pdf: Maybe[bool] = UNSET
    blockchain: Maybe[bool] = UNSET
    design_id: Maybe[int | None] = UNSET  # deprecated alias of certificate_design_id
    certificate_design_id: Maybe[int | None] = UNSET
    badge_design_id: Maybe[int | None] = UNSET
    primary_design_id: Maybe[int | None] = UNSET
    department_id: Maybe[int | None] = UNSET
    meta_data: Maybe[dict[str, Any] | None] = UNSET
    learning_outcomes: Maybe[list[str] | None] = UNSET
    generate_private_credential: Maybe[bool | None] = UNSET
    auto_expiry: Maybe[int | None] = UNSET
    signup_url: Maybe[str | None] = UNSET
    signup_url_show: Maybe[bool | None] = UNSET
    course_link_show: Maybe[bool | None] = UNSET
    organization_link_show: Maybe[bool | None] = UNSET
    allow_duplicate_credentials: Maybe[bool] = UNSET
    skill_category_id: Maybe[int | None] = UNSET
    achievement_type: Maybe[str | None] = UNSET
    state: Maybe[str] = UNSET
    # The full list of collections the achievement belongs to, as the caller names them.
    collection_refs: Maybe[list[str]] = UNSET
    # Credly's badge template fields: lists as the template shows them, and its extras.
    skills: Maybe[list[str] | None] = UNSET
    activities: Maybe[list[dict[str, Any]] | None] = UNSET
    alignments: Maybe[list[dict[str, Any]] | None] = UNSET
    recommendations: Maybe[list[dict[str, Any]] | None] = UNSET
    reporting_tags: Maybe[list[str] | None] = UNSET
    template_details: Maybe[dict[str, Any] | None] = UNSET
    # Default expiration of the credentials issued: a fixed date or an ISO 8601 period.
    expiry_fixed_on: Maybe[date | None] = UNSET
    expiry_period: Maybe[str | None] = UNSET

    def given(self) -> dict[str, Any]:
        """The fields the caller gave, by name."""
        return {
            f.name: getattr(self, f.name) for f in fields(self) if is_set(getattr(self, f.name))
        }


@dataclass(frozen=True)
class AchievementSearch:
    """Filters of an achievement search; None (or an empty list) filters nothing."""

    ids: list[str] | None = None
    name: str | None = None
    course_name: str | None = None
    meta_data: dict[str, str] | None = None
    updated_from: date | None = None
    updated_until: date | None = None
    states: list[str] | None = None
    name_exact: str | None = None
    created_from: date | None = None
    created_until: date | None = None
    # Any of these skills, any of these reporting tags (Credly's filters; any case).
    skills: list[str] | None = None
    reporting_tags: list[str] | None = None
    # Templates recommending any of these (recommendation ids), in any of these collections.
    recommendation_ids: list[str] | None = None
    collection_ids: list[str] | None = None
    # One of SORTS; "-" first is descending. None: creation order.
    sort: str | None = None


MAX_META_DATA_PAIRS = 20


def validate_search(search: AchievementSearch) -> None:
    """Lists short enough for one statement's bound parameters."""
    limits.check_items(
        {
            "ids": search.ids,
            "skills": search.skills,
            "reporting_tags": search.reporting_tags,
            "recommendation_ids": search.recommendation_ids,
            "collection_id": search.collection_ids,
        }
    )
    limits.check_items({"meta_data": search.meta_data}, MAX_META_DATA_PAIRS)
    if search.sort is not None and search.sort.removeprefix("-") not in SORTS:
        raise Invalid(fields={"sort": ["is not included in the list"]})
    unknown = [state for state in search.states or [] if state not in STATES]
    if unknown:
        raise Invalid(fields={"state": ["is not included in the list"]})


def validate_new(data: AchievementFields) -> None:
    """A new achievement needs a name, a course name and a course description."""
    blank = {name: ["can't be blank"] for name in REQUIRED_TEXT if is_blank(_value(data, name))}
    _check_numbers(data, blank)
    if blank:
        raise Invalid(fields=blank)


def validate_change(data: AchievementFields) -> None:
    """A change may leave the required texts out, but may not blank them."""
    blank = {
        name: ["can't be blank"]
        for name in REQUIRED_TEXT
        if is_set(getattr(data, name)) and is_blank(getattr(data, name))
    }
    _check_numbers(data, blank)
    if blank:
        raise Invalid(fields=blank)


def _check_numbers(data: AchievementFields, errors: dict[str, list[str]]) -> None:
    """Lengths, ranges and enumerations, added to `errors` by field."""
    given = data.given()
    try:
        limits.check_lengths(given, TEXT_LIMITS)
        for name in ("auto_expiry", "skill_category_id"):
            limits.check_int32(name, given.get(name))
    except Invalid as invalid:
        errors.update(invalid.fields)
    auto_expiry = given.get("auto_expiry")
    if auto_expiry is not None and auto_expiry > 200:
        errors["auto_expiry"] = ["must be less than or equal to 200"]
    language = given.get("language")
    if language is not None and language not in LANGUAGES:
        errors["language"] = ["is not included in the list"]
    kind = given.get("achievement_type")
    if kind is not None and kind not in ACHIEVEMENT_TYPES and not kind.startswith("ext:"):
        errors["achievement_type"] = ["is not included in the list"]
    state = given.get("state")
    if state is not None and state not in STATES:
        errors["state"] = ["is not included in the list"]


def _value(data: AchievementFields, name: str) -> Any:
    value = getattr(data, name)
    return None if not is_set(value) else value
