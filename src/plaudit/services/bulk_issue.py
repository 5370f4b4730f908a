"""Many credentials in one request: v1's all or nothing, v2's outcome per item (issued by
services/issuance.py)."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

from plaudit.domain.errors import DomainError, Invalid
from plaudit.services.credentials import Issued

Outcome = TypeVar("Outcome")


@dataclass(frozen=True)
class ItemOutcome:
    """One item of a bulk request: what was issued, what was refused, or both (unpublished)."""

    issued: Issued | None = None
    error: DomainError | None = None


def item_outcomes(outcomes: Sequence[Issued | DomainError]) -> list[ItemOutcome]:
    """Every item stands alone: a refused item is its error, and the others go on."""
    return [
        ItemOutcome(error=outcome)
        if isinstance(outcome, DomainError)
        else ItemOutcome(issued=outcome)
        for outcome in outcomes
    ]


def all_or_nothing(outcomes: Sequence[Outcome | DomainError]) -> list[Outcome]:
    """Every item's outcome, or one Invalid naming every refused item's fields as
    `credentials[i].field` (the caller must not commit after it)."""
    fields: dict[str, list[str]] = {}
    for index, outcome in enumerate(outcomes):
        if isinstance(outcome, DomainError):
            fields.update(_prefixed(index, outcome))
    if fields:
        raise Invalid(fields=fields)
    return [outcome for outcome in outcomes if not isinstance(outcome, DomainError)]


def _prefixed(index: int, error: DomainError) -> dict[str, list[str]]:
    if isinstance(error, Invalid) and error.fields:
        return {f"credentials[{index}].{name}": reasons for name, reasons in error.fields.items()}
    return {f"credentials[{index}]": [str(error)]}
