"""`GET /v1/organizations/{organization_id}/events` and `.../events/{event_id}`: what changed in
the organization's badges and templates. A webhook receiver fetches an event by the id it was
sent and reads its object (openedx/credentials webhooks.py reads `data.badge_template`'s id,
owner.id, name, state, description and image_url): `badge` for a badge event, `badge_template`
for a template event, the full object while it exists, else `{"id": ...}` (deleted)."""

from collections.abc import Mapping
from typing import Annotated, Any
from uuid import UUID

from fastapi import Query, Request
from sqlalchemy.orm import Session

from plaudit.dialects.credly import mapping
from plaudit.dialects.credly.auth import Token, authorize_organization
from plaudit.dialects.credly.badge_mapping import badge_out
from plaudit.dialects.credly.paging import list_metadata, page_request
from plaudit.dialects.credly.routing import CredlyRouter
from plaudit.http.deps import AppSettings, DbWork
from plaudit.services import badge_links, event_feed
from plaudit.store.event_tables import Event
from plaudit.store.tables import Organization

router = CredlyRouter(tags=["Credly: events"])
Json = dict[str, Any]
BASE = "/v1/organizations/{organization_id}/events"


def event_out(
    event: Event,
    subjects: event_feed.Subjects,
    organization: Organization,
    base_url: str,
    links: Mapping[int, UUID] | None = None,
) -> Json:
    body: Json = {
        "id": str(event.uuid),
        "organization_id": str(organization.uuid),
        "event_type": event.event_type,
        "occurred_at": mapping.timestamp(event.occurred_at),
    }
    gone = {"id": str(event.subject_uuid)}
    if event.subject_type == "badge":
        badge = subjects.badges.get(event.subject_uuid)
        body["badge"] = (
            gone if badge is None else badge_out(badge, organization, base_url, links=links)
        )
    else:
        template = subjects.templates.get(event.subject_uuid)
        body["badge_template"] = (
            gone
            if template is None
            else mapping.badge_template_out(template, organization, base_url)
        )
    return body


@router.get(BASE, summary="List events")
async def list_events(
    request: Request,
    organization_id: str,
    token: Token,
    work: DbWork,
    settings: AppSettings,
    page: Annotated[str | None, Query()] = None,
) -> Json:
    def run(session: Session) -> Json:
        scope, organization = authorize_organization(session, token, organization_id)
        wanted = page_request(page)
        found = event_feed.page(session, scope, offset=wanted.offset, limit=wanted.per)
        links = badge_links.linked_uuids(session, found.subjects.badges.values())
        rows = [
            event_out(event, found.subjects, organization, settings.public_base_url, links)
            for event in found.events
        ]
        return {
            "data": rows,
            "metadata": list_metadata(request.url, wanted, len(rows), found.total_count),
        }

    return await work(run)


@router.get(BASE + "/{event_id}", summary="Get an event")
async def get_event(
    organization_id: str, event_id: str, token: Token, work: DbWork, settings: AppSettings
) -> Json:
    def run(session: Session) -> Json:
        scope, organization = authorize_organization(session, token, organization_id)
        event, subjects = event_feed.get(session, scope, event_id)
        return {
            "data": event_out(event, subjects, organization, settings.public_base_url),
            "metadata": {},
        }

    return await work(run)
