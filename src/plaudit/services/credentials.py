"""Credentials: issue one, read, change and delete it."""

import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import TypeVar
from uuid import UUID

from sqlalchemy import Select, bindparam, exists, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import InstrumentedAttribute, Session, joinedload

from plaudit.domain import credentials as rules
from plaudit.domain import limits
from plaudit.domain.credentials import (
    CredentialFields,
    EvidenceItemData,
    RecipientData,
    ReferenceData,
)
from plaudit.domain.errors import DomainError, Duplicate, Invalid, NotFound
from plaudit.domain.recipients import user_uuid
from plaudit.domain.scope import Scope
from plaudit.domain.values import is_blank, is_set, normalize_email
from plaudit.services import (
    achievements,
    analytics_counts,
    credential_status,
    credits,
    events,
    visible,
)
from plaudit.store.tables import Achievement, Credential, EvidenceItem, Reference

AchievementCache = dict[int | str, Achievement]
"""Achievements already looked up in one request, by the reference the client used."""

ENCODED_ID_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789"
ENCODED_ID_LENGTH = 10
DUPLICATE_EMAIL_REASON = "has already received a credential in this group"
DUPLICATE_EARNER_REASON = "has already received a credential in this group"
ARCHIVED_REASON = "is archived and cannot issue new credentials"


def new_encoded_id() -> str:
    """The opaque public id in credential URLs: random, so it reveals no count or order."""
    return "".join(secrets.choice(ENCODED_ID_ALPHABET) for _ in range(ENCODED_ID_LENGTH))


def scoped(scope: Scope) -> Select[tuple[Credential]]:
    query = select(Credential).where(Credential.organization_id == scope.organization_id)
    if scope.department_id is not None:
        query = query.where(Credential.department_id == scope.department_id)
    return query


def get(session: Session, scope: Scope, ref: str) -> Credential:
    """A credential by the caller's license id, our integer id, or its encoded id, in that order."""
    ref = ref.strip()
    conditions = [Credential.license_id == ref, Credential.encoded_id == ref]
    if (number := limits.parse_id(ref)) is not None:
        conditions.append(Credential.id == number)
    matches = session.scalars(scoped(scope).where(or_(*conditions))).all()
    return first_named(ref, matches)


Matched = TypeVar("Matched")


def first_named(ref: str, matches: Sequence[Matched]) -> Matched:
    """Of the credentials a reference matched, the one it names first: by license id, then our
    id, then encoded id (ORM objects or rows alike). NotFound when none."""
    for matches_ref in (
        lambda c: c.license_id == ref,
        lambda c: str(c.id) == ref,
        lambda c: c.encoded_id == ref,
    ):
        for credential in matches:
            if matches_ref(credential):
                return credential
    raise NotFound("credential")


def get_by_uuid(session: Session, scope: Scope, ref: str) -> Credential:
    """A credential by its UUID (Credly's badge id); any other (another organization's too)
    is a NotFound."""
    try:
        wanted = UUID(ref.strip())
    except ValueError:
        raise NotFound("badge") from None
    credential = session.scalar(scoped(scope).where(Credential.uuid == wanted))
    if credential is None:
        raise NotFound("badge")
    return credential


@dataclass(frozen=True)
class Issued:
    credential: Credential
    unpublished_for_credits: bool = False


@dataclass
class BatchKeys:
    """The license ids and duplicate keys that earlier items of one request already hold, for
    builds that are checked together before any of them is written (services/issuance.py).

    `candidates` are the duplicate keys the request's items may take (`of`); the first item of
    an achievement then finds which of them the database holds in one statement per key column,
    kept in `taken`, instead of one statement per item."""

    license_ids: set[str] = field(default_factory=set)
    duplicate_keys: set[tuple[int, str]] = field(default_factory=set)
    earner_keys: set[tuple[int, str]] = field(default_factory=set)
    candidates: dict[str, frozenset[str]] = field(default_factory=dict)
    taken: dict[tuple[str, int], frozenset[str]] = field(default_factory=dict)

    @classmethod
    def of(cls, items: Sequence[CredentialFields | DomainError]) -> "BatchKeys":
        """Keys for a request's items, computed as `build` computes them (errors skipped)."""
        emails: set[str | None] = set()
        earner_ids: set[str | None] = set()
        for item in items:
            if isinstance(item, DomainError):
                continue
            recipient = item.recipient
            if is_set(recipient.email) and recipient.email is not None:
                emails.add(rules.duplicate_key(recipient.email.strip(), False))
            if is_set(recipient.external_id):
                earner_ids.add(rules.duplicate_earner_key(recipient.external_id, False))
        return cls(
            candidates={
                Credential.duplicate_key.key: frozenset(key for key in emails if key),
                Credential.duplicate_earner_key.key: frozenset(key for key in earner_ids if key),
            }
        )

    def hold(self, credential: Credential) -> None:
        if credential.license_id is not None:
            self.license_ids.add(credential.license_id)
        if credential.duplicate_key is not None:
            self.duplicate_keys.add((credential.achievement_id, credential.duplicate_key))
        if credential.duplicate_earner_key is not None:
            self.earner_keys.add((credential.achievement_id, credential.duplicate_earner_key))


def issue(
    session: Session,
    scope: Scope,
    data: CredentialFields,
    *,
    today: date,
    achievement_cache: AchievementCache | None = None,
) -> Issued:
    """Create a credential. Asked to publish with no credit left, it is created unpublished."""
    credential = build(session, scope, data, today=today, achievement_cache=achievement_cache)
    session.add(credential)
    _flush(session)
    events.badge(session, credential, events.BADGE_CREATED)
    if credential.approve and not credits.consume(session, scope.organization_id):
        credential.approve = False
        return Issued(credential, unpublished_for_credits=True)
    return Issued(credential)


def build(
    session: Session,
    scope: Scope,
    data: CredentialFields,
    *,
    today: date,
    achievement_cache: AchievementCache | None = None,
    batch: BatchKeys | None = None,
) -> Credential:
    """A new credential, checked (its fields, its group, and its license id and duplicate keys
    against the database and `batch`), not yet in the session. Reads only."""
    rules.check_sizes(data)
    rules.require_recipient(data.recipient)
    achievement = _achievement(session, scope, data.achievement_ref, achievement_cache)
    if achievement.state == "archived":
        # Credly's rule, kept for every dialect: an archived template issues nothing new.
        raise Invalid(code="achievement.archived", fields={"group_id": [ARCHIVED_REASON]})
    issued_on = data.issued_on if is_set(data.issued_on) and data.issued_on else today
    expired_on = (
        data.expired_on
        if is_set(data.expired_on)
        else rules.default_expiry(
            issued_on,
            achievement.auto_expiry,
            fixed_on=achievement.expiry_fixed_on,
            period=achievement.expiry_period,
        )
    )
    credential = Credential(
        organization_id=scope.organization_id,
        encoded_id=new_encoded_id(),
        name=rules.resolve_text(data.name, achievement.course_name, "name"),
        description=rules.resolve_text(
            data.description, achievement.course_description, "description"
        ),
        issued_on=issued_on,
        expired_on=expired_on,
        private=_resolve_private(data.private, achievement),
        complete=_flag(data.complete, default=True),
        approve=_flag(data.approve, default=True),
        allow_supplemental_evidence=_flag(data.allow_supplemental_evidence, default=True),
        allow_supplemental_references=_flag(data.allow_supplemental_references, default=True),
        grade=_value(data.grade),
        custom_attributes=_value(data.custom_attributes),
        meta_data=_value(data.meta_data),
        issued_at=_value(data.issued_at),
        locale=_value(data.locale),
        suppress_notification=_flag(data.suppress_notification, default=False),
        country_name=_value(data.country_name),
        state_or_province=_value(data.state_or_province),
        evidence_items=[],
        references=[],
    )
    if is_set(data.state):
        credential.state = data.state
    _set_achievement(credential, achievement)
    _apply_recipient(credential, data.recipient)
    _set_license_id(session, scope, credential, _value(data.license_id), batch)
    _replace_evidence(credential, data)
    _replace_references(credential, data)
    _check_duplicate(session, credential, batch)
    return credential


def update(session: Session, scope: Scope, ref: str, data: CredentialFields) -> Credential:
    return change(session, scope, get(session, scope, ref), data)


def change(
    session: Session, scope: Scope, credential: Credential, data: CredentialFields
) -> Credential:
    """`update` of a credential already found in the scope (the dashboard finds it by id)."""
    expired_before = credential.expired_on
    rules.check_sizes(data)
    if is_set(data.achievement_ref) and not is_blank(data.achievement_ref):
        achievement_before = credential.achievement_id
        _set_achievement(credential, _achievement(session, scope, data.achievement_ref))
        analytics_counts.move(session, credential, achievement_before)
    achievement = credential.achievement
    rules.check_recipient_change(data.recipient)
    _apply_recipient(credential, data.recipient)
    changes = data.given_scalars()
    if "name" in changes:
        credential.name = rules.resolve_text(changes.pop("name"), achievement.course_name, "name")
    if "description" in changes:
        credential.description = rules.resolve_text(
            changes.pop("description"), achievement.course_description, "description"
        )
    if "issued_on" in changes:
        issued_on = changes.pop("issued_on")
        if issued_on is None:
            raise Invalid(fields={"issued_on": ["can't be blank"]})
        credential.issued_on = issued_on
    if "private" in changes:
        credential.private = _resolve_private(changes.pop("private"), achievement)
    if "license_id" in changes:
        _set_license_id(session, scope, credential, changes.pop("license_id"))
    if changes.get("approve") and not credential.approve:
        changes.pop("approve")
        if not credits.consume(session, scope.organization_id):
            raise Invalid(code="credits.insufficient", fields={"approve": ["insufficient credits"]})
        credential.approve = True
        events.badge(session, credential, events.BADGE_PUBLISHED)
    for name in (
        "complete",
        "approve",
        "allow_supplemental_evidence",
        "allow_supplemental_references",
    ):
        if name in changes:
            value = changes.pop(name)
            if value is not None:
                setattr(credential, name, bool(value))
    for name, value in changes.items():
        setattr(credential, name, value)
    _replace_evidence(credential, data)
    _replace_references(credential, data)
    _check_duplicate(session, credential)
    _flush(session)
    credential_status.expiry_changed(
        session, credential, expired_before, today=datetime.now(UTC).date()
    )
    return credential


def delete(session: Session, scope: Scope, ref: str) -> Credential:
    return remove(session, get(session, scope, ref))


def remove(session: Session, credential: Credential) -> Credential:
    """Delete a credential already found: its status bit and badge.deleted event go with it,
    and no other credential's replacement link points at it any more."""
    credential_status.deleted(session, credential)
    if credential.replaces_id is not None and (
        previous := session.get(Credential, credential.replaces_id)
    ):
        previous.replaced_by_id = None
    if credential.replaced_by_id is not None and (
        following := session.get(Credential, credential.replaced_by_id)
    ):
        following.replaces_id = None
    events.badge(session, credential, events.BADGE_DELETED)
    analytics_counts.forget(session, credential)
    session.delete(credential)
    session.flush()
    return credential


def _achievement(
    session: Session, scope: Scope, ref: object, cache: AchievementCache | None = None
) -> Achievement:
    found = None
    if is_set(ref) and not is_blank(ref) and isinstance(ref, int | str):
        if cache is not None and ref in cache:
            return cache[ref]
        found = _find_achievement(session, scope, ref)
        if cache is not None and found is not None:
            cache[ref] = found
    if found is None:
        raise Invalid(code="achievement.unknown", fields={"group_id": ["is invalid"]})
    return found


def _find_achievement(session: Session, scope: Scope, ref: int | str) -> Achievement | None:
    """achievements.find, loading the department in the same statement when the group is
    named by id (as nearly every client names it): issuing may need its privacy default."""
    number = ref if isinstance(ref, int) else limits.parse_id(ref)
    if number is not None and limits.is_storable_id(number):
        found = session.scalar(
            visible.achievements(scope)
            .options(joinedload(Achievement.department))
            .where(Achievement.id == number)
        )
        if found is not None or isinstance(ref, int):
            return found
    return achievements.find(session, scope, ref)


def _resolve_private(given: object, achievement: Achievement) -> bool:
    """The department is only loaded when neither the request nor the group decides."""
    if (is_set(given) and given is not None) or achievement.generate_private_credential is not None:
        return rules.resolve_private(given, achievement.generate_private_credential, None)
    return rules.resolve_private(given, None, achievement.department.generate_private_credential)


def _set_achievement(credential: Credential, achievement: Achievement) -> None:
    credential.achievement = achievement
    credential.achievement_id = achievement.id
    credential.department_id = achievement.department_id


def _apply_recipient(credential: Credential, recipient: RecipientData) -> None:
    if is_set(recipient.name) and recipient.name is not None:
        credential.recipient_name = recipient.name.strip()
    if is_set(recipient.email) and recipient.email is not None:
        credential.recipient_email = recipient.email.strip()
        credential.recipient_email_normalized = normalize_email(recipient.email)
        credential.recipient_user_uuid = user_uuid(credential.recipient_email_normalized)
    if is_set(recipient.external_id):
        credential.recipient_external_id = recipient.external_id
    if is_set(recipient.phone_number):
        credential.recipient_phone_number = recipient.phone_number
    if is_set(recipient.meta_data):
        credential.recipient_meta_data = recipient.meta_data
    for part in ("first_name", "middle_name", "last_name"):
        if is_set(value := getattr(recipient, part)):
            setattr(credential, f"recipient_{part}", None if is_blank(value) else value.strip())


def _set_license_id(
    session: Session,
    scope: Scope,
    credential: Credential,
    license_id: str | None,
    batch: BatchKeys | None = None,
) -> None:
    license_id = None if is_blank(license_id) else str(license_id).strip()
    if license_id is not None and license_id != credential.license_id:
        taken = (batch is not None and license_id in batch.license_ids) or session.scalar(
            select(
                exists().where(
                    Credential.organization_id == scope.organization_id,
                    Credential.license_id == license_id,
                )
            )
        )
        if taken:
            raise Duplicate(fields={"license_id": ["has already been taken"]})
    credential.license_id = license_id


# Built once: bulk issuance runs this check for every item.
def _taken(key: InstrumentedAttribute[str | None]) -> Select[tuple[int]]:
    """Another credential of the achievement holding this key (bound as `key`)."""
    return (
        select(Credential.id)
        .where(
            Credential.achievement_id == bindparam("achievement_id"),
            key == bindparam("key"),
            Credential.id != bindparam("own_id"),
        )
        .limit(1)
    )


_TAKEN_DUPLICATE_KEY = _taken(Credential.duplicate_key)
_TAKEN_DUPLICATE_EARNER_KEY = _taken(Credential.duplicate_earner_key)


def _check_duplicate(
    session: Session, credential: Credential, batch: BatchKeys | None = None
) -> None:
    """One credential per email, and one per issuer's earner id, in an achievement, unless the
    achievement allows duplicates (Credly's rule: same template and same email, same user or
    same issuer_earner_id; a user here is their email)."""
    allowed = credential.achievement.allow_duplicate_credentials
    credential.duplicate_key = rules.duplicate_key(credential.recipient_email, allowed)
    credential.duplicate_earner_key = rules.duplicate_earner_key(
        credential.recipient_external_id, allowed
    )
    for column, query, key, error, held in (
        (
            Credential.duplicate_key,
            _TAKEN_DUPLICATE_KEY,
            credential.duplicate_key,
            _duplicate_email,
            batch.duplicate_keys if batch else set(),
        ),
        (
            Credential.duplicate_earner_key,
            _TAKEN_DUPLICATE_EARNER_KEY,
            credential.duplicate_earner_key,
            _duplicate_earner,
            batch.earner_keys if batch else set(),
        ),
    ):
        if key is None:
            continue
        if (credential.achievement_id, key) in held:
            raise error()
        with session.no_autoflush:
            if batch is not None and key in batch.candidates.get(column.key, ()):
                taken = _taken_in_batch(session, column, credential.achievement_id, key, batch)
            else:
                parameters = {
                    "achievement_id": credential.achievement_id,
                    "key": key,
                    "own_id": credential.id or 0,
                }
                taken = session.scalar(query, parameters) is not None
        if taken:
            raise error()


def _taken_in_batch(
    session: Session,
    column: InstrumentedAttribute[str | None],
    achievement_id: int,
    key: str,
    batch: BatchKeys,
) -> bool:
    """Whether the database holds the item's key, read once for all the batch's candidates.
    Only new credentials are batched, so no row of the database is the item itself."""
    known = (column.key, achievement_id)
    if known not in batch.taken:
        batch.taken[known] = frozenset(
            session.scalars(
                select(column).where(
                    Credential.achievement_id == achievement_id,
                    column.in_(sorted(batch.candidates[column.key])),
                )
            )
        )
    return key in batch.taken[known]


def _duplicate_email() -> Duplicate:
    return Duplicate(fields={"recipient.email": [DUPLICATE_EMAIL_REASON]})


def _duplicate_earner() -> Duplicate:
    return Duplicate(fields={"recipient.external_id": [DUPLICATE_EARNER_REASON]})


def _flush(session: Session) -> None:
    """Flush, turning a lost race on a unique index into the error the pre-check would give."""
    try:
        session.flush()
    except IntegrityError as error:
        if (duplicate := duplicate_of(error)) is not None:
            raise duplicate from None
        raise


def duplicate_of(error: IntegrityError) -> Duplicate | None:
    """The error the pre-checks would have given for a credential a unique index refused."""
    text = str(error.orig)
    if "duplicate_earner_key" in text:
        return _duplicate_earner()
    if "duplicate_key" in text:
        return _duplicate_email()
    if "license_id" in text:
        return Duplicate(fields={"license_id": ["has already been taken"]})
    return None


def _replace_evidence(credential: Credential, data: CredentialFields) -> None:
    if not is_set(data.evidence_items):
        return
    for index, item in enumerate(data.evidence_items):
        rules.check_evidence_item(item, index)
    credential.evidence_items = [
        evidence_row(item, default_position=index) for index, item in enumerate(data.evidence_items)
    ]


def _replace_references(credential: Credential, data: CredentialFields) -> None:
    if not is_set(data.references):
        return
    for index, reference in enumerate(data.references):
        rules.check_reference(reference, index)
    credential.references = [
        reference_row(reference, default_position=index)
        for index, reference in enumerate(data.references)
    ]


def evidence_row(
    item: EvidenceItemData, *, default_position: int, row: EvidenceItem | None = None
) -> EvidenceItem:
    """A new row holding `item`, or `row` rewritten to hold it."""
    row = row if row is not None else EvidenceItem()
    row.description = item.description
    row.category = item.category
    row.link_url = item.url or item.file
    row.preview_image_url = item.preview
    row.string_object = item.string_object
    row.supplemental = item.supplemental
    row.position = item.position if item.position is not None else default_position
    row.detail = item.detail
    return row


def reference_row(
    reference: ReferenceData, *, default_position: int, row: Reference | None = None
) -> Reference:
    """A new row holding `reference`, or `row` rewritten to hold it."""
    row = row if row is not None else Reference()
    row.description = reference.description
    row.relationship = reference.relationship
    row.referee_name = reference.referee_name
    row.referee_email = reference.referee_email
    row.referee_avatar = reference.referee_avatar
    row.referee_url = reference.referee_url
    row.supplemental = reference.supplemental
    row.approve = reference.approve
    row.position = reference.position if reference.position is not None else default_position
    return row


def _flag(value: object, *, default: bool) -> bool:
    return default if not is_set(value) or value is None else bool(value)


def _value(value: object) -> object:
    return value if is_set(value) else None
