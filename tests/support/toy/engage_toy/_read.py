"""Toy payload -> neutral record: pure functions, no I/O.

Every record carries ``ref`` (vendor, object type, native id) and ``raw``, the
payload exactly as the vendor sent it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

import pydantic

from engage import MappingError, Target, Task, TaskStatus, VendorRef

from ._settings import VENDOR
from ._wire import ItemList, Person, ToyTask

W = TypeVar("W", bound=pydantic.BaseModel)


def _parse(model: type[W], row: Any, object_type: str) -> W:
    """A payload of the wrong shape is a MappingError (typed), never pydantic's own."""
    try:
        return model.model_validate(row)
    except pydantic.ValidationError:
        raise MappingError(
            "the answer does not fit", vendor=VENDOR, object_type=object_type
        ) from None


def target(row: Mapping[str, Any]) -> Target:
    person = _parse(Person, row, "person")
    return Target(
        ref=VendorRef(vendor=VENDOR, object_type="person", id=str(person.id)),
        raw=dict(row),
        email=person.email,
        first_name=person.first_name,
        last_name=person.last_name,
        updated_at=person.updated_at,
    )


def task(row: Mapping[str, Any]) -> Task:
    wire = _parse(ToyTask, row, "task")
    return Task(
        ref=VendorRef(vendor=VENDOR, object_type="task", id=str(wire.id)),
        raw=dict(row),
        subject=wire.subject,
        target_id=None if wire.person_id is None else str(wire.person_id),
        status=TaskStatus.COMPLETED if wire.done else TaskStatus.OPEN,
    )


def page(body: Any) -> tuple[list[dict[str, Any]], str | None]:
    """One list response: its rows and the link to the next page."""
    listing = _parse(ItemList, body, "list")
    return listing.items, listing.next
