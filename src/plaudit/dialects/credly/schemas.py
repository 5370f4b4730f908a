"""Credly request bodies, with Credly's field names."""

from pydantic import BaseModel, ConfigDict


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
