"""The events' counts per day and achievement and per credential (services/analytics_counts.py)
stay what the events themselves add up to, through every way events are written or removed:
the page-view batch, `analytics.record`, a credential moved to another achievement, a deleted
credential, and migration 0028 over the events written before it."""

from collections import Counter
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from uuid import uuid4

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy import select

from plaudit.services import analytics
from plaudit.store.db import Database
from plaudit.store.migrate import upgrade
from plaudit.store.reporting_tables import AnalyticsDay, AnalyticsEvent, CredentialEngagement
from plaudit.store.tables import Credential
from plaudit.web.page_views import PageViews
from tests.accredible.helpers import create_group, issue
from tests.support.tenants import Tenant

DayCounts = dict[tuple[date, int], dict[str, int]]


def counted(
    database: Database, organization_id: int
) -> tuple[DayCounts, dict[int, tuple[int, int]]]:
    """What analytics_days and credential_engagement hold for the organization (rows of only
    zeros left out)."""
    with database.session(readonly=True) as session:
        days = {
            (row.day, row.achievement_id): {
                "viewed": row.viewed,
                "shared": row.shared,
                "added_to_linkedin": row.added_to_linkedin,
                "verified": row.verified,
            }
            for row in session.scalars(
                select(AnalyticsDay).where(AnalyticsDay.organization_id == organization_id)
            )
        }
        engagement = {
            row.credential_id: (row.views, row.shares)
            for row in session.scalars(
                select(CredentialEngagement).where(
                    CredentialEngagement.organization_id == organization_id
                )
            )
        }
    return (
        {key: value for key, value in days.items() if any(value.values())},
        {key: value for key, value in engagement.items() if any(value)},
    )


def expected(
    database: Database, organization_id: int
) -> tuple[DayCounts, dict[int, tuple[int, int]]]:
    """The same, added up in Python from every event and its credential's achievement now."""
    with database.session(readonly=True) as session:
        rows = session.execute(
            select(
                AnalyticsEvent.created_at,
                AnalyticsEvent.kind,
                AnalyticsEvent.channel,
                AnalyticsEvent.credential_id,
                Credential.achievement_id,
            )
            .join(Credential, Credential.id == AnalyticsEvent.credential_id)
            .where(AnalyticsEvent.organization_id == organization_id)
        ).all()
    days: DayCounts = {}
    engagement: Counter[tuple[int, str]] = Counter()
    for created_at, kind, channel, credential_id, achievement_id in rows:
        moment = created_at if created_at.tzinfo else created_at.replace(tzinfo=UTC)
        day = days.setdefault(
            (moment.astimezone(UTC).date(), achievement_id),
            {"viewed": 0, "shared": 0, "added_to_linkedin": 0, "verified": 0},
        )
        if kind == "view":
            day["viewed"] += 1
        elif kind == "share":
            day["shared"] += 1
            day["added_to_linkedin"] += channel == "linkedin_profile"
        elif kind == "verify":
            day["verified"] += 1
        engagement[(credential_id, kind)] += 1
    credentials = {credential_id for credential_id, _ in engagement}
    return (
        {key: value for key, value in days.items() if any(value.values())},
        {
            credential_id: (
                engagement[(credential_id, "view")],
                engagement[(credential_id, "share")],
            )
            for credential_id in credentials
            if engagement[(credential_id, "view")] or engagement[(credential_id, "share")]
        },
    )


def record(database: Database, credential_id: int, kind: str, at: datetime, **options: Any) -> None:
    with database.transaction() as session:
        credential = session.get(Credential, credential_id)
        assert credential is not None
        analytics.record(session, credential, kind, at=at, **options)


def loaded(database: Database, credential_id: int) -> Credential:
    with database.session(readonly=True) as session:
        credential = session.get(Credential, credential_id)
        assert credential is not None
        return credential


def test_the_counts_follow_the_events_through_moves_and_deletions(
    api: httpx.Client, database: Database, tenant: Tenant
) -> None:
    python, sql = create_group(api, name="Python")["id"], create_group(api, name="SQL")["id"]
    first, second, third = (issue(api, group)["id"] for group in (python, python, sql))
    # Either side of midnight UTC, in another timezone's terms too.
    record(database, first, "view", datetime(2025, 3, 1, 23, 59, tzinfo=UTC))
    record(
        database, first, "share", datetime(2025, 3, 2, 0, 0, tzinfo=UTC), channel="linkedin_profile"
    )
    record(database, second, "share", datetime(2025, 3, 2, 12, tzinfo=UTC), channel="twitter")
    record(database, second, "download", datetime(2025, 3, 2, 12, tzinfo=UTC), channel="pdf")
    record(database, third, "verify", datetime(2025, 3, 3, 1, 30, tzinfo=UTC), channel="submitted")
    views = PageViews(database)
    for credential_id in (first, first, second, third):
        views.add(loaded(database, credential_id), by_recipient=False)
    views.add_verification(
        tenant.organization_id, first, channel="credential_page", by_recipient=False
    )
    assert views.flush() == 5
    assert counted(database, tenant.organization_id) == expected(database, tenant.organization_id)
    before_move = counted(database, tenant.organization_id)[0]
    assert sum(counts["viewed"] for counts in before_move.values()) == 5

    moved = api.put(f"/v1/credentials/{first}", json={"credential": {"group_id": sql}})
    assert moved.status_code == 200, moved.text
    assert counted(database, tenant.organization_id) == expected(database, tenant.organization_id)
    days = counted(database, tenant.organization_id)[0]
    assert days[(date(2025, 3, 2), sql)]["added_to_linkedin"] == 1
    assert (date(2025, 3, 1), python) not in days  # the first's view went with it

    assert api.delete(f"/v1/credentials/{second}").status_code == 200
    assert counted(database, tenant.organization_id) == expected(database, tenant.organization_id)
    assert second not in counted(database, tenant.organization_id)[1]


def test_a_batch_drops_the_views_of_a_credential_deleted_before_it_is_written(
    api: httpx.Client, database: Database, tenant: Tenant
) -> None:
    group = create_group(api)["id"]
    kept, deleted = issue(api, group)["id"], issue(api, group)["id"]
    views = PageViews(database)
    views.add(loaded(database, kept), by_recipient=False)
    views.add(loaded(database, deleted), by_recipient=False)
    assert api.delete(f"/v1/credentials/{deleted}").status_code == 200

    assert views.flush() == 1
    assert not views.has_pending
    assert counted(database, tenant.organization_id)[1] == {kept: (1, 0)}


BEFORE = "0027_dashboard"


@pytest.fixture
def database_at_0027(database_url: str, tmp_path: Path, request: pytest.FixtureRequest) -> Database:
    if database_url.startswith("sqlite"):
        url = f"sqlite:///{tmp_path / 'old.db'}"
    else:
        url = request.getfixturevalue("postgres_server").create_database("counts_migration")
    database = Database(url)
    upgrade(database.engine, BEFORE)
    request.addfinalizer(database.dispose)
    return database


def test_migration_0028_counts_the_events_written_before_it(database_at_0027: Database) -> None:
    """Events written at 0027 (two achievements, three days, every kind) are counted by the
    migration as the running code counts new ones."""
    database = database_at_0027
    moment = "2026-01-01 00:00:00"
    rows = [
        "INSERT INTO organizations (id, uuid, name, language, did_method, created_at, updated_at) "
        "VALUES (1, :uuid, 'Old Academy', 'en', 'web', :t, :t)",
        "INSERT INTO departments (id, uuid, organization_id, name, is_default, created_at, "
        "updated_at) VALUES (1, :uuid, 1, 'Old Academy', true, :t, :t)",
    ]
    with database.engine.begin() as connection:
        for statement in rows:
            connection.execute(sa.text(statement), _values(moment))
        for achievement in (1, 2):
            connection.execute(
                sa.text(
                    "INSERT INTO achievements (id, uuid, organization_id, department_id, name, "
                    "course_name, course_description, language, attach_pdf, blockchain, "
                    "allow_duplicate_credentials, state, created_at, updated_at) VALUES "
                    "(:id, :uuid, 1, 1, 'g', 'c', 'd', 'en', false, false, true, 'active', :t, :t)"
                ),
                {"id": achievement, **_values(moment)},
            )
        for credential, achievement in ((1, 1), (2, 1), (3, 2)):
            connection.execute(
                sa.text(
                    "INSERT INTO credentials (id, uuid, organization_id, department_id, "
                    "achievement_id, encoded_id, recipient_name, recipient_email, "
                    "recipient_email_normalized, name, description, issued_on, complete, "
                    "approve, private, allow_supplemental_evidence, "
                    "allow_supplemental_references, state, created_at, updated_at) VALUES "
                    "(:id, :uuid, 1, 1, :achievement, :encoded, 'Ada', 'ada@example.com', "
                    "'ada@example.com', 'c', 'd', '2026-01-01', true, true, false, true, true, "
                    "'active', :t, :t)"
                ),
                {"id": credential, "achievement": achievement, "encoded": f"old{credential}"}
                | _values(moment),
            )
        events = [
            (1, "view", None, "2025-03-01 23:59:59"),
            (1, "view", None, "2025-03-02 00:00:00"),
            (1, "share", "linkedin_profile", "2025-03-02 10:00:00"),
            (2, "share", "twitter", "2025-03-02 11:00:00"),
            (2, "download", "pdf", "2025-03-02 11:00:00"),
            (3, "verify", "submitted", "2025-03-03 09:00:00"),
            (3, "view", None, "2025-03-03 09:00:00"),
        ]
        for credential, kind, channel, at in events:
            connection.execute(
                sa.text(
                    "INSERT INTO analytics_events (uuid, organization_id, credential_id, kind, "
                    "channel, by_recipient, created_at, updated_at) VALUES "
                    "(:uuid, 1, :credential, :kind, :channel, false, :at, :at)"
                ),
                {"credential": credential, "kind": kind, "channel": channel}
                | _values(moment)
                | {"at": _stamp(database, at)},
            )

    upgrade(database.engine)

    assert counted(database, 1) == expected(database, 1)
    days = counted(database, 1)[0]
    assert days[(date(2025, 3, 2), 1)] == {
        "viewed": 1,
        "shared": 2,
        "added_to_linkedin": 1,
        "verified": 0,
    }
    assert counted(database, 1)[1] == {1: (2, 1), 2: (0, 1), 3: (1, 0)}


def _values(moment: str) -> dict[str, Any]:
    return {"uuid": uuid4().hex, "t": moment}


def _stamp(database: Database, at: str) -> Any:
    """A timestamp as each database's driver takes it: SQLite's text, PostgreSQL a datetime."""
    moment = datetime.fromisoformat(at).replace(tzinfo=UTC)
    return at if database.is_sqlite else moment
