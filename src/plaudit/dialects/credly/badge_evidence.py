"""Credly's four evidence types (seed 002, "Badge Evidence") to and from core evidence items.

A Credly evidence object is kept whole in `EvidenceItem.detail`, so it reads back as given; the
core columns get a one-line summary, so the Accredible dialect, the public page and the signed
credential show it too: `UrlEvidence` is a `url` item linking to its value, the text types are
`transcript` items whose description is `title: text`. Evidence made through Accredible reads
back through Credly as `UrlEvidence` when it links somewhere, else as `PlainTextEvidence`."""

from typing import Any

from plaudit.domain.credentials import EvidenceItemData
from plaudit.domain.errors import Invalid
from plaudit.store.tables import EvidenceItem

Json = dict[str, Any]
CANT_BE_BLANK = "can't be blank"
# Each type's fields, the required ones first; any other key of the object is dropped.
REQUIRED = {
    "KeyValueGroupEvidence": ("name", "values"),
    "PlainTextEvidence": ("title", "description"),
    "UrlEvidence": ("value",),
    "IdEvidence": ("title", "description"),
}
OPTIONAL = {"UrlEvidence": ("name", "description")}
PAIR_REQUIRED = ("key", "value")


def evidence_data(items: list[Any]) -> list[EvidenceItemData]:
    """The request's evidence list as core items; every problem is a 422 naming
    `evidence[i].field`."""
    errors: dict[str, list[str]] = {}
    data = []
    for index, item in enumerate(items):
        known = len(errors)
        detail = _detail(item, f"evidence[{index}]", errors)
        if detail is not None and len(errors) == known:
            data.append(_item(detail, index))
    if errors:
        raise Invalid(fields=errors)
    return data


def _detail(item: Any, name: str, errors: dict[str, list[str]]) -> Json | None:
    if not isinstance(item, dict):
        errors[name] = ["is invalid"]
        return None
    kind = item.get("type")
    if kind not in REQUIRED:
        errors[f"{name}.type"] = [f"must be one of: {', '.join(REQUIRED)}"]
        return None
    detail: Json = {"type": kind}
    for field in REQUIRED[kind]:
        value = item.get(field)
        if field == "values":
            detail[field] = _pairs(value, f"{name}.values", errors)
        elif _text(value) is None:
            errors[f"{name}.{field}"] = [CANT_BE_BLANK]
        else:
            detail[field] = _text(value)
    for field in OPTIONAL.get(kind, ()):
        detail[field] = _text(item.get(field))
    if kind == "UrlEvidence" and not str(detail.get("value", "")).startswith(
        ("http://", "https://")
    ):
        errors.setdefault(f"{name}.value", ["is not a valid URL"])
    return detail


def _pairs(values: Any, name: str, errors: dict[str, list[str]]) -> list[Json]:
    if not isinstance(values, list) or not values:
        errors[name] = [CANT_BE_BLANK]
        return []
    pairs = []
    for index, pair in enumerate(values):
        if not isinstance(pair, dict):
            errors[f"{name}[{index}]"] = ["is invalid"]
            continue
        for field in PAIR_REQUIRED:
            if _text(pair.get(field)) is None:
                errors[f"{name}[{index}].{field}"] = [CANT_BE_BLANK]
        pairs.append(
            {
                "type": "KeyValuePairEvidence",
                "key": _text(pair.get("key")),
                "value": _text(pair.get("value")),
                "url": _text(pair.get("url")),
            }
        )
    return pairs


def _text(value: Any) -> str | None:
    """A given string, stripped; numbers are taken as their text (`"value": 42`)."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return None
    text = str(value).strip()
    return text or None


def _item(detail: Json, position: int) -> EvidenceItemData:
    kind = detail["type"]
    if kind == "UrlEvidence":
        description = detail.get("description") or detail.get("name") or detail["value"]
        return EvidenceItemData(
            description=description,
            category="url",
            url=detail["value"],
            position=position,
            detail=detail,
        )
    if kind == "KeyValueGroupEvidence":
        pairs = "; ".join(f"{pair['key']}: {pair['value']}" for pair in detail["values"])
        link = next((pair["url"] for pair in detail["values"] if pair["url"]), None)
        return EvidenceItemData(
            description=f"{detail['name']}: {pairs}",
            category="transcript",
            url=link,
            position=position,
            detail=detail,
        )
    return EvidenceItemData(
        description=f"{detail['title']}: {detail['description']}",
        category="transcript",
        position=position,
        detail=detail,
    )


def evidence_out(item: EvidenceItem) -> Json:
    """One evidence item as Credly shows it (`id` is the item's UUID)."""
    detail = item.detail if item.detail is not None else _derived(item)
    shown = {key: value for key, value in detail.items() if key != "values"}
    if "values" in detail:
        shown["values"] = [
            {key: value for key, value in pair.items() if key != "type"}
            for pair in detail["values"]
        ]
    return {"id": str(item.uuid), **shown}


def _derived(item: EvidenceItem) -> Json:
    """A Credly shape for evidence made through another dialect."""
    if item.link_url:
        return {
            "type": "UrlEvidence",
            "name": None,
            "description": item.description,
            "value": item.link_url,
        }
    title = item.category.capitalize() if item.category else None
    return {"type": "PlainTextEvidence", "title": title, "description": item.description}
