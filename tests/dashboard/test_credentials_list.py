"""`/dashboard/credentials`: search, filters, sorts and pages pick the right credentials in the
right order, and never another organization's."""

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from plaudit.domain.scope import Scope
from plaudit.services import badge_lifecycle, credentials
from plaudit.store.db import Database
from tests.accredible.helpers import create_group, issue
from tests.support.dashboard import Member, make_member, signed_in_client
from tests.support.dashboard_credentials import listed_ids, record_events
from tests.support.live_server import LiveServer
from tests.support.tenants import Tenant, make_tenant

TODAY = datetime.now(UTC).date()


def _issue(api: httpx.Client, group: dict[str, Any], name: str, email: str, **fields: Any) -> int:
    recipient = {"name": name, "email": email}
    return int(issue(api, group["id"], recipient=recipient, **fields)["id"])


@pytest.fixture
def issued(api: httpx.Client, database: Database, tenant: Tenant) -> dict[str, int]:
    """Five credentials in two achievements, one in each state, issued on different days."""
    python = create_group(api, name="Python Basics", course_name="Python Basics")
    rust = create_group(api, name="Rust Systems", course_name="Rust Systems")
    ids = {
        "ada": _issue(api, python, "Ada Lovelace", "ada@example.org", issued_on="2026-01-10"),
        "grace": _issue(api, rust, "Grace Hopper", "grace@navy.example", issued_on="2026-02-10"),
        "alan": _issue(
            api, python, "Alan Turing", "alan@example.org", issued_on="2026-03-10", approve=False
        ),
        "edsger": _issue(
            api,
            rust,
            "Edsger Dijkstra",
            "edsger@example.org",
            issued_on="2025-04-10",
            expired_on=(TODAY - timedelta(days=1)).isoformat(),
        ),
        "barbara": _issue(
            api, python, "Barbara Liskov", "liskov@example.org", issued_on="2026-05-10"
        ),
    }
    with database.transaction() as session:
        scope = Scope(tenant.organization_id)
        found = credentials.get(session, scope, str(ids["barbara"]))
        badge_lifecycle.revoke(session, scope, found, "test", suppress_email=True)
    return ids


def test_the_list_shows_the_organizations_credentials_newest_issue_first(
    live_server: LiveServer, viewer: Member, issued: dict[str, int]
) -> None:
    with signed_in_client(live_server.base_url, viewer) as client:
        page = client.get("/dashboard/credentials")
        order = listed_ids(client)
    assert page.status_code == 200
    assert order == [issued[name] for name in ("barbara", "alan", "grace", "ada", "edsger")]
    assert "1 to 5 of 5 credentials" in page.text
    assert "Grace Hopper" in page.text and "grace@navy.example" in page.text
    assert "Rust Systems" in page.text
    assert '<a href="/dashboard/credentials">Credentials</a>' not in page.text  # it is current
    assert 'aria-current="page">Credentials' in page.text


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ("?q=hopper", ["grace"]),
        ("?q=NAVY.example", ["grace"]),  # the email, whatever its case
        ("?q=python+bas", ["barbara", "alan", "ada"]),  # the achievement's name
        ("?q=100%25", []),  # LIKE's wildcards are searched for, not used
        ("?state=active", ["grace", "ada"]),
        ("?state=unpublished", ["alan"]),
        ("?state=expired", ["edsger"]),
        ("?state=revoked", ["barbara"]),
        ("?from=2026-02-01&to=2026-03-31", ["alan", "grace"]),
        ("?q=a&state=active&from=2026-01-10&to=2026-01-10", ["ada"]),
    ],
)
def test_search_and_filters_pick_the_matching_credentials(
    live_server: LiveServer, viewer: Member, issued: dict[str, int], query: str, names: list[str]
) -> None:
    with signed_in_client(live_server.base_url, viewer) as client:
        assert listed_ids(client, query) == [issued[name] for name in names]


def test_the_achievement_filter_takes_the_organizations_achievements(
    live_server: LiveServer, api: httpx.Client, viewer: Member, issued: dict[str, int]
) -> None:
    achievement_id = api.get(f"/v1/credentials/{issued['grace']}").json()["credential"]["group_id"]
    with signed_in_client(live_server.base_url, viewer) as client:
        page = client.get("/dashboard/credentials")
        assert f'<option value="{achievement_id}">Rust Systems</option>' in page.text
        ids = listed_ids(client, f"?achievement={achievement_id}")
    assert ids == [issued["grace"], issued["edsger"]]


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ("?sort=recipient&order=asc", ["ada", "alan", "barbara", "edsger", "grace"]),
        ("?sort=recipient", ["grace", "edsger", "barbara", "alan", "ada"]),
        ("?sort=issued&order=asc", ["edsger", "ada", "grace", "alan", "barbara"]),
        # Python Basics before Rust Systems; within one, by id.
        ("?sort=achievement&order=asc", ["ada", "alan", "barbara", "grace", "edsger"]),
        # active, expired, revoked, unpublished
        ("?sort=state&order=asc", ["ada", "grace", "edsger", "barbara", "alan"]),
    ],
)
def test_each_sort_orders_the_list(
    live_server: LiveServer, viewer: Member, issued: dict[str, int], query: str, names: list[str]
) -> None:
    with signed_in_client(live_server.base_url, viewer) as client:
        assert listed_ids(client, query) == [issued[name] for name in names]


def test_engagement_sorts_by_views_and_shares_and_shows_them(
    live_server: LiveServer, database: Database, viewer: Member, issued: dict[str, int]
) -> None:
    record_events(database, issued["grace"], "view", 3)
    record_events(database, issued["ada"], "view", 1)
    record_events(database, issued["ada"], "share", 1)
    record_events(database, issued["alan"], "view", 5)
    record_events(database, issued["edsger"], "download", 9)  # not engagement
    with signed_in_client(live_server.base_url, viewer) as client:
        ids = listed_ids(client, "?sort=engagement")
        page = client.get("/dashboard/credentials?sort=engagement")
    assert ids[:3] == [issued["alan"], issued["grace"], issued["ada"]]
    assert set(ids[3:]) == {issued["barbara"], issued["edsger"]}
    assert "<td>5 / 0</td>" in page.text and "<td>1 / 1</td>" in page.text


def test_pages_of_the_chosen_size_cover_the_list_once(
    live_server: LiveServer, api: httpx.Client, viewer: Member
) -> None:
    group = create_group(api)
    ids = [
        _issue(api, group, f"Learner {number:02}", f"learner{number}@example.org")
        for number in range(27)
    ]
    with signed_in_client(live_server.base_url, viewer) as client:
        first = listed_ids(client, "?sort=recipient&order=asc")
        second = listed_ids(client, "?sort=recipient&order=asc&page=2")
        page = client.get("/dashboard/credentials?sort=recipient&order=asc&page=2")
        whole = listed_ids(client, "?sort=recipient&order=asc&size=50")
        beyond = client.get("/dashboard/credentials?page=9")
    assert len(first) == 25 and len(second) == 2
    assert first + second == whole == ids
    assert "26 to 27 of 27 credentials" in page.text and "Page 2 of 2" in page.text
    assert 'href="/dashboard/credentials?sort=recipient&amp;order=asc" rel="prev"' in page.text
    assert beyond.status_code == 200 and "past the last one" in beyond.text


def test_another_organizations_credentials_never_show(
    live_server: LiveServer, database: Database, api: httpx.Client, issued: dict[str, int]
) -> None:
    other = make_tenant(database, name="Other Academy")
    stranger = make_member(database, other.organization_id, "owner")
    with signed_in_client(live_server.base_url, stranger) as client:
        assert listed_ids(client) == []
        assert listed_ids(client, "?q=hopper") == []
        answer = client.get(f"/dashboard/credentials/{issued['grace']}")
        assert answer.status_code == 404
        assert "Grace Hopper" not in answer.text


@pytest.mark.parametrize(
    ("query", "field"),
    [("?from=yesterday", "from"), ("?state=lost", "state"), ("?achievement=abc", "achievement")],
)
def test_a_filter_that_cannot_be_read_is_shown_as_an_error(
    live_server: LiveServer, viewer: Member, query: str, field: str
) -> None:
    with signed_in_client(live_server.base_url, viewer) as client:
        answer = client.get(f"/dashboard/credentials{query}")
    assert answer.status_code == 400
    assert f'id="{field}-error"' in answer.text
    assert f'aria-describedby="{field}-error"' in answer.text


def test_a_signed_out_browser_is_sent_to_sign_in(http: httpx.Client) -> None:
    answer = http.get("/dashboard/credentials?q=x")
    assert answer.status_code == 303
    assert (
        answer.headers["location"] == "/dashboard/sign-in?next=%2Fdashboard%2Fcredentials%3Fq%3Dx"
    )
