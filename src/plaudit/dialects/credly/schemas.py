"""Credly request bodies, with Credly's field names."""

from typing import Any

from pydantic import BaseModel, ConfigDict

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

    activity_type: str | None = None
    title: str | None = None
    activity_url: str | None = None
    required_badge_template_id: str | None = None


class BadgeTemplateBody(BaseModel):
    """`POST|PUT .../badge_templates`: the fields an achievement holds; only those given change.
    `image`, `skills`, activities and the other Credly fields are accepted and not stored yet."""

    model_config = ConfigDict(extra="ignore")

    name: str | None = None
    description: str | None = None
    global_activity_url: str | None = None
    allow_duplicate_badges: bool | None = None
    state: str | None = None
    skills: list[str] | None = None
    badge_template_activities: list[Activity] | None = None

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
        fields = AchievementFields(**values)
        if new:
            # A template made through Credly may only start as a draft or active.
            if self.state == "archived":
                raise Invalid(fields={"state": ["is not included in the list"]})
            for required in ("name", "description"):
                if not (getattr(self, required) or "").strip():
                    raise Invalid(fields={required: ["can't be blank"]})
        return fields
