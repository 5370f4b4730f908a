"""One small adapter per dialect, so that each rule of the contract is written once: make a
template, issue to an email, revoke, delete, look a badge up. Decisions come back as an
`Outcome` that says the same thing whichever dialect answered."""

from dataclasses import dataclass
from datetime import date
from typing import Any, Literal, Protocol
from uuid import UUID

import httpx
from sqlalchemy import select

from plaudit.domain.scope import Scope
from plaudit.services import badge_lifecycle
from plaudit.services import credentials as credential_service
from plaudit.store.db import Database
from plaudit.store.tables import Achievement, Credential
from tests.credly.badge_images import PNG_DATA_URI
from tests.credly.helpers import basic, organization_uuid
from tests.support.tenants import Tenant

Json = dict[str, Any]
# What a request says about expiry: nothing (the template's default), never, or a date.
Expiry = Literal["default", "never"] | date


@dataclass(frozen=True)
class Template:
    group_id: int  # Accredible's id
    uuid: str  # Credly's id


@dataclass(frozen=True)
class Badge:
    credential_id: int  # Accredible's id
    uuid: str  # Credly's id
    encoded_id: str  # its public page


@dataclass(frozen=True)
class Outcome:
    status: int
    badge: Badge | None
    issued_on: date | None
    expires_on: date | None

    @property
    def refused(self) -> bool:
        return self.badge is None


class Dialect(Protocol):
    name: str

    def create_template(self, name: str, *, duplicates: bool, expiry_years: int | None) -> Template:
        """A template (group) made through this dialect, with its duplicate and expiry rules."""

    def issue(
        self, template: Template, email: str, expires: Expiry = "default", earner_id: str = ""
    ) -> Outcome:
        """`earner_id`: the issuer's own id for the earner (Credly's `issuer_earner_id`,
        Accredible's `recipient.id`); empty: none."""

    def revoke(self, badge: Badge) -> int:
        """The status of the answer."""

    def delete(self, badge: Badge) -> int:
        """The status of the answer."""

    def found(self, badge: Badge) -> bool:
        """Whether this dialect still shows the badge."""


@dataclass
class Tenancy:
    http: httpx.Client
    database: Database
    tenant: Tenant

    def row(self, **where: Any) -> Credential:
        with self.database.session(readonly=True) as session:
            conditions = [getattr(Credential, key) == value for key, value in where.items()]
            row = session.scalar(select(Credential).where(*conditions))
            assert row is not None, where
            return row

    def badge(self, **where: Any) -> Badge:
        row = self.row(**where)
        return Badge(row.id, str(row.uuid), row.encoded_id)

    def achievement(self, **where: Any) -> Template:
        with self.database.session(readonly=True) as session:
            conditions = [getattr(Achievement, key) == value for key, value in where.items()]
            row = session.scalar(select(Achievement).where(*conditions))
            assert row is not None, where
            return Template(row.id, str(row.uuid))


def _day(text: str | None) -> date | None:
    return None if text is None else date.fromisoformat(text[:10])


class Accredible:
    """`/v1/issuer/groups`, `/v1/credentials`; revoking is `plaudit credentials revoke`'s path
    (the Accredible dialect has no revoke operation)."""

    name = "accredible"

    def __init__(self, tenancy: Tenancy) -> None:
        self.tenancy = tenancy
        self.headers = {"Authorization": f"Token token={tenancy.tenant.api_key}"}

    def _send(self, method: str, path: str, body: Json | None = None) -> httpx.Response:
        return self.tenancy.http.request(method, path, headers=self.headers, json=body)

    def create_template(self, name: str, *, duplicates: bool, expiry_years: int | None) -> Template:
        group = {
            "name": name,
            "course_name": name,
            "course_description": "Contract rules.",
            "allow_duplicate_credentials": duplicates,
            "auto_expiry": expiry_years,
        }
        response = self._send("POST", "/v1/issuer/groups", {"group": group})
        assert response.status_code == 200, response.text
        return self.tenancy.achievement(id=response.json()["group"]["id"])

    def issue(
        self, template: Template, email: str, expires: Expiry = "default", earner_id: str = ""
    ) -> Outcome:
        recipient = {"name": "Ada Lovelace", "email": email}
        if earner_id:
            recipient["id"] = earner_id
        credential: Json = {"recipient": recipient, "group_id": template.group_id}
        if expires == "never":
            credential["expired_on"] = None
        elif isinstance(expires, date):
            credential["expired_on"] = expires.isoformat()
        response = self._send("POST", "/v1/credentials", {"credential": credential})
        if response.status_code != 200:
            return Outcome(response.status_code, None, None, None)
        body = response.json()["credential"]
        badge = self.tenancy.badge(id=body["id"])
        issued_on, expires_on = _day(body["issued_on"]), _day(body["expired_on"])
        return Outcome(response.status_code, badge, issued_on, expires_on)

    def revoke(self, badge: Badge) -> int:
        scope = Scope(self.tenancy.tenant.organization_id)
        with self.tenancy.database.transaction() as session:
            credential = credential_service.get(session, scope, str(badge.credential_id))
            badge_lifecycle.revoke(session, scope, credential, "contract", suppress_email=False)
        return 200

    def delete(self, badge: Badge) -> int:
        return self._send("DELETE", f"/v1/credentials/{badge.credential_id}").status_code

    def found(self, badge: Badge) -> bool:
        status = self._send("GET", f"/v1/credentials/{badge.credential_id}").status_code
        assert status in {200, 404}
        return status == 200


class Credly:
    """`/v1/organizations/{uuid}/badge_templates` and `.../badges` with HTTP Basic."""

    name = "credly"

    def __init__(self, tenancy: Tenancy) -> None:
        self.tenancy = tenancy
        self.headers = basic(tenancy.tenant.api_key)
        self.base = f"/v1/organizations/{organization_uuid(tenancy.database, tenancy.tenant)}"

    def _send(self, method: str, path: str, body: Json | None = None) -> httpx.Response:
        return self.tenancy.http.request(method, self.base + path, headers=self.headers, json=body)

    def create_template(self, name: str, *, duplicates: bool, expiry_years: int | None) -> Template:
        template: Json = {
            "name": name,
            "description": "Contract rules.",
            "image": PNG_DATA_URI,
            "skills": ["Contracts"],
            "global_activity_url": "https://example.com/contract",
            "badge_template_activities": [
                {"activity_type": "Award", "title": "Pass", "activity_url": "https://example.com"}
            ],
            "allow_duplicate_badges": duplicates,
        }
        if expiry_years is not None:
            template["default_expires_at_type"] = "years"
            template["default_expires_at_amount"] = expiry_years
        response = self._send("POST", "/badge_templates", template)
        assert response.status_code == 201, response.text
        return self.tenancy.achievement(uuid=UUID(response.json()["data"]["id"]))

    def issue(
        self, template: Template, email: str, expires: Expiry = "default", earner_id: str = ""
    ) -> Outcome:
        badge: Json = {
            "recipient_email": email,
            "issued_to_first_name": "Ada",
            "issued_to_last_name": "Lovelace",
            "badge_template_id": template.uuid,
            "issued_at": date.today().isoformat(),
            "expires_at": None,
        }
        if earner_id:
            badge["issuer_earner_id"] = earner_id
        if expires == "never":
            badge["expires_at"] = False
        elif isinstance(expires, date):
            badge["expires_at"] = expires.isoformat()
        response = self._send("POST", "/badges", badge)
        if response.status_code != 201:
            return Outcome(response.status_code, None, None, None)
        data = response.json()["data"]
        found = self.tenancy.badge(uuid=UUID(data["id"]))
        issued_on, expires_on = _day(data["issued_at"]), _day(data["expires_at"])
        return Outcome(response.status_code, found, issued_on, expires_on)

    def revoke(self, badge: Badge) -> int:
        return self._send("PUT", f"/badges/{badge.uuid}/revoke", {"reason": "contract"}).status_code

    def delete(self, badge: Badge) -> int:
        return self._send("DELETE", f"/badges/{badge.uuid}").status_code

    def found(self, badge: Badge) -> bool:
        status = self._send("GET", f"/badges/{badge.uuid}").status_code
        assert status in {200, 404}
        return status == 200

    def archive(self, template: Template) -> None:
        response = self._send("PUT", f"/badge_templates/{template.uuid}/archive")
        assert response.status_code == 200, response.text


DIALECTS = {"accredible": Accredible, "credly": Credly}
