"""Team members: create, read, change (permissions given replace all), delete.

A department-scoped key manages only the members whose every permission is for its department.
"""

from sqlalchemy import Select, exists, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from plaudit.domain import limits
from plaudit.domain import team_members as rules
from plaudit.domain.errors import Duplicate, Invalid, NotFound
from plaudit.domain.scope import Scope
from plaudit.domain.team_members import DepartmentPermission, TeamMemberFields
from plaudit.domain.values import normalize_email
from plaudit.services import achievements, departments
from plaudit.store.org_tables import TeamMember, TeamMemberPermission

TAKEN = {"email": ["has already been taken"]}


def scoped(scope: Scope) -> Select[tuple[TeamMember]]:
    query = select(TeamMember).where(TeamMember.organization_id == scope.organization_id)
    if scope.department_id is not None:
        grants = TeamMemberPermission.team_member_id == TeamMember.id
        query = query.where(
            exists().where(grants, TeamMemberPermission.department_id == scope.department_id),
            ~exists().where(grants, TeamMemberPermission.department_id != scope.department_id),
        )
    return query


def get(session: Session, scope: Scope, member_id: int) -> TeamMember:
    member = None
    if limits.is_storable_id(member_id):
        member = session.scalar(scoped(scope).where(TeamMember.id == member_id))
    if member is None:
        raise NotFound("team member")
    return member


def create(session: Session, scope: Scope, data: TeamMemberFields) -> TeamMember:
    rules.validate_new(data)
    member = TeamMember(organization_id=scope.organization_id, department_permissions=[])
    _apply(session, scope, member, data)
    session.add(member)
    _flush(session)
    return member


def update(session: Session, scope: Scope, member_id: int, data: TeamMemberFields) -> TeamMember:
    member = get(session, scope, member_id)
    rules.validate_change(data)
    _apply(session, scope, member, data)
    _flush(session)
    return member


def delete(session: Session, scope: Scope, member_id: int) -> TeamMember:
    member = get(session, scope, member_id)
    session.delete(member)
    session.flush()
    return member


def _apply(session: Session, scope: Scope, member: TeamMember, data: TeamMemberFields) -> None:
    given = data.given()
    if "name" in given:
        member.name = given["name"].strip()
    if "email" in given:
        email = given["email"].strip()
        _check_email_free(session, scope, member, normalize_email(email))
        member.email, member.email_normalized = email, normalize_email(email)
    if "department_permissions" in given:
        grants = [
            _grant(session, scope, grant, index)
            for index, grant in enumerate(given["department_permissions"])
        ]
        if member.department_permissions:
            # The old rows go first: a new one for the same department would collide with them.
            member.department_permissions.clear()
            session.flush()
        member.department_permissions = grants


def _grant(
    session: Session, scope: Scope, grant: DepartmentPermission, index: int
) -> TeamMemberPermission:
    prefix = f"department_permissions[{index}]"
    assert grant.department_id is not None and grant.permissions is not None  # validated
    department = departments.resolve(session, scope, grant.department_id, f"{prefix}.department_id")
    permissions = grant.permissions
    groups = permissions.groups
    if groups is not None:
        for group_id in groups:
            group = achievements.get_or_none(session, scope, group_id)
            if group is None or group.department_id != department.id:
                raise Invalid(fields={f"{prefix}.permissions.groups": ["is invalid"]})
    return TeamMemberPermission(
        department_id=department.id,
        designs=permissions.designs,
        emails=permissions.emails,
        credential_attributes=permissions.credential_attributes,
        analytics=permissions.analytics,
        settings=permissions.settings,
        role=permissions.role,
        group_ids=groups,
    )


def _check_email_free(session: Session, scope: Scope, member: TeamMember, email: str) -> None:
    query = exists().where(
        TeamMember.organization_id == scope.organization_id, TeamMember.email_normalized == email
    )
    if member.id is not None:
        query = query.where(TeamMember.id != member.id)
    if session.scalar(select(query)):
        raise Duplicate(fields=TAKEN)


def _flush(session: Session) -> None:
    try:
        session.flush()
    except IntegrityError:  # a concurrent request took the email first
        raise Duplicate(fields=TAKEN) from None
