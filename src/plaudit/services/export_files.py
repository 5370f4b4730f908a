"""What an export's files hold: for each entity its columns and rows, written as CSV with one
file per year in which the rows were created (as Accredible's export `urls` are per year)."""

import csv
import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session

from plaudit.domain.exports import safe_cell
from plaudit.store.reporting_tables import AnalyticsEvent, DataExport
from plaudit.store.tables import Achievement, Credential, Design, Organization
from plaudit.web import urls

BATCH = 500


@dataclass(frozen=True)
class ExportSpec:
    """What one export reads, detached from the session that loaded the export."""

    organization_id: int
    department_id: int
    entity: str
    year: int  # of the export itself: the year of the one (empty) file when nothing matches

    @classmethod
    def of(cls, export: DataExport) -> "ExportSpec":
        year = _utc(export.created_at).year
        return cls(export.organization_id, export.department_id, export.entity, year)


@dataclass(frozen=True)
class ExportFile:
    year: int
    row_count: int
    content: bytes


def _credentials(spec: ExportSpec) -> Select[Any]:
    return (
        select(
            Credential.id,
            Credential.license_id,
            Credential.encoded_id,
            Credential.encoded_id.label("url"),
            Credential.achievement_id.label("group_id"),
            Achievement.name.label("group_name"),
            Credential.department_id,
            Credential.recipient_name,
            Credential.recipient_email,
            Credential.recipient_external_id.label("recipient_id"),
            Credential.recipient_phone_number,
            Credential.name,
            Credential.description,
            Credential.issued_on,
            Credential.expired_on,
            Credential.complete,
            Credential.approve,
            Credential.private,
            Credential.grade,
            Credential.created_at,
            Credential.updated_at,
        )
        .join(Achievement, Achievement.id == Credential.achievement_id)
        .where(
            Credential.organization_id == spec.organization_id,
            Credential.department_id == spec.department_id,
        )
        .order_by(Credential.id)
    )


def _groups(spec: ExportSpec) -> Select[Any]:
    return (
        select(
            Achievement.id,
            Achievement.name,
            Achievement.course_name,
            Achievement.course_description,
            Achievement.course_link,
            Achievement.language,
            Achievement.department_id,
            Achievement.certificate_design_id,
            Achievement.badge_design_id,
            Achievement.primary_design_id,
            Achievement.auto_expiry,
            Achievement.allow_duplicate_credentials,
            Achievement.achievement_type,
            Achievement.created_at,
            Achievement.updated_at,
        )
        .where(
            Achievement.organization_id == spec.organization_id,
            Achievement.department_id == spec.department_id,
        )
        .order_by(Achievement.id)
    )


def _designs(spec: ExportSpec) -> Select[Any]:
    """The department's designs and the organization-wide ones its groups can use."""
    return (
        select(
            Design.id,
            Design.name,
            Design.kind,
            Design.department_id,
            Design.created_at,
            Design.updated_at,
        )
        .where(
            Design.organization_id == spec.organization_id,
            or_(Design.department_id == spec.department_id, Design.department_id.is_(None)),
        )
        .order_by(Design.id)
    )


def _organizations(spec: ExportSpec) -> Select[Any]:
    return select(
        Organization.id,
        Organization.name,
        Organization.email,
        Organization.url,
        Organization.description,
        Organization.language,
        Organization.created_at,
        Organization.updated_at,
    ).where(Organization.id == spec.organization_id)


def _credential_analytics(spec: ExportSpec) -> Select[Any]:
    return (
        select(
            AnalyticsEvent.id,
            AnalyticsEvent.credential_id,
            AnalyticsEvent.kind,
            AnalyticsEvent.channel,
            AnalyticsEvent.by_recipient,
            AnalyticsEvent.created_at,
        )
        .join(Credential, Credential.id == AnalyticsEvent.credential_id)
        .where(
            AnalyticsEvent.organization_id == spec.organization_id,
            Credential.department_id == spec.department_id,
        )
        .order_by(AnalyticsEvent.id)
    )


QUERIES: dict[str, Callable[[ExportSpec], Select[Any]]] = {
    "organizations": _organizations,
    "credentials": _credentials,
    "credential_analytics": _credential_analytics,
    "groups": _groups,
    "designs": _designs,
}
# Columns that hold a public URL, built from the stored value.
_LINKS: dict[str, Callable[[str, str], str]] = {"url": urls.credential_page}


def read(
    session: Session, spec: ExportSpec, base_url: str
) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    """The export's column names, and (year created, cells) for each of its rows, fetched in
    batches as they are consumed."""
    result = session.execute(QUERIES[spec.entity](spec).execution_options(yield_per=BATCH))
    names = list(result.keys())
    links = {index: _LINKS[name] for index, name in enumerate(names) if name in _LINKS}
    created = names.index("created_at")

    def cells() -> Iterator[tuple[int, list[str]]]:
        for row in result:
            values = list(row)
            for index, link in links.items():
                values[index] = link(base_url, values[index])
            yield _utc(values[created]).year, [_cell(value) for value in values]

    return names, cells()


def encode(names: list[str], rows: Iterable[tuple[int, list[str]]], year: int) -> list[ExportFile]:
    """CSV files, one per year, each with a header; a lone header-only file when there are no
    rows (for `year`, the export's own)."""
    buffers: dict[int, tuple[io.StringIO, Any]] = {}
    counts: dict[int, int] = {}
    for row_year, cells in rows:
        if row_year not in buffers:
            buffers[row_year] = _new_csv(names)
            counts[row_year] = 0
        buffers[row_year][1].writerow(cells)
        counts[row_year] += 1
    if not buffers:
        buffers[year] = _new_csv(names)
        counts[year] = 0
    return [
        ExportFile(year, counts[year], buffers[year][0].getvalue().encode())
        for year in sorted(buffers)
    ]


def _new_csv(names: list[str]) -> tuple[io.StringIO, Any]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(names)
    return buffer, writer


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return _utc(value).strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return safe_cell(value)
    return str(value)


def _utc(moment: datetime) -> datetime:
    """SQLite hands times back without a zone; every stored time is UTC."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
