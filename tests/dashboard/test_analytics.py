"""`/dashboard/analytics`: credentials issued and the events of the public pages counted per
day, week and month, per achievement and department, in tables, charts and CSV."""

import csv
import io
import re
import xml.etree.ElementTree as ElementTree
from datetime import UTC, date, datetime
from html.parser import HTMLParser
from typing import Any

import httpx
import pytest
from sqlalchemy import literal, select

from plaudit.services import analytics
from plaudit.store.db import Database
from plaudit.store.reporting_tables import AnalyticsEvent
from plaudit.store.tables import Credential, Organization
from plaudit.store.time_buckets import bucket_start
from tests.accredible.helpers import create_group, issue
from tests.accredible.org_helpers import department_client
from tests.support.dashboard import Member, make_member, signed_in_client
from tests.support.live_server import LiveServer
from tests.support.tenants import Tenant, make_tenant

PATH = "/dashboard/analytics"
MARCH = {"period": "custom", "from": "2025-03-01", "to": "2025-03-31"}
Table = dict[str, list[str]]


class _Tables(HTMLParser):
    """Each <table id=…> of a page: its rows by their header cell, as the cells' text."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, Table] = {}
        self._table: Table | None = None
        self._row: list[str] | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self._table = self.tables.setdefault(dict(attrs).get("id") or "", {})
        elif tag == "tr":
            self._row = []
        elif tag in ("th", "td"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("th", "td") and self._row is not None and self._cell is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None
        elif tag == "tr" and self._table is not None and self._row:
            self._table[self._row[0]] = self._row[1:]
            self._row = None
        elif tag == "table":
            self._table = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def tables(html: str) -> dict[str, Table]:
    parser = _Tables()
    parser.feed(html)
    return parser.tables


def record(
    database: Database, credential: dict[str, Any], kind: str, at: datetime, **options: Any
) -> None:
    with database.transaction() as session:
        found = session.get(Credential, int(credential["id"]))
        analytics.record(session, found, kind, at=at, **options)


def at(month: int, day: int, hour: int = 12, minute: int = 0) -> datetime:
    return datetime(2025, month, day, hour, minute, tzinfo=UTC)


@pytest.fixture
def viewer(database: Database, tenant: Tenant) -> Member:
    return make_member(database, tenant.organization_id, "viewer")


@pytest.fixture
def seeded(
    api: httpx.Client, http: httpx.Client, database: Database, tenant: Tenant
) -> dict[str, Any]:
    """Two achievements of the default department, one of "Physics"; credentials and events in
    March 2025 (Saturday the 1st to Monday the 31st)."""
    python = create_group(api, name="Python")
    sql = create_group(api, name="SQL")
    physics_id, physics_api = department_client(http, database, tenant, "Physics")
    with physics_api:
        optics = create_group(physics_api, name="Optics")
        optics_credential = issue(physics_api, optics["id"], issued_on="2025-03-10")
    first = issue(api, python["id"], issued_on="2025-03-01")
    second = issue(api, python["id"], issued_on="2025-03-02")
    third = issue(api, sql["id"], issued_on="2025-03-03")
    issue(api, sql["id"], issued_on="2025-04-01")  # after the period
    record(database, first, "view", at(3, 1))
    record(database, first, "view", at(3, 2, 23, 59))  # Sunday: still the week of 24 February
    record(database, first, "share", at(3, 3, 0, 0), channel="linkedin_profile")
    record(database, second, "share", at(3, 3), channel="twitter")
    record(database, second, "download", at(3, 3), channel="pdf")  # counted nowhere
    record(database, third, "view", at(3, 31, 23, 59))
    record(database, third, "view", at(4, 1, 0, 0))  # after the period
    record(database, optics_credential, "view", at(3, 10))
    record(database, optics_credential, "share", at(3, 11), channel="linkedin_profile")
    record(database, first, "verify", at(3, 2, 23, 59), channel="submitted")  # Sunday
    record(database, optics_credential, "verify", at(3, 11), channel="credential_page")
    return {
        "python": python,
        "sql": sql,
        "optics": optics,
        "physics_id": physics_id,
        "first": first,
    }


def test_march_per_day(live_server: LiveServer, viewer: Member, seeded: dict[str, Any]) -> None:
    with signed_in_client(live_server.base_url, viewer) as client:
        page = client.get(PATH, params=MARCH)
    assert page.status_code == 200, page.text
    found = tables(page.text)
    issued, engaged = found["issued-table"], found["engagement-table"]
    assert len(issued) == 32 == len(engaged)  # a header row and 31 days
    assert issued["Day"] == ["Issued"]
    assert engaged["Day"] == ["Viewed", "Shared", "Added to LinkedIn", "Verified"]
    assert [issued[f"2025-03-{day:02d}"] for day in (1, 2, 3, 4, 10)] == [["1"]] * 3 + [
        ["0"],
        ["1"],
    ]
    assert engaged["2025-03-01"] == ["1", "0", "0", "0"]
    assert engaged["2025-03-02"] == ["1", "0", "0", "1"]
    assert engaged["2025-03-03"] == ["0", "2", "1", "0"]
    assert engaged["2025-03-10"] == ["1", "0", "0", "0"]
    assert engaged["2025-03-11"] == ["0", "1", "1", "1"]
    assert engaged["2025-03-31"] == ["1", "0", "0", "0"]
    assert engaged["2025-03-04"] == ["0", "0", "0", "0"]

    achievements = found["achievement-table"]
    assert achievements["Achievement"] == [
        "Issued",
        "Viewed",
        "Shared",
        "Added to LinkedIn",
        "Verified",
    ]
    assert list(achievements)[1:] == ["Python", "Optics", "SQL"]
    assert achievements["Python"] == ["2", "2", "2", "1", "1"]
    assert achievements["SQL"] == ["1", "1", "0", "0", "0"]
    assert achievements["Optics"] == ["1", "1", "1", "1", "1"]
    departments = found["department-table"]
    assert departments["Test Academy"] == ["3", "3", "2", "1", "1"]
    assert departments["Physics"] == ["1", "1", "1", "1", "1"]


def test_march_per_week_and_per_month(
    live_server: LiveServer, viewer: Member, seeded: dict[str, Any]
) -> None:
    with signed_in_client(live_server.base_url, viewer) as client:
        weeks = tables(client.get(PATH, params={**MARCH, "bucket": "week"}).text)
        months = tables(client.get(PATH, params={**MARCH, "bucket": "month"}).text)
    # Weeks start on Monday: 1 and 2 March are in the week of 24 February.
    assert list(weeks["issued-table"]) == [
        "Week starting",
        "2025-02-24",
        "2025-03-03",
        "2025-03-10",
        "2025-03-17",
        "2025-03-24",
        "2025-03-31",
    ]
    assert weeks["issued-table"]["2025-02-24"] == ["2"]
    assert weeks["engagement-table"]["2025-02-24"] == ["2", "0", "0", "1"]
    assert weeks["engagement-table"]["2025-03-03"] == ["0", "2", "1", "0"]
    assert weeks["engagement-table"]["2025-03-10"] == ["1", "1", "1", "1"]
    assert weeks["engagement-table"]["2025-03-31"] == ["1", "0", "0", "0"]
    assert months["issued-table"] == {"Month": ["Issued"], "2025-03": ["4"]}
    assert months["engagement-table"] == {
        "Month": ["Viewed", "Shared", "Added to LinkedIn", "Verified"],
        "2025-03": ["4", "3", "2", "2"],
    }


def test_filters_per_achievement_and_department(
    live_server: LiveServer, viewer: Member, seeded: dict[str, Any]
) -> None:
    with signed_in_client(live_server.base_url, viewer) as client:
        python = tables(
            client.get(
                PATH, params={**MARCH, "bucket": "month", "achievement": seeded["python"]["id"]}
            ).text
        )
        physics = tables(
            client.get(
                PATH, params={**MARCH, "bucket": "month", "department": seeded["physics_id"]}
            ).text
        )
    assert python["issued-table"]["2025-03"] == ["2"]
    assert python["engagement-table"]["2025-03"] == ["2", "2", "1", "1"]
    assert list(python["achievement-table"])[1:] == ["Python"]
    assert physics["issued-table"]["2025-03"] == ["1"]
    assert physics["engagement-table"]["2025-03"] == ["1", "1", "1", "1"]
    assert list(physics["department-table"])[1:] == ["Physics"]


def test_the_csv_has_the_numbers_of_the_tables(
    live_server: LiveServer, viewer: Member, seeded: dict[str, Any]
) -> None:
    with signed_in_client(live_server.base_url, viewer) as client:
        over_time = client.get(f"{PATH}.csv", params={**MARCH, "bucket": "week"})
        per_achievement = client.get(f"{PATH}.csv", params={**MARCH, "table": "achievements"})
        per_department = client.get(f"{PATH}.csv", params={**MARCH, "table": "departments"})
        page = client.get(PATH, params=MARCH)
    assert over_time.status_code == 200
    assert over_time.headers["content-type"] == "text/csv; charset=utf-8"
    assert "attachment" in over_time.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(over_time.text)))
    assert rows[0] == [
        "bucket_start",
        "bucket",
        "issued",
        "viewed",
        "shared",
        "added_to_linkedin",
        "verified",
    ]
    assert rows[1] == ["2025-02-24", "week", "2", "2", "0", "0", "1"]
    assert rows[2] == ["2025-03-03", "week", "1", "0", "2", "1", "0"]
    assert len(rows) == 7
    achievements = list(csv.reader(io.StringIO(per_achievement.text)))
    assert achievements[0][:2] == ["achievement_id", "achievement"]
    assert achievements[1] == [str(seeded["python"]["id"]), "Python", "2", "2", "2", "1", "1"]
    departments = {row[1]: row[2:] for row in csv.reader(io.StringIO(per_department.text))}
    assert departments["Physics"] == ["1", "1", "1", "1", "1"]
    # The page links to the same downloads, with its filters.
    links = re.findall(r'href="(/dashboard/analytics\.csv\?[^"]+)"', page.text)
    assert len(links) == 3 and all("from=2025-03-01" in link for link in links)


def test_events_from_the_public_pages_count_at_once(
    live_server: LiveServer, api: httpx.Client, http: httpx.Client, viewer: Member
) -> None:
    credential = issue(api, create_group(api)["id"])
    encoded = credential["encoded_id"]
    for _ in range(3):
        assert http.get(f"/c/{encoded}").status_code == 200  # views, written in batches
    assert http.get(f"/c/{encoded}/go/linkedin-profile").status_code == 303
    assert http.get(f"/c/{encoded}/go/x").status_code == 303
    today = datetime.now(UTC).date().isoformat()
    with signed_in_client(live_server.base_url, viewer) as client:
        page = client.get(PATH)  # the last 30 days, per day
    assert page.status_code == 200
    found = tables(page.text)
    assert len(found["issued-table"]) == 31
    assert found["issued-table"][today] == ["1"]
    assert found["engagement-table"][today] == ["3", "2", "1", "0"]


def test_verifications_through_plaudit_count_at_once(
    live_server: LiveServer, api: httpx.Client, http: httpx.Client, viewer: Member
) -> None:
    """The live verification and a copy submitted to /verify each count once, today, for the
    credential's achievement; another issuer's credential counts nowhere."""
    group = create_group(api, name="Verified Skills")
    credential = issue(api, group["id"])
    encoded = credential["encoded_id"]
    live = http.get(f"/c/{encoded}/verification", headers={"Accept": "application/json"})
    assert live.status_code == 200 and live.json()["valid"] is True
    signed = http.get(f"/c/{encoded}/credential.json")
    submitted = http.post(
        "/verify", content=signed.content, headers={"Content-Type": "application/json"}
    )
    assert submitted.status_code == 200 and submitted.json()["valid"] is True
    today = datetime.now(UTC).date().isoformat()
    with signed_in_client(live_server.base_url, viewer) as client:
        found = tables(client.get(PATH).text)
        detail = client.get(f"/dashboard/credentials/{credential['id']}")
    assert found["engagement-table"][today] == ["0", "0", "0", "2"]
    assert found["achievement-table"]["Verified Skills"] == ["1", "0", "0", "0", "2"]
    assert detail.status_code == 200
    assert "<dt>Verifications</dt><dd>2</dd>" in detail.text


def test_another_organizations_events_never_count(
    live_server: LiveServer,
    api: httpx.Client,
    http: httpx.Client,
    database: Database,
    viewer: Member,
    seeded: dict[str, Any],
) -> None:
    other = make_tenant(database, "Elsewhere")
    with httpx.Client(
        base_url=live_server.base_url,
        headers={"Authorization": f"Token token={other.api_key}"},
        timeout=30,
    ) as other_api:
        group = create_group(other_api, name="Python")
        theirs = issue(other_api, group["id"], issued_on="2025-03-01")
    record(database, theirs, "view", at(3, 1))
    record(database, theirs, "share", at(3, 1), channel="linkedin_profile")
    record(database, theirs, "verify", at(3, 1), channel="submitted")
    with signed_in_client(live_server.base_url, viewer) as client:
        mine = tables(client.get(PATH, params={**MARCH, "bucket": "month"}).text)
        their_filter = client.get(PATH, params={**MARCH, "achievement": group["id"]})
    assert mine["issued-table"]["2025-03"] == ["4"]
    assert mine["engagement-table"]["2025-03"] == ["4", "3", "2", "2"]
    assert their_filter.status_code == 404
    assert "Python" not in their_filter.text


def test_a_viewer_may_read_and_nobody_signed_out(
    live_server: LiveServer, http: httpx.Client, viewer: Member
) -> None:
    with signed_in_client(live_server.base_url, viewer) as client:
        page = client.get(PATH)
        download = client.get(f"{PATH}.csv")
    assert page.status_code == 200 and download.status_code == 200
    assert 'href="/dashboard/analytics" aria-current="page">Analytics' in page.text
    assert http.get(PATH).status_code == 303
    assert http.get(f"{PATH}.csv").status_code == 303


@pytest.mark.parametrize(
    ("parameters", "field", "message"),
    [
        ({"period": "forever"}, "period", "Choose one of the periods offered."),
        ({"period": "custom", "from": "2025-03-01"}, "to", "Enter a date."),
        ({"period": "custom", "from": "1 March", "to": "2025-03-01"}, "from", "YYYY-MM-DD"),
        ({"period": "custom", "from": "2025-03-02", "to": "2025-03-01"}, "to", "not be before"),
        (
            {"period": "custom", "from": "2000-01-01", "to": "2025-03-01", "bucket": "day"},
            "bucket",
            "more than 400",
        ),
        ({"bucket": "hour"}, "bucket", "Choose days, weeks or months."),
        ({"achievement": "x"}, "achievement", "Choose one from the list."),
        ({"department": str(2**64)}, "department", "Choose one from the list."),
    ],
)
def test_unusable_choices_show_the_form_again(
    live_server: LiveServer, viewer: Member, parameters: dict[str, str], field: str, message: str
) -> None:
    with signed_in_client(live_server.base_url, viewer) as client:
        page = client.get(PATH, params=parameters)
        download = client.get(f"{PATH}.csv", params=parameters)
    assert page.status_code == 400 == download.status_code
    error = re.search(
        rf'<span class="analytics-field-error" id="{field}-error">([^<]*)</span>', page.text
    )
    assert error is not None and message in error.group(1)
    assert f'aria-describedby="{field}-error"' in page.text
    assert "issued-table" not in page.text


def test_the_charts_are_well_formed_svg_without_script(
    live_server: LiveServer, viewer: Member, seeded: dict[str, Any], database: Database
) -> None:
    with signed_in_client(live_server.base_url, viewer) as client:
        page = client.get(PATH, params=MARCH)
    drawings = re.findall(r'<svg class="chart-drawing".*?</svg>', page.text, re.S)
    assert len(drawings) == 4  # issued, engagement, per achievement, per department
    for drawing in drawings:
        root = ElementTree.fromstring(drawing)
        assert root.get("aria-hidden") == "true"
        for element in root.iter():
            assert not element.tag.endswith(("script", "foreignObject", "style"))
            assert not any(name.lower().startswith("on") for name in element.attrib)
    assert "<script>" not in page.text and " style=" not in page.text


@pytest.mark.parametrize(
    ("unit", "moment", "expected"),
    [
        ("day", datetime(2025, 3, 2, 23, 59, 59, tzinfo=UTC), date(2025, 3, 2)),
        ("week", datetime(2025, 3, 2, 23, 59, 59, tzinfo=UTC), date(2025, 2, 24)),  # Sunday
        ("week", datetime(2025, 3, 3, 0, 0, tzinfo=UTC), date(2025, 3, 3)),  # Monday
        ("month", datetime(2024, 12, 31, 23, 59, tzinfo=UTC), date(2024, 12, 1)),
    ],
)
def test_buckets_are_the_same_on_both_databases(
    database: Database, unit: Any, moment: datetime, expected: date
) -> None:
    """What the charts group by, for a stored timestamp and a stored date."""
    with database.session(readonly=True) as session:
        dialect = session.get_bind().dialect.name
        stored = select(literal(moment, AnalyticsEvent.created_at.type).label("at")).subquery()
        of_timestamp = session.scalar(select(bucket_start(dialect, unit, stored.c.at)))
        of_date = session.scalar(
            select(bucket_start(dialect, unit, literal(moment.date(), Credential.issued_on.type)))
        )
    assert of_timestamp == expected == of_date


def test_the_organizations_colour_paints_issued_when_it_is_readable(
    live_server: LiveServer, api: httpx.Client, database: Database, tenant: Tenant, viewer: Member
) -> None:
    issue(api, create_group(api, name="=HYPERLINK(1)")["id"], issued_on="2025-03-05")

    def page_with(color: str) -> str:
        with database.transaction() as session:
            organization = session.get(Organization, tenant.organization_id)
            organization.primary_color = color
        with signed_in_client(live_server.base_url, viewer) as client:
            return client.get(PATH, params=MARCH).text

    assert 'fill="#7b1fa2"' in page_with("#7b1fa2")
    pale = page_with("#ffe680")  # 1.3:1 on white: the stylesheet's colour instead
    assert "#ffe680" not in pale and "series-issued" in pale
    with signed_in_client(live_server.base_url, viewer) as client:
        download = client.get(f"{PATH}.csv", params={**MARCH, "table": "achievements"})
    assert download.text.splitlines()[1].split(",")[1] == "'=HYPERLINK(1)"
