"""Bulk issuance: `/v1/credentials/bulk_create` (all or nothing, up to 100) and
`/v2/credentials/bulk_create` (each item alone, up to 30, 200/207/422)."""

from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from sqlalchemy.orm import Session

from plaudit.dialects.accredible import mapping
from plaudit.dialects.accredible.auth import ApiKey, authorize
from plaudit.dialects.accredible.errors import (
    FIXED_MESSAGES,
    AccredibleRoute,
    validation_fields,
    wire_fields,
)
from plaudit.dialects.accredible.schemas import BulkBody, CredentialIn
from plaudit.domain.credentials import CredentialFields
from plaudit.domain.errors import DomainError, Invalid
from plaudit.http.deps import AppSettings, DbWork
from plaudit.http.signer import IssuanceSigner
from plaudit.services import bulk_issue, issuance, organizations
from plaudit.services.bulk_issue import ItemOutcome
from plaudit.services.credentials import Issued
from plaudit.services.issuance import Prepared
from plaudit.store.tables import Organization

router = APIRouter(route_class=AccredibleRoute, tags=["Credentials"])

V1_LIMIT = 100
V2_LIMIT = 30
INSUFFICIENT_CREDITS = {
    "code": "insufficient_credits",
    "message": "The credential was created but not published.",
}


def read_items(raw_items: list[Any]) -> list[CredentialFields | DomainError]:
    """Each item read on its own; one that cannot be read becomes its error."""
    items: list[CredentialFields | DomainError] = []
    for raw in raw_items:
        if isinstance(raw, dict) and isinstance(raw.get("credential"), dict):
            raw = raw["credential"]
        try:
            items.append(mapping.credential_fields(CredentialIn.model_validate(raw)))
        except ValidationError as error:
            items.append(Invalid(fields=validation_fields(error.errors())))
        except DomainError as error:
            items.append(error)
    return items


def _check_count(count: int, limit: int) -> None:
    if count == 0:
        raise Invalid(fields={"credentials": ["can't be blank"]})
    if count > limit:
        raise Invalid(fields={"credentials": [f"is too long (maximum is {limit} credentials)"]})


@router.post("/v1/credentials/bulk_create", summary="Bulk Create credentials (v1)")
async def bulk_create_v1(
    body: BulkBody, key: ApiKey, work: DbWork, settings: AppSettings, signer: IssuanceSigner
) -> dict[str, list[dict[str, Any]]]:
    """`{"credentials": [...]}`: the object real clients read (django-accredible takes
    `["credentials"]`), not the bare array of the API Blueprint's malformed example."""
    items = read_items(body.credentials)

    def prepare(session: Session) -> tuple[Organization, list[Prepared | DomainError]]:
        scope = authorize(session, key)
        _check_count(len(items), V1_LIMIT)
        # Held from the start: the session keeps unchanged rows only weakly.
        issuer = organizations.get_organization(session, scope.organization_id)
        today = datetime.now(UTC).date()
        prepared = issuance.prepare(session, scope, items, today=today, signer=signer)
        bulk_issue.all_or_nothing(prepared)  # refused before anything is written
        return issuer, prepared

    def write(session: Session) -> list[Issued]:
        return bulk_issue.all_or_nothing(issuance.write(session, prepared))

    # Checked, built and signed before its turn to write; written and committed with the
    # creates queued beside it (all or nothing: a refusal undoes this request's writes alone).
    issuer, prepared = await work.read(prepare)
    issued = await work.grouped(write)
    base_url = settings.public_base_url
    return {
        "credentials": [
            mapping.credential_out(item.credential, issuer, base_url) for item in issued
        ]
    }


@router.post("/v2/credentials/bulk_create", summary="Bulk Create Credentials (v2)")
async def bulk_create_v2(
    body: BulkBody, key: ApiKey, work: DbWork, settings: AppSettings, signer: IssuanceSigner
) -> JSONResponse:
    items = read_items(body.credentials)

    def prepare(session: Session) -> tuple[Organization, list[Prepared | DomainError]]:
        scope = authorize(session, key)
        _check_count(len(items), V2_LIMIT)
        issuer = organizations.get_organization(session, scope.organization_id)
        today = datetime.now(UTC).date()
        return issuer, issuance.prepare(session, scope, items, today=today, signer=signer)

    # Checked, built and signed before its turn to write; written and committed with the
    # creates queued beside it.
    issuer, prepared = await work.read(prepare)
    written = await work.grouped(lambda session: issuance.write(session, prepared))
    outcomes = bulk_issue.item_outcomes(written)
    results = [_result(outcome, issuer, settings.public_base_url) for outcome in outcomes]
    return JSONResponse({"results": results}, status_code=_status(outcomes))


def _status(outcomes: list[ItemOutcome]) -> int:
    if all(o.issued and not o.issued.unpublished_for_credits for o in outcomes):
        return 200
    if not any(o.issued for o in outcomes):
        return 422
    return 207


def _result(outcome: ItemOutcome, issuer: Organization, base_url: str) -> dict[str, Any]:
    """One v2 result. The error object is given under `errors` (as the operation's schema names
    it) and `error` (as the API overview names it), so clients written to either read it."""
    result: dict[str, Any] = {}
    error: dict[str, Any] | None = None
    if outcome.issued is not None:
        result["credential"] = mapping.credential_out(outcome.issued.credential, issuer, base_url)
        if outcome.issued.unpublished_for_credits:
            error = dict(INSUFFICIENT_CREDITS)
    if outcome.error is not None:
        error = _invalid(outcome.error)
    if error is not None:
        result["errors"] = error
        result["error"] = error
    return result


def _invalid(error: DomainError) -> dict[str, Any]:
    details = []
    if isinstance(error, Invalid):
        fixed = FIXED_MESSAGES.get(error.code)
        for name, reasons in wire_fields(error.fields).items():
            for reason in reasons:
                message = fixed or reason
                details.append(
                    {"property": name, "reason": _reason_code(reason), "message": message}
                )
    else:
        details.append({"property": "credential", "reason": "invalid", "message": str(error)})
    return {
        "code": "credential_invalid",
        "message": "The credential is not valid",
        "details": details,
    }


def _reason_code(reason: str) -> str:
    """Accredible's short reason (`blank`, `taken`, ...) for one of our reason texts."""
    for start, code in (
        ("can't be blank", "blank"),
        ("has already", "taken"),
        ("is too long", "too_long"),
        ("is out of range", "out_of_range"),
        ("is not a valid date", "invalid_date"),
        ("must be one of", "inclusion"),
        ("is not included", "inclusion"),
    ):
        if reason.startswith(start):
            return code
    return "invalid"
