"""Designs: how a certificate or badge looks. Their fields, the rules on them, and how a client's
`encoded_content` (an SVG template, as text or base64) is read."""

import base64
import binascii
import re
from dataclasses import dataclass, fields
from typing import Any

from plaudit.domain import limits
from plaudit.domain.errors import Invalid
from plaudit.domain.values import UNSET, Maybe, is_blank, is_set
from plaudit.render.layout import KINDS, ORIENTATIONS, SIZES

REQUIRED = ("name", "kind", "encoded_content")
# The largest SVG template a design may hold, decoded; a background image embedded as a data:
# URI has to fit in it (the editor keeps uploads under MAX_BACKGROUND_BYTES).
MAX_TEMPLATE_BYTES = 3 * 1024 * 1024
MAX_BACKGROUND_BYTES = 2 * 1024 * 1024
MAX_META_DATA_PAIRS = 50
# `GET /v1/designs?kind=` documents the plural ("certificates", "badges").
KIND_ALIASES = {"certificates": "certificate", "badges": "badge"}
COPY_PREFIX = "Copy of "
_BASE64 = re.compile(rb"^[A-Za-z0-9+/_\-\s]+=*\s*$")


@dataclass
class DesignFields:
    """Every settable field of a design; UNSET means "not given". `template` is the decoded
    (not yet sanitized) SVG of `encoded_content`."""

    name: Maybe[str | None] = UNSET
    kind: Maybe[str | None] = UNSET
    template: Maybe[bytes | None] = UNSET
    background_bleeds: Maybe[bool | None] = UNSET
    orientation: Maybe[str | None] = UNSET
    size: Maybe[str | None] = UNSET
    department_id: Maybe[int | None] = UNSET
    meta_data: Maybe[dict[str, Any] | None] = UNSET

    def given(self) -> dict[str, Any]:
        """The fields the caller gave, by name (a null counts as not given, but for
        meta_data, which a null clears)."""
        return {
            f.name: getattr(self, f.name)
            for f in fields(self)
            if is_set(getattr(self, f.name))
            and (getattr(self, f.name) is not None or f.name == "meta_data")
        }


@dataclass(frozen=True)
class DesignSearch:
    """Filters of a design search; None filters nothing."""

    kind: str | None = None
    meta_data: dict[str, str] | None = None
    department_id: int | None = None


def decode_content(encoded: str) -> bytes:
    """The SVG an `encoded_content` holds: the SVG text itself, or base64 of it."""
    if len(encoded) > MAX_TEMPLATE_BYTES * 4 // 3 + 4:
        raise _content_too_large()
    text = encoded.lstrip("\ufeff \t\r\n")
    if text.startswith("<"):
        raw = text.encode("utf-8")
    else:
        raw = _base64(text.encode("ascii", errors="replace"))
        if not raw.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
            raise Invalid(fields={"encoded_content": ["is not an SVG image"]})
    if len(raw) > MAX_TEMPLATE_BYTES:
        raise _content_too_large()
    return raw


def _base64(data: bytes) -> bytes:
    if not _BASE64.match(data):
        raise Invalid(fields={"encoded_content": ["is not an SVG image"]})
    compact = re.sub(rb"\s", b"", data).rstrip(b"=")
    padded = compact + b"=" * (-len(compact) % 4)
    try:
        return base64.b64decode(padded.replace(b"-", b"+").replace(b"_", b"/"), validate=True)
    except (binascii.Error, ValueError):
        raise Invalid(fields={"encoded_content": ["is not an SVG image"]}) from None


def encode_content(svg: str) -> str:
    """How a design's template is handed out: base64 of the SVG text."""
    return base64.b64encode(svg.encode("utf-8")).decode("ascii")


def _content_too_large() -> Invalid:
    return Invalid(
        fields={"encoded_content": [f"is too large (maximum is {MAX_TEMPLATE_BYTES} bytes)"]}
    )


def validate_new(data: DesignFields) -> None:
    """A new design needs a name, a kind and its content."""
    given = data.given()
    errors = {name: ["can't be blank"] for name in ("name", "kind") if is_blank(given.get(name))}
    if given.get("template") is None:
        errors["encoded_content"] = ["can't be blank"]
    _check(given, errors)


def validate_change(data: DesignFields) -> None:
    """A change may leave anything out, but may not blank the name."""
    given = data.given()
    errors = {"name": ["can't be blank"]} if "name" in given and is_blank(given["name"]) else {}
    _check(given, errors)


def _check(given: dict[str, Any], errors: dict[str, list[str]]) -> None:
    try:
        limits.check_lengths(given, {"name": limits.NAME})
        limits.check_items({"meta_data": given.get("meta_data")}, MAX_META_DATA_PAIRS)
    except Invalid as invalid:
        errors.update(invalid.fields)
    for name, allowed in (("kind", KINDS), ("orientation", ORIENTATIONS), ("size", SIZES)):
        value = given.get(name)
        if value is not None and not is_blank(value) and value not in allowed:
            errors[name] = ["is not included in the list"]
    if errors:
        raise Invalid(fields=errors)


def search_kind(value: str | None) -> str | None:
    """A kind filter: `certificate` or `badge`, also in the plural the old list documents."""
    if value is None or value == "":
        return None
    kind = KIND_ALIASES.get(value, value)
    if kind not in KINDS:
        raise Invalid(fields={"kind": ["is not included in the list"]})
    return kind


def validate_search(search: DesignSearch) -> None:
    limits.check_items({"meta_data": search.meta_data}, MAX_META_DATA_PAIRS)


def copy_name(name: str) -> str:
    return (COPY_PREFIX + name)[: limits.NAME]


MAX_PREVIEW_FIELDS = 50
MAX_PREVIEW_VALUE = 1000


def preview_fields(parameters: dict[str, Any]) -> dict[str, str]:
    """The merge-field values a preview asks for (`{"recipient.name": "Ada"}`): text or
    numbers, a bounded number of short ones, since they travel in the preview link."""
    if len(parameters) > MAX_PREVIEW_FIELDS:
        raise Invalid(fields={"body": [f"has too many fields (maximum is {MAX_PREVIEW_FIELDS})"]})
    values: dict[str, str] = {}
    errors: dict[str, list[str]] = {}
    for name, value in parameters.items():
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            if value is not None:
                errors[name[: limits.NAME]] = ["is invalid"]
            continue
        if len(name) > limits.NAME:
            errors[name[: limits.NAME]] = [limits.too_long(limits.NAME)]
        elif len(str(value)) > MAX_PREVIEW_VALUE:
            errors[name] = [limits.too_long(MAX_PREVIEW_VALUE)]
        else:
            values[name] = str(value)
    if errors:
        raise Invalid(fields=errors)
    return values
