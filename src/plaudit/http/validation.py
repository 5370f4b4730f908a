"""What every dialect does alike with a request it refuses: Pydantic's problems as field names
and reasons (each dialect wraps them in its own error body), and whether the credential the
request presented works at all (a request without a working one learns nothing about its body)."""

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy.orm import Session

from plaudit.http.deps import Work
from plaudit.services import api_keys


def problem_fields(
    problems: Sequence[Any], wrappers: Iterable[str] = (), whole: str = "base"
) -> dict[str, list[str]]:
    """`{"recipient.email": ["is invalid"]}`: each problem's field (without the request part it
    came in, nor one of the body's `wrappers`; `whole` when it is the whole body) and reason."""
    fields: dict[str, list[str]] = {}
    for problem in problems:
        name = _field_name(problem.get("loc", ()), frozenset(wrappers)) or whole
        fields.setdefault(name, []).append(_reason(problem))
    return fields


def _field_name(location: tuple[Any, ...], wrappers: frozenset[str]) -> str:
    parts = [str(part) for part in location]
    if parts and parts[0] in {"body", "query", "path"}:
        parts = parts[1:]
    if len(parts) > 1 and parts[0] in wrappers:
        parts = parts[1:]
    return ".".join(parts)


def _reason(problem: dict[str, Any]) -> str:
    kind = str(problem.get("type", ""))
    if kind == "missing":
        return "can't be blank"
    if kind == "nul_character":
        return "contains a NUL character"
    if kind.startswith(("int", "float")):
        return "is not a number"
    if kind.startswith("bool"):
        return "is not a boolean"
    return "is invalid"


async def key_works(request: Any, key: str | None) -> bool:
    """Whether `key` (as the dialect read it from the request) is a live API key."""
    if key is None:
        return False

    def check(session: Session) -> bool:
        return api_keys.authenticate(session, key) is not None

    return await Work(request.app.state.database, readonly=True)(check)
