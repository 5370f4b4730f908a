"""The fast RDFC-1.0 canonicalization equals pyld's on everything Plaudit's builder emits, and
the eddsa-rdfc-2022 implementation reproduces the W3C test vector bit for bit."""

import json
import time
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyld import jsonld
from pyld.jsonld import JsonLdError

from plaudit.openbadges import canonical, data_integrity, multibase, status_list
from plaudit.openbadges.contexts import CREDENTIALS_V2, OfflineLoader, document_loader
from tests.signing.documents import credential_document, evidence

DATA = Path(__file__).resolve().parents[1] / "data" / "openbadges"
VECTORS = DATA / "vectors"
EXAMPLES_V2 = "https://www.w3.org/ns/credentials/examples/v2"
VECTOR_LOADER = OfflineLoader(
    {EXAMPLES_V2: json.loads((DATA / "contexts" / "examples-v2.jsonld").read_text())}
)


def fast(document: dict) -> str:
    """The fast path alone: raises when it would hand the document to pyld."""
    return canonical._label(canonical._fast_quads(document, safe=True))


def vector(name: str) -> str:
    return (VECTORS / name).read_text()


def test_the_w3c_eddsa_rdfc_2022_vector_is_reproduced() -> None:
    pair = json.loads(vector("keyPair.json"))
    private_key = Ed25519PrivateKey.from_private_bytes(
        multibase.private_key_from_multibase(pair["privateKeyMultibase"])
    )
    public_key = Ed25519PublicKey.from_public_bytes(
        multibase.public_key_from_multibase(pair["publicKeyMultibase"])
    )
    unsigned = json.loads(vector("unsigned.json"))
    signed = json.loads(vector("eddsa-rdfc-2022-signedDataInt.json"))

    canonical_document = canonical.canonize(unsigned, loader=VECTOR_LOADER)
    assert canonical_document == vector("eddsa-rdfc-2022-canonDocDataInt.txt")
    ours = data_integrity.add_proof(
        unsigned,
        private_key,
        signed["proof"]["verificationMethod"],
        created=datetime(2023, 2, 24, 23, 36, 38, tzinfo=UTC),
        loader=VECTOR_LOADER,
    )
    assert ours == {**signed, "proof": [signed["proof"]]}
    data_integrity.verify_proof(signed, public_key, loader=VECTOR_LOADER)


def test_the_vector_proof_options_take_the_fast_path() -> None:
    """The vector's proof options hold only VC 2.0 terms: with that context alone, the fast path
    gives the vector's canonical form."""
    options = json.loads(vector("eddsa-rdfc-2022-signedDataInt.json"))["proof"]
    del options["proofValue"]
    assert fast({"@context": [CREDENTIALS_V2], **options}) == vector(
        "eddsa-rdfc-2022-proofCanonDataInt.txt"
    )


def test_a_full_credential_takes_the_fast_path_and_equals_pyld() -> None:
    document = credential_document(
        course_link="https://example.org/courses/intro",
        outcomes=["python", "loops"],
        items=[
            evidence("Project", "https://example.org/p/1"),
            evidence("Essay", None, "Wrote an essay", "file"),
        ],
        expired_on=date(2030, 1, 1),
    )
    assert fast(document) == canonical.canonize_with_pyld(document)


# Text that JSON-LD processors must escape alike: quotes, backslashes, newlines, accents,
# emoji, and control characters (which the builder strips).
hostile_text = st.text(
    alphabet=st.characters(codec="utf-8", categories=("L", "N", "P", "S", "Z", "Cc")),
    min_size=0,
    max_size=40,
) | st.sampled_from(['"quoted"', "back\\slash", "line\nbreak", "tab\there", "Zoë 🎓", "\r\n"])
urls = st.none() | st.sampled_from(
    [
        "https://example.org/a",
        "http://example.org/b?x=1&y=2#f",
        "not a url",
        "https://example.org/has space",
        "javascript:alert(1)",
        "https://例え.jp/",
    ]
)


# Custom attribute values as clients send them: text, numbers, booleans, nested JSON.
attribute_values = (
    st.none()
    | hostile_text
    | st.integers(-(10**6), 10**6)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.booleans()
    | st.lists(hostile_text, max_size=2)
)


@st.composite
def documents(draw: st.DrawFn) -> dict:
    items = [
        evidence(
            draw(hostile_text) or "x",
            draw(urls),
            draw(st.none() | hostile_text),
            draw(st.sampled_from(["url", "file", "grade"])),
        )
        for _ in range(draw(st.integers(0, 4)))
    ]
    return credential_document(
        name=draw(hostile_text) or "name",
        recipient=draw(hostile_text),
        email=draw(st.emails()),
        description=draw(hostile_text) or "description",
        organization_name=draw(hostile_text) or "org",
        organization_url=draw(urls),
        course_link=draw(urls),
        outcomes=draw(st.none() | st.lists(hostile_text, max_size=3)),
        achievement_type=draw(st.sampled_from([None, "Badge", "ext:Custom", "ext:bad value"])),
        items=items,
        expired_on=draw(st.none() | st.dates(date(2000, 1, 1), date(2100, 1, 1))),
        index=draw(st.integers(0, status_list.LIST_SIZE - 1)),
        grade=draw(st.none() | hostile_text),
        custom_attributes=draw(
            st.none() | st.dictionaries(hostile_text, attribute_values, max_size=3)
        ),
    )


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
def test_canonize_equals_pyld_on_generated_credentials(document: dict) -> None:
    assert canonical.canonize(document) == canonical.canonize_with_pyld(document)


@settings(max_examples=100, deadline=None)
@given(documents())
def test_generated_credentials_take_the_fast_path_unless_blank_nodes_tie(document: dict) -> None:
    evidence_nodes = [json.dumps(item, sort_keys=True) for item in document.get("evidence", [])]
    if len(set(evidence_nodes)) != len(evidence_nodes):
        return  # two identical evidence items: the N-degree algorithm (pyld) tells them apart
    assert fast(document) == canonical.canonize_with_pyld(document)


def test_identical_blank_nodes_fall_back_to_pyld() -> None:
    document = credential_document(items=[evidence("same"), evidence("same")])
    with pytest.raises(canonical._Bail):
        fast(document)
    assert canonical.canonize(document) == canonical.canonize_with_pyld(document)


def test_an_undefined_term_goes_to_pyld_and_is_refused_in_safe_mode() -> None:
    document = {**credential_document(), "surprise": "dropped by JSON-LD"}
    assert canonical.canonize(document) == canonical.canonize_with_pyld(document)
    assert canonical.canonize(document) == canonical.canonize(credential_document_like(document))
    with pytest.raises(canonical.UndefinedTerm):
        canonical.canonize(document, safe=True)


def credential_document_like(document: dict) -> dict:
    return {key: value for key, value in document.items() if key != "surprise"}


def test_a_status_list_credential_takes_the_fast_path() -> None:
    url = "https://plaudit.example.org/orgs/x/status/revocation"
    document = status_list.list_credential(
        url,
        "did:web:plaudit.example.org",
        "revocation",
        status_list.encode_list([3, 99]),
        "2026-01-01T00:00:00Z",
    )
    assert fast(document) == canonical.canonize_with_pyld(document)


def test_other_contexts_go_to_pyld_and_unknown_ones_are_never_fetched() -> None:
    unsigned = json.loads(vector("unsigned.json"))
    with pytest.raises(canonical._Bail):
        canonical._fast_quads(unsigned, safe=False)
    with pytest.raises(JsonLdError):
        canonical.canonize(unsigned)
    with pytest.raises(JsonLdError, match="never fetched"):
        document_loader(EXAMPLES_V2, {})


def _clique(size: int) -> dict:
    """A "poison graph": blank nodes that all know each other, exponential for RDFC-1.0."""
    knows = "https://schema.org/knows"
    nodes = [
        {"@id": f"_:b{i}", knows: [{"@id": f"_:b{j}"} for j in range(size) if j != i]}
        for i in range(size)
    ]
    return {"@context": [CREDENTIALS_V2], "@graph": nodes}


def test_the_bounded_pyld_path_equals_pyld_where_blank_nodes_tie() -> None:
    for document in (_clique(4), credential_document(items=[evidence("same"), evidence("same")])):
        expected = jsonld.normalize(
            document,
            {
                "algorithm": "URDNA2015",
                "format": "application/n-quads",
                "documentLoader": document_loader,
            },
        )
        assert canonical.canonize_with_pyld(document) == expected


def test_a_poison_graph_is_refused_quickly_not_canonicalized_for_minutes() -> None:
    started = time.monotonic()
    with pytest.raises(canonical.TooComplex):
        canonical.canonize(_clique(9), safe=True)
    assert time.monotonic() - started < 20
    key = Ed25519PrivateKey.generate()
    signed = {
        **_clique(9),
        "proof": {
            "type": "DataIntegrityProof",
            "cryptosuite": "eddsa-rdfc-2022",
            "verificationMethod": "did:key:z#z",
            "proofPurpose": "assertionMethod",
            "proofValue": multibase.encode_z(b"\0" * 64),
        },
    }
    with pytest.raises(data_integrity.ProofInvalid, match="cannot be canonicalized"):
        data_integrity.verify_proof(signed, key.public_key())
