"""CSS in user SVG (`<style>` sheets, `style=` attributes, presentation attribute values),
reduced to what can only paint.

CSS is read by a real tokenizer (tinycss2), never by pattern: escapes (`@\\69mport`,
`u\\72l(...)`), comments and odd spacing are what the tokenizer resolves, so what is checked is
what a browser or resvg would read. What survives is written out again by the serializer, so
nothing that was not checked can reach the output:

- no at-rule at all (`@import`, `@font-face`, `@namespace`, `@media`...);
- declarations only of whitelisted properties, with values made of plain tokens (keywords,
  numbers, lengths, colours, strings) and a few functions (colours, transforms, filters);
- `url()` only as a `#fragment` reference to an element of the same document;
- in a stylesheet, nothing that references another element or runs a filter or a marker: rules
  cannot be followed to the elements they select, so render/cost.py could not count them.
"""

import re
from collections.abc import Iterable

import tinycss2
from tinycss2 import ast

_LOCAL_ID = re.compile(r"^#[A-Za-z_][\w.\-:]*$")
# Functions a value may call: colours, transforms and filter functions; never one that loads
# anything (image-set, image, cross-fade, element, src...). `url` is checked on its own.
_FUNCTIONS = frozenset(
    """rgb rgba hsl hsla hwb lab lch oklab oklch color translate translatex translatey scale
    scalex scaley rotate skewx skewy matrix calc min max clamp blur drop-shadow brightness
    contrast grayscale hue-rotate invert opacity saturate sepia""".split()  # noqa: SIM905
)
_PLAIN = (
    ast.WhitespaceToken
    | ast.IdentToken
    | ast.NumberToken
    | ast.PercentageToken
    | ast.DimensionToken
    | ast.HashToken
    | ast.StringToken
)
_LITERALS = frozenset({",", "/", "+", "-", "*"})
# Properties a stylesheet rule may not set: they reference other elements or run filters.
_NOT_IN_STYLESHEETS = frozenset(
    {"filter", "marker", "marker-start", "marker-mid", "marker-end", "mask", "clip-path"}
)


def safe_value(tokens: Iterable[ast.Node], allow_references: bool = True) -> bool:
    """Whether a value's tokens can only paint: plain tokens, allowed functions, and (when
    allowed) url() of a fragment of this document."""
    return all(_safe_token(token, allow_references) for token in tokens)


def _safe_token(token: ast.Node, allow_references: bool) -> bool:
    if isinstance(token, _PLAIN | ast.Comment):
        return True
    if isinstance(token, ast.LiteralToken):
        return token.value in _LITERALS
    if isinstance(token, ast.URLToken):
        return allow_references and bool(_LOCAL_ID.match(token.value.strip()))
    if isinstance(token, ast.FunctionBlock):
        if token.lower_name == "url":
            return allow_references and _local_url(token.arguments)
        return token.lower_name in _FUNCTIONS and safe_value(token.arguments, allow_references)
    return False  # blocks, at-keywords, unicode ranges, bad strings and bad urls


def _local_url(arguments: list[ast.Node]) -> bool:
    values = [token for token in arguments if not isinstance(token, ast.WhitespaceToken)]
    return (
        len(values) == 1
        and isinstance(values[0], ast.StringToken)
        and bool(_LOCAL_ID.match(values[0].value.strip()))
    )


def safe_attribute_value(value: str) -> bool:
    """Whether a presentation attribute's value loads nothing from outside the document.
    Only a value with a function can (`url(` however escaped needs its parenthesis)."""
    if "(" not in value:
        return True
    return safe_value(tinycss2.parse_component_value_list(value))


def declarations(style: str, properties: frozenset[str]) -> str:
    """A `style=` attribute reduced to safe declarations of the given properties."""
    return ";".join(_declarations(tinycss2.parse_blocks_contents(style), properties, True))


def stylesheet(css: str, properties: frozenset[str]) -> str:
    """A `<style>` sheet reduced to plain rules with safe declarations."""
    kept = []
    for rule in tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True):
        if not isinstance(rule, ast.QualifiedRule) or not _plain_selector(rule.prelude):
            continue
        body = _declarations(
            tinycss2.parse_blocks_contents(rule.content),
            properties - _NOT_IN_STYLESHEETS,
            allow_references=False,
        )
        if body:
            kept.append(f"{tinycss2.serialize(rule.prelude).strip()}{{{';'.join(body)}}}")
    return "\n".join(kept)


def _plain_selector(prelude: list[ast.Node]) -> bool:
    """Selectors of names, classes, ids, attributes, combinators and pseudo-classes."""
    for token in prelude:
        if isinstance(token, ast.SquareBracketsBlock):
            inner = token.content
        elif isinstance(token, ast.FunctionBlock):
            inner = token.arguments
        elif isinstance(token, _PLAIN | ast.LiteralToken | ast.Comment):
            continue
        else:
            return False
        if not _plain_selector(inner):
            return False
    return True


def _declarations(
    nodes: list[ast.Node], properties: frozenset[str], allow_references: bool
) -> list[str]:
    kept = []
    for node in nodes:
        if not isinstance(node, ast.Declaration) or node.lower_name not in properties:
            continue
        if not safe_value(node.value, allow_references):
            continue
        value = tinycss2.serialize(node.value).strip()
        if value:
            important = " !important" if node.important else ""
            kept.append(f"{node.lower_name}:{value}{important}")
    return kept
