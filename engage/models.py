"""The vendor-neutral domain model.

Records (``Target``, ``Sequence``, ``Step``, ``Enrollment``, ``Task``,
``Activity``) are frozen pydantic models. Each carries ``ref`` (which vendor
object it came from) and ``raw`` (the vendor payload, untouched), so nothing a
vendor said is lost by normalising it. Every enum has an ``OTHER`` member: a
value a vendor adds tomorrow becomes ``OTHER`` and the vendor's own word stays
in the matching ``vendor_*`` field.

Write inputs (``TargetInput``, ``EnrollmentInput``, ``TaskInput``,
``CallInput``, ``NoteInput``) are separate models; invalid input raises
:class:`engage.InputError` before anything is sent.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated, Any, Generic, Self, TypeVar

import pydantic
from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field, SkipValidation

from .errors import EngageError, InputError, PartialFailure

T = TypeVar("T")


def _to_utc(value: datetime) -> datetime:
    # Vendors sometimes send naive timestamps; every one we have seen means UTC.
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


UtcDatetime = Annotated[datetime, AfterValidator(_to_utc)]
"""A datetime normalised to timezone-aware UTC."""


class _OpenEnum(StrEnum):
    """A string enum whose unknown values become ``OTHER`` instead of raising."""

    @classmethod
    def _missing_(cls, value: object) -> Self:
        if isinstance(value, str):
            for member in cls:
                if member.value == value.lower():
                    return member
        return cls("other")


class TargetKind(_OpenEnum):
    PERSON = "person"
    LEAD = "lead"
    CONTACT = "contact"
    PERSON_ACCOUNT = "person_account"
    OTHER = "other"


class StepKind(_OpenEnum):
    EMAIL = "email"
    CALL = "call"
    LINKEDIN = "linkedin"
    TASK = "task"
    WAIT = "wait"
    OTHER = "other"


class EnrollmentState(_OpenEnum):
    ACTIVE = "active"
    PAUSED = "paused"
    FINISHED = "finished"
    REMOVED = "removed"
    BOUNCED = "bounced"
    OTHER = "other"


class TaskOrigin(_OpenEnum):
    MANUAL = "manual"
    SEQUENCE_STEP = "sequence_step"
    OTHER = "other"


class TaskKind(_OpenEnum):
    CALL = "call"
    EMAIL = "email"
    LINKEDIN = "linkedin"
    GENERAL = "general"
    OTHER = "other"


class TaskStatus(_OpenEnum):
    OPEN = "open"
    COMPLETED = "completed"
    SKIPPED = "skipped"
    OTHER = "other"


class ActivityKind(_OpenEnum):
    EMAIL = "email"
    CALL = "call"
    NOTE = "note"
    MEETING = "meeting"
    SMS = "sms"
    LINKEDIN = "linkedin"
    TASK = "task"
    SEQUENCE = "sequence"
    OTHER = "other"


class CallDirection(_OpenEnum):
    OUTBOUND = "outbound"
    INBOUND = "inbound"
    OTHER = "other"


class VendorRef(BaseModel):
    """Where a record lives at its vendor."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    vendor: str
    object_type: str
    id: str
    url: str | None = None


class Record(BaseModel):
    """What every neutral record has: its vendor reference and the raw payload."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    ref: VendorRef
    # The vendor's own dict, kept as given: validating it would copy every key for nothing.
    raw: SkipValidation[dict[str, Any]] = Field(default_factory=dict, repr=False)

    @property
    def id(self) -> str:
        return self.ref.id

    @property
    def vendor(self) -> str:
        return self.ref.vendor


class Target(Record):
    """A person a sequence can be run against (Person, Prospect, Lead, Contact)."""

    kind: TargetKind = TargetKind.PERSON
    email: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    title: str | None = None
    company: str | None = None
    phone: str | None = None
    owner_id: str | None = None
    account_id: str | None = None
    created_at: UtcDatetime | None = None
    updated_at: UtcDatetime | None = None

    @property
    def display_name(self) -> str:
        name = " ".join(p for p in (self.first_name, self.last_name) if p)
        return name or self.email or self.id


class Sequence(Record):
    """A cadence / sequence of steps."""

    name: str
    active: bool | None = None
    shared: bool | None = None
    owner_id: str | None = None
    step_count: int | None = None
    created_at: UtcDatetime | None = None
    updated_at: UtcDatetime | None = None


class Step(Record):
    """One step of a sequence."""

    sequence_id: str
    position: int | None = None
    day: int | None = None
    name: str | None = None
    kind: StepKind = StepKind.OTHER
    vendor_kind: str | None = None
    automated: bool | None = None


class Enrollment(Record):
    """A target in a sequence: the relationship every sequence write goes through."""

    target_id: str
    sequence_id: str
    state: EnrollmentState = EnrollmentState.OTHER
    vendor_state: str | None = None
    owner_id: str | None = None
    current_step_id: str | None = None
    outcome: str | None = None
    created_at: UtcDatetime | None = None
    updated_at: UtcDatetime | None = None
    ended_at: UtcDatetime | None = None


class Task(Record):
    """Work for a rep: a manual task or a due sequence step."""

    origin: TaskOrigin = TaskOrigin.MANUAL
    kind: TaskKind = TaskKind.OTHER
    vendor_kind: str | None = None
    status: TaskStatus = TaskStatus.OPEN
    vendor_status: str | None = None
    subject: str | None = None
    note: str | None = None
    due_at: UtcDatetime | None = None
    owner_id: str | None = None
    target_id: str | None = None
    sequence_id: str | None = None
    step_id: str | None = None
    enrollment_id: str | None = None
    completed_at: UtcDatetime | None = None
    created_at: UtcDatetime | None = None
    updated_at: UtcDatetime | None = None
    # Filled only when the list asked for them (``expand=``), fetched without N+1 requests.
    target: Target | None = None
    sequence: Sequence | None = None
    step: Step | None = None


class Activity(Record):
    """Something that happened with a target: an email, a call, a note, ..."""

    kind: ActivityKind = ActivityKind.OTHER
    vendor_kind: str | None = None
    occurred_at: UtcDatetime | None = None
    target_id: str | None = None
    owner_id: str | None = None
    subject: str | None = None
    body: str | None = None
    sequence_id: str | None = None
    step_id: str | None = None
    direction: CallDirection | None = None
    outcome: str | None = None
    duration_seconds: int | None = None


# --- write inputs ---------------------------------------------------------------

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _check_email(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip()
    if not _EMAIL.match(value):
        raise ValueError(f"{value!r} is not an e-mail address")
    return value


def _non_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be blank")
    return value


Email = Annotated[str, AfterValidator(_check_email)]
Id = Annotated[str, AfterValidator(_non_blank)]


class _Input(BaseModel):
    """Base of write inputs: invalid input raises ``InputError`` at construction."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    def __init__(self, **data: Any) -> None:
        try:
            super().__init__(**data)
        except pydantic.ValidationError as exc:
            raise InputError(_describe(type(self).__name__, exc)) from None

    @classmethod
    def coerce(cls, value: Self | dict[str, Any]) -> Self:
        """Accept an instance of the model or a plain dict of its fields."""
        if isinstance(value, cls):
            return value
        if isinstance(value, dict):
            return cls(**value)
        raise InputError(f"expected {cls.__name__} or dict, got {type(value).__name__}")


def _describe(model: str, exc: pydantic.ValidationError) -> str:
    problems = "; ".join(
        f"{'.'.join(str(p) for p in err['loc']) or model}: {err['msg']}" for err in exc.errors()
    )
    return f"invalid {model}: {problems}"


class TargetInput(_Input):
    email: Email
    first_name: str | None = None
    last_name: str | None = None
    title: str | None = None
    company: str | None = None
    phone: str | None = None
    owner_id: Id | None = None
    kind: TargetKind | None = None
    vendor_fields: dict[str, Any] = Field(default_factory=dict)


class EnrollmentInput(_Input):
    target_id: Id
    sequence_id: Id
    owner_id: Id | None = None
    start_step_id: Id | None = None
    vendor_fields: dict[str, Any] = Field(default_factory=dict)


class TaskInput(_Input):
    target_id: Id
    subject: str
    kind: TaskKind = TaskKind.GENERAL
    due_at: AwareDatetime
    owner_id: Id | None = None
    note: str | None = None
    # Reused on every retry so the vendor can recognise a repeat (Salesloft does).
    idempotency_key: str = Field(default_factory=lambda: uuid.uuid4().hex)
    vendor_fields: dict[str, Any] = Field(default_factory=dict)


class CallInput(_Input):
    target_id: Id
    occurred_at: AwareDatetime | None = None
    direction: CallDirection = CallDirection.OUTBOUND
    duration_seconds: int | None = Field(default=None, ge=0)
    outcome: str | None = None
    notes: str | None = None
    owner_id: Id | None = None
    vendor_fields: dict[str, Any] = Field(default_factory=dict)


class NoteInput(_Input):
    target_id: Id
    body: Annotated[str, AfterValidator(_non_blank)]
    owner_id: Id | None = None
    vendor_fields: dict[str, Any] = Field(default_factory=dict)


# --- batch results --------------------------------------------------------------


@dataclass(frozen=True)
class ItemResult(Generic[T]):
    """The outcome of one item of a batch write, at its position in the input."""

    index: int
    value: T | None = None
    error: EngageError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass(frozen=True)
class BatchResult(Generic[T]):
    """Per-item outcomes of a batch write; one failure never hides a success."""

    items: tuple[ItemResult[T], ...] = field(default_factory=tuple)

    def __iter__(self) -> Iterator[ItemResult[T]]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    @property
    def succeeded(self) -> list[T]:
        return [item.value for item in self.items if item.ok and item.value is not None]

    @property
    def failed(self) -> list[ItemResult[T]]:
        return [item for item in self.items if not item.ok]

    @property
    def ok(self) -> bool:
        return not self.failed

    def raise_for_failures(self, *, vendor: str, tenant: str | None = None) -> None:
        """Raise :class:`PartialFailure` if any item failed."""
        if self.failed:
            raise PartialFailure(
                f"{len(self.failed)} of {len(self.items)} items failed",
                results=self,
                vendor=vendor,
                tenant=tenant,
            )
