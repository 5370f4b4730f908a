"""`/dashboard/achievements`: the organization's achievements, searched by name and filtered by
state, a page at a time; made, changed, archived and brought back with services/achievements.py
(the API's rules, its messages shown next to the fields), each with a certificate and a badge
design chosen from a gallery of the organization's designs (built-in and its own). Everyone
signed in sees them; the roles that may design change them."""

from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from plaudit.dashboard import achievement_form, form_errors
from plaudit.dashboard.guard import DashboardRoute, require
from plaudit.dashboard.pages import show
from plaudit.dashboard.roles import Action
from plaudit.dashboard.sessions import SignedIn
from plaudit.domain import limits
from plaudit.domain.achievements import LANGUAGES, AchievementFields, AchievementSearch
from plaudit.domain.errors import Invalid
from plaudit.domain.scope import Scope
from plaudit.http.deps import Work
from plaudit.services import achievements, departments, designs, organizations
from plaudit.store.tables import Achievement, Department, Design
from plaudit.web import urls

router = APIRouter(route_class=DashboardRoute, include_in_schema=False)

ACHIEVEMENTS = "/dashboard/achievements"
PAGE_SIZE = 20
MAX_PAGE = 100_000
MAX_SEARCH = 255
STATE_FILTERS = ("active", "archived", "all")
NOTICES = {"archived": "Achievement archived.", "active": "Achievement active again."}
Reader = Annotated[SignedIn, Depends(require(Action.READ))]
Designer = Annotated[SignedIn, Depends(require(Action.DESIGN))]


@dataclass(frozen=True)
class GalleryItem:
    id: int
    name: str
    builtin: bool
    image: str


@dataclass(frozen=True)
class Listed:
    id: int
    name: str
    course_name: str
    state: str
    credentials: int


def _choices(session: Session, scope: Scope, base_url: str) -> dict[str, Any]:
    """What the form offers: the departments, and the designs of each kind with a preview."""
    found = session.scalars(
        designs.visible(scope).order_by(Design.department_id.is_not(None), Design.id)
    ).all()
    gallery: dict[str, list[GalleryItem]] = {"certificate": [], "badge": []}
    for design in found:
        item = GalleryItem(
            design.id,
            design.name,
            design.content_svg is None,
            urls.design_image(base_url, design.uuid),
        )
        gallery.setdefault(design.kind, []).append(item)
    listed = session.scalars(departments.scoped(scope).order_by(Department.name)).all()
    return {
        "gallery": gallery,
        "departments": [(department.id, department.name) for department in listed],
        "languages": LANGUAGES,
    }


def _form_page(
    request: Request,
    signed_in: SignedIn,
    *,
    achievement: Listed | None,
    values: dict[str, Any],
    choices: dict[str, Any],
    errors: dict[str, list[str]] | None = None,
    notice: str | None = None,
) -> HTMLResponse:
    context = {
        "title": "New achievement" if achievement is None else achievement.name,
        "notice": notice,
        "achievement": achievement,
        "values": values,
        "errors": errors or {},
        "may_design": signed_in.can(Action.DESIGN),
        **choices,
    }
    status = 422 if errors else 200
    return show(request, signed_in, "achievement.html", context, status_code=status)


def _listed(achievement: Achievement) -> Listed:
    return Listed(
        achievement.id,
        achievement.name,
        achievement.course_name,
        achievement.state,
        achievement.badges_count,
    )


@router.get(ACHIEVEMENTS)
async def achievement_list(
    request: Request,
    signed_in: Reader,
    q: str = "",
    state: str = "active",
    page: int = 1,
    done: str | None = None,
) -> Response:
    q = "" if limits.contains_nul(q) else q.strip()[:MAX_SEARCH]
    state = state if state in STATE_FILTERS else "active"
    page = min(max(page, 1), MAX_PAGE)
    search = AchievementSearch(
        name=q or None, states=None if state == "all" else [state], sort="name"
    )

    def run(session: Session) -> tuple[list[Listed], int]:
        found = achievements.search(
            session, signed_in.scope, search, page=page, page_size=PAGE_SIZE
        )
        return [_listed(item) for item in found.items], found.total_count

    listed, total = await Work(request.app.state.database, readonly=True)(run)

    def page_link(number: int) -> str:
        return f"{ACHIEVEMENTS}?{urlencode({'q': q, 'state': state, 'page': number})}"

    last = max(1, -(-total // PAGE_SIZE))
    context = {
        "title": "Achievements",
        "notice": NOTICES.get(done or ""),
        "achievements": listed,
        "q": q,
        "state": state,
        "states": STATE_FILTERS,
        "total": total,
        "page": page,
        "last_page": last,
        "previous": page_link(page - 1) if page > 1 else None,
        "next": page_link(page + 1) if page < last else None,
        "back": page_link(page),
    }
    return show(request, signed_in, "achievements.html", context)


@router.get(f"{ACHIEVEMENTS}/new")
async def new_achievement(request: Request, signed_in: Designer) -> Response:
    base_url = request.app.state.settings.public_base_url

    def run(session: Session) -> tuple[dict[str, Any], dict[str, Any]]:
        values = achievement_form.values_of(None)
        for kind in ("certificate", "badge"):  # the designs a new achievement starts with
            default = organizations.default_design(session, signed_in.organization_id, kind)
            values[f"{kind}_design_id"] = str(default.id) if default else ""
        return values, _choices(session, signed_in.scope, base_url)

    values, choices = await Work(request.app.state.database, readonly=True)(run)
    return _form_page(request, signed_in, achievement=None, values=values, choices=choices)


@router.post(ACHIEVEMENTS)
async def create_achievement(request: Request, signed_in: Designer) -> Response:
    posted = achievement_form.read(await request.form())
    base_url = request.app.state.settings.public_base_url

    def run(session: Session) -> int | dict[str, Any]:
        errors = dict(posted.errors)
        if not errors:
            try:
                made = achievements.create(session, signed_in.scope, posted.fields)
                session.commit()
                return made.id
            except Invalid as error:
                errors = form_errors.by_field(error, {"design_id": "certificate_design_id"})
        return {"errors": errors, "choices": _choices(session, signed_in.scope, base_url)}

    outcome = await Work(request.app.state.database, readonly=False)(run)
    if isinstance(outcome, int):
        return RedirectResponse(f"{ACHIEVEMENTS}/{outcome}?done=saved", status_code=303)
    return _form_page(
        request,
        signed_in,
        achievement=None,
        values=posted.values,
        choices=outcome["choices"],
        errors=outcome["errors"],
    )


@router.get(f"{ACHIEVEMENTS}/{{achievement_id}}")
async def achievement_page(
    request: Request, signed_in: Reader, achievement_id: int, done: str | None = None
) -> Response:
    base_url = request.app.state.settings.public_base_url

    def run(session: Session) -> tuple[Listed, dict[str, Any], dict[str, Any]]:
        found = achievements.get(session, signed_in.scope, achievement_id)
        choices = _choices(session, signed_in.scope, base_url)
        return _listed(found), achievement_form.values_of(found), choices

    achievement, values, choices = await Work(request.app.state.database, readonly=True)(run)
    notice = "Achievement saved." if done == "saved" else None
    return _form_page(
        request, signed_in, achievement=achievement, values=values, choices=choices, notice=notice
    )


@router.post(f"{ACHIEVEMENTS}/{{achievement_id}}")
async def change_achievement(
    request: Request, signed_in: Designer, achievement_id: int
) -> Response:
    posted = achievement_form.read(await request.form())
    base_url = request.app.state.settings.public_base_url

    def run(session: Session) -> dict[str, Any] | None:
        found = _listed(achievements.get(session, signed_in.scope, achievement_id))
        errors = dict(posted.errors)
        if not errors:
            try:
                achievements.update(session, signed_in.scope, achievement_id, posted.fields)
                session.commit()
                return None
            except Invalid as error:
                errors = form_errors.by_field(error, {"design_id": "certificate_design_id"})
        choices = _choices(session, signed_in.scope, base_url)
        return {"errors": errors, "choices": choices, "achievement": found}

    outcome = await Work(request.app.state.database, readonly=False)(run)
    if outcome is None:
        return RedirectResponse(f"{ACHIEVEMENTS}/{achievement_id}?done=saved", status_code=303)
    return _form_page(
        request,
        signed_in,
        achievement=outcome["achievement"],
        values=posted.values,
        choices=outcome["choices"],
        errors=outcome["errors"],
    )


@router.post(f"{ACHIEVEMENTS}/{{achievement_id}}/state")
async def change_state(
    request: Request,
    signed_in: Designer,
    achievement_id: int,
    state: Annotated[str, Form(max_length=16)] = "",
    back: Annotated[str, Form(max_length=2048)] = "",
) -> Response:
    """Archives (`state=archived`) or brings back (`state=active`) an achievement."""
    if state not in ("active", "archived"):
        raise Invalid(fields={"state": ["is not included in the list"]})

    def run(session: Session) -> None:
        achievements.update(
            session, signed_in.scope, achievement_id, AchievementFields(state=state)
        )
        session.commit()

    await Work(request.app.state.database, readonly=False)(run)
    target = back if back.startswith(f"{ACHIEVEMENTS}?") and "//" not in back else ACHIEVEMENTS
    separator = "&" if "?" in target else "?"
    return RedirectResponse(f"{target}{separator}done={state}", status_code=303)
