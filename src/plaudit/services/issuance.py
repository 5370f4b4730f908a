"""Issuing credentials in two steps: `prepare` and `write`.

`prepare` does what costs CPU: it checks each item (as credentials.issue does), looks up its
group, draws its ids and its status list place, and builds and signs its Open Badges document.
It only reads, so it can run before the write lock, in parallel with other requests. `write`
inserts what was prepared, one statement per table for the whole batch. A unique index that
refuses a credential (a race lost since `prepare`) gives that item the error its pre-check
would have given; a status place taken meanwhile is drawn again and that item signed again.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import uuid4

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from plaudit.domain.credentials import CredentialFields
from plaudit.domain.errors import DomainError, Invalid
from plaudit.domain.scope import Scope
from plaudit.openbadges import did, issuer_dids, keys, status_list
from plaudit.services import credentials, credits, events, organizations
from plaudit.services.credentials import AchievementCache, BatchKeys, Issued
from plaudit.services.signing import Signer, signed_row
from plaudit.store.conflicts import insert_ignoring_conflicts
from plaudit.store.new_rows import column_values, insert_rows
from plaudit.store.signing_tables import SignedCredential, SigningKey, StatusEntry
from plaudit.store.tables import Credential, Organization, Row


@dataclass
class SigningContext:
    """What signs one `prepare` call's credentials: the organization's newest key (`new_key`:
    it had none, the write makes this one), and the issuer DID when this process has not seen
    it recorded yet."""

    signer: Signer
    organization: Organization
    key: SigningKey
    private_key: Ed25519PrivateKey
    new_key: bool
    did_to_record: str | None


@dataclass
class Prepared:
    """One credential ready to insert: built, checked, and signed when it is to be published."""

    credential: Credential  # not in any session; `write` sets its id
    publish: bool  # asked to be published (credits decide when it is written)
    signing: SigningContext | None = None
    place: StatusEntry | None = None  # not in any session: its list and index
    opens_list: bool = False  # the place's list may have no row yet
    signed: dict[str, str] | None = None  # content_hash, document, jwt


def prepare(
    session: Session,
    scope: Scope,
    items: Sequence[CredentialFields | DomainError],
    *,
    today: date,
    signer: Signer | None,
) -> list[Prepared | DomainError]:
    """Each item prepared, or its error (an item that arrives as an error stays one). Reads
    only; raises for the whole request only what the database or the signing key raise."""
    cache: AchievementCache = {}
    batch = BatchKeys.of(items) if len(items) > 1 else BatchKeys()
    outcomes: list[Prepared | DomainError] = []
    for item in items:
        if isinstance(item, DomainError):
            outcomes.append(item)
            continue
        try:
            credential = credentials.build(
                session, scope, item, today=today, achievement_cache=cache, batch=batch
            )
        except DomainError as error:
            outcomes.append(error)
            continue
        batch.hold(credential)
        credential.uuid = uuid4()  # known now: the signed document names it
        outcomes.append(Prepared(credential, publish=credential.approve))
    to_sign = [item for item in outcomes if isinstance(item, Prepared) and item.publish]
    if signer is not None and to_sign:
        context = _signing_context(session, scope.organization_id, signer)
        places = status_list.draw_places(session, context.organization, len(to_sign))
        for item, index in zip(to_sign, places.indices, strict=True):
            item.signing = context
            item.opens_list = places.opens_list
            item.place = _place(context.organization, places.list_number, index)
            _sign(item)
    return outcomes


def prepare_one(
    session: Session, scope: Scope, fields: CredentialFields, *, today: date, signer: Signer | None
) -> Prepared:
    """One credential prepared; its error raised."""
    (outcome,) = prepare(session, scope, [fields], today=today, signer=signer)
    if isinstance(outcome, DomainError):
        raise outcome
    return outcome


def write(
    session: Session, prepared: Sequence[Prepared | DomainError]
) -> list[Issued | DomainError]:
    """Inserts the prepared credentials in the caller's transaction (it commits), with their
    `badge.created` events, status entries and signed forms. Each item's outcome, in order: an
    item a unique index refused wrote nothing and gets its Duplicate; one that found no credit
    left is written unpublished and unsigned."""
    ready = [item for item in prepared if isinstance(item, Prepared)]
    _settle_signing(session, ready)
    written = _insert_each(session, ready)
    return [item if isinstance(item, DomainError) else written[id(item)] for item in prepared]


def write_one(session: Session, prepared: Prepared) -> Issued:
    """One credential written; a refusal raised, after which the caller must not commit (so
    no savepoint is needed: the refused insert goes with the transaction)."""
    _settle_signing(session, [prepared])
    try:
        (issued,) = _insert(session, [prepared])
    except IntegrityError as error:
        raise _refusal(error) from None
    return issued


# --- prepare --------------------------------------------------------------------------------------


def _signing_context(session: Session, organization_id: int, signer: Signer) -> SigningContext:
    organization = organizations.get_organization(session, organization_id)
    key = keys.newest(session, organization.id)
    new_key = key is None
    if key is None:
        key = keys.new_row(organization, 1, signer.secret)
    private_key = keys.unlock(key, organization, signer.secret).private_key
    issuer = did.issuer_did(signer.base_url, organization, key)
    recorded = issuer_dids.is_current(session, organization, issuer)
    return SigningContext(
        signer, organization, key, private_key, new_key, None if recorded else issuer
    )


def _place(organization: Organization, list_number: int, index: int) -> StatusEntry:
    return StatusEntry(
        organization_id=organization.id,
        purpose=status_list.REVOCATION,
        list_number=list_number,
        index=index,
    )


def _sign(item: Prepared) -> None:
    context = item.signing
    assert context is not None and item.place is not None
    item.signed = signed_row(
        item.credential,
        context.organization,
        context.key,
        context.private_key,
        item.place,
        context.signer,
    )


# --- write ----------------------------------------------------------------------------------------


def _settle_signing(session: Session, ready: list[Prepared]) -> None:
    """The signing key, status list and DID rows the prepared signatures need, made now when
    `prepare` found none; a key another transaction made first replaces ours (re-signed)."""
    contexts = {id(item.signing): item.signing for item in ready if item.signing is not None}
    for context in contexts.values():
        if context.new_key and not _insert_key(session, context.key):
            _use_newest_key(session, context)
            for item in ready:
                if item.signing is context:
                    _sign(item)
        context.new_key = False
        if context.did_to_record is not None:
            issuer_dids.record(session, context.organization, context.did_to_record)
            context.did_to_record = None
    opened = {
        (item.place.organization_id, item.place.list_number)
        for item in ready
        if item.opens_list and item.place is not None
    }
    for organization_id, number in sorted(opened):
        status_list.make_list(session, organization_id, status_list.REVOCATION, number)


def _insert_key(session: Session, key: SigningKey) -> bool:
    """Inserts the organization's first key; False when another transaction made it first."""
    statement = insert_ignoring_conflicts(session, SigningKey.__table__).returning(
        SigningKey.__table__.c.id
    )
    new_id = session.connection().execute(statement, column_values(key)).scalar()
    if new_id is None:
        return False
    key.id = new_id
    return True


def _use_newest_key(session: Session, context: SigningContext) -> None:
    key = keys.newest(session, context.organization.id)
    if key is None:
        raise keys.KeyUnavailable(context.organization.id)
    context.key = key
    context.private_key = keys.unlock(key, context.organization, context.signer.secret).private_key
    context.did_to_record = did.issuer_did(context.signer.base_url, context.organization, key)


def _insert_each(session: Session, ready: list[Prepared]) -> dict[int, Issued | DomainError]:
    """All in one go; should a unique index refuse one of them, each in a savepoint of its own
    so that the others are written and the refused one gets its error."""
    try:
        with session.begin_nested():
            return {
                id(item): issued
                for item, issued in zip(ready, _insert(session, ready), strict=True)
            }
    except IntegrityError:
        pass
    outcomes: dict[int, Issued | DomainError] = {}
    for item in ready:
        try:
            with session.begin_nested():
                outcomes[id(item)] = _insert(session, [item])[0]
        except IntegrityError as error:
            outcomes[id(item)] = _refusal(error)
    return outcomes


def _refusal(error: IntegrityError) -> DomainError:
    if (duplicate := credentials.duplicate_of(error)) is not None:
        return duplicate
    if "foreign key" in str(error.orig).lower():
        # Its group was deleted since `prepare` read it.
        return Invalid(code="achievement.unknown", fields={"group_id": ["is invalid"]})
    raise error


def _insert(session: Session, items: list[Prepared]) -> list[Issued]:
    # Held while the credits are counted: the session keeps unchanged rows only weakly, and
    # each item's credit check would load its organization again.
    _organizations = [
        organizations.get_organization(session, organization_id)
        for organization_id in {item.credential.organization_id for item in items}
    ]
    issued = []
    for item in items:
        credential = item.credential
        unpublished = item.publish and not credits.consume(session, credential.organization_id)
        credential.approve = item.publish and not unpublished
        issued.append(Issued(credential, unpublished_for_credits=unpublished))
    new = [item.credential for item in items]
    insert_rows(session, new)
    _insert_children(session, new)
    events.badges_created(session, new)
    signed = [item for item in items if item.credential.approve and item.signed is not None]
    _insert_entries(session, signed)
    if signed:
        session.connection().execute(
            insert(SignedCredential.__table__),
            [{"credential_id": item.credential.id, **(item.signed or {})} for item in signed],
        )
    return issued


def _insert_children(session: Session, new: list[Credential]) -> None:
    evidence: list[Row] = []
    references: list[Row] = []
    for credential in new:
        for child in [*credential.evidence_items, *credential.references]:
            child.credential_id = credential.id
        evidence.extend(credential.evidence_items)
        references.extend(credential.references)
    insert_rows(session, evidence)
    insert_rows(session, references)


def _insert_entries(session: Session, signed: list[Prepared]) -> None:
    """Their status entries; one whose place another transaction took is placed and signed
    again until it lands."""
    pending = signed
    while pending:
        inserted = status_list.insert_free(session, [_entry_row(item) for item in pending])
        pending = [item for item in pending if item.credential.id not in inserted]
        for item in pending:
            _redraw(session, item)


def _entry_row(item: Prepared) -> dict[str, Any]:
    assert item.place is not None
    credential = item.credential
    return {
        "organization_id": credential.organization_id,
        "purpose": item.place.purpose,
        "list_number": item.place.list_number,
        "index": item.place.index,
        "credential_id": credential.id,
        "credential_encoded_id": credential.encoded_id,
        "credential_uuid": credential.uuid,
        "is_set": False,
    }


def _redraw(session: Session, item: Prepared) -> None:
    assert item.signing is not None
    organization = item.signing.organization
    status_list.forget_list_in_use(organization)
    places = status_list.draw_places(session, organization, 1)
    if places.opens_list:
        status_list.make_list(session, organization.id, status_list.REVOCATION, places.list_number)
    item.place = _place(organization, places.list_number, places.indices[0])
    _sign(item)
