"""Integer ids in Accredible paths."""

from plaudit.domain import limits
from plaudit.domain.errors import NotFound


def path_id(raw: str, entity: str) -> int:
    """The id a path segment names; one that is not a number any row can have is not found."""
    number = limits.parse_id(raw)
    if number is None:
        raise NotFound(entity)
    return number
