"""Filters for the list operations, validated before any request.

Adapters receive these models; a filter a vendor cannot apply raises
:class:`engage.InputError` naming it, rather than being silently ignored.
Filters are as strict as write inputs: an enum filter takes one of the enum's
values but ``other``, ids are non-blank strings, datetimes are aware, and
``page_size`` is a whole number from 1 to 1000.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, StrictBool, StrictInt, model_validator

from .models import (
    ActivityKindChoice,
    EnrollmentStateChoice,
    Id,
    Moment,
    TaskOriginChoice,
    TaskStatusChoice,
    _Input,
)

MAX_PAGE_SIZE = 1000
MAX_IDS = 1000
"""At most this many ids in one ``ids=[...]`` filter."""

__all__ = [
    "ActivityQuery",
    "EnrollmentQuery",
    "SequenceQuery",
    "TargetQuery",
    "TaskQuery",
]


class _Query(_Input):
    page_size: StrictInt | None = Field(default=None, ge=1, le=MAX_PAGE_SIZE)

    def active_filters(self) -> dict[str, object]:
        """The filters the caller set (``page_size`` aside)."""
        return {
            k: v
            for k, v in self.model_dump(exclude={"page_size", "expand"}).items()
            if v not in (None, ())
        }


class TargetQuery(_Query):
    updated_since: Moment | None = None
    owner_id: Id | None = None
    ids: tuple[Id, ...] = Field(default=(), max_length=MAX_IDS)


class SequenceQuery(_Query):
    updated_since: Moment | None = None
    owner_id: Id | None = None
    active: StrictBool | None = None


class EnrollmentQuery(_Query):
    target_id: Id | None = None
    sequence_id: Id | None = None
    owner_id: Id | None = None
    state: EnrollmentStateChoice | None = None
    updated_since: Moment | None = None


class TaskQuery(_Query):
    target_id: Id | None = None
    sequence_id: Id | None = None
    owner_id: Id | None = None
    status: TaskStatusChoice | None = None
    origin: TaskOriginChoice | None = None
    due_after: Moment | None = None
    due_before: Moment | None = None
    updated_since: Moment | None = None
    expand: tuple[Literal["target", "sequence", "step"], ...] = ()

    @model_validator(mode="after")
    def _window(self) -> TaskQuery:
        if self.due_after and self.due_before and self.due_after > self.due_before:
            raise ValueError("due_after must not be later than due_before")
        return self


class ActivityQuery(_Query):
    target_id: Id | None = None
    owner_id: Id | None = None
    kinds: tuple[ActivityKindChoice, ...] = ()
    since: Moment | None = None
    until: Moment | None = None

    @model_validator(mode="after")
    def _window(self) -> ActivityQuery:
        if self.since and self.until and self.since > self.until:
            raise ValueError("since must not be later than until")
        return self
