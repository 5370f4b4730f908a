"""Tables of the Open edX Credentials dialect (issue 12): the connected sites, then each area's
own tables (catalog, user credentials, grades) below."""

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from uuid import UUID

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    LargeBinary,
    Numeric,
    String,
    Uuid,
    case,
    select,
)
from sqlalchemy.orm import Mapped, column_property, mapped_column, relationship

from plaudit.store.tables import Achievement, Credential, IdType, JsonType, Row, org_fk


class OpenedxSite(Row):
    """An Open edX site connected to an organization: its JWTs (HS256) carry `iss` = the
    site's issuer, which picks the organization. Several sites may share one organization."""

    __tablename__ = "openedx_sites"

    organization_id: Mapped[int] = org_fk()
    jwt_issuer: Mapped[str] = mapped_column(String(255), unique=True)
    jwt_audience: Mapped[str] = mapped_column(String(255))
    jwt_secret_ciphertext: Mapped[bytes] = mapped_column(
        LargeBinary(2048), doc="AES-256-GCM nonce + ciphertext of the JWT secret."
    )
    encryption_key_id: Mapped[str] = mapped_column(
        String(16), doc="Which server secret encrypted it (a hash of the derived key)."
    )
    service_username: Mapped[str | None] = mapped_column(
        String(255), doc="The LMS's service user: its tokens are staff."
    )


class OpenedxCourse(Row):
    """A course of the Open edX catalog (course-discovery's course: uuid and key)."""

    __tablename__ = "openedx_courses"
    __table_args__ = (Index(None, "organization_id", "course_uuid", unique=True),)

    organization_id: Mapped[int] = org_fk()
    course_uuid: Mapped[UUID] = mapped_column(Uuid)
    key: Mapped[str] = mapped_column(String(255))
    title: Mapped[str | None] = mapped_column(String(255))


class OpenedxCourseRun(Row):
    """A run of a course (`course-v1:Org+Course+Run`), the unit course certificates are for."""

    __tablename__ = "openedx_course_runs"
    __table_args__ = (Index(None, "organization_id", "key", unique=True),)

    organization_id: Mapped[int] = org_fk()
    course_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("openedx_courses.id", ondelete="CASCADE"), index=True
    )
    run_uuid: Mapped[UUID | None] = mapped_column(Uuid, index=True)
    key: Mapped[str] = mapped_column(String(255))
    title: Mapped[str | None] = mapped_column(String(255))

    course: Mapped[OpenedxCourse] = relationship(lazy="joined")


class OpenedxProgram(Row):
    """A program of the catalog and its certificate: `is_active` says whether credentials may be
    awarded for it, `achievement_id` is the Plaudit achievement they are issued in (made again
    when someone deleted it)."""

    __tablename__ = "openedx_programs"
    __table_args__ = (Index(None, "organization_id", "program_uuid", unique=True),)

    organization_id: Mapped[int] = org_fk()
    program_uuid: Mapped[UUID] = mapped_column(Uuid)
    title: Mapped[str] = mapped_column(String(255))
    program_type: Mapped[str | None] = mapped_column(String(64))
    authoring_organizations: Mapped[list[dict[str, Any]]] = mapped_column(JsonType, default=list)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    achievement_id: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("achievements.id", ondelete="SET NULL"), index=True
    )

    achievement: Mapped[Achievement | None] = relationship()


class OpenedxProgramCourseRun(Row):
    """A course run counted towards a program (course-discovery lists a program's courses with
    the runs that count, not necessarily all of them)."""

    __tablename__ = "openedx_program_course_runs"
    __table_args__ = (Index(None, "program_id", "course_run_id", unique=True),)

    program_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("openedx_programs.id", ondelete="CASCADE")
    )
    course_run_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("openedx_course_runs.id", ondelete="CASCADE"), index=True
    )


class OpenedxCourseCertificate(Row):
    """A course run certificate configuration, one per run and mode, as edx-platform posts it.
    The run need not be in the catalog (upstream accepts it before the catalog knows the run)."""

    __tablename__ = "openedx_course_certificates"
    __table_args__ = (
        Index(None, "organization_id", "course_run_key", "certificate_type", unique=True),
    )

    organization_id: Mapped[int] = org_fk()
    course_run_key: Mapped[str] = mapped_column(String(255))
    certificate_type: Mapped[str] = mapped_column(String(32))
    certificate_available_date: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    is_active: Mapped[bool] = mapped_column(Boolean, default=False)
    achievement_id: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("achievements.id", ondelete="SET NULL"), index=True
    )

    achievement: Mapped[Achievement | None] = relationship()


class OpenedxLearner(Row):
    """An Open edX learner, known by username (and the LMS's user id once it is given). Open
    edX never sends an email: the learner's credentials go to a reserved address made from the
    username (services/openedx_credentials.py)."""

    __tablename__ = "openedx_learners"
    __table_args__ = (Index(None, "organization_id", "username", unique=True),)

    organization_id: Mapped[int] = org_fk()
    username: Mapped[str] = mapped_column(String(255))
    lms_user_id: Mapped[int | None] = mapped_column(IdType, index=True)


class OpenedxUserCredential(Row):
    """A learner's program or course run credential (upstream's UserCredential): a Plaudit
    credential in the certificate's achievement. Its own uuid is the one Open edX sees, and it
    outlives a revoke: awarding it again issues a new Plaudit credential (a revoke is for good
    there) and points this row at it."""

    __tablename__ = "openedx_user_credentials"
    __table_args__ = (
        Index(None, "learner_id", "program_id", unique=True),
        Index(None, "learner_id", "course_certificate_id", unique=True),
        Index(None, "organization_id", "id"),
    )

    organization_id: Mapped[int] = org_fk()
    credential_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("credentials.id", ondelete="CASCADE"), unique=True
    )
    learner_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("openedx_learners.id", ondelete="CASCADE"), index=True
    )
    program_id: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("openedx_programs.id", ondelete="CASCADE"), index=True
    )
    course_certificate_id: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("openedx_course_certificates.id", ondelete="CASCADE"), index=True
    )
    attributes: Mapped[list[dict[str, str]]] = mapped_column(JsonType, default=list)
    visible_date: Mapped[str | None] = mapped_column(
        String(255), doc="The `visible_date` attribute's value, for `only_visible`."
    )
    date_override: Mapped[date | None] = mapped_column(Date)

    learner: Mapped[OpenedxLearner] = relationship(lazy="joined")
    program: Mapped[OpenedxProgram | None] = relationship(lazy="joined")
    course_certificate: Mapped[OpenedxCourseCertificate | None] = relationship(lazy="joined")
    if TYPE_CHECKING:  # a column_property set below
        status: Mapped[str]


# `awarded` or `revoked`, read from the Plaudit credential, the one place a revoke is kept: a
# revoke through any dialect shows here (and in learner_cert_status) too.
OpenedxUserCredential.status = column_property(
    select(case((Credential.state == "revoked", "revoked"), else_="awarded"))
    .where(Credential.id == OpenedxUserCredential.credential_id)
    .correlate_except(Credential)
    .scalar_subquery(),
)


class OpenedxGrade(Row):
    """A learner's grade in a course run as the LMS last reported it (`/api/v2/grades/`), shown
    by learner_cert_status. The run is named by its key, as edx-platform names it: the catalog
    may not hold the run (upstream's course certificates do not need it either)."""

    __tablename__ = "openedx_grades"
    __table_args__ = (Index(None, "learner_id", "course_run_key", unique=True),)

    organization_id: Mapped[int] = org_fk()
    learner_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("openedx_learners.id", ondelete="CASCADE")
    )
    course_run_key: Mapped[str] = mapped_column(String(255))
    letter_grade: Mapped[str] = mapped_column(String(255), default="")
    percent_grade: Mapped[Decimal] = mapped_column(Numeric(5, 4))
    verified: Mapped[bool] = mapped_column(Boolean, default=True)
    lms_last_updated_at: Mapped[datetime | None] = mapped_column(
        DateTime(timezone=True), doc="When the LMS computed it: an older report never wins."
    )
