"""Searches are served by indexes: the query plans of real search statements, on SQLite
(EXPLAIN QUERY PLAN) and PostgreSQL (EXPLAIN), and a constant number of queries per page."""

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import ClauseElement, Executable, event, inspect, text
from sqlalchemy.ext.compiler import compiles

from plaudit.dialects.accredible import credential_queries
from plaudit.domain.achievements import AchievementFields
from plaudit.domain.credential_search import Sort
from plaudit.domain.scope import Scope
from plaudit.services import achievements, credential_search
from plaudit.store.db import Database
from plaudit.store.migrate import upgrade
from plaudit.store.tables import Base
from tests.accredible.helpers import create_group, issue
from tests.accredible.search_helpers import all_credentials, insert_credentials, search_v2
from tests.support.databases import new_database_url
from tests.support.tenants import Tenant, make_tenant

GROUPS = 4
ROWS_PER_GROUP = 1500
# What a group's page sorted by issue date filters and orders on, so that its count reads only
# this index (no table rows) and the page its first entries in order.
GROUP_BY_ISSUE_DATE = ["organization_id", "achievement_id", "issued_on", "id"]
GROUP_PAGE = {
    "query": {"group.id": 1, "issued_on[gte]": "2023-06-01", "issued_on[lt]": "2023-09-01"},
    "sort": {"issued_on": "desc"},
    "page": {"size": 50},
}


class Explain(Executable, ClauseElement):
    """`EXPLAIN <statement>` with the statement's parameters bound as usual."""

    inherit_cache = False

    def __init__(self, statement: Any, prefix: str) -> None:
        self.statement = statement
        self.prefix = prefix


@compiles(Explain)
def _compile_explain(element: Explain, compiler: Any, **kw: Any) -> str:
    return f"{element.prefix} {compiler.process(element.statement, **kw)}"


@pytest.fixture(scope="module")
def plans_database(
    request: pytest.FixtureRequest, database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Database]:
    """A database of this module's own. The planner weighs statistics, and the shared one holds
    what every module before this one wrote: with hundreds of small organizations in SQLite's
    averages, a sort by group name was planned as a scan and a sort. ANALYZE's statistics then
    stay here too, instead of steering the plans of the modules after this one."""
    directory = tmp_path_factory.mktemp("plans")
    database = Database(new_database_url(request, database_url, directory, "plaudit_plans"))
    upgrade(database.engine)
    yield database
    database.dispose()


@pytest.fixture(scope="module")
def loaded(plans_database: Database) -> dict[str, Any]:
    """A tenant with 6,000 credentials in 4 groups over two years, and fresh statistics."""
    tenant = make_tenant(plans_database, "Plan Academy")
    group_ids = []
    with plans_database.transaction() as session:
        scope = Scope(tenant.organization_id)
        for index in range(GROUPS):
            fields = AchievementFields(
                name=f"plan-{index}", course_name="Plans", course_description="Query plans."
            )
            group_ids.append(achievements.create(session, scope, fields).id)
    for group_id in group_ids:
        insert_credentials(
            plans_database,
            organization_id=tenant.organization_id,
            department_id=tenant.default_department_id,
            achievement_id=group_id,
            rows=[
                {
                    "issued_on": date(2023, 1, 1) + timedelta(days=index % 730),
                    "expired_on": None if index % 3 else date(2030, 1, 1),
                    "recipient_external_id": f"R-{index}",
                    "license_id": f"L-{group_id}-{index}",
                }
                for index in range(ROWS_PER_GROUP)
            ],
        )
    with plans_database.engine.begin() as connection:
        connection.execute(text("ANALYZE"))
    return {"tenant": tenant, "groups": group_ids}


def _plan(database: Database, statement: Any) -> list[str]:
    with database.session(readonly=True) as session:
        if database.is_sqlite:
            rows = session.execute(Explain(statement, "EXPLAIN QUERY PLAN"))
            return [row[3] for row in rows]
        return [row[0] for row in session.execute(Explain(statement, "EXPLAIN"))]


def _index_on(database: Database, columns: list[str]) -> str:
    """The name the database gave the index of `credentials` on exactly `columns`."""
    indexes = inspect(database.engine).get_indexes("credentials")
    (name,) = [index["name"] for index in indexes if index["column_names"] == columns]
    return str(name)


def _statements(body: dict[str, Any], tenant: Tenant) -> Iterator[Any]:
    yield from _search_statements(body, tenant.organization_id)


def _search_statements(body: dict[str, Any], organization_id: int) -> Iterator[Any]:
    search = credential_queries.v2_search(body)
    scope = Scope(organization_id)
    yield credential_search.page_statement(scope, search.query, search.window)
    yield credential_search.count_statement(scope, search.query)


def _assert_indexed(plan: list[str], database: Database, column: str | None) -> None:
    """No full scan of credentials; an index on it is searched, by `column` when given."""
    shown = "\n".join(plan)
    if database.is_sqlite:
        on_credentials = [line for line in plan if " credentials" in line]
        assert on_credentials and all(line.startswith("SEARCH") for line in on_credentials), shown
        if column:
            assert any(f"{column}" in line for line in on_credentials), shown
    else:
        assert "Seq Scan on credentials" not in shown, shown
        assert "Index" in shown, shown
        if column:
            assert any("Index Cond" in line and column in line for line in plan), shown


def _assert_not_sorted(plan: list[str], database: Database) -> None:
    """The order comes from an index (PostgreSQL may finish ties on id incrementally)."""
    shown = "\n".join(plan)
    if database.is_sqlite:
        assert "USE TEMP B-TREE FOR ORDER BY" not in shown, shown
    else:
        assert not any(line.strip().startswith("->  Sort") for line in plan), shown
        assert not plan[0].startswith("Sort") and not plan[1].strip().startswith("Sort"), shown


def test_a_filtered_sorted_page_uses_an_index(plans_database: Database, loaded: dict) -> None:
    body = {**GROUP_PAGE, "query": {**GROUP_PAGE["query"], "group.id": loaded["groups"][1]}}
    page, count = _statements(body, loaded["tenant"])
    index = _index_on(plans_database, GROUP_BY_ISSUE_DATE)
    plan = _plan(plans_database, page)
    _assert_indexed(plan, plans_database, "issued_on")
    _assert_not_sorted(plan, plans_database)
    assert index in "\n".join(plan)
    count_plan = _plan(plans_database, count)
    _assert_indexed(count_plan, plans_database, "achievement_id")
    if plans_database.is_sqlite:  # PostgreSQL weighs 1,500 heap rows against the index's size
        assert f"USING COVERING INDEX {index} " in "\n".join(count_plan), count_plan


def test_without_statistics_a_group_page_reads_only_its_group(tmp_path: Path) -> None:
    """SQLite as deployed has no statistics (nothing runs ANALYZE). Its planner then took the
    (organization_id, issued_on) index and read the table row of every credential of the
    organization in the date range to count one group's: 450 ms at a million credentials."""
    database = Database(f"sqlite:///{tmp_path / 'plaudit.db'}")
    try:
        Base.metadata.create_all(database.engine)
        page, count = _search_statements(GROUP_PAGE, organization_id=1)
        index = _index_on(database, GROUP_BY_ISSUE_DATE)
        plan = _plan(database, page)
        assert any(f"USING INDEX {index} " in line for line in plan), plan
        _assert_not_sorted(plan, database)
        count_plan = _plan(database, count)
        assert any(f"USING COVERING INDEX {index} " in line for line in count_plan), count_plan
    finally:
        database.dispose()


@pytest.mark.parametrize(
    ("key", "value", "column"),
    [
        ("group.id", "GROUP", "achievement_id"),
        ("group.id[in]", ["GROUP"], "achievement_id"),
        ("uuid", "1b4e28ba-2fa1-11d2-883f-0016d3cca427", "uuid"),
        ("recipient_name[in]", ["Learner 1", "Learner 2"], "recipient_name"),
        ("recipient_email", "bulk-1@example.com", "recipient_email_normalized"),
        ("recipient_id", "R-7", "recipient_external_id"),
        ("license_id[in]", ["L-1-1", "L-1-2"], "license_id"),
        ("approve", False, "approve"),
        ("issued_on[gt]", "2024-11-01", "issued_on"),
        ("expired_on[lte]", "2024-01-01", "expired_on"),
        ("created_at[gte]", "2099-01-01", "created_at"),
        ("updated_at[lt]", "2000-01-01", "updated_at"),
    ],
)
def test_every_filter_has_an_index(
    plans_database: Database, loaded: dict, key: str, value: Any, column: str
) -> None:
    """The count goes straight to the rows through the field's index. A page may instead walk
    the sort's index and stop after 51 matches, when the planner finds that cheaper."""
    group = loaded["groups"][0]
    value = group if value == "GROUP" else [group] if value == ["GROUP"] else value
    page, count = _statements({"query": {key: value}}, loaded["tenant"])
    _assert_indexed(_plan(plans_database, count), plans_database, column)
    _assert_indexed(_plan(plans_database, page), plans_database, None)


@pytest.mark.parametrize("field", ["id", "recipient_name", "issued_on", "expired_on", "group.name"])
@pytest.mark.parametrize("order", ["asc", "desc"])
def test_every_sort_has_an_index(
    plans_database: Database, loaded: dict, field: str, order: str
) -> None:
    body = {"query": {}, "sort": {field: order}, "page": {"size": 50}}
    page, _count = _statements(body, loaded["tenant"])
    plan = _plan(plans_database, page)
    _assert_indexed(plan, plans_database, None)
    _assert_not_sorted(plan, plans_database)


def test_a_cursor_page_starts_at_its_key(plans_database: Database, loaded: dict) -> None:
    cursor = credential_queries.encode_cursor(
        Sort("issued_on", descending=True), (date(2024, 3, 1), 10**6), 6000
    )
    body = {"query": {}, "sort": {"issued_on": "desc"}, "page": {"cursor": cursor}}
    page, _count = _statements(body, loaded["tenant"])
    plan = _plan(plans_database, page)
    _assert_indexed(plan, plans_database, "issued_on")
    _assert_not_sorted(plan, plans_database)


@pytest.fixture
def count_queries(database: Database) -> Iterator[list[str]]:
    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement != "BEGIN":  # SQLite's transactions begin explicitly (store/db.py)
            statements.append(statement)

    event.listen(database.engine, "before_cursor_execute", record)
    yield statements
    event.remove(database.engine, "before_cursor_execute", record)


def test_a_page_costs_the_same_queries_whatever_its_size(
    api: httpx.Client, count_queries: list[str]
) -> None:
    group = create_group(api)
    evidence = [{"description": "Report", "category": "url", "url": "https://example.org/r"}]
    reference = [{"description": "Good", "relationship": "managed", "referee": {"name": "Jo"}}]
    for _ in range(12):
        issue(api, group["id"], evidence_items=evidence * 2, references=reference * 2)

    def queries(page_size: int) -> int:
        count_queries.clear()
        body = all_credentials(api, page_size=page_size)
        assert len(body["credentials"]) == page_size
        assert all(len(item["evidence_items"]) == 2 for item in body["credentials"])
        return len(count_queries)

    # key lookup, count, page, groups, evidence items, references, issuer
    assert queries(2) == queries(12) <= 7

    def searched(size: int) -> int:
        count_queries.clear()
        assert len(search_v2(api, {"query": {}, "page": {"size": size}})["credentials"]) == size
        return len(count_queries)

    # v2 shows neither evidence nor references: key lookup, count, page, groups, and the
    # recipients' page activity (recipient_opened / recipient_engaged)
    assert searched(2) == searched(12) <= 5
