"""A rule of this test suite, checked over its own source: every HTTP client a test makes says
how long it waits. httpx's default (5 s) is the server's own lock timeout, so on a busy machine
a write that waited its turn and then succeeded read as a client timeout (a CI failure)."""

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
HTTPX_CALLS = {"Client", "AsyncClient", "get", "post", "put", "patch", "delete", "request"}


def _calls_without_timeout(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
            continue
        owner = node.func.value
        if not (isinstance(owner, ast.Name) and owner.id == "httpx"):
            continue
        if node.func.attr not in HTTPX_CALLS:
            continue
        if not any(keyword.arg in ("timeout", None) for keyword in node.keywords):
            found.append(f"{path.relative_to(TESTS)}:{node.lineno}")
    return found


def test_every_http_client_of_the_tests_says_how_long_it_waits() -> None:
    missing = [where for path in TESTS.rglob("*.py") for where in _calls_without_timeout(path)]
    assert missing == []
