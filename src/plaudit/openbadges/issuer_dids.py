"""The DIDs this server's organizations issue under, as data.

An organization's did:web is made from the server's base URL, which an operator may change
(or which a `plaudit verify` run may not know): each DID is recorded when something is first
signed under it, and this server's issuers are then whatever the table holds, not whatever the
current configuration would make. A DID replaced by a newer one of the same method is retired,
never deleted. `plaudit serve` records each organization's current did:web at start-up too, and
the migration that made the table recorded the issuer of every credential already signed.
"""

from uuid import UUID

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from plaudit.openbadges import did, keys
from plaudit.store.signing_tables import OrganizationDid, SigningKey
from plaudit.store.tables import Organization, utcnow

# DIDs this process has seen recorded and current, by organization UUID (so that another
# database's organization of the same id is another key): signing under one of them records
# nothing. A DID another server retires later (it runs under another base URL) stays here
# until this process restarts, as `plaudit serve` records its DIDs again at start-up.
_seen_current: set[tuple[UUID, str]] = set()


def is_current(session: Session, organization: Organization, did_: str) -> bool:
    """Whether `did_` is recorded as the organization's current DID (reads only)."""
    if (organization.uuid, did_) in _seen_current:
        return True
    row = session.scalar(select(OrganizationDid).where(OrganizationDid.did == did_))
    current = row is not None and row.organization_id == organization.id and row.retired_at is None
    if current:
        _seen_current.add((organization.uuid, did_))
    return current


def method_of(did_: str) -> str:
    return "key" if did_.startswith("did:key:") else "web"


def record(session: Session, organization: Organization, did_: str) -> None:
    """`did_` is the organization's DID from now on (its method's others are retired)."""
    method = method_of(did_)
    row = session.scalar(select(OrganizationDid).where(OrganizationDid.did == did_))
    if row is None:
        try:
            with session.begin_nested():
                session.add(
                    OrganizationDid(organization_id=organization.id, did=did_, method=method)
                )
        except IntegrityError:  # recorded concurrently
            row = session.scalar(select(OrganizationDid).where(OrganizationDid.did == did_))
            if row is None:
                raise
    elif row.retired_at is None:
        return  # the current one: nothing to change (the common case)
    else:
        row.retired_at = None  # back to an earlier base URL
    session.execute(
        update(OrganizationDid)
        .where(
            OrganizationDid.organization_id == organization.id,
            OrganizationDid.method == method,
            OrganizationDid.did != did_,
            OrganizationDid.retired_at.is_(None),
        )
        .values(retired_at=utcnow())
    )
    session.flush()


def record_current(session: Session, base_url: str) -> None:
    """Records, for every organization that has a signing key, the DID it signs under with
    this base URL (run by `plaudit serve` at start-up)."""
    organizations = session.scalars(
        select(Organization).where(
            select(SigningKey.id).where(SigningKey.organization_id == Organization.id).exists()
        )
    )
    for organization in list(organizations):
        newest = keys.published_keys(session, organization.id)[0]
        record(session, organization, did.issuer_did(base_url, organization, newest))


def organization_of(session: Session, did_: str) -> Organization | None:
    """The organization that issues (or issued) under `did_`, if it is one of ours."""
    return session.scalar(
        select(Organization)
        .join(OrganizationDid, OrganizationDid.organization_id == Organization.id)
        .where(OrganizationDid.did == did_)
    )


def recorded(session: Session, organization_id: int) -> list[OrganizationDid]:
    """The organization's DIDs, current ones first."""
    return list(
        session.scalars(
            select(OrganizationDid)
            .where(OrganizationDid.organization_id == organization_id)
            .order_by(OrganizationDid.retired_at.is_not(None), OrganizationDid.id.desc())
        )
    )
