"""The embedded designers: `POST /v1/designers/{certificate,badge}/initialize`, the editor page
the token opens, and the editor's preview and save."""

import base64
import io
import time
from typing import Any

import httpx
import pytest
from PIL import Image

from plaudit.store.db import Database
from plaudit.web import designer_token
from tests.accredible.org_helpers import client_for, department_client
from tests.designs.helpers import BADGE_SVG, PLAIN_SVG, SCRIPTED_SVG, create_design, decoded
from tests.support.openapi import assert_conforms
from tests.support.tenants import Tenant, make_tenant

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
INIT = "/v1/designers/{kind}/initialize"


def initialize(api: httpx.Client, kind: str = "certificate", **body: Any) -> dict[str, Any]:
    response = api.post(INIT.format(kind=kind), json=body)
    assert response.status_code == 200, response.text
    assert_conforms("post", INIT.format(kind=kind), 200, response.json())
    return response.json()


def editor(http: httpx.Client, token: str, action: str, **document: Any) -> httpx.Response:
    body = {"name": "Edited", **document}
    return http.post(f"/designer/{action}", json=body, headers={"X-Designer-Token": token})


def png_data_uri(size: tuple[int, int] = (40, 30)) -> str:
    out = io.BytesIO()
    Image.new("RGB", size, (30, 90, 160)).save(out, format="PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()


def test_initialize_makes_a_new_design_and_a_token(
    api: httpx.Client, http: httpx.Client, tenant: Tenant
) -> None:
    started = initialize(api)
    design = api.get(f"/v1/designs/{started['design_id']}").json()["design"]
    assert design["kind"] == "certificate"
    assert design["name"] == "New certificate design"
    assert design["department_id"] == tenant.default_department_id
    assert started["url"].endswith(f"/designer?token={started['token']}")
    page = http.get(started["url"])
    assert page.status_code == 200
    policy = page.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "frame-ancestors *" in policy  # embedded in the issuer's own app
    assert page.headers["cache-control"] == "no-store"
    assert "Certificate designer" in page.text and "credential.url (QR code)" in page.text

    badge = initialize(api, "badge")
    assert api.get(f"/v1/designs/{badge['design_id']}").json()["design"]["kind"] == "badge"


def test_initialize_opens_an_existing_design(
    api: httpx.Client, http: httpx.Client, database: Database, tenant: Tenant
) -> None:
    badge = create_design(api, kind="badge", encoded_content=BADGE_SVG)
    assert initialize(api, "badge", design_id=badge["id"])["design_id"] == badge["id"]
    refused = api.post(INIT.format(kind="certificate"), json={"design_id": badge["id"]})
    assert refused.status_code == 422
    assert refused.json() == {"errors": {"design_id": ["must be a certificate design"]}}
    refused = api.post(
        INIT.format(kind="badge"), json={"design_id": badge["id"], "department_id": 999_999}
    )
    assert refused.status_code == 422
    assert api.post(INIT.format(kind="badge"), json={"design_id": 999_999_999}).status_code == 404
    with client_for(http, make_tenant(database, "Another Academy").api_key) as other:
        response = other.post(INIT.format(kind="badge"), json={"design_id": badge["id"]})
        assert response.status_code == 404
        assert response.json() == {"errors": "Doesn't exist"}
    assert http.post(INIT.format(kind="badge"), json={}).status_code == 401

    department_id, scoped = department_client(http, database, tenant)
    with scoped:
        mine = scoped.post(INIT.format(kind="certificate"), json={}).json()
        design = api.get(f"/v1/designs/{mine['design_id']}").json()["design"]
        assert design["department_id"] == department_id
        builtin = api.post("/v1/designs/search", json={"kind": "badge"}).json()["designs"][0]
        refused = scoped.post(INIT.format(kind="badge"), json={"design_id": builtin["id"]})
        assert refused.status_code == 403


def test_the_token_opens_the_editor_and_nothing_else(api: httpx.Client, http: httpx.Client) -> None:
    started = initialize(api)
    token = started["token"]
    for key in (f"Token token={token}", f"Bearer {token}"):
        refused = http.get(f"/v1/designs/{started['design_id']}", headers={"Authorization": key})
        assert refused.status_code == 401
    for bad in ("", "nonsense", token[:-2] + ("AA" if not token.endswith("AA") else "BB")):
        page = http.get("/designer", params={"token": bad})
        assert page.status_code == 401
        assert editor(http, bad, "preview").status_code == 401
    assert http.post("/designer/preview", json={"name": "x"}).json() == {
        "errors": "This editor link has expired"
    }
    api.delete(f"/v1/designs/{started['design_id']}")
    assert http.get(started["url"]).status_code == 404
    assert editor(http, token, "save").status_code == 404


def test_tokens_expire() -> None:
    secret = b"s" * 32
    token = designer_token.issue(secret, designer_token.DesignerGrant(1, 2))
    assert designer_token.read(secret, token, 60) == designer_token.DesignerGrant(1, 2)
    assert designer_token.read(b"t" * 32, token, 60) is None
    time.sleep(2.1)
    assert designer_token.read(secret, token, 1) is None


def test_preview_draws_the_document_with_sample_data(api: httpx.Client, http: httpx.Client) -> None:
    token = initialize(api)["token"]
    current = editor(http, token, "preview")
    assert current.status_code == 200
    assert current.headers["content-type"] == "image/png"
    assert current.content.startswith(PNG_MAGIC)
    field = {"name": "recipient.name", "x": 0.5, "y": 0.5, "size": 0.06}
    placed = editor(http, token, "preview", fields=[field])
    assert placed.content != current.content
    portrait = editor(http, token, "preview", orientation="portrait")
    assert (
        Image.open(io.BytesIO(portrait.content)).height
        > Image.open(io.BytesIO(current.content)).height
    )
    # Previews change nothing.
    design = api.get(f"/v1/designs/{initialize(api)['design_id']}").json()["design"]
    assert design["name"] == "New certificate design"


@pytest.mark.parametrize(
    ("document", "field"),
    [
        ({"fields": [{"name": "recipient.name", "x": 2, "y": 0.5, "size": 0.05}]}, "fields.0.x"),
        ({"fields": [{"name": "<script>", "x": 0.5, "y": 0.5, "size": 0.05}]}, "fields.0.name"),
        (
            {
                "fields": [
                    {"name": "recipient.name", "x": 0.5, "y": 0.5, "size": 0.05, "color": "red;"}
                ]
            },
            "fields.0.color",
        ),
        ({"name": ""}, "name"),
        ({"name": "   "}, "name"),
        ({"base": "svg", "svg": "<svg"}, "svg"),
        ({"base": "svg"}, "svg"),
        ({"base": "image", "image": "data:image/png;base64,bm90IGFuIGltYWdl"}, "image"),
        ({"base": "image", "image": "data:image/gif;base64,R0lGODlhAQABAAAAACw="}, "image"),
        ({"base": "image", "image": "data:image/png;base64," + "A" * (3 * 1024 * 1024)}, "image"),
        ({"orientation": "diagonal"}, "orientation"),
    ],
)
def test_the_editor_refuses_bad_documents(
    api: httpx.Client, http: httpx.Client, document: dict[str, Any], field: str
) -> None:
    started = initialize(api)
    for action in ("preview", "save"):
        response = editor(http, started["token"], action, **document)
        assert response.status_code == 422, response.text
        assert field in response.json()["errors"]
    design = api.get(f"/v1/designs/{started['design_id']}").json()["design"]
    assert design["name"] == "New certificate design"


def test_save_an_uploaded_svg_with_placed_fields(api: httpx.Client, http: httpx.Client) -> None:
    started = initialize(api)
    fields = [
        {"name": "recipient.name", "x": 0.5, "y": 0.45, "size": 0.07, "bold": True, "font": "Lato"},
        {"name": "custom.cohort", "x": 0.1, "y": 0.9, "size": 0.03, "anchor": "start"},
        {"name": "credential.url", "x": 0.85, "y": 0.8, "size": 0.2},
    ]
    response = editor(
        http,
        started["token"],
        "save",
        name="Uploaded",
        orientation="portrait",
        size="us-letter",
        background_bleeds=True,
        base="svg",
        svg=PLAIN_SVG,
        fields=fields,
    )
    assert response.status_code == 200, response.text
    saved = response.json()["design"]
    assert saved["id"] == started["design_id"] and saved["name"] == "Uploaded"
    design = api.get(f"/v1/designs/{started['design_id']}").json()["design"]
    assert design["encoded_content"] == saved["encoded_content"]
    assert (design["orientation"], design["size"], design["background_bleeds"]) == (
        "portrait",
        "us-letter",
        True,
    )
    template = decoded(design)
    assert template.count("{{ recipient.name }}") == 2  # the upload's own and the placed one
    assert "{{ custom.cohort }}" in template
    assert template.count('data-merge="qr_code"') == 2
    assert 'font-family="Lato"' in template and 'text-anchor="start"' in template
    assert http.get(design["rasterized_content_url"]).content.startswith(PNG_MAGIC)


def test_save_a_background_image_and_a_hostile_svg(api: httpx.Client, http: httpx.Client) -> None:
    started = initialize(api, "badge")
    image = png_data_uri()
    response = editor(http, started["token"], "save", base="image", image=image)
    assert response.status_code == 200, response.text
    template = decoded(api.get(f"/v1/designs/{started['design_id']}").json()["design"])
    assert "<image" in template and "data:image/png;base64," in template
    assert 'viewBox="0 0 288 288"' in template  # a badge is square

    response = editor(http, started["token"], "save", base="svg", svg=SCRIPTED_SVG)
    assert response.status_code == 200
    template = decoded(api.get(f"/v1/designs/{started['design_id']}").json()["design"])
    assert "script" not in template and "evil.example" not in template
    assert "safe text" in template
