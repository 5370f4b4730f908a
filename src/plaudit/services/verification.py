"""Verification against this server's records, and what was fetched from other issuers.

Our organizations' DIDs resolve from the database under any base URL they issued under
(openbadges/issuer_dids.py), did:key from the key itself, and our status lists from their signed
forms (a list under an earlier base URL is signed again for it, in memory). Anything else a
credential names is `Wanted`: the caller fetches it outside any database session
(services/remote_issuers.py) and concludes again with what it got (`conclude_submitted`). A
submitted credential is examined first, in a worker process (services/verification_workers.py);
our own signed credentials need no such care and are verified here whole.

A status list whose bits changed since it was last signed must be signed again before it can be
checked: in a read-only session that raises `ListNeedsSigning`, and the caller runs the
verification again in a writing one (verifications are reads almost always).
"""

from collections.abc import Callable
from datetime import datetime
from typing import Any
from uuid import UUID

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import select
from sqlalchemy.orm import Session

from plaudit.openbadges import did, keys, verify
from plaudit.openbadges.verify import Unresolved
from plaudit.services import signing, status_lists
from plaudit.services.remote_issuers import Fetched, RemoteIssuers, Wanted
from plaudit.store.signing_tables import OrganizationDid
from plaudit.store.tables import Credential, Organization

NOT_FETCHED = "not one of this server's issuers, not fetched"
_CREDENTIAL_ID_PREFIX = "urn:uuid:"  # how openbadges/ob3.py names our credentials


class ListNeedsSigning(Exception):
    """A status list must be signed again before it can be checked: retry with writes."""


class DatabaseResolver:
    def __init__(
        self,
        session: Session,
        signer: signing.Signer,
        *,
        may_sign: bool,
        fetched: Fetched | None = None,
    ) -> None:
        self.session = session
        self.signer = signer
        self.may_sign = may_sign
        self.fetched = fetched or Fetched()
        self.wanted = Wanted()
        self._keys: dict[str, dict[str, Ed25519PublicKey] | Unresolved] = {}

    def keys(self, did_: str) -> dict[str, Ed25519PublicKey] | Unresolved:
        if did_ not in self._keys:
            self._keys[did_] = self._look_up(did_)
        return self._keys[did_]

    def _look_up(self, did_: str) -> dict[str, Ed25519PublicKey] | Unresolved:
        try:
            return did.resolve_did(self.session, self.signer.base_url, did_)
        except did.DidNotResolvable as error:
            if error.here:
                return Unresolved(str(error), final=True)
        if did_ in self.fetched.dids:
            return self.fetched.dids[did_]
        self.wanted.dids.add(did_)
        return Unresolved(NOT_FETCHED)

    def status_list(self, url: str) -> dict[str, Any] | Unresolved:
        ref = status_lists.find_by_url(self.session, self.signer.base_url, url)
        if ref is not None:
            signed = status_lists.current(self.session, ref, self.signer)
            if signed is None:
                if not self.may_sign:
                    raise ListNeedsSigning(url)
                signed = status_lists.sign(self.session, ref, self.signer)
            return signed.forms.parsed()
        issued = status_lists.find_issued(self.session, url)
        if issued is not None:  # ours, under a base URL we issued under before
            ref, base_url = issued
            try:
                earlier = signing.Signer(base_url, self.signer.secret)
                return status_lists.signed_for(self.session, ref, earlier)
            except keys.KeyUnavailable as error:
                return Unresolved(str(error))
        if url.startswith(f"{self.signer.base_url}/"):
            return Unresolved("it names no status list of this server", final=True)
        if url in self.fetched.status_lists:
            return self.fetched.status_lists[url]
        self.wanted.status_lists.add(url)
        return Unresolved("not this server's, not fetched")


def verify_examined(
    session: Session,
    signer: signing.Signer,
    examined: verify.Examined,
    *,
    may_sign: bool = False,
    fetched: Fetched | None = None,
    now: datetime | None = None,
) -> tuple[verify.Verification, Wanted]:
    """What the checks say about a submitted credential (JSON-LD, JWT, baked PNG or SVG), once
    a worker has examined it (services/verification_workers.py), with what was `fetched`; and
    what it names that is neither ours nor fetched yet."""
    resolver = DatabaseResolver(session, signer, may_sign=may_sign, fetched=fetched)
    result = verify.conclude(examined, resolver, now)
    if examined.submission is not None:
        resolver.wanted.issuer = verify.issuer_id(examined.submission.credential)
    return result, resolver.wanted


def conclude_submitted(
    conclude: Callable[[Fetched | None], tuple[verify.Verification, Wanted]],
    remote: RemoteIssuers,
) -> verify.Verification:
    """`conclude` (verify_examined in a session) once, and when the credential names what is
    not ours, again with it fetched; the fetching happens between the two, outside any
    session. For callers without an event loop (the CLI); the server does the same in
    web/verify_page.py with awaits."""
    result, wanted = conclude(None)
    if not wanted:
        return result
    return conclude(remote.fetch(wanted))[0]


def verify_issued(
    session: Session,
    signer: signing.Signer,
    credential: Credential,
    organization: Organization,
    *,
    may_sign: bool = False,
) -> verify.Verification | None:
    """The live verification of one of our credentials' signed form, as any verifier would see
    it; None when it has not been signed yet."""
    forms = signing.current(session, credential, organization, signer)
    if forms is None:
        return None
    submission = verify.Submission(source="json", credential=forms.parsed())
    resolver = DatabaseResolver(session, signer, may_sign=may_sign)
    return verify.verify_submission(submission, resolver)


def credential_verified(session: Session, result: verify.Verification) -> tuple[int, int] | None:
    """(organization id, credential id) of our credential that a verified submission is a copy
    of, or None: the copy must name one of our credentials and its organization as issuer, and
    that issuer's key must have signed it (a tampered copy, or another issuer's credential, is
    not one of ours, whatever it names). Revoked or expired, it is still ours. One query, and
    none when the signature does not hold."""
    if result.submission is None:
        return None
    outcomes = {check.name: check.outcome for check in result.checks}
    if outcomes.get("proof") != "passed" or outcomes.get("issuer") != "passed":
        return None
    credential = result.submission.credential
    named = credential.get("id")
    if not isinstance(named, str) or not named.startswith(_CREDENTIAL_ID_PREFIX):
        return None
    try:
        credential_uuid = UUID(named.removeprefix(_CREDENTIAL_ID_PREFIX))
    except ValueError:
        return None
    row = session.execute(
        select(Credential.organization_id, Credential.id)
        .join(OrganizationDid, OrganizationDid.organization_id == Credential.organization_id)
        .where(
            Credential.uuid == credential_uuid,
            OrganizationDid.did == verify.issuer_id(credential),
        )
    ).first()
    return (row.organization_id, row.id) if row is not None else None
