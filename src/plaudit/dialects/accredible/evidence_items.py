"""A credential's evidence items: `/v1/credentials/{credential_id}/evidence_items[/{id}]`."""

from typing import Any

from fastapi import APIRouter
from sqlalchemy.orm import Session

from plaudit.dialects.accredible import mapping
from plaudit.dialects.accredible.auth import ApiKey, authorize
from plaudit.dialects.accredible.errors import AccredibleRoute
from plaudit.dialects.accredible.ids import path_id
from plaudit.dialects.accredible.schemas import EvidenceItemBody
from plaudit.http.deps import DbWork
from plaudit.services import evidence

router = APIRouter(route_class=AccredibleRoute, tags=["Evidence Items"])
Json = dict[str, Any]
ITEMS = "/v1/credentials/{credential_id}/evidence_items"
ITEM = ITEMS + "/{evidence_item_id}"


@router.post(ITEMS, summary="Create a New Evidence Item")
async def create_evidence_item(
    credential_id: str, body: EvidenceItemBody, key: ApiKey, work: DbWork
) -> Json:
    data = mapping.evidence_item_data(body.evidence_item)

    def run(session: Session) -> Json:
        scope = authorize(session, key)
        item = evidence.add_evidence_item(session, scope, credential_id, data)
        response = {"evidence_item": mapping.evidence_item_out(item)}
        session.commit()
        return response

    return await work(run)


@router.get(ITEM, summary="View an Evidence Item")
async def view_evidence_item(
    credential_id: str, evidence_item_id: str, key: ApiKey, work: DbWork
) -> Json:
    def run(session: Session) -> Json:
        scope = authorize(session, key)
        item_id = path_id(evidence_item_id, "evidence item")
        item = evidence.get_evidence_item(session, scope, credential_id, item_id)
        return {"evidence_item": mapping.evidence_item_out(item)}

    return await work(run)


@router.put(ITEM, summary="Update an Evidence Item")
async def update_evidence_item(
    credential_id: str, evidence_item_id: str, body: EvidenceItemBody, key: ApiKey, work: DbWork
) -> Json:
    changes = mapping.evidence_item_changes(body.evidence_item)

    def run(session: Session) -> Json:
        scope = authorize(session, key)
        item_id = path_id(evidence_item_id, "evidence item")
        item = evidence.change_evidence_item(session, scope, credential_id, item_id, changes)
        response = {"evidence_item": mapping.evidence_item_out(item)}
        session.commit()
        return response

    return await work(run)


@router.delete(ITEM, summary="Delete an Evidence Item")
async def delete_evidence_item(
    credential_id: str, evidence_item_id: str, key: ApiKey, work: DbWork
) -> Json:
    def run(session: Session) -> Json:
        scope = authorize(session, key)
        item_id = path_id(evidence_item_id, "evidence item")
        item = evidence.remove_evidence_item(session, scope, credential_id, item_id)
        response = {"evidence_item": mapping.evidence_item_out(item)}
        session.commit()
        return response

    return await work(run)
