"""`/v1/designs`: create, view, update, delete, copy, search, the deprecated list, preview."""

import io
from typing import Any

import httpx
import pytest
from PIL import Image

from plaudit.store.db import Database
from tests.accredible.helpers import create_group
from tests.accredible.org_helpers import client_for, department_client
from tests.designs.helpers import (
    BADGE_SVG,
    BILLION_LAUGHS,
    EXTERNAL_ENTITY,
    PLAIN_SVG,
    SCRIPTED_SVG,
    b64,
    create_design,
    decoded,
    design_body,
)
from tests.support.openapi import assert_conforms
from tests.support.tenants import Tenant, make_tenant

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
DESIGN_KEYS = {
    "id",
    "name",
    "kind",
    "department_id",
    "orientation",
    "size",
    "background_bleeds",
    "meta_data",
    "rasterized_content_url",
    "encoded_content",
    "created_at",
    "updated_at",
    "groups",
}


def test_create_and_view_a_design(api: httpx.Client, http: httpx.Client, tenant: Tenant) -> None:
    created = create_design(
        api,
        name="Gold certificate",
        background_bleeds=True,
        orientation="portrait",
        size="us-letter",
        meta_data={"batch": "7"},
    )
    assert set(created) == DESIGN_KEYS
    assert created["name"] == "Gold certificate"
    assert created["kind"] == "certificate"
    assert (created["orientation"], created["size"]) == ("portrait", "us-letter")
    assert created["background_bleeds"] is True
    assert created["meta_data"] == {"batch": "7"}
    # No department given: the organization's default department.
    assert created["department_id"] == tenant.default_department_id
    template = decoded(created)
    assert "{{ recipient.name }}" in template and 'data-merge="qr_code"' in template

    viewed = api.get(f"/v1/designs/{created['id']}")
    assert viewed.status_code == 200
    assert viewed.json() == {"design": created}

    image = http.get(created["rasterized_content_url"])
    assert image.status_code == 200
    assert image.headers["content-type"] == "image/png"
    assert image.content.startswith(PNG_MAGIC)


def test_defaults_and_plain_svg_text(api: httpx.Client) -> None:
    """`encoded_content` may be the SVG text itself; layout fields default sensibly."""
    created = create_design(api, kind="badge", encoded_content=BADGE_SVG)
    assert created["kind"] == "badge"
    assert (created["orientation"], created["size"]) == ("landscape", "a4")
    assert created["background_bleeds"] is False
    assert created["meta_data"] is None
    assert "{{ group.course_name }}" in decoded(created)


def test_a_new_organization_has_the_built_in_designs(api: httpx.Client) -> None:
    response = api.post("/v1/designs/search", json={})
    assert response.status_code == 200
    designs = response.json()["designs"]
    kinds = [item["kind"] for item in designs]
    assert kinds.count("certificate") >= 3 and kinds.count("badge") >= 3
    assert all(item["department_id"] is None for item in designs)
    # Lists leave the (possibly large) template out; viewing one design gives it.
    assert all("encoded_content" not in item for item in designs)
    classic = api.get(f"/v1/designs/{designs[0]['id']}").json()["design"]
    assert classic["name"] == "Classic certificate"
    assert decoded(classic).startswith("<svg")


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        ({"name": None}, {"name": ["can't be blank"]}),
        ({"name": "  "}, {"name": ["can't be blank"]}),
        ({"kind": None}, {"kind": ["can't be blank"]}),
        ({"encoded_content": None}, {"encoded_content": ["can't be blank"]}),
        ({"kind": "poster"}, {"kind": ["is not included in the list"]}),
        ({"orientation": "sideways"}, {"orientation": ["is not included in the list"]}),
        ({"size": "a3"}, {"size": ["is not included in the list"]}),
        ({"name": "n" * 256}, {"name": ["is too long (maximum is 255 characters)"]}),
        ({"background_bleeds": "sure"}, {"background_bleeds": ["is not a boolean"]}),
        ({"meta_data": ["a"]}, {"meta_data": ["is invalid"]}),
        # The OpenAPI file's own example is not an SVG image.
        (
            {"encoded_content": "31884284f406b9e481038c86ca81031031884284f406b9e481038c86ca810310"},
            {"encoded_content": ["is not an SVG image"]},
        ),
        ({"encoded_content": "not base64 at all!"}, {"encoded_content": ["is not an SVG image"]}),
        ({"encoded_content": b64("just text")}, {"encoded_content": ["is not an SVG image"]}),
    ],
)
def test_create_refuses_invalid_fields(
    api: httpx.Client, fields: dict[str, Any], errors: dict[str, list[str]]
) -> None:
    before = api.post("/v1/designs/search", json={}).json()["meta"]["total_count"]
    response = api.post("/v1/designs", json=design_body(**fields))
    assert response.status_code == 422, response.text
    assert response.json() == {"errors": errors}
    assert api.post("/v1/designs/search", json={}).json()["meta"]["total_count"] == before


def test_hostile_svg_is_stored_sanitized(api: httpx.Client) -> None:
    stored = decoded(create_design(api, encoded_content=b64(SCRIPTED_SVG)))
    assert "safe text" in stored
    for hostile in ("script", "onload", "evil.example", "javascript:", "foreignObject", "<div"):
        assert hostile not in stored


@pytest.mark.parametrize("svg", [BILLION_LAUGHS, EXTERNAL_ENTITY, "<svg", "<html></html>"])
def test_unusable_svg_is_refused_naming_the_field(api: httpx.Client, svg: str) -> None:
    response = api.post("/v1/designs", json=design_body(encoded_content=b64(svg)))
    assert response.status_code == 422
    reasons = response.json()["errors"]["encoded_content"]
    assert reasons[0].startswith("is not a usable SVG image")


def test_huge_content_is_refused(api: httpx.Client) -> None:
    padding = "<desc>" + "x" * (3 * 1024 * 1024) + "</desc>"
    huge = PLAIN_SVG.replace("</svg>", padding + "</svg>")
    response = api.post("/v1/designs", json=design_body(encoded_content=huge))
    assert response.status_code == 422
    assert response.json()["errors"]["encoded_content"][0].startswith("is too large")
    over_the_body_limit = "A" * (6 * 1024 * 1024)
    response = api.post("/v1/designs", json=design_body(encoded_content=over_the_body_limit))
    assert response.status_code == 413


def test_update_changes_only_what_is_given(api: httpx.Client) -> None:
    created = create_design(api, meta_data={"a": "1"})
    response = api.put(f"/v1/designs/{created['id']}", json={"design": {"name": "Renamed"}})
    assert response.status_code == 200
    updated = response.json()["design"]
    assert updated["name"] == "Renamed"
    assert updated["encoded_content"] == created["encoded_content"]
    assert updated["meta_data"] == {"a": "1"}

    changed = api.put(
        f"/v1/designs/{created['id']}",
        json={
            "design": {
                "encoded_content": b64(SCRIPTED_SVG),
                "orientation": "portrait",
                "background_bleeds": True,
                "meta_data": None,
            }
        },
    ).json()["design"]
    assert "script" not in decoded(changed) and "safe text" in decoded(changed)
    assert changed["orientation"] == "portrait" and changed["background_bleeds"] is True
    assert changed["meta_data"] is None
    assert changed["rasterized_content_url"] == created["rasterized_content_url"]

    refused = api.put(f"/v1/designs/{created['id']}", json={"design": {"name": ""}})
    assert refused.status_code == 422
    assert refused.json() == {"errors": {"name": ["can't be blank"]}}
    refused = api.put(
        f"/v1/designs/{created['id']}", json={"design": {"encoded_content": BILLION_LAUGHS}}
    )
    assert refused.status_code == 422
    assert api.get(f"/v1/designs/{created['id']}").json()["design"]["name"] == "Renamed"


def test_the_kind_stays_while_a_group_shows_the_design(api: httpx.Client) -> None:
    design = create_design(api)
    group = create_group(api, certificate_design_id=design["id"])
    refused = api.put(f"/v1/designs/{design['id']}", json={"design": {"kind": "badge"}})
    assert refused.status_code == 422
    assert refused.json() == {"errors": {"kind": ["cannot change while groups use this design"]}}
    other = create_design(api)
    changed = api.put(f"/v1/designs/{other['id']}", json={"design": {"kind": "badge"}})
    assert changed.json()["design"]["kind"] == "badge"
    # A copy of a built-in certificate that becomes a badge draws the built-in badge.
    builtin = api.post("/v1/designs/search", json={"kind": "certificate"}).json()["designs"][0]
    copied = api.post(f"/v1/designs/{builtin['id']}/copy").json()["design"]
    badge = api.put(f"/v1/designs/{copied['id']}", json={"design": {"kind": "badge"}})
    assert badge.json()["design"]["encoded_content"] != copied["encoded_content"]
    image = Image.open(io.BytesIO(httpx.get(copied["rasterized_content_url"], timeout=30).content))
    assert image.width == image.height == 600
    assert (
        api.get(f"/v1/issuer/groups/{group['id']}").json()["group"]["certificate_design_id"]
        == (design["id"])
    )


def test_a_design_lists_the_groups_that_use_it(
    api: httpx.Client, http: httpx.Client, database: Database, tenant: Tenant
) -> None:
    certificate = create_design(api)
    assert certificate["groups"] == []
    badge = create_design(api, kind="badge", encoded_content=BADGE_SVG)
    first = create_group(api, certificate_design_id=certificate["id"])
    second = create_group(
        api, badge_design_id=badge["id"], primary_design_id=certificate["id"], name="Second"
    )
    viewed = api.get(f"/v1/designs/{certificate['id']}").json()["design"]
    assert viewed["groups"] == [
        {"id": first["id"], "name": first["name"]},
        {"id": second["id"], "name": "Second"},
    ]
    found = api.post("/v1/designs/search", json={"kind": "badge"}).json()["designs"]
    assert [d["groups"] for d in found if d["id"] == badge["id"]] == [
        [{"id": second["id"], "name": "Second"}]
    ]
    listed = api.get("/v1/designs", params={"kind": "certificate"}).json()["designs"]
    assert [d["groups"] for d in listed if d["id"] == certificate["id"]] == [viewed["groups"]]
    # A department key sees only its department's groups among a shared design's users.
    department_id, scoped = department_client(http, database, tenant)
    with scoped:
        builtin = first["badge_design_id"]
        own = create_group(scoped, name="Scoped")
        assert own["department_id"] == department_id and own["badge_design_id"] == builtin
        shown = scoped.get(f"/v1/designs/{builtin}").json()["design"]["groups"]
        assert shown == [{"id": own["id"], "name": "Scoped"}]
    assert api.delete(f"/v1/designs/{certificate['id']}").json()["design"]["groups"] == []


def test_delete_falls_groups_back_to_the_default_design(api: httpx.Client) -> None:
    default_group = create_group(api)
    certificate = create_design(api)
    badge = create_design(api, kind="badge", encoded_content=BADGE_SVG)
    group = create_group(
        api,
        certificate_design_id=certificate["id"],
        badge_design_id=badge["id"],
        primary_design_id=certificate["id"],
    )
    response = api.delete(f"/v1/designs/{certificate['id']}")
    assert response.status_code == 200
    assert response.json()["design"]["id"] == certificate["id"]
    assert api.get(f"/v1/designs/{certificate['id']}").status_code == 404
    assert api.delete(f"/v1/designs/{certificate['id']}").status_code == 404

    after = api.get(f"/v1/issuer/groups/{group['id']}").json()["group"]
    assert after["certificate_design_id"] == default_group["certificate_design_id"]
    assert after["primary_design_id"] == default_group["certificate_design_id"]
    assert after["design_id"] == default_group["certificate_design_id"]
    assert after["badge_design_id"] == badge["id"]

    api.delete(f"/v1/designs/{badge['id']}")
    after = api.get(f"/v1/issuer/groups/{group['id']}").json()["group"]
    assert after["badge_design_id"] == default_group["badge_design_id"]


def test_copy_a_design(
    api: httpx.Client, http: httpx.Client, database: Database, tenant: Tenant
) -> None:
    original = create_design(api, name="Gold", meta_data={"k": "v"}, orientation="portrait")
    response = api.post(f"/v1/designs/{original['id']}/copy")
    assert response.status_code == 200
    copied = response.json()["design"]
    assert copied["id"] != original["id"]
    assert copied["name"] == "Copy of Gold"
    assert copied["encoded_content"] == original["encoded_content"]
    assert (copied["orientation"], copied["meta_data"]) == ("portrait", {"k": "v"})
    assert copied["rasterized_content_url"] != original["rasterized_content_url"]

    department_id, scoped = department_client(http, database, tenant)
    with scoped:
        moved = api.post(
            f"/v1/designs/{original['id']}/copy", json={"design": {"department_id": department_id}}
        ).json()["design"]
        assert moved["department_id"] == department_id
        assert scoped.get(f"/v1/designs/{moved['id']}").status_code == 200
        # A department key copies into its own department by default...
        builtin = api.post("/v1/designs/search", json={"kind": "badge"}).json()["designs"][0]
        own = scoped.post(f"/v1/designs/{builtin['id']}/copy", json={})
        assert own.json()["design"]["department_id"] == department_id
        # ...and cannot copy into another one, nor see the default department's designs.
        elsewhere = scoped.post(
            f"/v1/designs/{builtin['id']}/copy",
            json={"design": {"department_id": tenant.default_department_id}},
        )
        assert elsewhere.status_code == 422
        assert elsewhere.json() == {"errors": {"department_id": ["is invalid"]}}
        assert scoped.post(f"/v1/designs/{original['id']}/copy").status_code == 404


def test_search_filters_and_pages(api: httpx.Client) -> None:
    first = create_design(api, meta_data={"cohort": "2026", "track": "a"})
    create_design(api, meta_data={"cohort": "2025"})
    badge = create_design(
        api, kind="badge", encoded_content=BADGE_SVG, meta_data={"cohort": "2026"}
    )

    found = api.post(
        "/v1/designs/search", json={"kind": "certificate", "meta_data": {"cohort": "2026"}}
    )
    assert found.status_code == 200
    assert [item["id"] for item in found.json()["designs"]] == [first["id"]]
    assert found.json()["meta"]["total_count"] == 1
    found = api.post("/v1/designs/search", json={"meta_data": {"cohort": "2026"}}).json()
    assert [item["id"] for item in found["designs"]] == [first["id"], badge["id"]]

    everything = api.post("/v1/designs/search", json={}).json()["meta"]["total_count"]
    paged = api.post("/v1/designs/search", json={"page": 2, "page_size": 2}).json()
    assert paged["meta"]["current_page"] == 2
    assert paged["meta"]["total_count"] == everything
    assert len(paged["designs"]) == 2

    refused = api.post("/v1/designs/search", json={"kind": "poster"})
    assert refused.status_code == 422
    assert refused.json() == {"errors": {"kind": ["is not included in the list"]}}
    refused = api.post("/v1/designs/search", json={"page": 0})
    assert refused.status_code == 422


def test_the_deprecated_list(
    api: httpx.Client, http: httpx.Client, database: Database, tenant: Tenant
) -> None:
    badge = create_design(api, kind="badge", encoded_content=BADGE_SVG)
    response = api.get("/v1/designs", params={"kind": "badges"})
    assert response.status_code == 200
    listed = response.json()["designs"]
    assert {item["kind"] for item in listed} == {"badge"}
    assert badge["id"] in [item["id"] for item in listed]
    assert api.get("/v1/designs", params={"kind": "certificate"}).json()["designs"][0]["kind"] == (
        "certificate"
    )
    department_id, scoped = department_client(http, database, tenant)
    with scoped:
        own = create_design(scoped)
    in_department = api.get("/v1/designs", params={"department_id": department_id}).json()
    ids = [item["id"] for item in in_department["designs"]]
    assert own["id"] in ids and badge["id"] not in ids
    assert api.get("/v1/designs", params={"department_id": "x"}).status_code == 422
    assert api.get("/v1/designs", params={"department_id": 999_999_999}).json() == {
        "errors": {"department_id": ["is invalid"]}
    }


def test_department_keys_see_only_their_department(
    api: httpx.Client, http: httpx.Client, database: Database, tenant: Tenant
) -> None:
    in_default = create_design(api)
    department_id, scoped = department_client(http, database, tenant)
    with scoped:
        own = create_design(scoped)
        assert own["department_id"] == department_id
        listed = [
            item["id"] for item in scoped.post("/v1/designs/search", json={}).json()["designs"]
        ]
        assert own["id"] in listed and in_default["id"] not in listed
        for method, path in (
            ("GET", f"/v1/designs/{in_default['id']}"),
            ("PUT", f"/v1/designs/{in_default['id']}"),
            ("DELETE", f"/v1/designs/{in_default['id']}"),
            ("POST", f"/v1/designs/{in_default['id']}/preview"),
        ):
            response = scoped.request(method, path, json={"design": {"name": "x"}})
            assert response.status_code == 404, (method, path)
            assert response.json() == {"errors": "Doesn't exist"}
        refused = scoped.post(
            "/v1/designs", json=design_body(department_id=tenant.default_department_id)
        )
        assert refused.status_code == 422
        assert refused.json() == {"errors": {"department_id": ["is invalid"]}}
        # The organization's built-in designs: visible to every key, changed by none but
        # an account-wide one.
        builtin = listed[0]
        assert scoped.get(f"/v1/designs/{builtin}").status_code == 200
        for response in (
            scoped.put(f"/v1/designs/{builtin}", json={"design": {"name": "Mine"}}),
            scoped.delete(f"/v1/designs/{builtin}"),
        ):
            assert response.status_code == 403
            assert response.json() == {
                "errors": "A department API key cannot change the organization's built-in designs"
            }
        assert scoped.put(f"/v1/designs/{own['id']}", json={"name": "Mine"}).status_code == 200
        assert api.get(f"/v1/designs/{own['id']}").json()["design"]["name"] == "Mine"


def test_another_tenants_design_does_not_exist(
    api: httpx.Client, http: httpx.Client, database: Database
) -> None:
    design = create_design(api)
    with client_for(http, make_tenant(database, "Another Academy").api_key) as other:
        for method, path in (
            ("GET", f"/v1/designs/{design['id']}"),
            ("PUT", f"/v1/designs/{design['id']}"),
            ("DELETE", f"/v1/designs/{design['id']}"),
            ("POST", f"/v1/designs/{design['id']}/copy"),
            ("POST", f"/v1/designs/{design['id']}/preview"),
        ):
            response = other.request(method, path, json={"design": {"name": "x"}})
            assert response.status_code == 404, (method, path)
            assert response.json() == {"errors": "Doesn't exist"}
        ids = [item["id"] for item in other.post("/v1/designs/search", json={}).json()["designs"]]
        assert design["id"] not in ids
    for path in ("/v1/designs/abc", "/v1/designs/0", f"/v1/designs/{2**70}"):
        assert api.get(path).status_code == 404
    assert api.get(f"/v1/designs/{design['id']}").json()["design"]["name"] == design["name"]


def test_without_a_key_nothing_is_told(http: httpx.Client, api: httpx.Client) -> None:
    design = create_design(api)
    for method, path in (
        ("POST", "/v1/designs"),
        ("GET", "/v1/designs"),
        ("POST", "/v1/designs/search"),
        ("GET", f"/v1/designs/{design['id']}"),
        ("POST", f"/v1/designs/{design['id']}/preview"),
    ):
        response = http.request(method, path, json={"design": {"kind": "poster"}})
        assert response.status_code == 401, (method, path)
        assert response.text == "HTTP Token: Access denied."


def test_preview_links_to_the_design_with_the_given_values(
    api: httpx.Client, http: httpx.Client
) -> None:
    design = create_design(api)
    path = f"/v1/designs/{design['id']}/preview"
    response = api.post(path, json={"recipient.name": "Grace Hopper", "custom.example": 7})
    assert response.status_code == 200
    assert_conforms("post", "/v1/designs/{design_id}/preview", 200, response.json())
    link = response.json()["link"]
    image = http.get(link)
    assert image.status_code == 200
    assert image.headers["content-type"] == "image/png"
    assert image.content.startswith(PNG_MAGIC)
    # Other values draw another image; the same values the same one.
    other = http.get(api.post(path, json={"recipient.name": "Alan Turing"}).json()["link"])
    assert other.content != image.content
    assert (
        http.get(
            api.post(path, json={"recipient.name": "Grace Hopper", "custom.example": 7}).json()[
                "link"
            ]
        ).content
        == image.content
    )
    assert api.post(path).status_code == 200  # no body: sample data only

    # The values are signed: changing them breaks the link.
    assert http.get(link[:-3] + "abc").status_code == 404
    refused = api.post(path, json={"recipient.name": {"nested": True}})
    assert refused.status_code == 422
    assert refused.json() == {"errors": {"recipient.name": ["is invalid"]}}
    too_many = api.post(path, json={f"custom.k{i}": "v" for i in range(60)})
    assert too_many.status_code == 422
    too_long = api.post(path, json={"recipient.name": "x" * 1001})
    assert too_long.json() == {
        "errors": {"recipient.name": ["is too long (maximum is 1000 characters)"]}
    }


def test_rasterized_images_are_cached_by_content(api: httpx.Client, http: httpx.Client) -> None:
    design = create_design(api)
    url = design["rasterized_content_url"]
    first = http.get(url)
    etag = first.headers["etag"]
    assert "max-age" in first.headers["cache-control"]
    assert http.get(url, headers={"If-None-Match": etag}).status_code == 304
    api.put(f"/v1/designs/{design['id']}", json={"design": {"encoded_content": BADGE_SVG}})
    changed = http.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["etag"] != etag and changed.content != first.content
    assert (
        http.get(
            url.replace(url.split("/")[-2], "00000000-0000-0000-0000-000000000000")
        ).status_code
        == 404
    )
    assert http.get(url.replace(url.split("/")[-2], "not-a-uuid")).status_code == 404


@pytest.mark.parametrize(
    "root",
    [
        'viewBox="0 0 1 100000"',  # a drawing a hundred thousand times taller than wide
        'width="1" height="100000"',
        'width="0" height="0"',
        'width="100%" height="50%"',
    ],
)
def test_templates_are_drawn_on_their_paper(
    api: httpx.Client, http: httpx.Client, root: str
) -> None:
    """Whatever size an SVG claims, a design's images are as large as its paper."""
    svg = f'<svg xmlns="http://www.w3.org/2000/svg" {root}><rect width="1" height="10"/></svg>'
    design = create_design(api, encoded_content=svg, orientation="portrait")
    template = decoded(design)
    assert 'width="595"' in template and 'height="842"' in template
    image = Image.open(io.BytesIO(http.get(design["rasterized_content_url"]).content))
    assert image.width == 1200 and abs(image.height - 1200 * 842 / 595) < 1
    landscape = api.put(f"/v1/designs/{design['id']}", json={"orientation": "landscape"})
    assert 'width="842" height="595"' in decoded(landscape.json()["design"])
