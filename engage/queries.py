"""Filters for the list operations, validated before any request.

Adapters receive these models; a filter a vendor cannot apply raises
:class:`engage.InputError` naming it, rather than being silently ignored.
"""

from __future__ import annotations

from typing import Literal

from pydantic import AwareDatetime, Field, model_validator

from .models import ActivityKind, EnrollmentState, Id, TaskOrigin, TaskStatus, _Input

__all__ = [
    "ActivityQuery",
    "EnrollmentQuery",
    "SequenceQuery",
    "TargetQuery",
    "TaskQuery",
]


class _Query(_Input):
    page_size: int | None = Field(default=None, ge=1, le=1000)

    def active_filters(self) -> dict[str, object]:
        """The filters the caller set (``page_size`` aside)."""
        return {
            k: v
            for k, v in self.model_dump(exclude={"page_size", "expand"}).items()
            if v not in (None, ())
        }


class TargetQuery(_Query):
    updated_since: AwareDatetime | None = None
    owner_id: Id | None = None
    ids: tuple[Id, ...] = ()


class SequenceQuery(_Query):
    updated_since: AwareDatetime | None = None
    owner_id: Id | None = None
    active: bool | None = None


class EnrollmentQuery(_Query):
    target_id: Id | None = None
    sequence_id: Id | None = None
    owner_id: Id | None = None
    state: EnrollmentState | None = None
    updated_since: AwareDatetime | None = None


class TaskQuery(_Query):
    target_id: Id | None = None
    sequence_id: Id | None = None
    owner_id: Id | None = None
    status: TaskStatus | None = None
    origin: TaskOrigin | None = None
    due_after: AwareDatetime | None = None
    due_before: AwareDatetime | None = None
    updated_since: AwareDatetime | None = None
    expand: tuple[Literal["target", "sequence", "step"], ...] = ()

    @model_validator(mode="after")
    def _window(self) -> TaskQuery:
        if self.due_after and self.due_before and self.due_after > self.due_before:
            raise ValueError("due_after must not be later than due_before")
        return self


class ActivityQuery(_Query):
    target_id: Id | None = None
    owner_id: Id | None = None
    kinds: tuple[ActivityKind, ...] = ()
    since: AwareDatetime | None = None
    until: AwareDatetime | None = None

    @model_validator(mode="after")
    def _window(self) -> ActivityQuery:
        if self.since and self.until and self.since > self.until:
            raise ValueError("since must not be later than until")
        return self
