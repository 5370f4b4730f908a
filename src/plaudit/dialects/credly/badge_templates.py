"""`/v1/organizations/{organization_id}/badge_templates`: Credly's badge templates are Plaudit's
achievements (Accredible's groups), read and changed through the achievement service.

`?filter=key::value|key::value` narrows the list (`state::active,draft`, `name::part` or
`name::"exact"`, `query::part`, `public`, `owner_id`, `created_at_min|max`,
`updated_at_min|max`, and comma lists matching any of `skills`, `reporting_tags`,
`recommendation_ids`, `collection_id`); a key Plaudit does not know is a 422 naming `filter`,
never a silently wider list. `?sort=name|created_at|updated_at|badges_count` (`-` first:
descending); another key is a 422 naming `sort`."""

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from typing import Annotated, Any

from fastapi import Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from sqlalchemy.orm import Session

from plaudit.dialects.credly import mapping
from plaudit.dialects.credly.auth import Token, authorize_organization
from plaudit.dialects.credly.filters import boolean, split_filter, split_list
from plaudit.dialects.credly.paging import list_page, page_request
from plaudit.dialects.credly.routing import CredlyRouter
from plaudit.dialects.credly.schemas import BadgeTemplateBody
from plaudit.domain.achievements import AchievementFields, AchievementSearch
from plaudit.domain.errors import Conflict, Invalid
from plaudit.http.deps import AppSettings, DbWork
from plaudit.services import (
    achievements,
    guarded_network,
    template_image_fetch,
    template_images,
)
from plaudit.store.tables import Achievement, Organization

router = CredlyRouter(tags=["Credly: badge templates"])
Json = dict[str, Any]
BASE = "/v1/organizations/{organization_id}/badge_templates"
# Filter keys whose value is a comma list, by the search field they fill.
LIST_KEYS = {
    "skills": "skills",
    "reporting_tags": "reporting_tags",
    "recommendation_ids": "recommendation_ids",
    "collection_id": "collection_ids",
}
DATE_KEYS = {
    "updated_at_min": "updated_from",
    "updated_at_max": "updated_until",
    "created_at_min": "created_from",
    "created_at_max": "created_until",
}
KNOWN_KEYS = {
    "query",
    "name",
    "state",
    "public",
    "owner_id",
    "updated_at_min",
    "updated_at_max",
    "created_at_min",
    "created_at_max",
} | set(LIST_KEYS)
HAS_BADGES = "Badge template has issued badges and cannot be deleted"


@dataclass(frozen=True)
class TemplateFilter:
    search: AchievementSearch
    # A filter no template can pass (`public::false`, another owner).
    empty: bool = False


def parse_filter(text: str | None, organization: Organization) -> TemplateFilter:
    """`key::value|key::value`; a value may hold `::` or `,` (a list), never `|`."""
    pairs = split_filter(text, KNOWN_KEYS)
    values: dict[str, Any] = {}
    empty = False
    if "state" in pairs:
        values["states"] = split_list(pairs["state"])
    if "name" in pairs:
        name = pairs["name"]
        if len(name) >= 2 and name.startswith('"') and name.endswith('"'):
            values["name_exact"] = name[1:-1]
        else:
            values["name"] = name
    if "query" in pairs:
        if "name" in values:
            raise Invalid(fields={"filter": ["query and a partial name cannot be combined"]})
        values["name"] = pairs["query"]
    if "public" in pairs:
        # Every Plaudit template is public: its BadgeClass is served to anyone.
        empty = empty or not boolean("public", pairs["public"])
    if "owner_id" in pairs:
        empty = empty or pairs["owner_id"].lower() != str(organization.uuid)
    for key, field in LIST_KEYS.items():
        if key in pairs:
            values[field] = split_list(pairs[key])
    for key, field in DATE_KEYS.items():
        if key in pairs:
            try:
                values[field] = date.fromisoformat(pairs[key][:10])
            except ValueError:
                raise Invalid(fields={"filter": [f"{key} is not a date"]}) from None
    return TemplateFilter(AchievementSearch(**values), empty=empty)


def _one(achievement: Achievement, organization: Organization, base_url: str) -> Json:
    """A single-template answer."""
    return {"data": mapping.badge_template_out(achievement, organization, base_url), "metadata": {}}


@router.get(BASE, summary="List badge templates")
async def list_badge_templates(
    request: Request,
    organization_id: str,
    token: Token,
    work: DbWork,
    settings: AppSettings,
    page: Annotated[str | None, Query()] = None,
    filter: Annotated[str | None, Query()] = None,
    sort: Annotated[str | None, Query()] = None,
) -> Json:
    def run(session: Session) -> Json:
        scope, organization = authorize_organization(session, token, organization_id)
        wanted = page_request(page)
        chosen = parse_filter(filter, organization)
        if sort is not None and sort.strip():
            chosen = replace(chosen, search=replace(chosen.search, sort=sort.strip()))
        if chosen.empty:
            return list_page(request.url, wanted, [], 0)
        found = achievements.search(
            session, scope, chosen.search, page=wanted.page, page_size=wanted.per
        )
        base_url = settings.public_base_url
        rows = [mapping.badge_template_out(item, organization, base_url) for item in found.items]
        return list_page(request.url, wanted, rows, found.total_count)

    return await work(run)


@router.get(BASE + "/{template_id}", summary="Get a badge template")
async def get_badge_template(
    organization_id: str, template_id: str, token: Token, work: DbWork, settings: AppSettings
) -> Json:
    def run(session: Session) -> Json:
        scope, organization = authorize_organization(session, token, organization_id)
        achievement = achievements.get_by_uuid(session, scope, template_id)
        return _one(achievement, organization, settings.public_base_url)

    return await work(run)


@router.post(BASE, summary="Create a badge template", status_code=201)
async def create_badge_template(
    organization_id: str,
    body: BadgeTemplateBody,
    token: Token,
    work: DbWork,
    settings: AppSettings,
    response: Response,
) -> Json:
    def check(session: Session) -> None:
        authorize_organization(session, token, organization_id)
        body.achievement_fields(new=True)

    image = await _image(body, work, settings, check)

    def run(session: Session) -> Json:
        scope, organization = authorize_organization(session, token, organization_id)
        fields = body.achievement_fields(new=True)
        if image is not None:
            design = template_images.badge_design(session, scope, image, body.name or "")
            fields.badge_design_id = design.id
        achievement = achievements.create(session, scope, fields)
        answer = _one(achievement, organization, settings.public_base_url)
        session.commit()
        response.headers["Location"] = answer["data"]["url"]
        return answer

    return await work(run)


@router.put(BASE + "/{template_id}", summary="Update a badge template")
async def update_badge_template(
    organization_id: str,
    template_id: str,
    body: BadgeTemplateBody,
    token: Token,
    work: DbWork,
    settings: AppSettings,
) -> Json:
    def check(session: Session) -> None:
        scope, _ = authorize_organization(session, token, organization_id)
        achievements.get_by_uuid(session, scope, template_id)
        body.achievement_fields()

    image = await _image(body, work, settings, check)

    def run(session: Session) -> Json:
        scope, organization = authorize_organization(session, token, organization_id)
        found = achievements.get_by_uuid(session, scope, template_id)
        fields = body.achievement_fields()
        if image is not None:
            name = body.name or found.name
            fields.badge_design_id = template_images.badge_design(session, scope, image, name).id
        achievement = achievements.update(session, scope, found.id, fields)
        answer = _one(achievement, organization, settings.public_base_url)
        session.commit()
        return answer

    return await work(run)


@router.delete(BASE + "/{template_id}", summary="Delete a badge template", status_code=204)
async def delete_badge_template(
    organization_id: str, template_id: str, token: Token, work: DbWork
) -> Response:
    def run(session: Session) -> None:
        scope, _ = authorize_organization(session, token, organization_id)
        found = achievements.get_by_uuid(session, scope, template_id)
        try:
            achievements.delete(session, scope, found.id)
        except Conflict as refused:
            # The core's rule (no deleting a group with credentials), in Credly's words.
            raise Conflict(refused.code, HAS_BADGES) from None
        session.commit()

    await work(run)
    return Response(status_code=204)


async def _image(
    body: BadgeTemplateBody, work: DbWork, settings: AppSettings, check: Callable[[Session], None]
) -> bytes | None:
    """The bytes of the body's `image`, if it has one, read only once `check` (the caller's
    authorization and the body's other fields) has passed; a URL is fetched outside any
    transaction."""
    if not body.image:
        return None
    await work(check)
    if not template_images.is_url(body.image):
        return await run_in_threadpool(template_images.decode, body.image)
    allowed = guarded_network.allowed_hosts(settings.template_image_fetch_allow_hosts)
    return await run_in_threadpool(template_image_fetch.fetch, body.image, allowed)


def _state_route(state: str) -> Any:
    async def change_state(
        organization_id: str, template_id: str, token: Token, work: DbWork, settings: AppSettings
    ) -> Json:
        def run(session: Session) -> Json:
            scope, organization = authorize_organization(session, token, organization_id)
            found = achievements.get_by_uuid(session, scope, template_id)
            achievement = achievements.update(
                session, scope, found.id, AchievementFields(state=state)
            )
            answer = _one(achievement, organization, settings.public_base_url)
            session.commit()
            return answer

        return await work(run)

    return change_state


# Credly documents PUT; POST is accepted too (some clients send it).
for _action, _state in (("archive", "archived"), ("unarchive", "active")):
    router.add_api_route(
        BASE + "/{template_id}/" + _action,
        _state_route(_state),
        methods=["PUT", "POST"],
        summary=f"{_action.capitalize()} a badge template",
    )
