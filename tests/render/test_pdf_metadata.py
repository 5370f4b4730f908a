"""A certificate PDF says what it is in its metadata (title: achievement and recipient; author:
issuer; subject; created on the issue date, so the same credential still gives the same
bytes) and gives each embedded font subset a tag of its own, read back with poppler-utils."""

import re
import shutil
import subprocess
from pathlib import Path

import httpx
import pytest

from plaudit.render import BUILTIN_DESIGNS, builtin_design, sample_fields
from plaudit.render.documents import draw
from tests.accredible.helpers import create_group, issue

pytestmark = pytest.mark.skipif(shutil.which("pdfinfo") is None, reason="no poppler-utils")


def _tool(tool: str, pdf: bytes, tmp_path: Path, *args: str) -> str:
    path = tmp_path / "certificate.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        [tool, *args, str(path)], check=True, capture_output=True, text=True
    ).stdout


def _info(pdf: bytes, tmp_path: Path) -> dict[str, str]:
    lines = _tool("pdfinfo", pdf, tmp_path, "-isodates").splitlines()
    return {key.strip(): value.strip() for key, _, value in (line.partition(":") for line in lines)}


def _subset_tags(pdf: bytes, tmp_path: Path) -> list[str]:
    rows = _tool("pdffonts", pdf, tmp_path).splitlines()[2:]
    names = [row.split()[0] for row in rows]
    assert all(re.fullmatch(r"[A-Z]{6}\+\S+", name) for name in names), names
    return [name.split("+")[0] for name in names]


def _certificate(**overrides: str) -> bytes:
    design = builtin_design("classic-certificate")
    assert design is not None
    fields = sample_fields(overrides)
    return draw("certificate.pdf", design.template_svg, design.layout, fields, stored=False)


def test_the_metadata_names_the_credential_and_its_issue_date(tmp_path: Path) -> None:
    pdf = _certificate(**{"recipient.name": "Grace Hopper", "credential.issued_on": "9 May 2025"})
    info = _info(pdf, tmp_path)
    assert info["Title"] == "Foundations of Analytical Engines — Grace Hopper"
    assert info["Author"] == "Plaudit Demo Academy"
    assert "Grace Hopper" in info["Subject"] and "Plaudit Demo Academy" in info["Subject"]
    assert info["CreationDate"].startswith("2025-05-09T00:00:00")
    assert info["ModDate"].startswith("2025-05-09T00:00:00")
    assert info["Creator"] == "Plaudit"
    # Deterministic: the same credential gives the same bytes.
    assert pdf == _certificate(
        **{"recipient.name": "Grace Hopper", "credential.issued_on": "9 May 2025"}
    )


@pytest.mark.parametrize(
    "key", sorted(key for key, d in BUILTIN_DESIGNS.items() if d.kind == "certificate")
)
def test_every_font_subset_has_its_own_tag(key: str, tmp_path: Path) -> None:
    design = BUILTIN_DESIGNS[key]
    pdf = draw("certificate.pdf", design.template_svg, design.layout, sample_fields(), False)
    tags = _subset_tags(pdf, tmp_path)
    assert len(tags) > 1
    assert len(set(tags)) == len(tags), tags


def test_a_served_certificate_carries_its_credential_in_the_metadata(
    api: httpx.Client, http: httpx.Client, tmp_path: Path
) -> None:
    group = create_group(api, course_name="Applied Cryptography")
    credential = issue(
        api,
        group["id"],
        recipient={"name": "Ada Lovelace", "email": "ada@example.com"},
        issued_on="2026-03-01",
    )
    pdf = http.get(f"{credential['url']}/certificate.pdf")
    assert pdf.status_code == 200
    info = _info(pdf.content, tmp_path)
    assert info["Title"] == f"{credential['name']} — Ada Lovelace"
    assert info["Author"] == credential["issuer"]["name"]
    assert info["CreationDate"].startswith("2026-03-01T00:00:00")
