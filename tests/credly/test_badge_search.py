"""Get Issued Badges (every filter and sort key of the seed, 50 a page, the 400 past 10,000
badges) and the high-volume search (a forward cursor in created_at, id order; the seed's two
formats, key for key)."""

import base64
import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import event

from plaudit.dialects.credly.badge_formats import minimal, template_summary
from plaudit.dialects.credly.badge_mapping import badge_out
from plaudit.dialects.credly.badge_search import default_rows
from plaudit.dialects.credly.mapping import badge_template_out
from plaudit.domain.achievements import AchievementFields
from plaudit.domain.badge_search import DEFAULT_SORT, BadgeFilter
from plaudit.domain.recipients import user_uuid
from plaudit.domain.scope import Scope
from plaudit.services import achievements, badge_search
from plaudit.services.credentials import new_encoded_id
from plaudit.store.db import Database
from plaudit.store.tables import Credential, EvidenceItem, Organization
from tests.accredible.helpers import create_group, issue
from tests.credly.helpers import basic, organization_uuid
from tests.support.tenants import Tenant, add_department, department_key, make_tenant

Json = dict[str, Any]
SEARCH = "/v1/organizations/{}/badges"
BULK = "/v1/organizations/{}/high_volume_issued_badge_search"


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def make_template(
    database: Database,
    tenant: Tenant,
    name: str,
    *,
    skills: list[str] | None = None,
    tags: list[str] | None = None,
) -> tuple[int, str]:
    """A badge template (achievement); its id and UUID."""
    with database.transaction() as session:
        achievement = achievements.create(
            session,
            Scope(tenant.organization_id),
            AchievementFields(name=name, course_name=name, course_description="A course."),
        )
        achievement.skills, achievement.reporting_tags = skills, tags
        session.flush()
        return achievement.id, str(achievement.uuid)


def badge_row(tenant: Tenant, achievement_id: int, index: int, **fields: Any) -> Credential:
    email = fields.pop("email", f"learner-{index}@example.com")
    created_at = fields.pop("created_at", _at("2024-01-01T00:00:00") + timedelta(minutes=index))
    values: dict[str, Any] = {
        "organization_id": tenant.organization_id,
        "department_id": tenant.default_department_id,
        "achievement_id": achievement_id,
        "encoded_id": new_encoded_id(),
        "recipient_name": f"Learner {index}",
        "recipient_email": email,
        "recipient_email_normalized": email.lower(),
        "recipient_user_uuid": user_uuid(email.lower()),
        "name": "A course",
        "description": "A course.",
        "issued_on": created_at.date(),
        "created_at": created_at,
        "updated_at": created_at,
        **fields,
    }
    return Credential(**values)


def insert(database: Database, rows: list[Credential]) -> list[str]:
    with database.transaction() as session:
        session.add_all(rows)
        session.flush()
        return [str(row.uuid) for row in rows]


@dataclass(frozen=True)
class World:
    """Three badges A, B, C of one organization, and a look-alike of A in another one."""

    tenant: Tenant
    org: str
    ids: dict[str, str]
    templates: dict[str, str]
    other_org: str

    def get(self, http: httpx.Client, path: str, **params: str) -> httpx.Response:
        return http.get(path.format(self.org), params=params, headers=basic(self.tenant.api_key))

    def labels(self, rows: list[Json]) -> list[str]:
        by_id = {badge_id: label for label, badge_id in self.ids.items()}
        return [by_id[row["id"]] for row in rows]


@pytest.fixture(scope="module")
def world(database: Database) -> World:
    tenant = make_tenant(database)
    science, science_uuid = make_template(
        database, tenant, "Data Science", skills=["Python", "SQL"], tags=["eng"]
    )
    welding, welding_uuid = make_template(
        database, tenant, "Welding Basics", skills=["Welding"], tags=["ops"]
    )
    badges = {
        "A": badge_row(
            tenant,
            science,
            1,
            recipient_name="Ada Lovelace",
            email="ada@example.com",
            recipient_first_name="Ada",
            recipient_last_name="Lovelace",
            recipient_external_id="E-1",
            state="accepted",
            # Issued at 04:30 on the 11th at +05:00: the 10th in UTC.
            issued_at=_at("2024-01-10T23:30:00"),
            issued_on=date(2024, 1, 11),
            created_at=_at("2024-01-10T10:00:00"),
            updated_at=_at("2024-01-11T10:00:00"),
            state_updated_at=_at("2024-01-12T10:00:00"),
        ),
        "B": badge_row(
            tenant,
            welding,
            2,
            recipient_name="Bob Builder",
            email="Bob@Sub.Corp.org",
            recipient_first_name="Bob",
            recipient_last_name="Builder",
            recipient_external_id="E-2",
            state="pending",
            issued_on=date(2024, 3, 5),
            created_at=_at("2024-03-05T10:00:00"),
            updated_at=_at("2024-03-06T10:00:00"),
            state_updated_at=_at("2024-03-07T10:00:00"),
            expired_on=date(2025, 3, 5),
            private=True,
        ),
        # As the Accredible dialect issues: no name parts, no state change, no issue instant.
        "C": badge_row(
            tenant,
            science,
            3,
            recipient_name="Cy Young",
            email="cy@corp.org",
            state="revoked",
            issued_on=date(2024, 6, 1),
            created_at=_at("2024-06-01T10:00:00"),
            updated_at=_at("2024-06-02T10:00:00"),
            expired_on=date(2024, 12, 31),
        ),
    }
    ids = dict(zip(badges, insert(database, list(badges.values())), strict=True))
    other = make_tenant(database, "Other Academy")
    other_template, _ = make_template(database, other, "Data Science", skills=["SQL"])
    insert(database, [badge_row(other, other_template, 1, email="ada@example.com")])
    return World(
        tenant=tenant,
        org=organization_uuid(database, tenant),
        ids=ids,
        templates={"science": science_uuid, "welding": welding_uuid},
        other_org=organization_uuid(database, other),
    )


# (filter, the badges it finds); {org}, {other}, {A}, {science}... are filled in from the world.
FILTERS: list[tuple[str, str]] = [
    ("query::lovelace", "A"),
    ("query::nobody", ""),
    ("query::%", ""),
    ("query::_", ""),
    ("query::BOB@", "B"),
    ("query::@corp.org", "C"),
    ("query::@*.corp.org", "B"),
    ("query::@example.com", "A"),
    ("state::pending", "B"),
    ("state::pending,revoked", "BC"),
    ("state::rejected", ""),
    ("user_id::{user_A}", "A"),
    ("user_id::{random}", ""),
    ("issued_at_min::2024-03-01", "BC"),
    ("issued_at_min::2024-01-11", "BC"),
    ("issued_at_max::2024-01-10", "A"),
    ("issued_at_max::2024-03-05", "AB"),
    ("issued_at_max::2024-01-09", ""),
    ("issued_at_date_min::2024-01-11", "ABC"),
    ("issued_at_date_max::2024-01-10", ""),
    ("issued_at_date_max::2024-03-05", "AB"),
    ("issuer_id::{org}", "ABC"),
    ("issuer_id::{other},{org}", "ABC"),
    ("issuer_id::{other}", ""),
    ("issuer_earner_id::E-2", "B"),
    ("issuer_earner_id::E-9", ""),
    ("public::false", "B"),
    ("public::true", "AC"),
    ("badge_templates[owner_id]::{org}", "ABC"),
    ("badge_templates[owner_id]::{other}", ""),
    ("badge_templates[name]::science", "AC"),
    ("badge_templates[name]::WELD", "B"),
    ("badge_templates[name]::cooking", ""),
    ("badge_templates[reporting_tags]::ops", "B"),
    ("badge_templates[reporting_tags]::eng,ops", "ABC"),
    ("badge_templates[reporting_tags]::sales", ""),
    ("badge_templates[skills]::sql", "AC"),
    ("badge_templates[skills]::Cooking,Welding", "B"),
    ("badge_templates[skills]::Cooking", ""),
    ("created_at_min::2024-03-05", "BC"),
    ("created_at_max::2024-03-05", "AB"),
    ("created_at_max::2024-01-09", ""),
    ("expires_at_min::2025-01-01", "AB"),
    ("expires_at_max::2024-12-31", "C"),
    ("expires_at_max::2024-12-30", ""),
    ("expires_at_date_min::2025-03-06", "A"),
    ("expires_at_date_max::2025-03-05", "BC"),
    ("state_updated_at_min::2024-03-07", "B"),
    ("state_updated_at_max::2024-01-12", "A"),
    ("state_updated_at_max::2024-01-11", ""),
    ("updated_at_min::2024-06-02", "C"),
    ("updated_at_max::2024-01-11", "A"),
    ("updated_at_min::2024-06-03", ""),
    ("badge_template_id::{welding}", "B"),
    ("badge_template_id::{science},{welding}", "ABC"),
    ("badge_template_id::{random}", ""),
    ("recipient_email::ADA@example.com", "A"),
    ("recipient_email::ada@example", ""),
    ("recipient_email_all::cy@corp.org", "C"),
    ("recipient_email_all::cy@corp", ""),
    ("state::accepted,revoked|badge_templates[name]::science|public::true", "AC"),
    ("state::accepted|badge_templates[skills]::welding", ""),
]


def _fill(text: str, world: World) -> str:
    return text.format(
        org=world.org,
        other=world.other_org,
        random=uuid.uuid4(),
        user_A=user_uuid("ada@example.com"),
        **world.templates,
    )


@pytest.mark.parametrize(("text", "expected"), FILTERS, ids=[text for text, _ in FILTERS])
def test_each_filter_key_finds_exactly_its_badges(
    http: httpx.Client, world: World, text: str, expected: str
) -> None:
    wanted = _fill(text, world)
    response = world.get(http, SEARCH, filter=wanted)
    assert response.status_code == 200, response.text
    assert sorted(world.labels(response.json()["data"])) == list(expected)
    bulk = world.get(http, BULK, filter=wanted, badge_format="minimal")
    assert bulk.status_code == 200, bulk.text
    assert sorted(world.labels(bulk.json()["data"])) == list(expected)


BAD_FILTERS = [
    "colour::red",
    "state",
    "state::granted",
    "user_id::42",
    "issued_at_min::yesterday",
    "public::maybe",
    "badge_template_id::nope",
    "issuer_id::",
    "query::",
    "badge_templates[nope]::x",
]


@pytest.mark.parametrize("text", BAD_FILTERS, ids=BAD_FILTERS)
def test_an_unknown_key_or_a_bad_value_is_a_422_naming_filter(
    http: httpx.Client, world: World, text: str
) -> None:
    for path in (SEARCH, BULK):
        response = world.get(http, path, filter=text)
        assert response.status_code == 422, response.text
        [error] = response.json()["data"]["errors"]
        assert error["attribute"] == "filter"


SORTS = [
    ("created_at", "ABC"),
    ("-created_at", "CBA"),
    ("issued_at", "ABC"),
    ("-issued_at", "CBA"),
    # No state change (C) sorts after every other going up, first going down.
    ("state_updated_at", "ABC"),
    ("-state_updated_at", "CBA"),
    # Ties (A and C share the template) by id.
    ("badge_templates[name]", "ACB"),
    ("-badge_templates[name]", "BAC"),
    ("users[first_name]", "ABC"),
    ("-users[first_name]", "CBA"),
    ("users[last_name]", "BAC"),
    ("-users[last_name]", "CAB"),
    ("badge_templates[name]|-created_at", "CAB"),
    (None, "ABC"),
]


@pytest.mark.parametrize(("sort", "expected"), SORTS, ids=[str(sort) for sort, _ in SORTS])
def test_each_sort_key_orders_both_ways(
    http: httpx.Client, world: World, sort: str | None, expected: str
) -> None:
    params = {} if sort is None else {"sort": sort}
    response = world.get(http, SEARCH, **params)
    assert response.status_code == 200, response.text
    assert "".join(world.labels(response.json()["data"])) == expected


@pytest.mark.parametrize("sort", ["name", "users[email]", "created_at|", "--issued_at"])
def test_an_unknown_sort_key_is_a_422_naming_sort(
    http: httpx.Client, world: World, sort: str
) -> None:
    response = world.get(http, SEARCH, sort=sort)
    assert response.status_code == 422, response.text
    assert response.json()["data"]["errors"][0]["attribute"] == "sort"


def test_rows_are_full_badge_objects_of_the_callers_organization_only(
    http: httpx.Client, world: World, database: Database
) -> None:
    body = world.get(http, SEARCH, filter="query::ada").json()
    [row] = body["data"]
    assert row["id"] == world.ids["A"]
    assert row["issuer"]["entities"][0]["entity"]["id"] == world.org
    assert row["badge_template"]["id"] == world.templates["science"]
    assert {"user", "created_by", "evidence", "badge_url", "state"} <= set(row)
    # Another organization's UUID in the path is a 404, whatever the filter.
    for path in (SEARCH, BULK):
        response = http.get(path.format(world.other_org), headers=basic(world.tenant.api_key))
        assert response.status_code == 404
        assert http.get(path.format(world.org)).status_code == 401


def test_a_credential_issued_through_accredible_is_found_by_its_user_id(
    http: httpx.Client, api: httpx.Client, database: Database, tenant: Tenant
) -> None:
    group = create_group(api)
    credential = issue(api, group["id"], recipient={"email": "Grace@Example.com"})
    org = organization_uuid(database, tenant)
    response = http.get(
        SEARCH.format(org),
        params={"filter": f"user_id::{user_uuid('grace@example.com')}|state::accepted"},
        headers=basic(tenant.api_key),
    )
    [row] = response.json()["data"]
    assert row["recipient_email"] == credential["recipient"]["email"]
    assert row["badge_template"]["name"] == group["name"]


def test_a_department_key_sees_its_department_only(database: Database, http: httpx.Client) -> None:
    tenant = make_tenant(database)
    template, _ = make_template(database, tenant, "Course")
    department = add_department(database, tenant.organization_id, "Evening school")
    [mine] = insert(database, [badge_row(tenant, template, 1, department_id=department)])
    insert(database, [badge_row(tenant, template, 2)])
    key = department_key(database, tenant.organization_id, department)
    org = organization_uuid(database, tenant)
    for path in (SEARCH, BULK):
        body = http.get(path.format(org), headers=basic(key)).json()
        assert [row["id"] for row in body["data"]] == [mine]
        assert len(http.get(path.format(org), headers=basic(tenant.api_key)).json()["data"]) == 2


@pytest.fixture(scope="module")
def crowd(database: Database) -> Iterator[tuple[Tenant, str, list[str]]]:
    """2,100 badges, created in runs of seven sharing a created_at, inserted out of order."""
    tenant = make_tenant(database)
    template, _ = make_template(database, tenant, "Crowd")
    start = _at("2024-01-01T00:00:00")
    rows = [
        badge_row(tenant, template, index, created_at=start + timedelta(seconds=(index // 7)))
        for index in reversed(range(2100))
    ]
    insert(database, rows)
    yield tenant, organization_uuid(database, tenant), []


def test_pages_hold_50_badges_with_credlys_list_metadata(
    http: httpx.Client, crowd: tuple[Tenant, str, list[str]]
) -> None:
    tenant, org, _ = crowd
    seen: list[str] = []
    url: str | None = SEARCH.format(org) + "?filter=badge_templates[name]::crowd"
    pages = 0
    while url is not None:
        body = http.get(url, headers=basic(tenant.api_key)).json()
        pages += 1
        metadata = body["metadata"]
        assert metadata["per"] == 50
        assert metadata["total_count"] == 2100
        assert metadata["total_pages"] == 42
        assert metadata["current_page"] == pages
        assert metadata["count"] == len(body["data"]) == 50
        assert (metadata["previous_page_url"] is None) == (pages == 1)
        seen.extend(row["id"] for row in body["data"])
        url = metadata["next_page_url"]
        if url is not None:
            assert f"page={pages + 1}" in url and "filter=" in url
    assert pages == 42
    assert len(set(seen)) == 2100


def test_a_page_past_the_first_10000_badges_is_a_400_pointing_to_the_bulk_search(
    http: httpx.Client, crowd: tuple[Tenant, str, list[str]]
) -> None:
    tenant, org, _ = crowd
    last = http.get(SEARCH.format(org), params={"page": "200"}, headers=basic(tenant.api_key))
    assert last.status_code == 200
    assert last.json()["data"] == []
    for page in ("201", "99999999999999999999"):
        response = http.get(
            SEARCH.format(org), params={"page": page}, headers=basic(tenant.api_key)
        )
        assert response.status_code == 400, response.text
        assert "high_volume_issued_badge_search" in response.json()["data"]["message"]


def test_the_cursor_walk_returns_every_badge_once_in_created_at_then_id_order(
    http: httpx.Client, database: Database, crowd: tuple[Tenant, str, list[str]]
) -> None:
    tenant, org, _ = crowd
    with database.session(readonly=True) as session:
        expected = [
            str(row.uuid)
            for row in session.query(Credential)
            .filter(Credential.organization_id == tenant.organization_id)
            .order_by(Credential.created_at, Credential.id)
        ]
    for badge_format in ("minimal", "default"):
        url: str | None = BULK.format(org) + f"?badge_format={badge_format}"
        seen, sizes = [], []
        while url is not None:
            response = http.get(url, headers=basic(tenant.api_key))
            assert response.status_code == 200, response.text
            body = response.json()
            assert set(body["metadata"]) == {"next_page_url"}
            sizes.append(len(body["data"]))
            seen.extend(row["id"] for row in body["data"])
            url = body["metadata"]["next_page_url"]
            if url is not None:
                assert f"badge_format={badge_format}" in url
        assert sizes == [1000, 1000, 100]
        assert seen == expected


def _cursor(moment: str, credential_id: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps([moment, credential_id]).encode()).decode()


def test_the_bulk_search_refuses_a_sort_an_unknown_format_and_a_forged_cursor(
    http: httpx.Client, world: World
) -> None:
    for params, attribute in (
        ({"sort": "created_at"}, "sort"),
        ({"badge_format": "full"}, "badge_format"),
        ({"cursor": "not-a-cursor"}, "cursor"),
        ({"cursor": _cursor("2024-01-01T00:00:00+00:00", -1)}, "cursor"),
        ({"cursor": _cursor("2024-01-01T00:00:00", 1)}, "cursor"),
        ({"cursor": _cursor("0001-01-01T00:00:00+05:00", 1)}, "cursor"),
        ({"cursor": _cursor("2024-01-01T00:00:00+00:00", 2**63)}, "cursor"),
        ({"cursor": _cursor("2024-01-01T00:00:00+00:00", "1")}, "cursor"),
    ):
        response = world.get(http, BULK, **params)
        assert response.status_code == 422, (params, response.text)
        assert response.json()["data"]["errors"][0]["attribute"] == attribute


# The seed's examples, key for key.
MINIMAL_KEYS = {
    "id",
    "issued_to",
    "issued_to_first_name",
    "issued_to_middle_name",
    "issued_to_last_name",
    "issuer_earner_id",
    "locale",
    "public",
    "recipient_email",
    "state",
    "badge_url",
    "updated_at",
    "created_at",
    "expires_at",
    "issued_at",
    "state_updated_at",
    "badge_template",
    "user",
}
DEFAULT_KEYS = MINIMAL_KEYS | {
    "replacement_badge_id",
    "revocation_reason",
    "suppress_badge_notification_email",
    "issued_at_date",
    "expires_at_date",
    "created_by",
    "issuer",
}
DEFAULT_TEMPLATE_KEYS = {
    "id",
    "description",
    "global_activity_url",
    "name",
    "state",
    "public",
    "vanity_slug",
    "image",
    "image_url",
    "url",
    "owner",
    "state_updated_at",
    "created_at",
    "updated_at",
}


def test_the_two_formats_have_exactly_the_seeds_fields(http: httpx.Client, world: World) -> None:
    body = world.get(http, BULK, badge_format="minimal", filter="query::ada").json()
    assert body["metadata"] == {"next_page_url": None}
    [row] = body["data"]
    assert set(row) == MINIMAL_KEYS
    assert row["badge_template"] == {"id": world.templates["science"], "name": "Data Science"}
    assert row["user"] == {"id": str(user_uuid("ada@example.com"))}
    assert row["issued_to_first_name"] == "Ada"
    assert row["issued_at"] == "2024-01-10T23:30:00.000Z"
    assert row["state"] == "accepted"
    for params in ({"badge_format": "default"}, {}):
        [row] = world.get(http, BULK, filter="query::bob", **params).json()["data"]
        assert set(row) == DEFAULT_KEYS
        assert set(row["badge_template"]) == DEFAULT_TEMPLATE_KEYS
        assert row["badge_template"]["owner"] == {"type": "Organization", "id": world.org}
        assert row["created_by"] == {"type": "Organization", "id": world.org}
        [entity] = row["issuer"]["entities"]
        assert entity == {
            "label": "Issued by",
            "primary": True,
            "type": "Organization",
            "id": world.org,
            "name": "Test Academy",
        }
        assert row["issuer"]["summary"] == "issued by Test Academy"
        assert row["public"] is False
        assert row["expires_at_date"] == "2025-03-05"
        assert row["issued_at"] == "2024-03-05T00:00:00.000Z"


def test_the_default_format_names_the_replacement(database: Database) -> None:
    tenant = make_tenant(database)
    template, _ = make_template(database, tenant, "Course")
    old, new = insert(database, [badge_row(tenant, template, 1), badge_row(tenant, template, 2)])
    with database.transaction() as session:
        replaced = session.query(Credential).filter_by(uuid=uuid.UUID(old)).one()
        replacement = session.query(Credential).filter_by(uuid=uuid.UUID(new)).one()
        replaced.replaced_by_id = replacement.id
        session.flush()
        organization = session.get(Organization, tenant.organization_id)
        assert organization is not None
        found = badge_search.scan(
            session, Scope(tenant.organization_id), BadgeFilter(), after=None, size=10
        )
        summary = template_summary(found.items[0].achievement, organization, "http://x")
        rows = default_rows(session, found.items, organization, "http://x")
        full = badge_template_out(found.items[0].achievement, organization, "http://x")
    assert [row["replacement_badge_id"] for row in rows] == [new, None]
    # The summary says what the full template object says, for each key it has.
    assert {key: full[key] for key in summary if key != "owner"} == {
        key: value for key, value in summary.items() if key != "owner"
    }
    assert set(minimal(found.items[0], "http://x")) == MINIMAL_KEYS


def test_a_page_costs_the_same_few_queries_whatever_its_size(database: Database) -> None:
    tenant = make_tenant(database)
    templates = [make_template(database, tenant, f"Course {n}")[0] for n in range(3)]
    rows = [badge_row(tenant, templates[index % 3], index) for index in range(60)]
    for row in rows:
        row.evidence_items = [EvidenceItem(description="Proof", category="url")]
    insert(database, rows)
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(str(args[2]))

    event.listen(database.engine, "before_cursor_execute", count)
    try:
        with database.session(readonly=True) as session:
            organization = session.get(Organization, tenant.organization_id)
            assert organization is not None
            statements.clear()
            scope = Scope(tenant.organization_id)
            page = badge_search.search(
                session, scope, BadgeFilter(), DEFAULT_SORT, offset=0, size=50
            )
            [badge_out(item, organization, "http://x") for item in page.items]
            assert len(page.items) == 50
            # The count, the page with its templates, their badge counts, evidence, references.
            assert len(statements) <= 5, statements
            statements.clear()
            scan = badge_search.scan(session, scope, BadgeFilter(), after=None, size=50)
            summaries = {
                item.achievement_id: template_summary(item.achievement, organization, "http://x")
                for item in scan.items
            }
            assert len(summaries) == 3
            # The page, then its templates.
            assert len(statements) == 2, statements
    finally:
        event.remove(database.engine, "before_cursor_execute", count)
