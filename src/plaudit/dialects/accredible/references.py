"""A credential's references: `/v1/credentials/{credential_id}/references[/{reference_id}]`."""

from typing import Any

from fastapi import APIRouter
from sqlalchemy.orm import Session

from plaudit.dialects.accredible import mapping
from plaudit.dialects.accredible.auth import ApiKey, authorize
from plaudit.dialects.accredible.errors import AccredibleRoute
from plaudit.dialects.accredible.ids import path_id
from plaudit.dialects.accredible.schemas import ReferenceBody
from plaudit.http.deps import DbWork
from plaudit.services import evidence

router = APIRouter(route_class=AccredibleRoute, tags=["References"])
Json = dict[str, Any]
REFERENCES = "/v1/credentials/{credential_id}/references"
REFERENCE = REFERENCES + "/{reference_id}"


@router.post(REFERENCES, summary="Create a New Reference")
async def create_reference(
    credential_id: str, body: ReferenceBody, key: ApiKey, work: DbWork
) -> Json:
    data = mapping.reference_data(body.reference)

    def run(session: Session) -> Json:
        scope = authorize(session, key)
        reference = evidence.add_reference(session, scope, credential_id, data)
        response = {"reference": mapping.reference_out(reference)}
        session.commit()
        return response

    return await work(run)


@router.get(REFERENCE, summary="View a Reference")
async def view_reference(credential_id: str, reference_id: str, key: ApiKey, work: DbWork) -> Json:
    def run(session: Session) -> Json:
        scope = authorize(session, key)
        item_id = path_id(reference_id, "reference")
        reference = evidence.get_reference(session, scope, credential_id, item_id)
        return {"reference": mapping.reference_out(reference)}

    return await work(run)


@router.put(REFERENCE, summary="Update a Reference")
async def update_reference(
    credential_id: str, reference_id: str, body: ReferenceBody, key: ApiKey, work: DbWork
) -> Json:
    changes = mapping.reference_changes(body.reference)

    def run(session: Session) -> Json:
        scope = authorize(session, key)
        item_id = path_id(reference_id, "reference")
        reference = evidence.change_reference(session, scope, credential_id, item_id, changes)
        response = {"reference": mapping.reference_out(reference)}
        session.commit()
        return response

    return await work(run)


@router.delete(REFERENCE, summary="Delete a Reference")
async def delete_reference(
    credential_id: str, reference_id: str, key: ApiKey, work: DbWork
) -> Json:
    def run(session: Session) -> Json:
        scope = authorize(session, key)
        item_id = path_id(reference_id, "reference")
        reference = evidence.remove_reference(session, scope, credential_id, item_id)
        response = {"reference": mapping.reference_out(reference)}
        session.commit()
        return response

    return await work(run)
