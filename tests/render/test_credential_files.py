"""A credential's files over HTTP: `/c/{encoded_id}/certificate.pdf|png`, `badge.png|svg`,
`seo.png`, their caching, and who may fetch them."""

import io
import shutil
import subprocess
from pathlib import Path
from typing import Any

import httpx
import pytest
from lxml import etree
from PIL import Image
from sqlalchemy import func, select, update

from plaudit.services import renderings
from plaudit.store.db import Database
from plaudit.store.render_tables import Rendering
from plaudit.store.tables import Design
from tests.accredible.helpers import create_group, issue
from tests.support.live_server import LiveServer
from tests.support.tenants import Tenant

needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="no poppler-utils")
Json = dict[str, Any]


def files(credential: Json) -> str:
    return f"/c/{credential['encoded_id']}"


def pdf_tool(tool: str, pdf: bytes, tmp_path: Path, *args: str) -> str:
    path = tmp_path / "certificate.pdf"
    path.write_bytes(pdf)
    out = [str(path), "-"] if tool == "pdftotext" else [str(path)]
    return subprocess.run([tool, *args, *out], check=True, capture_output=True, text=True).stdout


def png_size(content: bytes) -> tuple[int, int]:
    with Image.open(io.BytesIO(content)) as image:
        assert image.format == "PNG"
        return image.size


@needs_poppler
def test_every_file_is_served_with_its_type(
    api: httpx.Client, http: httpx.Client, tmp_path: Path
) -> None:
    group = create_group(api, course_name="Safe Welding Practice")
    credential = issue(api, group["id"], recipient={"name": "Grace Brewster Hopper"})
    base = files(credential)

    pdf = http.get(f"{base}/certificate.pdf")
    assert pdf.status_code == 200, pdf.text
    assert pdf.headers["content-type"] == "application/pdf"
    text = " ".join(pdf_tool("pdftotext", pdf.content, tmp_path).split())
    assert "Grace Brewster Hopper" in text and "Safe Welding Practice" in text
    for row in pdf_tool("pdffonts", pdf.content, tmp_path).splitlines()[2:]:
        assert row.split()[-5:-3] == ["yes", "yes"], row
    assert "842 x 595 pts" in pdf_tool("pdfinfo", pdf.content, tmp_path)

    certificate = http.get(f"{base}/certificate.png")
    assert certificate.headers["content-type"] == "image/png"
    assert png_size(certificate.content) == (1400, 990)
    badge = http.get(f"{base}/badge.png")
    assert badge.headers["content-type"] == "image/png"
    assert png_size(badge.content) == (600, 600)
    seo = http.get(f"{base}/seo.png")
    assert png_size(seo.content) == (1200, 630)

    svg = http.get(f"{base}/badge.svg")
    assert svg.headers["content-type"].startswith("image/svg+xml")
    assert "default-src 'none'" in svg.headers["content-security-policy"]
    root = etree.fromstring(svg.content)
    assert "Grace Brewster Hopper" in " ".join(root.itertext())
    head = http.head(f"{base}/certificate.pdf")
    assert head.status_code == 200 and head.headers["etag"] == pdf.headers["etag"]
    assert head.content == b""
    for response in (pdf, certificate, badge, seo, svg):
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["cache-control"] == "public, max-age=60"


def test_the_image_urls_of_the_api_serve_real_images(api: httpx.Client, http: httpx.Client) -> None:
    credential = issue(api, create_group(api)["id"])
    for url in (
        credential["certificate"]["image"]["preview"],
        credential["badge"]["image"]["preview"],
        credential["seo_image"],
    ):
        response = http.get(url)
        assert response.status_code == 200, url
        png_size(response.content)


def test_etag_revalidates_and_cached_bytes_are_the_same(
    api: httpx.Client, http: httpx.Client, database: Database
) -> None:
    credential = issue(api, create_group(api)["id"])
    url = f"{files(credential)}/badge.png"
    first = http.get(url)
    etag = first.headers["etag"]
    assert len(etag) == 66  # a quoted SHA-256
    assert http.get(url, headers={"If-None-Match": etag}).status_code == 304
    renderings.memory.items.clear()  # the table answers too
    renderings.memory.size = 0
    again = http.get(url)
    assert again.content == first.content and again.headers["etag"] == etag
    with database.session() as session:
        kept = session.scalar(select(func.count()).where(Rendering.key == etag.strip('"')))
    assert kept == 1


def test_a_change_to_credential_group_or_design_renders_anew(
    api: httpx.Client, http: httpx.Client, database: Database, tenant: Tenant
) -> None:
    group = create_group(api, course_name="First Course")
    credential = issue(api, group["id"], recipient={"name": "Ada Lovelace"})
    url = f"{files(credential)}/certificate.png"
    seen = [http.get(url).headers["etag"]]

    response = api.put(
        f"/v1/credentials/{credential['id']}",
        json={"credential": {"recipient": {"name": "Augusta Ada King"}}},
    )
    assert response.status_code == 200, response.text
    seen.append(http.get(url).headers["etag"])

    response = api.put(
        f"/v1/issuer/groups/{group['id']}", json={"group": {"course_name": "Second Course"}}
    )
    assert response.status_code == 200, response.text
    seen.append(http.get(url).headers["etag"])

    with database.transaction() as session:
        session.execute(
            update(Design)
            .where(Design.organization_id == tenant.organization_id, Design.kind == "certificate")
            .values(builtin_key="modern-certificate")
        )
    seen.append(http.get(url).headers["etag"])
    assert len(set(seen)) == 4
    with database.session() as session:  # one kept rendering per credential and variant
        rows = session.scalar(
            select(func.count()).where(
                Rendering.credential_id == int(credential["id"]),
                Rendering.variant == "certificate.png",
            )
        )
    assert rows == 1


def test_a_custom_design_with_hostile_content_renders_safely(
    api: httpx.Client, http: httpx.Client, database: Database, tenant: Tenant
) -> None:
    group = create_group(api)
    credential = issue(api, group["id"], recipient={"name": "<script>alert(1)</script>"})
    hostile = (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 300 300">'
        "<script>alert(1)</script><rect width='300' height='300' fill='#eee' onload='x()'/>"
        "<text x='10' y='50'>{{ recipient.name }}</text></svg>"
    )
    with database.transaction() as session:
        design = Design(
            organization_id=tenant.organization_id,
            kind="badge",
            name="Hostile",
            content_svg=hostile,  # as if stored before sanitizing: it is sanitized again
        )
        session.add(design)
        session.flush()
        design_id = design.id
    response = api.put(
        f"/v1/issuer/groups/{group['id']}", json={"group": {"badge_design_id": design_id}}
    )
    assert response.status_code == 200, response.text
    svg = http.get(f"{files(credential)}/badge.svg")
    assert svg.status_code == 200
    assert "<script" not in svg.text and "onload" not in svg.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in svg.text
    assert http.get(f"{files(credential)}/badge.png").status_code == 200


def test_private_credentials_files_follow_the_page_rule(
    api: httpx.Client, http: httpx.Client, live_server: LiveServer
) -> None:
    credential = issue(api, create_group(api)["id"], private=True)
    url = f"{files(credential)}/certificate.png"
    refused = http.get(url, headers={"Accept": "application/json"})
    assert refused.status_code == 403
    assert refused.json() == {"errors": "Private Certificate, use key"}
    assert http.get(f"{files(credential)}/certificate.pdf").status_code == 403
    assert http.get(url, params={"key": "forged"}).status_code == 403

    link = api.post("/v1/sso/generate_link", json={"credential_id": credential["id"]}).json()
    with httpx.Client(base_url=live_server.base_url, timeout=30) as browser:
        landed = browser.get(link["link"])
        assert landed.status_code == 303
        mine = browser.get(url)
        assert mine.status_code == 200
        assert mine.headers["cache-control"] == "private, no-cache"
        png_size(mine.content)


def test_unknown_and_unpublished_credentials_are_not_found(
    api: httpx.Client, http: httpx.Client
) -> None:
    assert http.get("/c/doesnotexist/certificate.pdf").status_code == 404
    assert http.get(f"/c/{'x' * 300}/badge.png").status_code == 404
    draft = issue(api, create_group(api)["id"], approve=False)
    assert http.get(f"{files(draft)}/badge.png").status_code == 404
