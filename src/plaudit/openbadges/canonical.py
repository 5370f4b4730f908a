"""RDF Dataset Canonicalization (RDFC-1.0) of JSON-LD documents, as canonical N-Quads.

pyld's `normalize` is correct and slow (milliseconds per credential). Plaudit's own documents use
two fixed contexts and a fixed set of terms, so the fast path here turns such a document into
quads directly, from context definitions compiled once, and labels its few blank nodes with
RDFC-1.0's first-degree hashes. Whenever a document steps outside what the fast path
understands (another context, an unknown term, a value it does not model, two blank nodes with
equal first-degree hashes that need the N-degree algorithm), the whole document goes to pyld
instead. docs/adr/0003-fast-canonicalization.md says why this is safe; tests/openbadges prove
the two agree on many generated credentials and on the W3C test vector.
"""

import hashlib
import re
from dataclasses import dataclass, field
from typing import Any

from pyld import jsonld
from pyld.canon import URDNA2015
from pyld.identifier_issuer import IdentifierIssuer
from pyld.jsonld import JsonLdError

from plaudit.openbadges.contexts import CREDENTIALS_V2, OB_V3P0, OfflineLoader, context_document
from plaudit.openbadges.contexts import document_loader as default_loader

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
XSD_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"

# Absolute IRIs the fast path writes as they are: printable ASCII without the characters N-Quads
# forbids in an IRI. Anything else (relative, non-ASCII, blank-node ids) is left to pyld.
_ABSOLUTE_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:[!#-;=?-\[\]_a-z~]*")
# Fast-path contexts: exactly these lists, in this order.
FAST_CONTEXTS = ((CREDENTIALS_V2,), (CREDENTIALS_V2, OB_V3P0))


class UndefinedTerm(ValueError):
    """A term of the document is defined by none of its contexts (JSON-LD "safe mode")."""


class _Bail(Exception):
    """The fast path does not model this document: pyld canonicalizes it."""


# --- compiled contexts -------------------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    iri: str | None  # None: a definition the fast path does not model
    coerce: str | None = None  # "@id", "@vocab", a datatype IRI, or None
    local: "Delta | None" = None  # the term's scoped context
    container_ok: bool = True


@dataclass(frozen=True, eq=False)
class Delta:
    """A compiled context: the term definitions it adds."""

    terms: dict[str, Term]


UNMODELLED = Term(iri=None)
_SUPPORTED_KEYWORDS = {"@protected", "@version"}


def _resolve(value: str, raw: dict[str, Any]) -> str | None:
    if value.startswith("@"):
        return value
    if value in raw:  # a term defined in the same context
        target = raw[value]
        target = target.get("@id") if isinstance(target, dict) else target
        return _resolve(target, {}) if isinstance(target, str) and target != value else None
    if ":" in value and _ABSOLUTE_IRI.fullmatch(value) and value.split(":", 1)[0] not in raw:
        return value
    return None


def _compile(raw: dict[str, Any]) -> Delta:
    terms: dict[str, Term] = {}
    for name, definition in raw.items():
        if name.startswith("@"):
            if name not in _SUPPORTED_KEYWORDS:
                terms[name] = UNMODELLED
            continue
        terms[name] = _compile_term(definition, raw)
    return Delta(terms)


def _compile_term(definition: object, raw: dict[str, Any]) -> Term:
    if isinstance(definition, str):
        return Term(iri=_resolve(definition, raw))
    if not isinstance(definition, dict) or "@id" not in definition:
        return UNMODELLED
    if set(definition) - {"@id", "@type", "@container", "@context", "@protected"}:
        return UNMODELLED
    iri = _resolve(definition["@id"], raw)
    coerce = definition.get("@type")
    if coerce is not None:
        coerce = coerce if coerce in ("@id", "@vocab") else _resolve(coerce, raw)
        if coerce is None or coerce in ("@json", "@none"):
            return UNMODELLED
    local = None
    if "@context" in definition:
        if not isinstance(definition["@context"], dict):
            return UNMODELLED
        local = _compile(definition["@context"])
    container = definition.get("@container")
    return Term(iri=iri, coerce=coerce, local=local, container_ok=container in (None, "@set"))


@dataclass(eq=False)
class ActiveContext:
    terms: dict[str, Term]
    _applied: dict[int, "ActiveContext"] = field(default_factory=dict)

    def apply(self, delta: Delta) -> "ActiveContext":
        found = self._applied.get(id(delta))
        if found is None:
            found = ActiveContext({**self.terms, **delta.terms})
            self._applied[id(delta)] = found
        return found


def _top_context(urls: tuple[str, ...]) -> ActiveContext:
    context = ActiveContext({})
    for url in urls:
        context = context.apply(_compile(context_document(url)["@context"]))
    return context


_TOP = {urls: _top_context(urls) for urls in FAST_CONTEXTS}


# --- JSON-LD to quads --------------------------------------------------------------------------

# A quad is (subject, predicate, object): subjects and objects are "<iri>", "_:bN" (blank node,
# labelled later) or a serialized literal.


def _escape(value: str) -> str:
    # As pyld's N-Quads writer does.
    return (
        value.replace("\\", "\\\\")
        .replace("\t", "\\t")
        .replace("\n", "\\n")
        .replace("\r", "\\r")
        .replace('"', '\\"')
    )


class _Walker:
    def __init__(self, safe: bool) -> None:
        self.safe = safe
        self.quads: list[tuple[str, str, str]] = []
        self.blank_nodes = 0

    def _iri(self, value: object, context: ActiveContext) -> str:
        if not isinstance(value, str) or not _ABSOLUTE_IRI.fullmatch(value):
            raise _Bail
        if value.split(":", 1)[0] in context.terms:
            raise _Bail  # a compact IRI
        return f"<{value}>"

    def _vocab(self, value: object, context: ActiveContext) -> str:
        if not isinstance(value, str):
            raise _Bail
        term = context.terms.get(value)
        if term is not None:
            if term.iri is None or term.iri.startswith("@"):
                raise _Bail
            return f"<{term.iri}>"
        return self._iri(value, context)

    def node(self, node: dict[str, Any], base: ActiveContext) -> str:
        """Quads of one node object; its subject term. `base` is the propagated context."""
        types: list[Any] = []
        for key in ("type", "@type"):
            if key in node:
                value = node[key]
                types.extend(value if isinstance(value, list) else [value])
        context = base
        for name in sorted(t for t in types if isinstance(t, str)):
            term = base.terms.get(name)
            if term is not None and term.local is not None:
                context = context.apply(term.local)
        ids = [node[key] for key in ("id", "@id") if key in node]
        if len(ids) > 1:
            raise _Bail
        if ids:
            subject = self._iri(ids[0], context)
        else:
            subject = f"_:b{self.blank_nodes}"
            self.blank_nodes += 1
        for value in types:
            self.quads.append((subject, f"<{RDF_TYPE}>", self._vocab(value, base)))
        for key, value in node.items():
            if key in ("id", "@id", "type", "@type", "@context"):
                continue
            term = context.terms.get(key)
            if term is None:
                if self.safe and not key.startswith("@") and ":" not in key:
                    raise UndefinedTerm(key)
                raise _Bail
            if term.iri is None or term.iri.startswith("@") or not term.container_ok:
                raise _Bail
            for item in value if isinstance(value, list) else [value]:
                self._value(subject, term, item, context, base)
        return subject

    def _value(
        self,
        subject: str,
        term: Term,
        value: object,
        context: ActiveContext,
        base: ActiveContext,
    ) -> None:
        if value is None:
            return
        predicate = f"<{term.iri}>"
        if isinstance(value, dict):
            if any(key.startswith("@") and key not in ("@id", "@type") for key in value):
                raise _Bail
            child = base.apply(term.local) if term.local is not None else base
            self.quads.append((subject, predicate, self.node(value, child)))
            return
        if isinstance(value, bool):
            # A datatype coercion applies to booleans too (OB's `hashed` says https://...#boolean).
            datatype = XSD_BOOLEAN if term.coerce in (None, "@id", "@vocab") else term.coerce
            literal = "true" if value else "false"
            self.quads.append((subject, predicate, f'"{literal}"^^<{datatype}>'))
            return
        if not isinstance(value, str):
            raise _Bail  # numbers: JSON-LD's canonical doubles are left to pyld
        scoped = context.apply(term.local) if term.local is not None else context
        if term.coerce == "@id":
            self.quads.append((subject, predicate, self._iri(value, scoped)))
        elif term.coerce == "@vocab":
            self.quads.append((subject, predicate, self._vocab(value, scoped)))
        elif term.coerce is None or term.coerce == XSD_STRING:
            self.quads.append((subject, predicate, f'"{_escape(value)}"'))
        else:
            self.quads.append((subject, predicate, f'"{_escape(value)}"^^<{term.coerce}>'))


def _fast_quads(document: dict[str, Any], safe: bool) -> list[tuple[str, str, str]]:
    contexts = document.get("@context")
    key = tuple(contexts) if isinstance(contexts, list) else (contexts,)
    top = _TOP.get(key)  # type: ignore[arg-type]
    if top is None:
        raise _Bail
    walker = _Walker(safe)
    walker.node(document, top)
    return walker.quads


# --- RDFC-1.0 blank node labels ----------------------------------------------------------------


def _label(quads: list[tuple[str, str, str]]) -> str:
    """Canonical N-Quads; _Bail when first-degree hashes do not tell every blank node apart."""
    unique = list(dict.fromkeys(quads))
    mentions: dict[str, list[tuple[str, str, str]]] = {}
    for quad in unique:
        subject, _, obj = quad
        if subject.startswith("_:"):
            mentions.setdefault(subject, []).append(quad)
        if obj.startswith("_:") and obj != subject:
            mentions.setdefault(obj, []).append(quad)
    hashes = {}
    for node, related in mentions.items():
        lines = sorted(f"{_relabel(s, node)} {p} {_relabel(o, node)} .\n" for s, p, o in related)
        hashes[node] = hashlib.sha256("".join(lines).encode()).hexdigest()
    if len(set(hashes.values())) != len(hashes):
        raise _Bail
    labels = {
        node: f"_:c14n{number}"
        for number, node in enumerate(sorted(hashes, key=hashes.__getitem__))
    }
    lines = {
        f"{labels.get(s, s)} {p} {labels[o] if o.startswith('_:') else o} .\n" for s, p, o in unique
    }
    return "".join(sorted(lines))


def _relabel(term: str, node: str) -> str:
    if not term.startswith("_:"):
        return term
    return "_:a" if term == node else "_:z"


# --- entry points ------------------------------------------------------------------------------


class TooComplex(ValueError):
    """Canonicalizing the document would take more work than any credential needs."""


# RDFC-1.0 is exponential on crafted blank-node graphs ("poison graphs": eight blank nodes that
# all know each other take pyld most of a minute), and anyone can POST one to /verify. The spec
# asks implementations to bound the work; this bounds the steps of the N-degree hashing (every
# step asks the canonical issuer whether a node is labelled) at far more than any credential
# needs, and about a second, well inside the time a /verify worker may take
# (PLAUDIT_VERIFY_TIMEOUT_SECONDS), so that a poison graph is answered for what it is.
MAX_WORK = 50_000


class _BudgetedIssuer(IdentifierIssuer):
    def __init__(self, prefix: str, budget: int) -> None:
        super().__init__(prefix)
        self.budget = budget

    def has_id(self, old: str) -> bool:
        self.budget -= 1
        if self.budget < 0:
            raise TooComplex("its blank nodes are too intricate to canonicalize")
        return bool(super().has_id(old))


class _BoundedURDNA2015(URDNA2015):  # type: ignore[misc]
    def __init__(self, budget: int) -> None:
        super().__init__()
        self.canonical_issuer = _BudgetedIssuer("_:c14n", budget)


def canonize_with_pyld(
    document: dict[str, Any], loader: OfflineLoader | None = None, *, max_work: int = MAX_WORK
) -> str:
    """pyld's RDFC-1.0 (its `normalize`, in two steps so that the work can be bounded);
    TooComplex past `max_work` steps."""
    try:
        dataset = jsonld.to_rdf(document, {"documentLoader": loader or default_loader})
    except JsonLdError as cause:
        raise JsonLdError(
            "Could not convert input to RDF dataset before normalization.",
            "jsonld.NormalizeError",
        ) from cause
    return str(_BoundedURDNA2015(max_work).main(dataset, {"format": "application/n-quads"}))


def canonize(
    document: dict[str, Any], *, safe: bool = False, loader: OfflineLoader | None = None
) -> str:
    """RDFC-1.0 canonical N-Quads of a JSON-LD document.

    `safe`: refuse (UndefinedTerm) a document using a term its contexts leave undefined, which
    plain JSON-LD would silently drop, as Data Integrity verifiers must. Only documents on the
    fast path's contexts are checked this way.
    """
    if loader is None:
        try:
            return _label(_fast_quads(document, safe))
        except _Bail:
            pass
    return canonize_with_pyld(document, loader)
