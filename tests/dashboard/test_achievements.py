"""`/dashboard/achievements`: list (search, state filter, pages), create and edit with designs
from the gallery, archive and unarchive, a new design in the embedded designer; the roles and
the tenant boundary enforced on the endpoints."""

import re

import httpx
from sqlalchemy import func, select

from plaudit.domain.achievements import AchievementFields
from plaudit.domain.scope import Scope
from plaudit.server_secret import server_secret
from plaudit.services import achievements
from plaudit.settings import Settings
from plaudit.store.db import Database
from plaudit.store.tables import Achievement, Design, Organization
from tests.support.dashboard import (
    Member,
    form_token,
    make_member,
    session_form_token,
    signed_in_client,
)
from tests.support.live_server import LiveServer
from tests.support.tenants import Tenant, make_tenant

PATH = "/dashboard/achievements"
ROW = re.compile(r'<th scope="row"><a href="/dashboard/achievements/(\d+)">([^<]+)</a></th>')


def make_achievement(database: Database, organization_id: int, name: str, **fields: object) -> int:
    with database.transaction() as session:
        made = achievements.create(
            session,
            Scope(organization_id),
            AchievementFields(
                name=name, course_name=f"Course {name}", course_description="About it", **fields
            ),
        )
        return made.id


def design_id(database: Database, organization_id: int, name: str) -> int:
    with database.session(readonly=True) as session:
        found = session.scalar(
            select(Design.id).where(Design.organization_id == organization_id, Design.name == name)
        )
        assert found is not None
        return found


def stored(database: Database, achievement_id: int) -> Achievement:
    with database.session(readonly=True) as session:
        found = session.get(Achievement, achievement_id)
        assert found is not None
        return found


def achievement_count(database: Database, organization_id: int) -> int:
    with database.session(readonly=True) as session:
        query = select(func.count()).where(Achievement.organization_id == organization_id)
        return session.scalar(query) or 0


def listed(client: httpx.Client, query: str = "") -> list[str]:
    page = client.get(f"{PATH}{query}")
    assert page.status_code == 200, page.text
    return [name for _, name in ROW.findall(page.text)]


def form(**fields: str) -> dict[str, str]:
    return {
        "name": "data-analysis",
        "course_name": "Data Analysis",
        "course_description": "Cleaning, exploring and charting data.",
        "course_link": "https://academy.example.org/data",
        "language": "en",
        "auto_expiry": "",
        "department_id": "",
        **fields,
    }


def test_an_achievement_is_made_with_designs_from_the_gallery_and_changed(
    live_server: LiveServer, database: Database, tenant: Tenant, owner: Member
) -> None:
    modern = design_id(database, tenant.organization_id, "Modern certificate")
    shield = design_id(database, tenant.organization_id, "Shield badge")
    with signed_in_client(live_server.base_url, owner) as client:
        page = client.get(f"{PATH}/new")
        assert page.status_code == 200
        with database.session(readonly=True) as session:
            uuid = session.scalar(select(Design.uuid).where(Design.id == modern))
        assert f'src="{live_server.base_url}/designs/{uuid}/rasterized.png"' in page.text
        assert f'id="certificate_design_id-{modern}"' in page.text
        classic = design_id(database, tenant.organization_id, "Classic certificate")
        assert f'value="{classic}" checked' in page.text  # the default, chosen until changed
        token = form_token(client, f"{PATH}/new")
        made = client.post(
            PATH,
            data={
                "csrf_token": token,
                **form(
                    certificate_design_id=str(modern),
                    badge_design_id=str(shield),
                    auto_expiry="2",
                    attach_pdf="on",
                ),
            },
        )
        assert made.status_code == 303
        achievement_id = int(made.headers["location"].split("/")[-1].split("?")[0])
        shown = client.get(made.headers["location"])
        assert "Achievement saved." in shown.text
        assert re.search(rf'value="{modern}" checked', shown.text)

        changed = client.post(
            f"{PATH}/{achievement_id}",
            data={"csrf_token": token, **form(name="data-analysis-2027", course_name="Data II")},
        )
        assert changed.status_code == 303
    achievement = stored(database, achievement_id)
    assert achievement.organization_id == tenant.organization_id
    assert (achievement.certificate_design_id, achievement.badge_design_id) == (modern, shield)
    assert (achievement.name, achievement.course_name) == ("data-analysis-2027", "Data II")
    assert achievement.attach_pdf is False and achievement.auto_expiry is None


def test_the_services_refusals_are_shown_next_to_the_fields_and_nothing_is_made(
    live_server: LiveServer, database: Database, tenant: Tenant, owner: Member
) -> None:
    badge = design_id(database, tenant.organization_id, "Shield badge")
    with signed_in_client(live_server.base_url, owner) as client:
        token = form_token(client, f"{PATH}/new")
        for fields, field, message in (
            ({"name": " "}, "name", "can&#39;t be blank"),
            ({"auto_expiry": "500"}, "auto_expiry", "must be less than or equal to 200"),
            ({"auto_expiry": "two"}, "auto_expiry", "must be a whole number"),
            (
                {"certificate_design_id": str(badge)},
                "certificate_design_id",
                "must be a certificate",
            ),
            ({"language": "xx"}, "language", "is not included in the list"),
        ):
            refused = client.post(PATH, data={"csrf_token": token, **form(**fields)})
            assert refused.status_code == 422, fields
            assert f'id="{field}-error"' in refused.text and message in refused.text, fields
    assert achievement_count(database, tenant.organization_id) == 0


def test_the_list_is_searched_filtered_by_state_and_paged(
    live_server: LiveServer, database: Database, tenant: Tenant, owner: Member
) -> None:
    for number in range(23):
        make_achievement(database, tenant.organization_id, f"course-{number:02d}")
    python = make_achievement(database, tenant.organization_id, "python-basics")
    with signed_in_client(live_server.base_url, owner) as client:
        first = listed(client)
        assert len(first) == 20 and first[0] == "course-00"
        page = client.get(PATH).text
        assert "24 achievements, page 1 of 2" in page and 'rel="next"' in page
        assert listed(client, "?page=2") == ["course-20", "course-21", "course-22", "python-basics"]
        assert listed(client, "?q=PYTHON") == ["python-basics"]

        token = form_token(client, PATH)
        archived = client.post(
            f"{PATH}/{python}/state",
            data={"csrf_token": token, "state": "archived", "back": f"{PATH}?q=python"},
        )
        assert archived.status_code == 303
        assert archived.headers["location"] == f"{PATH}?q=python&done=archived"
        assert listed(client, "?q=python") == []
        assert listed(client, "?q=python&state=archived") == ["python-basics"]
        assert len(listed(client, "?state=all&page=2")) == 4
        assert stored(database, python).state == "archived"
        client.post(f"{PATH}/{python}/state", data={"csrf_token": token, "state": "active"})
        assert stored(database, python).state == "active"


def test_another_organizations_achievement_is_not_found(
    live_server: LiveServer, database: Database, owner: Member
) -> None:
    other = make_tenant(database, "Other Academy")
    theirs = make_achievement(database, other.organization_id, "theirs")
    with signed_in_client(live_server.base_url, owner) as client:
        assert client.get(f"{PATH}/{theirs}").status_code == 404
        token = form_token(client, f"{PATH}/new")
        assert (
            client.post(f"{PATH}/{theirs}", data={"csrf_token": token, **form()}).status_code == 404
        )
        state = client.post(
            f"{PATH}/{theirs}/state", data={"csrf_token": token, "state": "archived"}
        )
        assert state.status_code == 404
        assert "theirs" not in client.get(f"{PATH}?state=all").text
    assert stored(database, theirs).state == "active" and stored(database, theirs).name == "theirs"


def test_a_viewer_sees_achievements_but_its_posts_change_nothing(
    live_server: LiveServer, settings: Settings, database: Database, tenant: Tenant
) -> None:
    viewer = make_member(database, tenant.organization_id, "viewer")
    mine = make_achievement(database, tenant.organization_id, "mine")
    with signed_in_client(live_server.base_url, viewer) as client:
        assert listed(client) == ["mine"]
        page = client.get(f"{PATH}/{mine}")
        assert page.status_code == 200 and "Save the achievement" not in page.text
        assert client.get(f"{PATH}/new").status_code == 403
        token = session_form_token(client, server_secret(settings))
        for path, data in (
            (PATH, form()),
            (f"{PATH}/{mine}", form(name="changed")),
            (f"{PATH}/{mine}/state", {"state": "archived"}),
            ("/dashboard/designs/new", {"kind": "certificate"}),
        ):
            assert client.post(path, data={"csrf_token": token, **data}).status_code == 403, path
    assert achievement_count(database, tenant.organization_id) == 1
    assert stored(database, mine).name == "mine" and stored(database, mine).state == "active"


def test_an_issuer_manages_achievements_but_not_settings(
    live_server: LiveServer, database: Database, tenant: Tenant
) -> None:
    issuer = make_member(database, tenant.organization_id, "issuer")
    with signed_in_client(live_server.base_url, issuer) as client:
        token = form_token(client, f"{PATH}/new")
        assert client.post(PATH, data={"csrf_token": token, **form()}).status_code == 303
        refused = client.post(
            "/dashboard/settings", data={"csrf_token": token, "name": "Taken Over"}
        )
        assert refused.status_code == 403
    assert achievement_count(database, tenant.organization_id) == 1
    with database.session(readonly=True) as session:
        assert session.get(Organization, tenant.organization_id).name == "Test Academy"  # type: ignore[union-attr]


def test_new_design_opens_the_designer_and_joins_the_gallery(
    live_server: LiveServer, database: Database, tenant: Tenant, owner: Member
) -> None:
    with signed_in_client(live_server.base_url, owner) as client:
        token = form_token(client, f"{PATH}/new")
        opened = client.post(
            "/dashboard/designs/new",
            data={"csrf_token": token, "kind": "badge", "back": f"{PATH}/new", **form()},
        )
        assert opened.status_code == 303
        frame = client.get(opened.headers["location"])
        assert frame.status_code == 200
        assert "frame-src 'self'" in frame.headers["content-security-policy"]
        assert f'href="{PATH}/new"' in frame.text
        designer = re.search(r'<iframe class="dash-designer" src="([^"]+)"', frame.text)
        assert designer is not None
        assert httpx.get(designer[1].replace("&amp;", "&"), timeout=30).status_code == 200
        assert "New badge design" in client.get(f"{PATH}/new").text
    with database.session(readonly=True) as session:
        made = session.scalar(
            select(Design).where(
                Design.organization_id == tenant.organization_id, Design.name == "New badge design"
            )
        )
        assert made is not None and made.kind == "badge"
