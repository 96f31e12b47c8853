"""Where each entity's changes are read from: the resources' "changed since" lists.

A source reads one stream (an entity's updates, or its deletions) from a time on,
inclusively, and answers each record with the time its position is keyed on. The
order it answers in is the vendor's: not necessarily by time (Outreach pages by id).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime

from ._changes_event import ChangedRecord, ChangeEntity, Deletion
from ._changes_tenant import FeedTenant
from .adapter import Adapter, Capability
from .errors import UnsupportedOperationError
from .models import EARLIEST, Activity

__all__ = ["SOURCES", "Seen", "deletion_source", "reports_deletions", "required_capabilities"]


@dataclass(frozen=True)
class Seen:
    """One record as a stream read it."""

    moment: datetime  # the time its position is keyed on
    object_type: str
    id: str
    record: ChangedRecord | None  # None: a deletion
    created_at: datetime | None = None


Source = Callable[[FeedTenant, datetime | None, int | None], Iterator[Seen]]


def _timed(records: Iterable[ChangedRecord]) -> Iterator[Seen]:
    for record in records:
        updated = getattr(record, "updated_at", None)
        created = getattr(record, "created_at", None)
        # A record with no time at all can only be delivered by a first poll.
        moment = updated or created or EARLIEST
        yield Seen(moment, record.ref.object_type, record.id, record, created)


def _targets(t: FeedTenant, since: datetime | None, size: int | None) -> Iterator[Seen]:
    return _timed(t.targets.list(updated_since=since, page_size=size))


def _sequences(t: FeedTenant, since: datetime | None, size: int | None) -> Iterator[Seen]:
    return _timed(t.sequences.list(updated_since=since, page_size=size))


def _enrollments(t: FeedTenant, since: datetime | None, size: int | None) -> Iterator[Seen]:
    return _timed(t.enrollments.list(updated_since=since, page_size=size))


def _tasks(t: FeedTenant, since: datetime | None, size: int | None) -> Iterator[Seen]:
    return _timed(t.tasks.list(updated_since=since, page_size=size))


def _activities(t: FeedTenant, since: datetime | None, size: int | None) -> Iterator[Seen]:
    # Activities are not edited: they are keyed on when they happened, and each one
    # is a creation. One logged with a time further back than the feed's activity
    # lag is before the window and is missed (see docs/changes.md).
    activity: Activity
    for activity in t.activities.list(since=since, page_size=size):
        moment = activity.occurred_at or EARLIEST
        yield Seen(moment, activity.ref.object_type, activity.id, activity, moment)


def _steps(t: FeedTenant, since: datetime | None, size: int | None) -> Iterator[Seen]:
    # Steps carry no time of their own: they are read again whenever their sequence
    # changed, and keyed on the sequence's update time.
    for sequence in t.sequences.list(updated_since=since, page_size=size):
        moment = sequence.updated_at or sequence.created_at or EARLIEST
        for step in t.sequences.steps(sequence.id):
            yield Seen(moment, step.ref.object_type, step.id, step, sequence.created_at)


SOURCES: dict[ChangeEntity, Source] = {
    "target": _targets,
    "sequence": _sequences,
    "step": _steps,
    "enrollment": _enrollments,
    "task": _tasks,
    "activity": _activities,
}


def required_capabilities(entity: ChangeEntity) -> tuple[Capability, ...]:
    return {
        "target": (Capability.TARGETS_LIST,),
        "sequence": (Capability.SEQUENCES_LIST,),
        "step": (Capability.SEQUENCES_LIST, Capability.SEQUENCES_STEPS),
        "enrollment": (Capability.ENROLLMENTS_LIST,),
        "task": (Capability.TASKS_LIST,),
        "activity": (Capability.ACTIVITIES_LIST,),
    }[entity]


def reports_deletions(adapter: Adapter | type[Adapter]) -> bool:
    """Whether the adapter reports deletions: it overrides ``list_deleted``, the way
    every other capability is whether the adapter overrides its method."""
    cls = adapter if isinstance(adapter, type) else type(adapter)
    return cls.list_deleted is not Adapter.list_deleted


def deletion_source(entity: ChangeEntity) -> Source:
    def read(t: FeedTenant, since: datetime | None, size: int | None) -> Iterator[Seen]:
        deletion: Deletion
        try:
            deletions = t.adapter.list_deleted(entity, since)
        except UnsupportedOperationError:
            return  # the vendor reports deletions of other entities, not this one
        for deletion in deletions:
            if deletion.entity != entity:
                continue
            yield Seen(deletion.deleted_at, deletion.object_type, deletion.id, None)

    return read
