"""The neutral change event, and the position that orders and de-duplicates events.

Kept apart from the feed so that :mod:`engage.adapter` can name :class:`Deletion`
(the optional ``list_deleted`` operation) without importing the feed, and so that
webhooks, when they come, build the same events.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal, Self, get_args

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from .models import Activity, Enrollment, Sequence, Step, Target, Task, UtcDatetime

ChangeEntity = Literal["target", "sequence", "step", "enrollment", "task", "activity"]
"""What changed. Accounts come later."""
ChangeKind = Literal["created", "updated", "deleted"]

ENTITIES: tuple[ChangeEntity, ...] = get_args(ChangeEntity)

ChangedRecord = Target | Sequence | Step | Enrollment | Task | Activity

# Fixed width, so that positions compare as plain strings in time order.
_STAMP = "%Y-%m-%dT%H:%M:%S.%fZ"


def stamp(moment: datetime) -> str:
    """``moment`` as the fixed-width UTC text positions start with."""
    return moment.astimezone(UTC).strftime(_STAMP)


def unstamp(text: str) -> datetime:
    return datetime.strptime(text, _STAMP).replace(tzinfo=UTC)


def make_position(moment: datetime, object_type: str, record_id: str, *, deleted: bool) -> str:
    """The position of one version of one record: its vendor time, then its identity.

    The object type is part of the identity because one neutral list can mix vendor
    objects whose ids overlap (Salesloft tasks and actions, calls and e-mails).
    """
    return f"{stamp(moment)}|{object_type}|{record_id}{'|deleted' if deleted else ''}"


def position_time(position: str) -> datetime:
    return unstamp(position.split("|", 1)[0])


class Deletion(BaseModel):
    """A record the vendor reports as deleted (what ``Adapter.list_deleted`` yields)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    entity: ChangeEntity
    id: str = Field(min_length=1)
    object_type: str = Field(min_length=1)
    deleted_at: AwareDatetime


class ChangeEvent(BaseModel):
    """One change to one record of one tenant.

    ``position`` is opaque but totally ordered within a tenant and entity (compare
    two positions as strings): a record's later version has a later position, and
    the same version always has the same position, so a sink that has seen a
    position has seen that event (duplicates after a resumed poll are dropped by
    position). ``record`` is the neutral record as the vendor answered it (``None``
    for a deletion, which carries only ``id``). ``vendor_time`` is when the vendor
    says the change happened (its update time, an activity's time, a deletion's time).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    tenant: str
    vendor: str
    entity: ChangeEntity
    change: ChangeKind
    id: str = Field(min_length=1)
    record: ChangedRecord | None = None
    vendor_time: UtcDatetime
    position: str = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.change == "deleted":
            if self.record is not None:
                raise ValueError("a deletion carries only the id, not a record")
        elif self.record is None:
            raise ValueError(f"a {self.change} event carries the record")
        elif self.record.id != self.id:
            raise ValueError("id must be the record's id")
        if self.vendor_time.utcoffset() is None:
            raise ValueError("vendor_time must be timezone-aware")
        return self
