"""Benchmark: signing and verifying Open Badges 3.0 credentials on one core.

Builds --count distinct credentials with Plaudit's own builder (ob3.build_credential, on rows
that are never stored: names with accents and emoji, one to three evidence items, with and
without expiry), then times, in this one process:

- eddsa-rdfc-2022 Data Integrity signatures (RDFC-1.0 canonicalization + Ed25519) per second,
- VC-JWT (EdDSA) signatures per second,
- verifications per second of each,
- and, for comparison, eddsa-rdfc-2022 signatures per second with pyld's canonicalization
  (on --pyld-count credentials: it is slow).

    .venv/bin/python bench/signing.py
    .venv/bin/python bench/signing.py --count 5000

Prints one JSON line.
"""

import argparse
import json
import sys
import time
from collections.abc import Callable
from datetime import date
from typing import Any
from uuid import uuid4

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from plaudit.openbadges import canonical, data_integrity, ob3, status_list, vc_jwt
from plaudit.store.tables import Achievement, Credential, EvidenceItem, Organization

BASE_URL = "https://plaudit.example.org"
ISSUER = "did:web:plaudit.example.org:orgs:6f1c2f4e-3a55-4d5e-9a0b-1c2d3e4f5a6b"
METHOD = f"{ISSUER}#z6MkmVRHN1ZgADRvRg2Wcg63RomkRFa5VCUXhbiieaSULsM8"


def credentials(count: int) -> list[dict[str, Any]]:
    organization = Organization(name="Académie Plaudit", url="https://example.org", uuid=uuid4())
    achievement = Achievement(
        uuid=uuid4(),
        course_name="Intro to Programming",
        course_description="Variables, loops and functions.",
        language="en",
        learning_outcomes=["python", "loops"],
        skill_category=None,
        achievement_type="Certificate",
    )
    issuer = ob3.Issuer(ISSUER, organization)
    documents = []
    for index in range(count):
        credential = Credential(
            uuid=uuid4(),
            encoded_id=f"bench{index:05d}",
            name=f"Intro to Programming — cohort {index % 7}",
            description="Variables, loops and functions. ✓",
            recipient_name=f"Zoë Ångström {index} 🎓",
            recipient_email=f"learner-{index}@example.com",
            issued_on=date(2026, 1, 1 + index % 28),
            expired_on=date(2028, 1, 1) if index % 2 else None,
            achievement=achievement,
            evidence_items=[
                EvidenceItem(
                    description=f"Project {n}",
                    category="url",
                    link_url=f"https://example.org/projects/{index}/{n}",
                    supplemental=False,
                )
                for n in range(1 + index % 3)
            ],
        )
        status = status_list.entry_document(
            f"{BASE_URL}/orgs/{organization.uuid}/status/revocation", "revocation", index
        )
        documents.append(
            ob3.build_credential(
                credential, issuer, base_url=BASE_URL, salt=f"salt{index}", status=status
            )
        )
    return documents


def per_second(function: Callable[[Any], Any], items: list[Any]) -> float:
    started = time.perf_counter()
    for item in items:
        function(item)
    return round(len(items) / (time.perf_counter() - started), 1)


def measure(count: int, pyld_count: int) -> dict[str, Any]:
    key = Ed25519PrivateKey.generate()
    public = key.public_key()
    documents = credentials(count)
    canonical.canonize(documents[0])  # compile the contexts once, as a running server has

    signed: list[dict[str, Any]] = []
    tokens: list[str] = []
    di_sign = per_second(
        lambda d: signed.append(data_integrity.add_proof(d, key, METHOD)), documents
    )
    jwt_sign = per_second(lambda d: tokens.append(vc_jwt.sign_jwt(d, key, METHOD)), documents)
    di_verify = per_second(lambda d: data_integrity.verify_proof(d, public), signed)
    jwt_verify = per_second(lambda t: vc_jwt.verify_jwt(t, public), tokens)

    loader = canonical.default_loader  # the pyld path: same contexts, no fast path

    def pyld_sign(document: dict[str, Any]) -> None:
        data_integrity.add_proof(document, key, METHOD, loader=loader)

    return {
        "benchmark": "signing",
        "count": count,
        "eddsa_rdfc_2022_signatures_per_second": di_sign,
        "vc_jwt_signatures_per_second": jwt_sign,
        "eddsa_rdfc_2022_verifications_per_second": di_verify,
        "vc_jwt_verifications_per_second": jwt_verify,
        "eddsa_rdfc_2022_pyld_signatures_per_second": per_second(pyld_sign, documents[:pyld_count]),
        "errors": 0,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=3000, help="Credentials to sign.")
    parser.add_argument(
        "--pyld-count", type=int, default=100, help="Credentials signed the slow way."
    )
    args = parser.parse_args()
    if args.count < 1 or args.pyld_count < 1:
        parser.error("counts must be at least 1")
    print(json.dumps(measure(args.count, min(args.pyld_count, args.count))), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
