"""An organization's logo and colours: set from the dashboard's settings, shown on its public
pages (web/organization_files.py) and drawn on the built-in designs (services/renderings.py)."""

import hashlib

from sqlalchemy.orm import Session

from plaudit.domain import colors
from plaudit.domain.errors import Forbidden, Invalid, NotFound
from plaudit.domain.scope import Scope
from plaudit.render.logos import Logo
from plaudit.services import organizations, status_lists
from plaudit.store.tables import Organization


def _changeable(session: Session, scope: Scope) -> Organization:
    if scope.department_id is not None:
        message = "A department API key cannot change the organization"
        raise Forbidden("department.scoped_key", message)
    return organizations.get_organization(session, scope.organization_id)


def set_logo(session: Session, scope: Scope, logo: Logo) -> Organization:
    """Stores a prepared logo (render/logos.py); its SHA-256 names its URL."""
    organization = _changeable(session, scope)
    organization.logo = logo.content
    organization.logo_media_type = logo.media_type
    organization.logo_sha256 = hashlib.sha256(logo.content).hexdigest()
    session.flush()
    return organization


def remove_logo(session: Session, scope: Scope) -> Organization:
    organization = _changeable(session, scope)
    organization.logo = None
    organization.logo_media_type = None
    organization.logo_sha256 = None
    session.flush()
    return organization


def set_colors(
    session: Session, scope: Scope, primary: str | None, accent: str | None
) -> Organization:
    """Sets both colours (`#rrggbb`; blank means the designs' own). A primary colour that white
    text cannot be read on is refused, saying its contrast."""
    problems: dict[str, list[str]] = {}
    primary, accent = (primary or "").strip(), (accent or "").strip()
    if primary and (reason := colors.primary_problem(primary)):
        problems["primary_color"] = [reason]
    if accent and (reason := colors.accent_problem(accent)):
        problems["accent_color"] = [reason]
    if problems:
        raise Invalid(fields=problems)
    organization = _changeable(session, scope)
    organization.primary_color = colors.normalized(primary) if primary else None
    organization.accent_color = colors.normalized(accent) if accent else None
    session.flush()
    return organization


def logo_of(session: Session, organization_uuid: str, sha256: str) -> tuple[bytes, str]:
    """The logo an organization has now, if `sha256` names it (an old logo is gone)."""
    organization = status_lists.organization_by_uuid(session, organization_uuid)
    if (
        organization.logo_sha256 is None
        or organization.logo_sha256 != sha256.lower()
        or organization.logo is None
        or organization.logo_media_type is None
    ):
        raise NotFound("logo")
    return bytes(organization.logo), organization.logo_media_type


def theme_digest(primary: str | None, accent: str | None) -> str | None:
    """What names an organization's colour stylesheet; None when it chose no colour."""
    if not primary and not accent:
        return None
    return hashlib.sha256(f"{primary or ''}|{accent or ''}".encode()).hexdigest()[:16]


def theme_of(session: Session, organization_uuid: str, digest: str) -> str:
    """The stylesheet that puts the organization's colours on its pages (plaudit.css's
    variables), if `digest` names its colours now."""
    organization = status_lists.organization_by_uuid(session, organization_uuid)
    primary, accent = organization.primary_color, organization.accent_color
    if theme_digest(primary, accent) != digest:
        raise NotFound("theme")
    sheet = ""
    if primary:
        sheet += f":root {{ --accent: {primary}; --accent-dark: {colors.darker(primary)}; }}\n"
    if accent:
        sheet += f".topbar {{ border-top: 4px solid {accent}; }}\n"
    return sheet
