"""Issuing many credentials in one request, each in a savepoint of its own."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from plaudit.domain.credentials import CredentialFields
from plaudit.domain.errors import DomainError, Invalid
from plaudit.domain.scope import Scope
from plaudit.services import credentials, organizations
from plaudit.services.credentials import AchievementCache, Issued


@dataclass(frozen=True)
class ItemOutcome:
    """One item of a bulk request: what was issued, what was refused, or both (unpublished)."""

    issued: Issued | None = None
    error: DomainError | None = None


def issue_each(
    session: Session,
    scope: Scope,
    items: Sequence[CredentialFields | DomainError],
    *,
    today: date,
) -> list[ItemOutcome]:
    """Every item stands alone: a refused item is rolled back to its savepoint and the others go
    on. Items that could not even be read arrive as their error."""
    cache: AchievementCache = {}
    # Held for the whole request: the session's identity map keeps unchanged rows only weakly,
    # and each item's credit check would otherwise load the organization again.
    _organization = organizations.get_organization(session, scope.organization_id)
    outcomes = []
    for item in items:
        if isinstance(item, DomainError):
            outcomes.append(ItemOutcome(error=item))
            continue
        try:
            with session.begin_nested():
                issued = credentials.issue(
                    session, scope, item, today=today, achievement_cache=cache
                )
        except DomainError as error:
            outcomes.append(ItemOutcome(error=error))
        else:
            outcomes.append(ItemOutcome(issued=issued))
    return outcomes


def issue_all(
    session: Session,
    scope: Scope,
    items: Sequence[CredentialFields | DomainError],
    *,
    today: date,
) -> list[Issued]:
    """All or nothing: one refused item refuses the request, naming every refused item's fields
    as `credentials[i].field`. The caller must not commit after an error."""
    outcomes = issue_each(session, scope, items, today=today)
    fields: dict[str, list[str]] = {}
    for index, outcome in enumerate(outcomes):
        if outcome.error is not None:
            fields.update(_prefixed(index, outcome.error))
    if fields:
        raise Invalid(fields=fields)
    return [outcome.issued for outcome in outcomes if outcome.issued is not None]


def _prefixed(index: int, error: DomainError) -> dict[str, list[str]]:
    if isinstance(error, Invalid) and error.fields:
        return {f"credentials[{index}].{name}": reasons for name, reasons in error.fields.items()}
    return {f"credentials[{index}]": [str(error)]}
