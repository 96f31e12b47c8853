"""Toy payload -> neutral record: pure functions, no I/O.

Every record carries ``ref`` (vendor, object type, native id) and ``raw``, the
payload exactly as the vendor sent it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from engage import Target, Task, TaskStatus, VendorRef

from ._settings import VENDOR
from ._wire import ItemList, Person, ToyTask


def target(row: Mapping[str, Any]) -> Target:
    person = Person.model_validate(row)
    return Target(
        ref=VendorRef(vendor=VENDOR, object_type="person", id=str(person.id)),
        raw=dict(row),
        email=person.email,
        first_name=person.first_name,
        last_name=person.last_name,
        updated_at=person.updated_at,
    )


def task(row: Mapping[str, Any]) -> Task:
    wire = ToyTask.model_validate(row)
    return Task(
        ref=VendorRef(vendor=VENDOR, object_type="task", id=str(wire.id)),
        raw=dict(row),
        subject=wire.subject,
        target_id=None if wire.person_id is None else str(wire.person_id),
        status=TaskStatus.COMPLETED if wire.done else TaskStatus.OPEN,
    )


def page(body: Any) -> tuple[list[dict[str, Any]], str | None]:
    """One list response: its rows and the link to the next page."""
    listing = ItemList.model_validate(body)
    return listing.items, listing.next
