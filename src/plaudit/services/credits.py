"""Issuance credits: an organization may have a balance; publishing a credential uses one."""

from sqlalchemy import update
from sqlalchemy.orm import Session

from plaudit.domain.errors import Invalid
from plaudit.services.organizations import get_organization
from plaudit.store.tables import Organization


def consume(session: Session, organization_id: int) -> bool:
    """Use one credit; False when none is left. Unlimited organizations (no balance) always
    succeed without a write, so they never contend on the organization's row."""
    organization = get_organization(session, organization_id)
    if organization.credits_remaining is None:
        return True
    consumed = session.execute(
        update(Organization)
        .where(Organization.id == organization_id, Organization.credits_remaining >= 1)
        .values(credits_remaining=Organization.credits_remaining - 1)
        .execution_options(synchronize_session="fetch")
    )
    return consumed.rowcount == 1


def set_balance(session: Session, organization_id: int, credits: int | None) -> Organization:
    """Set the balance; None makes issuance unlimited."""
    if credits is not None and not 0 <= credits <= 2**31 - 1:
        raise Invalid(fields={"credits": ["is out of range"]})
    organization = get_organization(session, organization_id)
    organization.credits_remaining = credits
    session.flush()
    return organization
