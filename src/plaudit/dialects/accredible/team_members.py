"""Team members: `/v1/team_members` and `/v1/team_members/{id}`."""

from typing import Any

from fastapi import APIRouter
from sqlalchemy.orm import Session

from plaudit.dialects.accredible import mapping
from plaudit.dialects.accredible.auth import ApiKey, authorize
from plaudit.dialects.accredible.errors import AccredibleRoute
from plaudit.dialects.accredible.ids import path_id
from plaudit.dialects.accredible.schemas import TeamMemberBody
from plaudit.http.deps import DbWork
from plaudit.services import team_members

router = APIRouter(route_class=AccredibleRoute, tags=["Team Members"])
Json = dict[str, Any]


@router.post("/v1/team_members", summary="Create a Team Member")
async def create_team_member(body: TeamMemberBody, key: ApiKey, work: DbWork) -> Json:
    fields = mapping.team_member_fields(body.team_member)

    def run(session: Session) -> Json:
        scope = authorize(session, key)
        member = team_members.create(session, scope, fields)
        response = {"team_member": mapping.team_member_out(member)}
        session.commit()
        return response

    return await work(run)


@router.get("/v1/team_members/{id}", summary="View a Team Member")
async def view_team_member(id: str, key: ApiKey, work: DbWork) -> Json:
    def run(session: Session) -> Json:
        scope = authorize(session, key)
        member = team_members.get(session, scope, path_id(id, "team member"))
        return {"team_member": mapping.team_member_out(member)}

    return await work(run)


@router.put("/v1/team_members/{id}", summary="Update a Team Member")
async def update_team_member(id: str, body: TeamMemberBody, key: ApiKey, work: DbWork) -> Json:
    """The file documents no body for the answer; Plaudit returns the member as it is now."""
    fields = mapping.team_member_fields(body.team_member)

    def run(session: Session) -> Json:
        scope = authorize(session, key)
        member = team_members.update(session, scope, path_id(id, "team member"), fields)
        response = {"team_member": mapping.team_member_out(member)}
        session.commit()
        return response

    return await work(run)


@router.delete("/v1/team_members/{id}", summary="Delete a Team Member")
async def delete_team_member(id: str, key: ApiKey, work: DbWork) -> Json:
    """The file documents no body for the answer; Plaudit returns the member as it was."""

    def run(session: Session) -> Json:
        scope = authorize(session, key)
        member = team_members.delete(session, scope, path_id(id, "team member"))
        response = {"team_member": mapping.team_member_out(member)}
        session.commit()
        return response

    return await work(run)
