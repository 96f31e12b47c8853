"""The org's records: one table per sObject, a global id index and a few field indexes.

Records are plain dicts keyed by canonical field name, holding Python values
(``datetime`` for datetime fields, ``date`` for date fields). Deleted records
stay in their table with ``IsDeleted`` true, because ``queryAll`` still sees
them. Tables keep insertion order, which is id order, so an unordered query
answers the same way every time.
"""

from __future__ import annotations

import threading
from bisect import bisect_left, insort
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from ._state_ids import IdMinter
from ._state_schema import OBJECTS, ObjectSpec

Record = dict[str, Any]

# Lookups the actions and the demo data do over and over; kept as indexes so
# that a batch of 200 action inputs over 50k trackers stays linear.
INDEXED = (
    ("ActionCadenceTracker", "TargetId"),
    ("ActionCadenceStep", "ActionCadenceId"),
    ("ActionCadenceStepTracker", "ActionCadenceTrackerId"),
)
# Fields a list is read in order of (the adapter's ORDER BY Id and keyset reads
# ORDER BY SystemModstamp, Id): their live rows as sorted ``(value, Id)`` keys,
# so a page of such a query costs the page plus a bisection (``_state_query_ordered``).
ORDERED = ("Id", "SystemModstamp")
Key = tuple[Any, str]


class Store:
    """All records of the emulated org, guarded by one lock (requests run in threads)."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.minter = IdMinter()
        self.tables: dict[str, dict[str, Record]] = {name: {} for name in OBJECTS}
        self.types: dict[str, str] = {}
        self.indexes: dict[tuple[str, str], dict[Any, list[str]]] = {key: {} for key in INDEXED}
        # State that Salesforce keeps but does not expose as fields (e.g. the
        # template chosen for a step tracker), keyed by record id.
        self.hidden: dict[str, dict[str, Any]] = {}
        # Records that change by themselves when sandbox time passes: paused
        # trackers with a resume time and wait steps (see ``_state_flow.process_due``).
        self.timers: set[str] = set()
        # (sObject, field) -> sorted keys of the live rows; built on first use, then kept.
        self.ordered: dict[tuple[str, str], list[Key]] = {}

    def spec(self, sobject: str) -> ObjectSpec:
        return OBJECTS[sobject]

    def get(self, record_id: str | None) -> Record | None:
        if not record_id:
            return None
        sobject = self.types.get(record_id)
        return None if sobject is None else self.tables[sobject][record_id]

    def type_of(self, record_id: str) -> str | None:
        return self.types.get(record_id)

    def rows(self, sobject: str, *, include_deleted: bool = False) -> Iterator[Record]:
        for record in self.tables[sobject].values():
            if include_deleted or not record["IsDeleted"]:
                yield record

    def keys(self, sobject: str, field: str) -> list[Key]:
        """The live rows of ``sobject`` as sorted ``(field value, Id)`` (``field`` in ORDERED)."""
        keys = self.ordered.get((sobject, field))
        if keys is None:
            live = (r for r in self.tables[sobject].values() if not r["IsDeleted"])
            keys = sorted((r[field], r["Id"]) for r in live)
            self.ordered[(sobject, field)] = keys
        return keys

    def _unkey(self, sobject: str, record: Record) -> None:
        for field in ORDERED:
            keys = self.ordered.get((sobject, field))
            if keys is not None:
                key = (record[field], record["Id"])
                at = bisect_left(keys, key)
                if at < len(keys) and keys[at] == key:
                    del keys[at]

    def _key(self, sobject: str, record: Record) -> None:
        if record["IsDeleted"]:
            return
        for field in ORDERED:
            keys = self.ordered.get((sobject, field))
            if keys is not None:
                insort(keys, (record[field], record["Id"]))

    def lookup(self, sobject: str, field: str, value: Any) -> list[Record]:
        ids = self.indexes[(sobject, field)].get(value, [])
        table = self.tables[sobject]
        return [table[i] for i in ids if not table[i]["IsDeleted"]]

    def insert(
        self, sobject: str, values: dict[str, Any], *, user_id: str, now: datetime
    ) -> Record:
        spec = OBJECTS[sobject]
        record_id = self.minter.next(spec.key_prefix)
        record: Record = dict.fromkeys(spec.fields)
        for name, field in spec.fields.items():
            if field.type == "boolean":
                record[name] = False
        record.update(values)
        record.update(
            Id=record_id,
            IsDeleted=False,
            CreatedById=values.get("CreatedById", user_id),
            CreatedDate=values.get("CreatedDate", now),
            LastModifiedById=values.get("LastModifiedById", user_id),
            LastModifiedDate=values.get("LastModifiedDate", now),
            SystemModstamp=values.get("SystemModstamp", now),
        )
        derive(sobject, record, self, now)
        self.tables[sobject][record_id] = record
        self.types[record_id] = sobject
        self._key(sobject, record)
        for (indexed, field_name), index in self.indexes.items():
            if indexed == sobject:
                index.setdefault(record[field_name], []).append(record_id)
        return record

    def update(
        self, record: Record, values: dict[str, Any], *, user_id: str, now: datetime
    ) -> None:
        sobject = self.types[record["Id"]]
        for (indexed, field_name), index in self.indexes.items():
            if (
                indexed == sobject
                and field_name in values
                and values[field_name] != record[field_name]
            ):
                index[record[field_name]].remove(record["Id"])
                index.setdefault(values[field_name], []).append(record["Id"])
        self._unkey(sobject, record)
        record.update(values)
        record.update(LastModifiedById=user_id, LastModifiedDate=now, SystemModstamp=now)
        derive(sobject, record, self, now)
        self._key(sobject, record)

    def delete(self, record: Record, *, user_id: str, now: datetime) -> None:
        self._unkey(self.types[record["Id"]], record)
        record.update(
            IsDeleted=True, LastModifiedById=user_id, LastModifiedDate=now, SystemModstamp=now
        )


def derive(sobject: str, record: Record, store: Store, now: datetime) -> None:
    """Keep calculated fields in step with the fields they are calculated from."""
    if sobject in {"Lead", "Contact", "User"}:
        record["Name"] = " ".join(p for p in (record.get("FirstName"), record["LastName"]) if p)
    elif sobject == "Task":
        record["IsClosed"] = record["Status"] == "Completed"
        record["IsHighPriority"] = record["Priority"] == "High"
        if not record["IsClosed"]:
            record["CompletedDateTime"] = None
        elif record["CompletedDateTime"] is None:
            record["CompletedDateTime"] = now
        who = store.get(record["WhoId"])
        if who is not None and "AccountId" in who:
            record["AccountId"] = who["AccountId"]
        elif record["WhatId"] and store.type_of(record["WhatId"]) == "Account":
            record["AccountId"] = record["WhatId"]
    elif sobject == "ActionCadenceTracker":
        record["IsTrackerActive"] = record["State"] in {
            "Running",
            "Paused",
            "Processing",
            "Initializing",
        }
