"""In-memory records of the emulated Outreach org.

Records keep their attributes in a dict whose key order never changes after
creation, so a record renders to the same bytes every time. Ids are per-type
integers handed out in creation order, as Outreach's are.

Lists are read from per-type sorted indexes (``sorted_rows``) built once per sort
and kept until a record of that type is added, deleted or has an attribute
changed: the attributes dict counts its own changes, so no handler has to.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

Ref = tuple[str, int]


def iso(moment: datetime) -> str:
    """Outreach's timestamp format: UTC with milliseconds and a ``Z``."""
    moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def parse_time(value: str) -> datetime:
    """Parse an ISO-8601 date or date-time as clients send it; naive means UTC."""
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    parsed = datetime.fromisoformat(text)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


class Attributes(dict[str, Any]):
    """A record's attributes: every change calls ``changed`` (its type's indexes go stale)."""

    __slots__ = ("changed",)

    def __init__(self, data: dict[str, Any], changed: Callable[[], None]) -> None:
        super().__init__(data)
        self.changed = changed

    def __setitem__(self, key: str, value: Any) -> None:
        super().__setitem__(key, value)
        self.changed()

    def __delitem__(self, key: str) -> None:
        super().__delitem__(key)
        self.changed()

    def update(self, *args: Any, **kwargs: Any) -> None:
        super().update(*args, **kwargs)
        self.changed()

    def pop(self, key: str, *default: Any) -> Any:
        self.changed()
        return super().pop(key, *default)

    def setdefault(self, key: str, default: Any = None) -> Any:
        self.changed()
        return super().setdefault(key, default)

    def popitem(self) -> tuple[str, Any]:
        self.changed()
        return super().popitem()

    def clear(self) -> None:
        super().clear()
        self.changed()

    def __ior__(self, other: Any) -> Attributes:  # type: ignore[override,misc]
        self.update(other)
        return self


@dataclass(slots=True)
class Record:
    type: str
    id: int
    attributes: dict[str, Any]
    rels: dict[str, Ref | None]

    def rel_id(self, name: str) -> int | None:
        ref = self.rels.get(name)
        return ref[1] if ref else None


@dataclass
class Store:
    """Every record of the org, by type then id."""

    tables: dict[str, dict[int, Record]] = field(default_factory=dict)
    next_ids: dict[str, int] = field(default_factory=dict)
    # Per type: a counter of changes, and the sorted indexes built at some count.
    versions: dict[str, int] = field(default_factory=dict)
    indexes: dict[tuple[str, str], tuple[int, list[Record]]] = field(default_factory=dict)
    # Rows looked at by page walks (index builds aside): what list pages cost.
    rows_examined: int = 0

    def changed(self, type_: str) -> None:
        self.versions[type_] = self.versions.get(type_, 0) + 1

    def add(self, type_: str, attributes: dict[str, Any], rels: dict[str, Ref | None]) -> Record:
        table = self.tables.setdefault(type_, {})
        new_id = self.next_ids.get(type_, 1)
        self.next_ids[type_] = new_id + 1
        tracked = Attributes(attributes, lambda: self.changed(type_))
        record = Record(type_, new_id, tracked, rels)
        table[new_id] = record
        self.changed(type_)
        return record

    def sorted_rows(
        self, type_: str, name: str, build: Callable[[Iterable[Record]], list[Record]]
    ) -> list[Record]:
        """Every record of ``type_`` in the order ``build`` gives (``name`` names that
        order), built again only after the type changed. Do not modify the list."""
        version = self.versions.get(type_, 0)
        cached = self.indexes.get((type_, name))
        if cached is not None and cached[0] == version:
            return cached[1]
        rows = build(self.iter(type_))
        self.indexes[(type_, name)] = (version, rows)
        return rows

    def get(self, type_: str, id_: int) -> Record | None:
        return self.tables.get(type_, {}).get(id_)

    def deref(self, ref: Ref | None) -> Record | None:
        return self.get(*ref) if ref else None

    def all(self, type_: str) -> list[Record]:
        return list(self.tables.get(type_, {}).values())

    def iter(self, type_: str) -> Iterator[Record]:
        return iter(self.tables.get(type_, {}).values())

    def delete(self, type_: str, id_: int) -> None:
        self.tables.get(type_, {}).pop(id_, None)
        self.changed(type_)

    def count(self, type_: str) -> int:
        return len(self.tables.get(type_, {}))

    def related(self, type_: str, rel: str, target_id: int) -> list[Record]:
        """Records of ``type_`` whose to-one ``rel`` points at ``target_id`` (a scan)."""
        return [r for r in self.iter(type_) if r.rel_id(rel) == target_id]
