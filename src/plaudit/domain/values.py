"""Small value helpers shared by the domain's commands."""

import re
from enum import Enum
from typing import Final, TypeAlias, TypeVar

T = TypeVar("T")


class _Unset(Enum):
    """Marks a field an update did not mention (as opposed to one set to None)."""

    UNSET = "UNSET"

    def __bool__(self) -> bool:
        return False


UNSET: Final = _Unset.UNSET
Maybe: TypeAlias = T | _Unset

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def is_set(value: object) -> bool:
    return value is not UNSET


def normalize_email(email: str) -> str:
    """The form emails are compared in: trimmed and lower-cased."""
    return email.strip().lower()


def is_valid_email(email: str) -> bool:
    return bool(_EMAIL.match(email.strip())) and len(email) <= 254


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())
