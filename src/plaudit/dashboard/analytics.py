"""`/dashboard/analytics`: credentials issued, viewed, shared, added to LinkedIn and verified
over time, and per achievement and department, as charts with their numbers in tables; and the
same numbers as CSV (`/dashboard/analytics.csv`)."""

import csv
import io
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from plaudit.dashboard import charts
from plaudit.dashboard.analytics_form import PERIODS, AnalyticsRequest, Parsed, parse
from plaudit.dashboard.guard import DashboardRoute, require
from plaudit.dashboard.pages import show
from plaudit.dashboard.roles import Action
from plaudit.dashboard.sessions import SignedIn
from plaudit.domain.errors import NotFound
from plaudit.domain.exports import safe_cell
from plaudit.domain.scope import Scope
from plaudit.http.deps import Work
from plaudit.services import analytics_reports as reports
from plaudit.services import departments
from plaudit.services.analytics_reports import ENGAGEMENT, ISSUED, MEASURES, VIEWED, Total
from plaudit.store.tables import Achievement, Organization
from plaudit.store.time_buckets import Unit
from plaudit.web.page_views import ViewsWritten

router = APIRouter(route_class=DashboardRoute, include_in_schema=False)

PATH = "/dashboard/analytics"
TOP = 10  # rows drawn in a totals chart; its table and the CSV have them all
TABLES = ("time", "achievements", "departments")
_UNIT_HEADINGS: dict[Unit, str] = {"day": "Day", "week": "Week starting", "month": "Month"}


@dataclass(frozen=True)
class Choices:
    """What the filters offer, and the organization's colour for its charts."""

    achievements: list[tuple[int, str]]
    departments: list[tuple[int, str]]
    primary_color: str | None


@dataclass(frozen=True)
class Report:
    request: AnalyticsRequest
    starts: list[date]
    issued: list[int]
    engagement: dict[str, list[int]]
    by_achievement: list[Total]
    by_department: list[Total]


def _choices(session: Session, organization_id: int) -> Choices:
    achievements = session.execute(
        select(Achievement.id, Achievement.name)
        .where(Achievement.organization_id == organization_id)
        .order_by(Achievement.name, Achievement.id)
    )
    found_departments = session.scalars(departments.scoped(Scope(organization_id)))
    color = session.scalar(
        select(Organization.primary_color).where(Organization.id == organization_id)
    )
    return Choices(
        achievements=[(id_, name) for id_, name in achievements],
        departments=sorted((one.id, one.name) for one in found_departments),
        primary_color=color,
    )


def _check_filters(choices: Choices, request: AnalyticsRequest) -> None:
    """Another organization's achievement or department is not found, as anywhere else."""
    if request.achievement_id is not None and request.achievement_id not in dict(
        choices.achievements
    ):
        raise NotFound("achievement")
    if request.department_id is not None and request.department_id not in dict(choices.departments):
        raise NotFound("department")


def _report(session: Session, scope: Scope, request: AnalyticsRequest, choices: Choices) -> Report:
    filters = reports.ReportFilter(
        request.start, request.end, request.unit, request.achievement_id, request.department_id
    )
    starts = request.bucket_starts
    counts = reports.count(session, scope, filters)
    return Report(
        request=request,
        starts=starts,
        issued=[counts.issued.get(start, 0) for start in starts],
        engagement={
            measure: [counts.engaged.get(start, {}).get(measure, 0) for start in starts]
            for measure in ENGAGEMENT
        },
        by_achievement=reports.ranked(counts.totals.by_achievement, dict(choices.achievements)),
        by_department=reports.ranked(counts.totals.by_department, dict(choices.departments)),
    )


async def _read(
    request: Request, signed_in: SignedIn, wanted: AnalyticsRequest
) -> tuple[Choices, Report]:
    """The filters' choices and the report, in one read-only session."""
    scope = signed_in.scope

    def run(session: Session) -> tuple[Choices, Report]:
        choices = _choices(session, scope.organization_id)
        _check_filters(choices, wanted)
        return choices, _report(session, scope, wanted, choices)

    return await Work(request.app.state.database, readonly=True)(run)


def _today() -> date:
    return datetime.now(UTC).date()


@router.get(PATH)
async def analytics_page(
    request: Request,
    signed_in: Annotated[SignedIn, Depends(require(Action.READ))],
    _views: ViewsWritten,
) -> Response:
    return await _page(request, signed_in, parse(request.query_params, _today()))


async def _page(request: Request, signed_in: SignedIn, parsed: Parsed) -> Response:
    """The page, or the form again with a message by each field it could not use (400)."""
    report: Report | None = None
    if parsed.request is None:
        organization_id = signed_in.organization_id
        choices = await Work(request.app.state.database, readonly=True)(
            lambda session: _choices(session, organization_id)
        )
    else:
        choices, report = await _read(request, signed_in, parsed.request)
    context: dict[str, Any] = {
        "title": "Analytics",
        "form": parsed.given,
        "errors": parsed.errors,
        "periods": PERIODS,
        "choices": choices,
    }
    if report is not None:
        context |= _charts(report, choices)
    return show(
        request,
        signed_in,
        "analytics.html",
        context,
        status_code=400 if parsed.errors else 200,
    )


@router.get(f"{PATH}.csv")
async def analytics_csv(
    request: Request,
    signed_in: Annotated[SignedIn, Depends(require(Action.READ))],
    _views: ViewsWritten,
) -> Response:
    table = request.query_params.get("table", "time")
    parsed = parse(request.query_params, _today())
    if table not in TABLES:
        parsed.errors["table"] = "Choose a table to download."
    if parsed.errors or parsed.request is None:
        return await _page(request, signed_in, parsed)
    _, report = await _read(request, signed_in, parsed.request)
    period = report.request
    name = f"plaudit-analytics-{table}-{period.start}-{period.end}.csv"
    headers = {"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"}
    return Response(_csv(report, table), media_type="text/csv; charset=utf-8", headers=headers)


def _csv(report: Report, table: str) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    if table == "time":
        writer.writerow(["bucket_start", "bucket", *MEASURES])
        for index, start in enumerate(report.starts):
            counts = [report.engagement[measure][index] for measure in ENGAGEMENT]
            writer.writerow([start.isoformat(), report.request.unit, report.issued[index], *counts])
    else:
        kind = table.removesuffix("s")
        rows = report.by_achievement if kind == "achievement" else report.by_department
        writer.writerow([f"{kind}_id", kind, *MEASURES])
        for total in rows:
            counts = [total.counts[measure] for measure in MEASURES]
            writer.writerow([total.id, safe_cell(total.name), *counts])
    return out.getvalue()


def bucket_label(unit: Unit, start: date, *, short: bool = False) -> str:
    """How a bucket is named: in its table (ISO, sortable) or under its chart (short)."""
    if unit == "month":
        return start.strftime("%b %Y") if short else start.strftime("%Y-%m")
    return f"{start.day} {start.strftime('%b')}" if short else start.isoformat()


def _charts(report: Report, choices: Choices) -> dict[str, Any]:
    unit = report.request.unit
    short = [bucket_label(unit, start, short=True) for start in report.starts]
    issued = charts.Series(
        ISSUED, MEASURES[ISSUED], report.issued, charts.readable_color(choices.primary_color)
    )
    engagement = [
        charts.Series(measure, MEASURES[measure], report.engagement[measure])
        for measure in ENGAGEMENT
    ]
    return {
        "report": report,
        "measures": MEASURES,
        "engagement_measures": ENGAGEMENT,
        "bucket_heading": _UNIT_HEADINGS[unit],
        "bucket_names": [bucket_label(unit, start) for start in report.starts],
        "issued_chart": charts.over_time(short, [issued], "bars"),
        "engagement_chart": charts.over_time(short, engagement, "lines"),
        "achievement_chart": _totals_chart(report.by_achievement, choices),
        "department_chart": _totals_chart(report.by_department, choices),
        "csv_links": {
            table: f"{PATH}.csv?{urlencode(report.request.query(table=table))}" for table in TABLES
        },
    }


def _totals_chart(totals: list[Total], choices: Choices) -> charts.Chart | None:
    shown = totals[:TOP]
    if not shown:
        return None
    color = charts.readable_color(choices.primary_color)
    return charts.across(
        [total.name for total in shown],
        [
            charts.Series(
                ISSUED, MEASURES[ISSUED], [total.counts[ISSUED] for total in shown], color
            ),
            charts.Series(VIEWED, MEASURES[VIEWED], [total.counts[VIEWED] for total in shown]),
        ],
    )
