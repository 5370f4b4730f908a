"""Real Accredible clients from PyPI, unmodified, against a live Plaudit (issue 10).

pyaccredible 0.6.0 (`AccredibleWrapper`) and django-accredible 0.5.5 (`certification.accredible`,
built on pyaccredible) are pinned in the `test` extra. Only their base URL and key change. Each
operation runs over HTTP against the live server, and every field the client reads must be
there: the clients index the JSON directly, so a missing field fails the test with a KeyError.

django-accredible's functions take rows of the calling Django app (a group, its credentials and
their users) and read its Django settings. The settings are configured here without a Django
project; the rows are small stand-ins with the attributes and methods those functions use, so no
database or task queue is needed on the client side. See docs/compatibility.md ("Real clients").
"""

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import django
import httpx
import pytest
from certification.accredible import credentials as django_credentials
from certification.accredible import groups as django_groups
from certification.signals_define import accredible_certification_created
from django.conf import settings as django_settings
from pyaccredible.client import AccredibleWrapper

from tests.support.live_server import LiveServer
from tests.support.tenants import Tenant


@pytest.fixture
def wrapper(live_server: LiveServer, tenant: Tenant) -> AccredibleWrapper:
    return AccredibleWrapper(key=tenant.api_key, server=f"{live_server.base_url}/v1/")


@pytest.fixture
def api_check(live_server: LiveServer, tenant: Tenant) -> Iterator[httpx.Client]:
    """Our own look at what the clients did."""
    headers = {"Authorization": f"Token token={tenant.api_key}"}
    with httpx.Client(base_url=live_server.base_url, headers=headers, timeout=30) as client:
        yield client


def _credentials_of(api: httpx.Client, group_id: int) -> list[dict[str, Any]]:
    response = api.get("/v1/all_credentials", params={"group_id": group_id, "page_size": 1000})
    assert response.status_code == 200, response.text
    return list(response.json()["credentials"])


def _read_like_django_accredible(data: dict[str, Any]) -> dict[str, Any]:
    """What `parse_simple_response` reads from a credential, in the same way."""
    return {
        "id": data["id"],
        "issued_on": data["issued_on"],
        "url": data["url"],
        "image": data["certificate"]["image"]["preview"],
        "badge": data["badge"]["image"]["preview"],
        "seo_image": data["seo_image"],
        "email": data["recipient"]["email"],
    }


def test_pyaccredible_group_and_credential_operations(
    wrapper: AccredibleWrapper, api_check: httpx.Client
) -> None:
    created = wrapper.group_create(
        name="Programming 101",
        course_name="Intro to Programming",
        course_description="Variables, loops and functions.",
        attach_pdf=True,
    )
    assert created.status_code == 200, created.text
    group_id = created.json()["group"]["id"]
    assert type(group_id) is int

    updated = wrapper.group_update(group_id, name="Programming 102", course_name="Intro II")
    assert updated.status_code == 200, updated.text
    assert updated.json()["group"]["name"] == "Programming 102"

    issued = wrapper.credential_create(
        group_id, "Ada Lovelace", "ada@example.com", date(2026, 1, 2), {"instructor": "Grace"}
    )
    assert issued.status_code == 200, issued.text
    credential = issued.json()["credential"]
    read = _read_like_django_accredible(credential)
    assert type(read["id"]) is int and read["issued_on"] == "2026-01-02"
    assert credential["custom_attributes"] == {"instructor": "Grace"}

    changed = wrapper.credential_update(read["id"], grade="A", private=True)
    assert changed.status_code == 200 and changed.json()["credential"]["grade"] == "A"

    single_pdf = wrapper.generate_pdf(read["id"])
    assert single_pdf.status_code == 200, single_pdf.text
    assert httpx.get(single_pdf.json()["file"], timeout=30).content.startswith(b"%PDF")
    # pyaccredible names the ids `credentials` where the file says `credential_ids`.
    bundle = wrapper.generate_bulk_pdf([read["id"]])
    assert bundle.status_code == 200, bundle.text
    assert httpx.get(bundle.json()["file"], timeout=30).content.startswith(b"PK")

    deleted = wrapper.credential_delete(read["id"])
    assert deleted.status_code == 200 and deleted.json()["credential"]["id"] == read["id"]
    assert api_check.get(f"/v1/credentials/{read['id']}").status_code == 404


def test_pyaccredible_bulk_create_list_and_delete_a_group_of_120(
    wrapper: AccredibleWrapper, api_check: httpx.Client
) -> None:
    """`group_credentials_delete` reads one page of `page_size=200`: all 120 must be on it."""
    group_id = wrapper.group_create(
        name="Cohort", course_name="Cohort course", course_description="Many learners."
    ).json()["group"]["id"]
    participants = [(f"Learner {n}", f"learner-{n}@example.com") for n in range(120)]
    emails: list[str] = []
    for batch in (participants[:100], participants[100:]):
        response = wrapper.credential_create_bulk(
            group_id, batch, issued_on=date(2026, 2, 3), custom_attrs={"cohort": "7"}
        )
        assert response.status_code == 200, response.text
        assert "errors" not in response.json()
        emails += [_read_like_django_accredible(c)["email"] for c in response.json()["credentials"]]
    assert emails == [email for _, email in participants]

    listed = wrapper.get_credentials_by_group(group_id)
    assert listed.status_code == 200 and len(listed.json()["credentials"]) == 120

    wrapper.group_credentials_delete(group_id)
    assert api_check.get(f"/v1/issuer/groups/{group_id}").status_code == 404
    assert api_check.get("/v1/all_credentials").json()["credentials"] == []


@dataclass(eq=False)
class _User:
    """The calling app's user: django-accredible reads `pk`, `email` and `get_full_name()`."""

    pk: int
    email: str
    full_name: str

    def get_full_name(self) -> str:
        return self.full_name


@dataclass(eq=False)
class _CredentialRow:
    """The calling app's CertificationCredential row, with the attributes django-accredible
    reads and writes."""

    group: "_GroupRow"
    user: _User
    accredible_id: int | None = None
    status: str = "A"
    issued_on: str | None = None
    accredible_url: str | None = None
    image: str | None = None
    badge: str | None = None
    seo_image: str | None = None
    saves: int = 0

    @property
    def user_name(self) -> str:
        return self.user.get_full_name()

    @property
    def user_email(self) -> str:
        return self.user.email

    def save(self, **_: Any) -> None:
        self.saves += 1


@dataclass(eq=False)
class _Rows:
    """What django-accredible does with a queryset: iterate it, `first()`, `filter(user_id=)`."""

    rows: list[_CredentialRow]

    def __iter__(self) -> Iterator[_CredentialRow]:
        return iter(self.rows)

    def first(self) -> _CredentialRow | None:
        return self.rows[0] if self.rows else None

    def filter(self, user_id: int) -> "_Rows":
        return _Rows([row for row in self.rows if row.user.pk == user_id])


@dataclass(eq=False)
class _GroupRow:
    """The calling app's CertificationGroup row."""

    name: str
    description: str
    _type: str = "course"
    accredible_id: int | None = None
    design_id: int | None = None
    credentials: _Rows = field(default_factory=lambda: _Rows([]))
    saved_fields: list[list[str]] = field(default_factory=list)

    def save(self, update_fields: list[str] | None = None) -> None:
        self.saved_fields.append(list(update_fields or []))


@pytest.fixture
def django_accredible(
    live_server: LiveServer, tenant: Tenant, api_check: httpx.Client
) -> Iterator[None]:
    """django-accredible's settings for this test's tenant: its key, our base URL and the
    design its groups use. Django itself is configured once, without a project."""
    if not django_settings.configured:
        django_settings.configure(CERTIFICATION_CH_STATUS_GENERATED="B", USE_TZ=True)
        django.setup()
    designs = api_check.post("/v1/designs/search", json={"kind": "certificate"}).json()
    django_settings.ACCREDIBLE_API_KEY = tenant.api_key
    django_settings.ACCREDIBLE_SERVER_URL = f"{live_server.base_url}/v1/"
    django_settings.ACCREDIBLE_DESIGN = {"course": designs["designs"][0]["id"]}
    yield
    del django_settings.ACCREDIBLE_API_KEY
    del django_settings.ACCREDIBLE_SERVER_URL
    del django_settings.ACCREDIBLE_DESIGN


@pytest.mark.usefixtures("django_accredible")
def test_django_accredible_groups_and_credentials(api_check: httpx.Client) -> None:
    group = _GroupRow(name="Workshop", description="A day of practice.")
    django_groups.create_group(group, issued_on=date(2026, 3, 4), course_name="Workshop course")
    assert type(group.accredible_id) is int
    assert group.saved_fields == [["design_id", "accredible_id", "modified"]]
    shown = api_check.get(f"/v1/issuer/groups/{group.accredible_id}").json()["group"]
    assert shown["name"] == "Workshop - 04 March, 2026"
    assert shown["certificate_design_id"] == group.design_id

    group.name = "Workshop (renamed)"
    django_groups.update_group(group, course_name="Workshop course")
    shown = api_check.get(f"/v1/issuer/groups/{group.accredible_id}").json()["group"]
    assert shown["name"] == "Workshop (renamed)"

    announced: list[dict[str, Any]] = []

    def record(**kwargs: Any) -> None:
        announced.append(kwargs)

    accredible_certification_created.connect(record, weak=False)
    try:
        users = [_User(n, f"member-{n}@example.com", f"Member {n}") for n in range(1, 12)]
        rows = [_CredentialRow(group, user) for user in users]
        group.credentials = _Rows(rows)
        # One credential alone, then the rest in django-accredible's batches of ten.
        django_credentials.create_simple_credential(rows[0], instructor_name="Grace Hopper")
        group.credentials = _Rows(rows[1:])
        django_credentials.create_group_credential(_Rows(rows[1:]), instructor_name="Grace")
    finally:
        accredible_certification_created.disconnect(record)

    assert len(announced) == 11
    for row in rows:
        assert type(row.accredible_id) is int and row.status == "B"
        assert row.accredible_url and row.image and row.badge and row.seo_image
        assert row.saves == 1
    on_server = _credentials_of(api_check, group.accredible_id)
    assert sorted(c["id"] for c in on_server) == sorted(row.accredible_id for row in rows)
    assert {c["custom_attributes"]["instructor_name"] for c in on_server} == {
        "Grace Hopper",
        "Grace",
    }

    django_groups.delete_group(group)
    assert api_check.get(f"/v1/issuer/groups/{group.accredible_id}").status_code == 404
    assert _credentials_of(api_check, group.accredible_id) == []
