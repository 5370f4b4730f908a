"""Tables of the issuer dashboard (issue 15): team members' sessions, one-time links, single
sign-on connections and the identities they vouch for, and spreadsheet imports."""

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from plaudit.store.tables import IdType, JsonType, Row, org_fk


class DashboardSession(Row):
    """A signed-in team member's session. The browser holds the token; only its hash is here,
    so a copy of the database signs nobody in."""

    __tablename__ = "dashboard_sessions"

    organization_id: Mapped[int] = org_fk()
    team_member_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("team_members.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(
        String(64), unique=True, doc="HMAC-SHA256 of the token under the server's secret."
    )
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    via: Mapped[str] = mapped_column(String(16), doc="password, link, oidc or saml")


class OneTimeLink(Row):
    """A link that works once before it expires: the first owner's, an invitation, a password
    reset. Only the token's hash is kept."""

    __tablename__ = "one_time_links"

    organization_id: Mapped[int] = org_fk()
    team_member_id: Mapped[int | None] = mapped_column(
        IdType,
        ForeignKey("team_members.id", ondelete="CASCADE"),
        index=True,
        doc="None for the first owner's link: its follower becomes the member.",
    )
    purpose: Mapped[str] = mapped_column(
        String(16), doc="first_owner, invite, reset or saml_request"
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    answer: Mapped[dict[str, Any] | None] = mapped_column(
        JsonType,
        doc="A SAML request's checked answer, until the browser that sent it takes it up.",
    )


class SsoConnection(Row):
    """An organization's identity provider: OpenID Connect or SAML 2.0. Who signs in through it
    and is not yet a member becomes one with `default_role` (just-in-time membership)."""

    __tablename__ = "sso_connections"

    organization_id: Mapped[int] = org_fk()
    protocol: Mapped[str] = mapped_column(String(8), doc="oidc or saml")
    name: Mapped[str] = mapped_column(String(255))
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    default_role: Mapped[str] = mapped_column(String(16), default="viewer")
    allowed_domains: Mapped[list[str] | None] = mapped_column(
        JsonType, doc="Email domains it may sign in; None: any the provider vouches for."
    )
    settings: Mapped[dict[str, Any]] = mapped_column(
        JsonType,
        doc="OIDC: issuer, client_id, scopes. SAML: the IdP's metadata XML and entity id.",
    )
    secret_ciphertext: Mapped[bytes | None] = mapped_column(
        LargeBinary(1024), doc="AES-256-GCM nonce + ciphertext of the OIDC client secret."
    )


class TeamMemberIdentity(Row):
    """Who a team member is at an identity provider: the subject it vouched for."""

    __tablename__ = "team_member_identities"
    __table_args__ = (UniqueConstraint("sso_connection_id", "subject"),)

    organization_id: Mapped[int] = org_fk()
    team_member_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("team_members.id", ondelete="CASCADE"), index=True
    )
    sso_connection_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("sso_connections.id", ondelete="CASCADE")
    )
    subject: Mapped[str] = mapped_column(String(255))


class DashboardImport(Row):
    """A spreadsheet of recipients on its way to being issued: uploaded, mapped, checked row by
    row, then issued in the background, with its progress kept here for any page that asks."""

    __tablename__ = "dashboard_imports"

    organization_id: Mapped[int] = org_fk()
    team_member_id: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("team_members.id", ondelete="SET NULL"), index=True
    )
    achievement_id: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("achievements.id", ondelete="CASCADE"), index=True
    )
    filename: Mapped[str] = mapped_column(String(255))
    columns: Mapped[list[str]] = mapped_column(JsonType, doc="The file's header row.")
    rows: Mapped[list[list[str]]] = mapped_column(JsonType, doc="The file's cells, as text.")
    mapping: Mapped[dict[str, Any] | None] = mapped_column(
        JsonType, doc="Field name to column index; custom attributes under `custom`."
    )
    state: Mapped[str] = mapped_column(String(16), doc="uploaded, checked, issuing, done or failed")
    row_errors: Mapped[list[dict[str, Any]] | None] = mapped_column(
        JsonType, doc="One entry per bad cell: row, column, message."
    )
    total: Mapped[int] = mapped_column(Integer, default=0)
    done: Mapped[int] = mapped_column(Integer, default=0)
    failed: Mapped[int] = mapped_column(Integer, default=0)
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    credential_ids: Mapped[list[int] | None] = mapped_column(JsonType)
