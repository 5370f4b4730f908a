"""Every dashboard page."""

from fastapi import APIRouter

from plaudit.dashboard import (
    account_pages,
    achievement_pages,
    analytics,
    credential_pages,
    department_pages,
    design_pages,
    import_pages,
    issue_pages,
    keys_pages,
    openedx_pages,
    overview,
    settings_pages,
    sign_in_pages,
    sso_pages,
    sso_settings_pages,
    team_pages,
    webhooks_pages,
)

router = APIRouter()
for module in (
    sign_in_pages,
    overview,
    credential_pages,
    issue_pages,
    import_pages,
    analytics,
    account_pages,
    team_pages,
    keys_pages,
    webhooks_pages,
    openedx_pages,
    settings_pages,
    department_pages,
    achievement_pages,
    design_pages,
    sso_pages,
    sso_settings_pages,
):
    router.include_router(module.router)
