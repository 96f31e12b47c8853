"""The vendor-neutral domain model.

Records (``Target``, ``Sequence``, ``Step``, ``Enrollment``, ``Task``,
``Activity``) are frozen pydantic models. Each carries ``ref`` (which vendor
object it came from) and ``raw`` (the vendor payload, untouched), so nothing a
vendor said is lost by normalising it. Every enum has an ``OTHER`` member: a
value a vendor adds tomorrow becomes ``OTHER`` and the vendor's own word stays
in the matching ``vendor_*`` field.

Write inputs (``TargetInput``, ``EnrollmentInput``, ``TaskInput``,
``CallInput``, ``NoteInput``) are separate models; invalid input raises
:class:`engage.InputError` before anything is sent. Inputs (and the queries of
:mod:`engage.queries`) are strict where records are tolerant: an enum value
must be one of the enum's values (``OTHER`` is what vendors send, never what
callers ask for), ids and texts have length limits (``MAX_*`` below), and
datetimes must be timezone-aware.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import Enum, StrEnum
from typing import Annotated, Any, Generic, Literal, Required, Self, TypedDict, TypeVar

import pydantic
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    SkipValidation,
    StrictInt,
    StrictStr,
    ValidationInfo,
    computed_field,
    field_validator,
)
from pydantic_core import PydanticCustomError

from .config import describe_validation_error
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


# The values a caller may pass for each enum: all but ``other`` (tests hold them in step).
TargetKindName = Literal["person", "lead", "contact", "person_account"]
EnrollmentStateName = Literal["active", "paused", "finished", "removed", "bounced"]
TaskOriginName = Literal["manual", "sequence_step"]
TaskKindName = Literal["call", "email", "linkedin", "general"]
TaskStatusName = Literal["open", "completed", "skipped"]
ActivityKindName = Literal[
    "email", "call", "note", "meeting", "sms", "linkedin", "task", "sequence"
]
CallDirectionName = Literal["outbound", "inbound"]


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

    # id and vendor are dumped (scripts and the CLI's --json want them at the top)
    # but are never stored apart from ref: a dump read back must say the same.
    @computed_field  # type: ignore[prop-decorator]
    @property
    def id(self) -> str:
        return self.ref.id

    @computed_field  # type: ignore[prop-decorator]
    @property
    def vendor(self) -> str:
        return self.ref.vendor

    # A dump's "id" and "vendor", read back: checked against ref and kept as None.
    # Fields with aliases rather than a model validator, which would run Python on
    # every record read (1.4 us of ~5 measured on a Target); a field validator runs
    # only when the key is there.
    dumped_id: None = Field(default=None, validation_alias="id", exclude=True, repr=False)
    dumped_vendor: None = Field(default=None, validation_alias="vendor", exclude=True, repr=False)

    @field_validator("dumped_id", "dumped_vendor", mode="plain")
    @classmethod
    def _agrees_with_ref(cls, given: object, info: ValidationInfo) -> None:
        key = "id" if info.field_name == "dumped_id" else "vendor"
        ref = info.data.get("ref")
        expected = getattr(ref, key, None)
        if ref is not None and given != expected:
            raise ValueError(f"{key} {given!r} disagrees with ref.{key} {expected!r}")


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

MAX_ID_LENGTH = 255
"""Ids (``target_id``, ``owner_id``, ``ids=[...]``, ...): 1 to 255 characters."""
MAX_EMAIL_LENGTH = 254
"""E-mail addresses (RFC 5321)."""
MAX_SHORT_TEXT = 1_000
"""Names, title, company, phone, subject, outcome."""
MAX_LONG_TEXT = 65_535
"""Notes, note bodies, skip reasons."""
EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)
LATEST = datetime(3000, 1, 1, tzinfo=UTC)
"""Datetimes must be aware and in [EARLIEST, LATEST)."""
MAX_CALL_SECONDS = 86_400
"""A call lasts at most a day."""

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _check_email(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip()
    if len(value) > MAX_EMAIL_LENGTH:
        raise ValueError(f"an e-mail address has at most {MAX_EMAIL_LENGTH} characters")
    if not _EMAIL.match(value):
        raise ValueError(f"{_shown(value)} is not an e-mail address")
    return value


def _non_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be blank")
    return value


def _check_id(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be blank")
    if len(value) > MAX_ID_LENGTH:
        raise ValueError(f"an id has at most {MAX_ID_LENGTH} characters")
    if _CONTROL.search(value):
        raise ValueError("an id has no control characters (newline, tab, NUL, ...)")
    return value


def _shown(value: object, width: int = 40) -> str:
    """A short, safe rendering of a caller's value for an error message."""
    if isinstance(value, Enum):
        value = value.value
    if isinstance(value, str):
        text = repr(value[:width])
        return text if len(value) <= width else f"{text} (+{len(value) - width} characters)"
    return f"a value of type {type(value).__name__}"


def _choice(enum: type[_OpenEnum]) -> Callable[[object], Any]:
    """A before-validator taking a value of ``enum`` (member or string) but ``other``."""
    allowed = [member.value for member in enum if member.value != "other"]
    listing = ", ".join(repr(value) for value in allowed)

    def check(value: object) -> Any:
        # A StrEnum member is a str: TaskKind.CALL passes, TaskKind.OTHER does not.
        if isinstance(value, str) and value in allowed:
            return enum(str(value))
        raise PydanticCustomError(
            "enum_choice",
            "must be one of {allowed} (got {got})",
            {"allowed": listing, "got": _shown(value)},
        )

    return check


def _moment(value: object) -> datetime:
    """An aware datetime, or ISO-8601 text with an offset; never a number."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.strip())
        except ValueError:
            raise PydanticCustomError(
                "aware_datetime",
                "must be an ISO-8601 date-time with an offset (got {got})",
                {"got": _shown(value)},
            ) from None
    if not isinstance(value, datetime):
        raise PydanticCustomError(
            "aware_datetime",
            "must be a timezone-aware datetime (got {got})",
            {"got": _shown(value)},
        )
    if value.utcoffset() is None:
        raise PydanticCustomError(
            "aware_datetime", "must be timezone-aware, e.g. datetime.now(UTC) (got a naive one)"
        )
    try:
        in_range = EARLIEST <= value < LATEST
    except OverflowError:
        in_range = False
    if not in_range:
        raise PydanticCustomError(
            "aware_datetime",
            "must be from {earliest} to before {latest}",
            {"earliest": EARLIEST.year, "latest": LATEST.year},
        )
    return value


# Strict: a str only (pydantic would otherwise decode bytes, which is a guess at an encoding).
Email = Annotated[StrictStr, AfterValidator(_check_email)]
Id = Annotated[StrictStr, AfterValidator(_check_id)]
ShortText = Annotated[StrictStr, Field(max_length=MAX_SHORT_TEXT)]
LongText = Annotated[StrictStr, Field(max_length=MAX_LONG_TEXT)]
Moment = Annotated[datetime, BeforeValidator(_moment)]
"""A timezone-aware datetime from 1900 to 2999 (a datetime, or ISO-8601 text with an offset)."""

TargetKindChoice = Annotated[TargetKind, BeforeValidator(_choice(TargetKind))]
EnrollmentStateChoice = Annotated[EnrollmentState, BeforeValidator(_choice(EnrollmentState))]
TaskOriginChoice = Annotated[TaskOrigin, BeforeValidator(_choice(TaskOrigin))]
TaskKindChoice = Annotated[TaskKind, BeforeValidator(_choice(TaskKind))]
TaskStatusChoice = Annotated[TaskStatus, BeforeValidator(_choice(TaskStatus))]
ActivityKindChoice = Annotated[ActivityKind, BeforeValidator(_choice(ActivityKind))]
CallDirectionChoice = Annotated[CallDirection, BeforeValidator(_choice(CallDirection))]


class _Input(BaseModel):
    """Base of write inputs: invalid input raises ``InputError`` at construction."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    def __init__(self, **data: Any) -> None:
        try:
            super().__init__(**data)
        except pydantic.ValidationError as exc:
            problem = describe_validation_error(f"invalid {type(self).__name__}", exc)
        else:
            return
        raise InputError(problem)  # outside the handler: no input values in __context__

    @classmethod
    def coerce(cls, value: object) -> Self:
        """Accept an instance of the model or a plain dict of its fields.

        An instance is validated again: ``model_construct`` and
        ``model_copy(update=...)`` build instances without validating them.
        """
        if isinstance(value, cls):
            return type(value)(**dict(value))
        if isinstance(value, dict):
            return cls(**value)
        raise InputError(f"expected {cls.__name__} or dict, got {type(value).__name__}")


class TargetInput(_Input):
    email: Email
    first_name: ShortText | None = None
    last_name: ShortText | None = None
    title: ShortText | None = None
    company: ShortText | None = None
    phone: ShortText | None = None
    owner_id: Id | None = None
    kind: TargetKindChoice | None = None
    vendor_fields: dict[str, Any] = Field(default_factory=dict)


class EnrollmentInput(_Input):
    target_id: Id
    sequence_id: Id
    owner_id: Id | None = None
    start_step_id: Id | None = None
    vendor_fields: dict[str, Any] = Field(default_factory=dict)


class TaskInput(_Input):
    target_id: Id
    subject: Annotated[ShortText, AfterValidator(_non_blank)]
    kind: TaskKindChoice = TaskKind.GENERAL
    due_at: Moment
    owner_id: Id | None = None
    note: LongText | None = None
    # Reused on every retry so the vendor can recognise a repeat (Salesloft does).
    idempotency_key: Id = Field(default_factory=lambda: uuid.uuid4().hex)
    vendor_fields: dict[str, Any] = Field(default_factory=dict)


class CallInput(_Input):
    target_id: Id
    occurred_at: Moment | None = None
    direction: CallDirectionChoice = CallDirection.OUTBOUND
    duration_seconds: StrictInt | None = Field(default=None, ge=0, le=MAX_CALL_SECONDS)
    outcome: Annotated[ShortText, AfterValidator(_non_blank)] | None = None
    notes: LongText | None = None
    owner_id: Id | None = None
    vendor_fields: dict[str, Any] = Field(default_factory=dict)


class NoteInput(_Input):
    target_id: Id
    body: Annotated[LongText, AfterValidator(_non_blank)]
    owner_id: Id | None = None
    vendor_fields: dict[str, Any] = Field(default_factory=dict)


class TargetFields(TypedDict, total=False):
    """The keyword fields of ``targets.create`` / ``targets.upsert`` (see TargetInput)."""

    email: Required[str]
    first_name: str | None
    last_name: str | None
    title: str | None
    company: str | None
    phone: str | None
    owner_id: str | None
    kind: TargetKind | TargetKindName | None
    vendor_fields: dict[str, Any]


class EnrollmentFields(TypedDict, total=False):
    """The keyword fields of ``enrollments.enroll`` (see EnrollmentInput)."""

    target_id: Required[str]
    sequence_id: Required[str]
    owner_id: str | None
    start_step_id: str | None
    vendor_fields: dict[str, Any]


class TaskFields(TypedDict, total=False):
    """The keyword fields of ``tasks.create`` (see TaskInput)."""

    target_id: Required[str]
    subject: Required[str]
    kind: TaskKind | TaskKindName
    due_at: Required[datetime]
    owner_id: str | None
    note: str | None
    idempotency_key: str
    vendor_fields: dict[str, Any]


class CallFields(TypedDict, total=False):
    """The keyword fields of ``activities.log_call`` (see CallInput)."""

    target_id: Required[str]
    occurred_at: datetime | None
    direction: CallDirection | CallDirectionName
    duration_seconds: int | None
    outcome: str | None
    notes: str | None
    owner_id: str | None
    vendor_fields: dict[str, Any]


class NoteFields(TypedDict, total=False):
    """The keyword fields of ``activities.log_note`` (see NoteInput)."""

    target_id: Required[str]
    body: Required[str]
    owner_id: str | None
    vendor_fields: dict[str, Any]


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
    # Stamped by the tenant client that ran the batch, for raise_for_failures().
    vendor: str | None = None
    tenant: str | None = None

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

    def raise_for_failures(self, *, vendor: str | None = None, tenant: str | None = None) -> None:
        """Raise :class:`PartialFailure` if any item failed (labelled with the batch's
        vendor and tenant unless given)."""
        if self.failed:
            raise PartialFailure(
                f"{len(self.failed)} of {len(self.items)} items failed",
                results=self,
                vendor=vendor or self.vendor or "unknown",
                tenant=tenant or self.tenant,
            )
