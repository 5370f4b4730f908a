"""Dashboard roles and what each may do. Every dashboard route names the action it performs
(dashboard/guard.py), so a viewer cannot change anything whatever it posts, and an issuer
cannot manage keys or the team."""

from enum import StrEnum


class Role(StrEnum):
    OWNER = "owner"
    ADMIN = "admin"
    ISSUER = "issuer"
    VIEWER = "viewer"


class Action(StrEnum):
    READ = "read"  # every page that only shows
    ISSUE = "issue"  # issue, import, revoke, un-publish, delete, re-send credentials
    DESIGN = "design"  # achievements and designs: create, edit, archive
    SETTINGS = "settings"  # the organization's settings, departments, single sign-on
    INTEGRATIONS = "integrations"  # API keys, webhooks, Open edX connections
    TEAM = "team"  # invite, change the role of and remove team members


_ALLOWED: dict[Role, frozenset[Action]] = {
    Role.VIEWER: frozenset({Action.READ}),
    Role.ISSUER: frozenset({Action.READ, Action.ISSUE, Action.DESIGN}),
    Role.ADMIN: frozenset(Action),
    Role.OWNER: frozenset(Action),
}


def allows(role: str, action: Action) -> bool:
    """Whether `role` may perform `action`; an unknown role may do nothing."""
    try:
        return action in _ALLOWED[Role(role)]
    except ValueError:
        return False


def may_grant(granter: str, role: str) -> bool:
    """Only an owner makes or unmakes owners; an admin grants the other roles."""
    if granter == Role.OWNER:
        return role in set(Role)
    return granter == Role.ADMIN and role in {Role.ADMIN, Role.ISSUER, Role.VIEWER}
