"""Credly request bodies, with Credly's field names."""

from typing import Any

from pydantic import BaseModel, ConfigDict

from plaudit.dialects.credly import template_fields
from plaudit.domain.achievements import AchievementFields
from plaudit.domain.errors import Invalid


class OrganizationBody(BaseModel):
    """`PUT /v1/organizations/{organization_id}`: only the fields given change; null clears
    an optional one."""

    model_config = ConfigDict(extra="ignore")

    name: str | None = None
    website_url: str | None = None
    contact_email: str | None = None
    webhook_url: str | None = None

    def changes(self) -> dict[str, str | None]:
        """The given fields under their core names, in declaration order."""
        core = {"name": "name", "website_url": "url", "contact_email": "email"}
        return {
            core.get(field, field): getattr(self, field)
            for field in type(self).model_fields
            if field in self.model_fields_set
        }


class Activity(BaseModel):
    model_config = ConfigDict(extra="ignore")

    id: str | None = None
    activity_type: str | None = None
    title: str | None = None
    activity_url: str | None = None
    required_badge_template_id: str | None = None


class Alignment(BaseModel):
    model_config = ConfigDict(extra="ignore")

    id: str | None = None
    name: str | None = None
    url: str | None = None
    description: str | None = None


class Recommendation(BaseModel):
    """A recommended next step; `id` keeps a recommendation's identity across updates."""

    model_config = ConfigDict(extra="ignore")

    id: str | None = None
    title: str | None = None
    type: str | None = None
    activity_url: str | None = None


# Credly's descriptive extras, kept as given in the achievement's template_details.
Extra = str | bool | int | float | None
EXTRAS = (
    "cost",
    "level",
    "time_to_earn",
    "type_category",
    "translatable",
    "lock_badge_state",
    "linkedin_share_default_message",
    "earn_this_badge_url",
    "enable_earn_this_badge",
    "criteria_url",
    "criteria_url_name",
    "send_expiring_badge_notifications",
    "show_skill_tag_links",
    "only_one_skill_required",
    "certification",
    "vanity_slug",
)
MAX_EXTRA = 1000
# What a new template must have: Credly's list (reference-notes), checked all at once.
REQUIRED = ("name", "description", "image", "skills", "global_activity_url")


class BadgeTemplateBody(BaseModel):
    """`POST|PUT .../badge_templates`: only the fields given change. `image` (a URL or base64)
    is read by the handler into the template's badge design (template_images.py)."""

    model_config = ConfigDict(extra="allow")

    name: str | None = None
    description: str | None = None
    global_activity_url: str | None = None
    allow_duplicate_badges: bool | None = None
    state: str | None = None
    image: str | None = None
    skills: list[str] | None = None
    badge_template_activities: list[Activity] | None = None
    alignments: list[Alignment] | None = None
    recommendations: list[Recommendation] | None = None
    reporting_tags: list[str] | None = None
    # Default expiration: a fixed date, or a period (`P2Y`, or an amount of a unit).
    default_expires_at: str | None = None
    default_expires_in: str | None = None
    default_expires_at_type: str | None = None
    default_expires_at_amount: int | None = None

    def extras(self) -> dict[str, Extra]:
        """The extras given (unknown keys are ignored); a list or object among them is a 422."""
        given = {name: value for name, value in (self.model_extra or {}).items() if name in EXTRAS}
        wrong = {
            name: ["is not a text or a number"]
            for name, value in given.items()
            if isinstance(value, list | dict)
        } | {
            name: [f"is too long (maximum is {MAX_EXTRA} characters)"]
            for name, value in given.items()
            if isinstance(value, str) and len(value) > MAX_EXTRA
        }
        if wrong:
            raise Invalid(fields=wrong)
        return given

    def missing(self) -> dict[str, list[str]]:
        """What a new template lacks, by Credly's attribute names."""
        errors = {
            name: ["can't be blank"] for name in REQUIRED if not _present(getattr(self, name))
        }
        activities = [item for item in self.badge_template_activities or [] if item.title]
        if not activities:
            errors["badge_template_activities"] = ["must have at least one activity"]
        return errors

    def achievement_fields(self, *, new: bool = False) -> AchievementFields:
        given = self.model_fields_set
        values: dict[str, Any] = {}
        if "name" in given:
            values["name"] = self.name
            if new:
                # The course name is the template's name: Credly has no other.
                values["course_name"] = self.name
        if "description" in given:
            values["course_description"] = self.description
        if "global_activity_url" in given:
            values["course_link"] = self.global_activity_url
        if "allow_duplicate_badges" in given and self.allow_duplicate_badges is not None:
            values["allow_duplicate_credentials"] = self.allow_duplicate_badges
        if "state" in given and self.state is not None:
            values["state"] = self.state
        values.update(template_fields.lists(self))
        values.update(template_fields.expiry(self))
        if extras := self.extras():
            values["template_details"] = extras
        fields = AchievementFields(**values)
        if new:
            # A template made through Credly may only start as a draft or active.
            if self.state == "archived":
                raise Invalid(fields={"state": ["is not included in the list"]})
            errors = self.missing()
            if errors:
                raise Invalid(fields=errors)
        return fields


def _present(value: object) -> bool:
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, list):
        return any(_present(item) for item in value)
    return value is not None
