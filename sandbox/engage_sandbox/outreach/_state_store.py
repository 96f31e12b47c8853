"""In-memory records of the emulated Outreach org.

Records keep their attributes in a plain dict whose key order never changes after
creation, so a record renders to the same bytes every time. Ids are per-type
integers handed out in creation order, as Outreach's are.
"""

from __future__ import annotations

from collections.abc import Iterator
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

    def add(self, type_: str, attributes: dict[str, Any], rels: dict[str, Ref | None]) -> Record:
        table = self.tables.setdefault(type_, {})
        new_id = self.next_ids.get(type_, 1)
        self.next_ids[type_] = new_id + 1
        record = Record(type_, new_id, attributes, rels)
        table[new_id] = record
        return record

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

    def count(self, type_: str) -> int:
        return len(self.tables.get(type_, {}))

    def related(self, type_: str, rel: str, target_id: int) -> list[Record]:
        """Records of ``type_`` whose to-one ``rel`` points at ``target_id`` (a scan)."""
        return [r for r in self.iter(type_) if r.rel_id(rel) == target_id]
