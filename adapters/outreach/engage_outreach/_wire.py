"""Outreach's JSON:API documents and resource objects, read as plain Python.

Nothing here is validated by a model: a page's records are validated once, as
engage's neutral records (``_read``), and ``raw`` keeps each resource object as
Outreach sent it, so an attribute or value Outreach adds tomorrow passes through.
What is checked here is the shape the readers rely on (objects where objects must
be, an id on every resource).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, TypeVar

import pydantic

from engage import MappingError

VENDOR = "outreach"
M = TypeVar("M", bound=pydantic.BaseModel)
Fields = dict[str, Any]
_EMPTY: Mapping[str, Any] = {}


class Index(dict[tuple[str, str], dict[str, Any]]):
    """Side-loaded records by (type, id), and what they were mapped to (``mapped``,
    filled by the readers) so that a record shared by a page is mapped once."""

    __slots__ = ("mapped",)

    def __init__(self, rows: dict[tuple[str, str], dict[str, Any]]) -> None:
        super().__init__(rows)
        self.mapped: dict[tuple[str, str], Any] = {}


class Document:
    """A JSON:API document: ``data`` (one resource object, a list, or null),
    ``included``, ``links`` and ``meta``."""

    __slots__ = ("data", "included", "links", "meta")

    def __init__(
        self,
        data: Any = None,
        included: list[dict[str, Any]] | None = None,
        links: dict[str, Any] | None = None,
        meta: dict[str, Any] | None = None,
    ) -> None:
        self.data = data
        self.included = included or []
        self.links = links or {}
        self.meta = meta or {}

    @classmethod
    def parse(cls, body: Mapping[str, Any]) -> Document:
        """The document ``body`` holds; ``ValueError`` if it has the wrong shape."""
        included = body.get("included") or []
        links = body.get("links") or {}
        meta = body.get("meta") or {}
        if not isinstance(included, list) or not all(isinstance(r, dict) for r in included):
            raise ValueError("included is not a list of resource objects")
        if not isinstance(links, dict) or not isinstance(meta, dict):
            raise ValueError("links and meta must be objects")
        return cls(body.get("data"), included, links, meta)

    def rows(self) -> list[dict[str, Any]]:
        if isinstance(self.data, list):
            return [row for row in self.data if isinstance(row, dict)]
        return [self.data] if isinstance(self.data, dict) else []

    @property
    def next_url(self) -> str | None:
        link = self.links.get("next")
        return link if isinstance(link, str) and link else None

    def index(self) -> Index:
        """Side-loaded records by (type, id), for filling in related records."""
        return Index({(str(row.get("type")), str(row.get("id"))): row for row in self.included})


# These run for every field of every record read: plain ``dict`` checks (JSON
# decodes to dicts), not ``Mapping``'s slower abstract-class checks.


def rel(relationships: Mapping[str, Any], name: str) -> tuple[str, str] | None:
    """The (type, id) a to-one relationship points at, if it carries linkage."""
    value = relationships.get(name)
    data = value.get("data") if isinstance(value, dict) else None
    if isinstance(data, dict):
        native = data.get("id")
        if native is not None:
            return str(data.get("type")), str(native)
    return None


def rel_id(relationships: Mapping[str, Any], name: str) -> str | None:
    value = relationships.get(name)
    data = value.get("data") if isinstance(value, dict) else None
    if isinstance(data, dict):
        native = data.get("id")
        return None if native is None else str(native)
    return None


def section(payload: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    """``attributes``, ``relationships`` or ``links`` of a resource object (``{}`` if
    absent or null); ``ValueError`` if it is something other than an object."""
    value = payload.get(name)
    if value is None:
        return _EMPTY
    if not isinstance(value, dict):
        raise ValueError(f"{name} is not an object")
    return value


# --- one resource object, picked apart for one validation -------------------------


class Resource:
    """The parts of one resource object a mapper reads (no copies: views of the payload)."""

    __slots__ = ("attrs", "ref", "rels")

    def __init__(self, payload: Mapping[str, Any], object_type: str) -> None:
        if not isinstance(payload, dict):
            raise MappingError("not a resource object", vendor=VENDOR, object_type=object_type)
        native = payload.get("id")
        if native is None or isinstance(native, bool) or not isinstance(native, int | str):
            raise MappingError("resource has no id", vendor=VENDOR, object_type=object_type)
        try:
            self.attrs = section(payload, "attributes")
            self.rels = section(payload, "relationships")
            link = section(payload, "links").get("self")
        except ValueError as exc:
            raise MappingError(str(exc), vendor=VENDOR, object_type=object_type) from None
        # A dict, not a VendorRef: the record's one validation checks it.
        self.ref = {
            "vendor": VENDOR,
            "object_type": object_type,
            "id": str(native),
            "url": link if isinstance(link, str) else None,
        }


def build(model: type[M], fields: Fields, object_type: str) -> M:
    """The neutral record: its single validation (wrong types name the field)."""
    try:
        return model.model_validate(fields)
    except pydantic.ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()
        )
        raise MappingError(problems, vendor=VENDOR, object_type=object_type) from None


def text(value: Any) -> Any:
    """Outreach sends some text as numbers (phone numbers, titles): as text."""
    if value is None or value.__class__ is str:
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return value


def first(*lists: Any) -> Any:
    for values in lists:
        if isinstance(values, list):
            for value in values:
                if value:
                    return text(value)
    return None


def number(value: Any, name: str, object_type: str) -> int | None:
    """A whole number as Outreach may send it (a number or its digits), for arithmetic."""
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    raise MappingError(
        f"{name}: not a whole number ({type(value).__name__})",
        vendor=VENDOR,
        object_type=object_type,
    )


def moment(value: Any, name: str, object_type: str) -> datetime | None:
    """A timestamp, for arithmetic here (the model parses the ones it keeps)."""
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise MappingError(
            f"{name}: not a timestamp", vendor=VENDOR, object_type=object_type
        ) from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def word(value: Any) -> str:
    """An Outreach word for the tables (anything else looks up as unknown)."""
    return value if isinstance(value, str) else ""
