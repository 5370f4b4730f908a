"""Analytics: `GET /v1/analytics` and `POST /v1/credentials/analytics/{id}`."""

import re
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends
from sqlalchemy.orm import Session

from plaudit.dialects.accredible.auth import ApiKey, authorize
from plaudit.dialects.accredible.errors import AccredibleRoute
from plaudit.dialects.accredible.mapping import timestamp
from plaudit.dialects.accredible.paging import list_parameters, page_meta, page_request
from plaudit.domain import analytics as kinds
from plaudit.domain.dates import parse_date
from plaudit.domain.errors import Invalid
from plaudit.http.deps import DbWork
from plaudit.services import analytics
from plaudit.store.reporting_tables import AnalyticsEvent
from plaudit.web.page_views import ViewsWritten

router = APIRouter(route_class=AccredibleRoute, tags=["Analytics"])
Json = dict[str, Any]

DEFAULT_PAGE_SIZE = 100  # as the OpenAPI file documents for this endpoint
_SLASHED_DATE = re.compile(r"(\d{4})/(\d{1,2})/(\d{1,2})")
_INTEGER = re.compile(r"-?\d+")
# The event name's stem per kind, and the channel it names when the event has none.
_EVENT_NAMES = {
    kinds.VIEW: ("view", "certificate"),
    kinds.SHARE: ("share", "credential"),
    kinds.DOWNLOAD: ("download", "pdf"),
    kinds.LINK_CLICK: ("click", "link"),
}
# Accredible's own name for a verification (its OpenAPI example), whoever made it and where.
VERIFIED = "credential_user_verified"


def event_name(event: AnalyticsEvent) -> str:
    """Accredible-style names: `recipient_view_certificate`, `share_linkedin`,
    `download_pdf`, `click_course_link` (with `recipient_` when the recipient did it), and
    `credential_user_verified`."""
    if event.kind == kinds.VERIFY:
        return VERIFIED
    verb, default_channel = _EVENT_NAMES[event.kind]
    name = f"{verb}_{event.channel or default_channel}"
    return f"recipient_{name}" if event.by_recipient else name


def event_out(event: AnalyticsEvent) -> Json:
    return {
        "credential_id": event.credential_id,
        "event": event_name(event),
        "created_at": timestamp(event.created_at),
    }


def _date(value: Any, name: str) -> date | None:
    """YYYY-MM-DD, or the deprecated YYYY/MM/DD the OpenAPI file still accepts."""
    if isinstance(value, str) and (match := _SLASHED_DATE.fullmatch(value.strip())):
        try:
            return date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            raise Invalid(fields={name: ["is not a valid date"]}) from None
    return parse_date(value, name)


def _id(value: Any, name: str) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and _INTEGER.fullmatch(value.strip()):
        return int(value)
    raise Invalid(fields={name: ["is not a number"]})


def _filters(parameters: Json) -> analytics.EventFilter:
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {}
    for name, read in (
        ("start_date", _date),
        ("end_date", _date),
        ("group_id", _id),
        ("department_id", _id),
    ):
        try:
            values[name] = read(parameters.get(name), name)
        except Invalid as error:
            errors.update(error.fields)
    if errors:
        raise Invalid(fields=errors)
    return analytics.EventFilter(
        start=values["start_date"],
        end=values["end_date"],
        group_id=values["group_id"],
        department_id=values["department_id"],
    )


@router.get("/v1/analytics", summary="Index Analytics")
async def index_analytics(
    key: ApiKey,
    work: DbWork,
    parameters: Annotated[Json, Depends(list_parameters)],
    _views: ViewsWritten,
) -> Json:
    def run(session: Session) -> Json:
        scope = authorize(session, key)
        given = parameters
        if given.get("page_size") in (None, ""):
            given = {**given, "page_size": DEFAULT_PAGE_SIZE}
        paging = page_request(given)
        page = analytics.list_page(
            session, scope, _filters(parameters), page=paging.page, page_size=paging.page_size
        )
        return {
            "analytics": [event_out(event) for event in page.items],
            "meta": page_meta(paging, page.total_count),
        }

    return await work(run)


@router.post("/v1/credentials/analytics/{id}", summary="View Credential Analytics")
async def credential_analytics(id: str, key: ApiKey, work: DbWork, _views: ViewsWritten) -> Json:
    def run(session: Session) -> Json:
        scope = authorize(session, key)
        events = analytics.for_credential(session, scope, id)
        return {"analytics": [event_out(event) for event in events]}

    return await work(run)
