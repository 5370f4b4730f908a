"""Credly badges for the lifecycle and events tests: an organization's paths and template,
badges issued through `POST .../badges`, and their rows."""

from dataclasses import dataclass
from typing import Any
from uuid import UUID

import httpx
from sqlalchemy import select

from plaudit.store.db import Database
from plaudit.store.tables import Achievement, Credential
from tests.accredible.helpers import create_group, unique_email
from tests.credly.helpers import basic, organization_uuid
from tests.support.tenants import Tenant


@dataclass
class Org:
    http: httpx.Client
    database: Database
    tenant: Tenant
    base: str
    template: str

    def send(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        return self.http.request(
            method, self.base + path, headers=basic(self.tenant.api_key), **kwargs
        )

    def issue(self, **fields: Any) -> dict[str, Any]:
        body = {
            "recipient_email": unique_email(),
            "issued_to_first_name": "Ada",
            "issued_to_last_name": "Lovelace",
            "badge_template_id": self.template,
            "issued_at": "2024-03-01 09:41:00 -0500",
            **fields,
        }
        response = self.send("POST", "/badges", json=body)
        assert response.status_code == 201, response.text
        return response.json()["data"]

    def replace(self, badge_id: str, **fields: Any) -> httpx.Response:
        body = {"badge_template_id": self.template, "issued_at": "2025-01-02", **fields}
        return self.send("POST", f"/badges/{badge_id}/replace", json=body)

    def replaced(self, badge_id: str, **fields: Any) -> dict[str, Any]:
        response = self.replace(badge_id, **fields)
        assert response.status_code == 201, response.text
        return response.json()["data"]

    def row(self, badge_id: str) -> Credential | None:
        with self.database.session(readonly=True) as session:
            return session.scalar(select(Credential).where(Credential.uuid == UUID(badge_id)))


def make_org(api: httpx.Client, http: httpx.Client, database: Database, tenant: Tenant) -> Org:
    """The tenant's Credly paths, with a fresh template."""
    return Org(http, database, tenant, base_path(database, tenant), template(api, database))


def base_path(database: Database, tenant: Tenant) -> str:
    return f"/v1/organizations/{organization_uuid(database, tenant)}"


def template(api: httpx.Client, database: Database, **changes: Any) -> str:
    """An Accredible group (a Credly template) by UUID; `changes` are set on its row."""
    group_id = create_group(api)["id"]
    with database.transaction() as session:
        achievement = session.get(Achievement, group_id)
        assert achievement is not None
        for name, value in changes.items():
            setattr(achievement, name, value)
        return str(achievement.uuid)
