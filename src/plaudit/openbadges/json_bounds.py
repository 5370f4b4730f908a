"""Bounds on a submitted JSON document, checked before anything costly looks at it.

JSON-LD processing and schema validation grow with the number of values in a document, and
pyld's conversion to RDF with its square (its duplicate checks compare each new value with
every earlier one in the same list): a credential that repeats one alignment 5,000 times costs
it most of a minute. A real credential has a few hundred values at most, nested some ten levels
deep, so a submission past `Bounds` is refused before it is canonicalized or validated.
"""

from dataclasses import dataclass

MAX_DEPTH = 32


@dataclass(frozen=True)
class Bounds:
    max_nodes: int = 5000
    max_depth: int = MAX_DEPTH


class TooLarge(ValueError):
    """The document holds more JSON values, or nests deeper, than its bounds allow."""


def check(value: object, bounds: Bounds) -> None:
    """Raises TooLarge when `value` holds more than `bounds.max_nodes` values (objects, arrays
    and scalars; keys do not count) or nests deeper than `bounds.max_depth`. Iterative: a deep
    document cannot exhaust the stack here."""
    nodes = 1
    pending: list[tuple[object, int]] = [(value, 1)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, dict):
            children = list(item.values())
        elif isinstance(item, list):
            children = item
        else:
            continue
        if not children:
            continue
        if depth >= bounds.max_depth:
            raise TooLarge(f"nested deeper than {bounds.max_depth} levels")
        nodes += len(children)
        if nodes > bounds.max_nodes:
            raise TooLarge(f"more than {bounds.max_nodes} JSON values")
        pending.extend((child, depth + 1) for child in children)
