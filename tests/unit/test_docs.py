"""The docs hold together: decision records are numbered without gaps, every reference to one
names a record that exists, and the compatibility table names nothing a user does not have."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ADRS = ROOT / "docs" / "adr"
REFERENCE = re.compile(r"(?:ADR[ -]|adr/)(\d{4})")


def test_decision_records_are_numbered_without_gaps() -> None:
    numbers = sorted(int(path.name[:4]) for path in ADRS.glob("[0-9][0-9][0-9][0-9]-*.md"))
    assert numbers == list(range(1, len(numbers) + 1))
    for path in ADRS.glob("*.md"):
        assert (
            path.read_text().splitlines()[0].lstrip("# ").removeprefix("ADR ")[:4] == path.name[:4]
        )


def test_every_reference_to_a_record_resolves() -> None:
    existing = {path.name[:4] for path in ADRS.glob("*.md")}
    for folder in ("src", "tests", "bench", "docs"):
        for path in (ROOT / folder).rglob("*"):
            if path.suffix not in (".py", ".md", ".html", ".js") or "node_modules" in path.parts:
                continue
            missing = set(REFERENCE.findall(path.read_text(errors="replace"))) - existing
            assert not missing, f"{path.relative_to(ROOT)} names ADR {sorted(missing)}"
    assert set(REFERENCE.findall((ROOT / "README.md").read_text())) <= existing


def test_the_compatibility_table_names_no_internal_tools() -> None:
    text = (ROOT / "docs" / "compatibility.md").read_text()
    assert "issues show" not in text and "../shared" not in text
