"""Verification against this server's own records: our organizations' DIDs resolve from the
database, did:key from the key itself, and our status lists from their signed forms. Nothing is
ever fetched: any other DID or status list fails its check with "not fetched". A submitted
credential is examined first, in a worker process (services/verification_workers.py); our own
signed credentials need no such care and are verified here whole.

A status list whose bits changed since it was last signed must be signed again before it can be
checked: in a read-only session that raises `ListNeedsSigning`, and the caller runs the
verification again in a writing one (verifications are reads almost always).
"""

from datetime import datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy.orm import Session

from plaudit.openbadges import did, verify
from plaudit.services import signing, status_lists
from plaudit.store.tables import Credential, Organization


class ListNeedsSigning(Exception):
    """A status list must be signed again before it can be checked: retry with writes."""


class DatabaseResolver:
    def __init__(self, session: Session, signer: signing.Signer, *, may_sign: bool) -> None:
        self.session = session
        self.signer = signer
        self.may_sign = may_sign
        self._keys: dict[str, dict[str, Ed25519PublicKey] | None] = {}

    def keys(self, did_: str) -> dict[str, Ed25519PublicKey] | None:
        if did_ not in self._keys:
            try:
                self._keys[did_] = did.resolve_did(self.session, self.signer.base_url, did_)
            except did.DidNotResolvable:
                self._keys[did_] = None
        return self._keys[did_]

    def status_list(self, url: str) -> dict[str, Any] | None:
        ref = status_lists.find_by_url(self.session, self.signer.base_url, url)
        if ref is None:
            return None
        signed = status_lists.current(self.session, ref, self.signer)
        if signed is None:
            if not self.may_sign:
                raise ListNeedsSigning(url)
            signed = status_lists.sign(self.session, ref, self.signer)
        return signed.forms.parsed()


def verify_examined(
    session: Session,
    signer: signing.Signer,
    examined: verify.Examined,
    *,
    may_sign: bool = False,
    now: datetime | None = None,
) -> verify.Verification:
    """What the checks say about a submitted credential (JSON-LD, JWT, baked PNG or SVG), once
    a worker has examined it (services/verification_workers.py)."""
    return verify.conclude(examined, DatabaseResolver(session, signer, may_sign=may_sign), now)


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
