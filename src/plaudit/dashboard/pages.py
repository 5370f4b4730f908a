"""Rendering a dashboard page: the layout's navigation, the member, the form token."""

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse

from plaudit.dashboard.guard import CSRF_FIELD, csrf_token
from plaudit.dashboard.roles import Action
from plaudit.dashboard.sessions import SignedIn
from plaudit.web.pages import page

# (path, label, action needed to see the entry); the layout marks the current one.
NAVIGATION: tuple[tuple[str, str, Action], ...] = (
    ("/dashboard", "Overview", Action.READ),
    ("/dashboard/credentials", "Credentials", Action.READ),
    ("/dashboard/achievements", "Achievements", Action.READ),
    ("/dashboard/issue", "Issue", Action.ISSUE),
    ("/dashboard/imports", "Import", Action.ISSUE),
    ("/dashboard/analytics", "Analytics", Action.READ),
    ("/dashboard/team", "Team", Action.TEAM),
    ("/dashboard/keys", "API keys", Action.INTEGRATIONS),
    ("/dashboard/webhooks", "Webhooks", Action.INTEGRATIONS),
    ("/dashboard/openedx", "Open edX", Action.INTEGRATIONS),
    ("/dashboard/settings", "Settings", Action.SETTINGS),
)


def show(
    request: Request,
    signed_in: SignedIn,
    template: str,
    context: dict[str, Any],
    *,
    status_code: int = 200,
) -> HTMLResponse:
    """`template` (under web/templates/dashboard/) with what every dashboard page uses:
    `member`, `csrf_field`/`csrf_token` for its forms, and the navigation it may follow."""
    token = csrf_token(request.app.state.server_secret, signed_in)
    navigation = [
        {"path": path, "label": label, "current": _is_current(request.url.path, path)}
        for path, label, action in NAVIGATION
        if signed_in.can(action)
    ]
    full = {
        "member": signed_in,
        "csrf_field": CSRF_FIELD,
        "csrf_token": token,
        "navigation": navigation,
        "Action": Action,
        **context,
    }
    return page(request, f"dashboard/{template}", full, status_code=status_code)


def _is_current(path: str, entry: str) -> bool:
    return path == entry or (entry != "/dashboard" and path.startswith(f"{entry}/"))
