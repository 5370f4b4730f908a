"""The README documents every setting, and CI runs the README's test command."""

from pathlib import Path

from plaudit.settings import Settings

ROOT = Path(__file__).resolve().parents[2]


def test_every_setting_is_documented() -> None:
    readme = (ROOT / "README.md").read_text()
    missing = [
        f"PLAUDIT_{name.upper()}"
        for name in Settings.model_fields
        if f"`PLAUDIT_{name.upper()}`" not in readme
    ]
    assert not missing


def test_ci_runs_the_readme_test_command() -> None:
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    command = next(line for line in ci.splitlines() if line.startswith("python3 -m venv"))
    assert command in readme
