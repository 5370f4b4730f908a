"""Open edX user credentials (issue 12): a learner's program or course run credential.

Each is a Plaudit credential in the certificate's achievement, so it has the public page, PDF,
OB 3.0 proof and status list of any other; `openedx_user_credentials` keeps what Open edX sees
(its uuid, status, attributes, date override). Learners have no email in Open edX's calls: the
recipient is `<username>@<organization uuid hex>.openedx.invalid` (`.invalid` is reserved, so no
mail is ever sent and no wallet sign-in matches it), named by the username.

Upstream's rules: POST is update-or-create on (learner, certificate); attributes are upserted by
name, the ones not given kept; a date override not given is removed. Revoking sets the
credential's status bit for good (services/badge_lifecycle.revoke), so awarding it again issues
a new Plaudit credential that replaces the revoked one, under the same Open edX uuid."""

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from uuid import UUID

from sqlalchemy import ColumnElement, Select, false, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from plaudit.domain.credentials import CredentialFields, RecipientData
from plaudit.domain.scope import Scope
from plaudit.services import badge_lifecycle, credentials, openedx_learners
from plaudit.store.openedx_tables import (
    OpenedxCourseCertificate,
    OpenedxCourseRun,
    OpenedxLearner,
    OpenedxProgram,
    OpenedxProgramCourseRun,
    OpenedxUserCredential,
)
from plaudit.store.tables import Credential, Organization

AWARDED, REVOKED = "awarded", "revoked"
STATUSES = (AWARDED, REVOKED)
PROGRAM, COURSE_RUN = "program", "course-run"
VISIBLE_DATE = "visible_date"
# Characters a username may keep in the reserved address; any other username gets its id.
_LOCAL_PART = re.compile(r"^[A-Za-z0-9._+-]{1,64}$")


@dataclass(frozen=True)
class Certificate:
    """What a credential is for: a program certificate or a course run certificate."""

    achievement_id: int
    program_id: int | None = None
    course_certificate_id: int | None = None


@dataclass(frozen=True)
class Award:
    """A POST's content. `attributes` None: not given (kept); `date_override` None: removed."""

    username: str
    certificate: Certificate
    status: str = AWARDED
    attributes: list[tuple[str, str]] | None = None
    date_override: date | None = None
    lms_user_id: int | None = None


@dataclass(frozen=True)
class Query:
    """The list's filters. `by_program`: filtered by `program_uuid` (None when the given one is
    not a UUID: nothing matches); its program's credentials match, and the course credentials
    of the course runs in it."""

    username: str | None = None
    status: str | None = None
    type: str | None = None
    by_program: bool = False
    program_uuid: UUID | None = None
    only_visible: bool = False


def award(session: Session, scope: Scope, data: Award, *, today: date) -> OpenedxUserCredential:
    """Update-or-create the learner's credential for the certificate."""
    learner = _learner(session, scope.organization_id, data.username, data.lms_user_id)
    certificate = data.certificate
    query = select(OpenedxUserCredential).where(
        OpenedxUserCredential.learner_id == learner.id,
        OpenedxUserCredential.program_id == certificate.program_id
        if certificate.program_id is not None
        else OpenedxUserCredential.course_certificate_id == certificate.course_certificate_id,
    )
    row = session.scalar(query)
    if row is None:
        try:
            # A concurrent request awarding the same credential wins; this one's credential is
            # undone with the savepoint and it updates the winner's.
            with session.begin_nested():
                credential = _issue(session, scope, learner, certificate.achievement_id, today)
                row = OpenedxUserCredential(
                    organization_id=scope.organization_id,
                    credential_id=credential.id,
                    learner_id=learner.id,
                    learner=learner,
                    program_id=certificate.program_id,
                    course_certificate_id=certificate.course_certificate_id,
                    attributes=[],
                )
                session.add(row)
        except IntegrityError:
            row = session.scalars(query).one()
    set_status(session, scope, row, data.status, today=today)
    if data.attributes is not None:
        _upsert_attributes(row, data.attributes)
    row.date_override = data.date_override
    session.flush()
    return row


def set_status(
    session: Session, scope: Scope, row: OpenedxUserCredential, status: str, *, today: date
) -> OpenedxUserCredential:
    """awarded -> revoked revokes the Plaudit credential; revoked -> awarded issues a new one
    that replaces it (a revoke is for good). The same status again changes nothing. A
    credential replaced through another dialect is followed to its current one first."""
    credential = badge_lifecycle.current_of(session, session.get_one(Credential, row.credential_id))
    if credential.id != row.credential_id:
        row.credential_id = credential.id
        _refresh(session, row)
    if status == row.status:
        return row
    if status == REVOKED:
        badge_lifecycle.revoke(session, scope, credential, None, suppress_email=True)
    else:
        new = _issue(session, scope, row.learner, credential.achievement_id, today)
        new.replaces_id = credential.id
        credential.replaced_by_id = new.id
        row.credential_id = new.id
    row.updated_at = datetime.now(UTC)
    _refresh(session, row)
    return row


def _refresh(session: Session, row: OpenedxUserCredential) -> None:
    """`status` is read from the credential: read it again after a change."""
    session.flush()
    session.expire(row, ["status"])


def get(session: Session, organization_id: int, uuid: object) -> OpenedxUserCredential | None:
    return session.scalar(
        select(OpenedxUserCredential).where(
            OpenedxUserCredential.organization_id == organization_id,
            OpenedxUserCredential.uuid == uuid,
        )
    )


def by_uuid(session: Session, uuid: object) -> OpenedxUserCredential | None:
    """For the public `/credentials/{uuid hex}/` link, whoever asks."""
    return session.scalar(select(OpenedxUserCredential).where(OpenedxUserCredential.uuid == uuid))


def count(session: Session, organization_id: int, query: Query) -> int:
    matching = _filtered(organization_id, query).with_only_columns(OpenedxUserCredential.id)
    return session.scalar(select(func.count()).select_from(matching.subquery())) or 0


def page(
    session: Session, organization_id: int, query: Query, *, offset: int, limit: int
) -> list[OpenedxUserCredential]:
    """One page, oldest first."""
    selected = _filtered(organization_id, query).order_by(OpenedxUserCredential.id)
    return list(session.scalars(selected.offset(offset).limit(limit)).unique())


def _filtered(organization_id: int, query: Query) -> Select[tuple[OpenedxUserCredential]]:
    selected = select(OpenedxUserCredential).where(
        OpenedxUserCredential.organization_id == organization_id
    )
    if query.username is not None:
        selected = selected.join(OpenedxLearner).where(OpenedxLearner.username == query.username)
    if query.status is not None:
        selected = selected.where(OpenedxUserCredential.status == query.status)
    if query.type == PROGRAM:
        selected = selected.where(OpenedxUserCredential.program_id.is_not(None))
    elif query.type == COURSE_RUN:
        selected = selected.where(OpenedxUserCredential.course_certificate_id.is_not(None))
    if query.by_program:
        selected = selected.where(_of_program(organization_id, query.program_uuid))
    if query.only_visible:
        now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        # Upstream compares the attribute's text with now's, in this format.
        selected = selected.where(
            or_(
                OpenedxUserCredential.visible_date.is_(None),
                OpenedxUserCredential.visible_date <= now,
            )
        )
    return selected


def _of_program(organization_id: int, program_uuid: UUID | None) -> ColumnElement[bool]:
    if program_uuid is None:
        return false()
    program = select(OpenedxProgram.id).where(
        OpenedxProgram.organization_id == organization_id,
        OpenedxProgram.program_uuid == program_uuid,
    )
    run_keys = (
        select(OpenedxCourseRun.key)
        .join(OpenedxProgramCourseRun, OpenedxProgramCourseRun.course_run_id == OpenedxCourseRun.id)
        .where(OpenedxProgramCourseRun.program_id.in_(program))
    )
    certificates = select(OpenedxCourseCertificate.id).where(
        OpenedxCourseCertificate.organization_id == organization_id,
        OpenedxCourseCertificate.course_run_key.in_(run_keys),
    )
    return or_(
        OpenedxUserCredential.program_id.in_(program),
        OpenedxUserCredential.course_certificate_id.in_(certificates),
    )


def recipient_email(organization: Organization, learner: OpenedxLearner) -> str:
    local = learner.username if _LOCAL_PART.match(learner.username) else learner.uuid.hex
    return f"{local}@{organization.uuid.hex}.openedx.invalid"


def _issue(
    session: Session,
    scope: Scope,
    learner: OpenedxLearner,
    achievement_id: int,
    today: date,
) -> Credential:
    """Certificate achievements allow duplicates (services/openedx_certificate_achievements.py):
    a new credential after a revoke is no duplicate."""
    organization = session.get_one(Organization, scope.organization_id)
    return credentials.issue(
        session,
        scope,
        CredentialFields(
            achievement_ref=achievement_id,
            recipient=RecipientData(
                name=learner.username, email=recipient_email(organization, learner)
            ),
            state=badge_lifecycle.ACCEPTED,
        ),
        today=today,
    ).credential


def _learner(
    session: Session, organization_id: int, username: str, lms_user_id: int | None
) -> OpenedxLearner:
    learner = openedx_learners.get_or_create(session, organization_id, username)
    if lms_user_id is not None and learner.lms_user_id != lms_user_id:
        learner.lms_user_id = lms_user_id
    return learner


def _upsert_attributes(row: OpenedxUserCredential, given: list[tuple[str, str]]) -> None:
    values = {item["name"]: item["value"] for item in row.attributes or []}
    values.update(dict(given))
    row.attributes = [{"name": name, "value": value} for name, value in values.items()]
    row.visible_date = values.get(VISIBLE_DATE)
