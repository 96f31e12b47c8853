"""Salesforce records -> engage's neutral model: pure functions, no I/O.

Rows are validated with the tolerant models of ``_wire`` and mapped here, so
the docs page's mapping table is checked against these functions on a sample
record (``tests/adapters/salesforce/test_salesforce_docs.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time
from typing import Any, TypeVar

import pydantic

from engage import (
    Activity,
    ActivityKind,
    CallDirection,
    Enrollment,
    EnrollmentState,
    MappingError,
    Sequence,
    Step,
    StepKind,
    Target,
    TargetKind,
    Task,
    TaskKind,
    TaskOrigin,
    TaskStatus,
    VendorRef,
)

from . import _wire as wire

T = TypeVar("T")

VENDOR = "salesforce"
KEY_PREFIXES = {"00Q": "Lead", "003": "Contact", "00T": "Task", "8HF": "ActionCadenceStepTracker"}

STEP_KINDS = {
    "SendAnEmail": StepKind.EMAIL,
    "AutoSendAnEmail": StepKind.EMAIL,
    "MakeACall": StepKind.CALL,
    "LinkedInConnection": StepKind.LINKEDIN,
    "LinkedInMail": StepKind.LINKEDIN,
    "CreateTask": StepKind.TASK,
    "Wait": StepKind.WAIT,
}
AUTOMATED_STEPS = frozenset(
    {"AutoSendAnEmail", "Wait", "Branch", "ListenerBranch", "DaisyChain", "SubRoot"}
)
TRACKER_STATES = {
    "Running": EnrollmentState.ACTIVE,
    "Processing": EnrollmentState.ACTIVE,
    "Initializing": EnrollmentState.ACTIVE,
    "Paused": EnrollmentState.PAUSED,
    "Complete": EnrollmentState.FINISHED,
}
TASK_KINDS = {
    "Call": TaskKind.CALL,
    "Email": TaskKind.EMAIL,
    "ListEmail": TaskKind.EMAIL,
    "LinkedIn": TaskKind.LINKEDIN,
    "Task": TaskKind.GENERAL,
}
STEP_TASK_KINDS = {
    "SendAnEmail": TaskKind.EMAIL,
    "MakeACall": TaskKind.CALL,
    "LinkedInConnection": TaskKind.LINKEDIN,
    "LinkedInMail": TaskKind.LINKEDIN,
    "CreateTask": TaskKind.GENERAL,
}
OPEN_STEP_STATES = ("Active", "Scheduled", "Paused")
# Tracker CompletionReasons that mean "taken out of the cadence", not "finished it".
REMOVED_REASONS = ("ManuallyRemoved", "ManuallyRemovedNoAccess")
ACTIVITY_SUBTYPES = {
    ActivityKind.CALL: ("Call",),
    ActivityKind.EMAIL: ("Email", "ListEmail"),
    ActivityKind.LINKEDIN: ("LinkedIn",),
    ActivityKind.TASK: ("Task", "Cadence"),
}


def sobject_of(record_id: str) -> str | None:
    """The object type an id names, by its key prefix."""
    return KEY_PREFIXES.get(record_id[:3])


def _ref(row: wire.SObject, object_type: str) -> VendorRef:
    return VendorRef(vendor=VENDOR, object_type=object_type, id=row.Id, url=row.attributes.url)


def _raw(row: wire.SObject | wire.NameRef, payload: dict[str, Any] | None) -> dict[str, Any]:
    """The vendor's dict untouched when we have it (parsed rows), else rebuilt from the model."""
    if payload is not None:
        return payload
    return row.model_dump(mode="json", by_alias=True, exclude_none=False)


def _midnight(day: date | None) -> datetime | None:
    return None if day is None else datetime.combine(day, time(), tzinfo=UTC)


# --- wire -> neutral --------------------------------------------------------------


def target(row: wire.Person | wire.NameRef, payload: dict[str, Any] | None = None) -> Target:
    assert row.Id is not None
    sobject = row.attributes.type or sobject_of(row.Id) or "Lead"
    kind = {"Lead": TargetKind.LEAD, "Contact": TargetKind.CONTACT}.get(sobject, TargetKind.OTHER)
    person = row if isinstance(row, wire.Person) else None
    company = None
    if person is not None:
        company = person.Company or (person.Account.Name if person.Account else None)
    return Target(
        ref=VendorRef(vendor=VENDOR, object_type=sobject, id=row.Id, url=row.attributes.url),
        raw=_raw(row, payload),
        kind=kind,
        email=row.Email,
        first_name=row.FirstName,
        last_name=row.LastName,
        title=row.Title,
        phone=row.Phone,
        company=company,
        owner_id=person.OwnerId if person else None,
        account_id=person.AccountId if person else None,
        created_at=person.CreatedDate if person else None,
        updated_at=person.LastModifiedDate if person else None,
    )


def sequence(row: wire.Cadence, payload: dict[str, Any] | None = None) -> Sequence:
    return Sequence(
        ref=_ref(row, "ActionCadence"),
        raw=_raw(row, payload),
        name=row.Name or "",
        active=None if row.State is None else row.State == "Active",
        owner_id=row.OwnerId,
        step_count=row.TotalSteps,
        created_at=row.CreatedDate,
        updated_at=row.LastModifiedDate,
    )


def step(
    row: wire.CadenceStep, position: int | None = None, payload: dict[str, Any] | None = None
) -> Step:
    return Step(
        ref=_ref(row, "ActionCadenceStep"),
        raw=_raw(row, payload),
        sequence_id=row.ActionCadenceId or "",
        position=position,
        day=row.DayGroup,
        name=row.StepTitle or row.StepName,
        kind=STEP_KINDS.get(row.Type or "", StepKind.OTHER),
        vendor_kind=row.Type,
        automated=None if row.Type is None else row.Type in AUTOMATED_STEPS,
    )


def in_cadence_order(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Step rows by DayGroup, then MinuteGroup (a missing value sorts last), then Id:
    the cadence's order, stable whatever order the query answered in."""

    def key(row: dict[str, Any]) -> tuple[bool, int, bool, int, str]:
        day, minute = row.get("DayGroup"), row.get("MinuteGroup")
        return (
            not isinstance(day, int),
            day if isinstance(day, int) else 0,
            not isinstance(minute, int),
            minute if isinstance(minute, int) else 0,
            str(row.get("Id") or ""),
        )

    return sorted(rows, key=key)


def enrollment(row: wire.Tracker, payload: dict[str, Any] | None = None) -> Enrollment:
    state = TRACKER_STATES.get(row.State or "", EnrollmentState.OTHER)
    if state is EnrollmentState.FINISHED and row.CompletionReason in REMOVED_REASONS:
        state = EnrollmentState.REMOVED
    return Enrollment(
        ref=_ref(row, "ActionCadenceTracker"),
        raw=_raw(row, payload),
        target_id=row.TargetId or "",
        sequence_id=row.ActionCadenceId or "",
        state=state,
        vendor_state=row.State,
        owner_id=row.OwnerId,
        current_step_id=row.CurrentStep.ActionCadenceStepId if row.CurrentStep else None,
        outcome=row.CompletionDisposition,
        created_at=row.CreatedDate,
        updated_at=row.LastModifiedDate,
        ended_at=row.LastModifiedDate if state in _ENDED else None,
    )


_ENDED = (EnrollmentState.FINISHED, EnrollmentState.REMOVED)


def manual_task(row: wire.TaskRow, payload: dict[str, Any] | None = None) -> Task:
    closed = row.IsClosed if row.IsClosed is not None else row.Status == "Completed"
    return Task(
        ref=_ref(row, "Task"),
        raw=_raw(row, payload),
        origin=TaskOrigin.SEQUENCE_STEP if row.ActionCadenceStepTrackerId else TaskOrigin.MANUAL,
        kind=TASK_KINDS.get(row.TaskSubtype or "", TaskKind.OTHER),
        vendor_kind=row.TaskSubtype,
        status=TaskStatus.COMPLETED if closed else TaskStatus.OPEN,
        vendor_status=row.Status,
        subject=row.Subject,
        note=row.Description,
        due_at=_midnight(row.ActivityDate),
        owner_id=row.OwnerId,
        target_id=row.WhoId,
        completed_at=row.CompletedDateTime,
        created_at=row.CreatedDate,
        updated_at=row.LastModifiedDate,
        target=target(row.Who) if row.Who and row.Who.Id else None,
    )


def step_task(row: wire.StepTracker, payload: dict[str, Any] | None = None) -> Task:
    if row.State == "Completed":
        skipped = row.CompletionReason == "ManuallySkipped"
        status = TaskStatus.SKIPPED if skipped else TaskStatus.COMPLETED
    else:
        status = TaskStatus.OPEN if row.State in OPEN_STEP_STATES else TaskStatus.OTHER
    return Task(
        ref=_ref(row, "ActionCadenceStepTracker"),
        raw=_raw(row, payload),
        origin=TaskOrigin.SEQUENCE_STEP,
        kind=STEP_TASK_KINDS.get(row.StepType or "", TaskKind.OTHER),
        vendor_kind=row.StepType,
        status=status,
        vendor_status=row.State,
        subject=row.StepTitle,
        due_at=row.DueDateTime,
        owner_id=row.ActionCadenceTracker.OwnerId if row.ActionCadenceTracker else None,
        target_id=row.TargetId,
        sequence_id=row.ActionCadenceId,
        step_id=row.ActionCadenceStepId,
        enrollment_id=row.ActionCadenceTrackerId,
        completed_at=row.CompletionDate if status is TaskStatus.COMPLETED else None,
        created_at=row.CreatedDate,
        updated_at=row.LastModifiedDate,
        target=target(row.Target) if row.Target and row.Target.Id else None,
        sequence=sequence(row.ActionCadence) if row.ActionCadence else None,
        step=step(row.ActionCadenceStep) if row.ActionCadenceStep else None,
    )


def task_activity(row: wire.TaskRow, payload: dict[str, Any] | None = None) -> Activity:
    kind = next(
        (k for k, subtypes in ACTIVITY_SUBTYPES.items() if row.TaskSubtype in subtypes),
        ActivityKind.OTHER,
    )
    direction = None
    if kind is ActivityKind.CALL and row.CallType:
        direction = CallDirection(row.CallType)
    return Activity(
        ref=_ref(row, "Task"),
        raw=_raw(row, payload),
        kind=kind,
        vendor_kind=row.TaskSubtype,
        occurred_at=row.CompletedDateTime or row.CreatedDate,
        target_id=row.WhoId,
        owner_id=row.OwnerId,
        subject=row.Subject,
        body=row.Description,
        direction=direction,
        outcome=row.CallDisposition,
        duration_seconds=row.CallDurationInSeconds,
    )


def note_activity(row: wire.Note, payload: dict[str, Any] | None = None) -> Activity:
    return Activity(
        ref=_ref(row, "Note"),
        raw=_raw(row, payload),
        kind=ActivityKind.NOTE,
        vendor_kind="Note",
        occurred_at=row.CreatedDate,
        target_id=row.ParentId,
        owner_id=row.OwnerId,
        subject=row.Title,
        body=row.Body,
    )


# --- rows and results as a whole ---------------------------------------------------


def parser(
    model: type[Any], mapper: Callable[[Any, dict[str, Any]], T]
) -> Callable[[dict[str, Any]], T]:
    """Validate a row with a tolerant wire model, then map it (with the row itself as
    ``raw``); a misfit is a MappingError."""

    def parse(row: dict[str, Any]) -> T:
        try:
            return mapper(model.model_validate(row), row)
        except ValueError as exc:  # pydantic's ValidationError is a ValueError
            kind = row.get("attributes", {}).get("type", model.__name__)
            raise MappingError(
                f"record {row.get('Id')!s:.18} did not fit: {type(exc).__name__}",
                vendor=VENDOR,
                object_type=str(kind),
            ) from exc

    return parse


def query_result(body: Any) -> wire.QueryResult:
    """A SOQL answer (``totalSize``, ``done``, ``nextRecordsUrl``, ``records``)."""
    if not isinstance(body, dict) or not isinstance(body.get("records"), list):
        raise MappingError("expected a query result", vendor=VENDOR, object_type="query")
    try:
        return wire.QueryResult.model_validate(body)
    except pydantic.ValidationError:
        raise MappingError(
            "a query result of the wrong shape", vendor=VENDOR, object_type="query"
        ) from None


def created_id(body: Any, sobject: str) -> str:
    """The id a ``POST sobjects/<type>`` answered (``{"id", "success", "errors"}``)."""
    try:
        return wire.CreateResult.model_validate(body).id
    except pydantic.ValidationError:
        raise MappingError(
            "a create answer without an id", vendor=VENDOR, object_type=sobject
        ) from None


def action_results(body: Any, action: str = "action") -> list[wire.ActionResult]:
    """An invocable action's answer: one result per input, in order."""
    if not isinstance(body, list):
        raise MappingError("expected a list of action results", vendor=VENDOR, object_type=action)
    try:
        return [wire.ActionResult.model_validate(item) for item in body]
    except pydantic.ValidationError:
        raise MappingError(
            "an action result of the wrong shape", vendor=VENDOR, object_type=action
        ) from None


def is_action_result_list(body: Any) -> bool:
    """Whether ``body`` is per-input action results (what an HTTP 400 of an action
    holds when some of its inputs failed) rather than an error of the whole call."""
    return (
        isinstance(body, list)
        and bool(body)
        and all(isinstance(i, dict) and "actionName" in i for i in body)
    )


PARSE_LEAD = parser(wire.Person, target)
PARSE_CADENCE = parser(wire.Cadence, sequence)
PARSE_TRACKER = parser(wire.Tracker, enrollment)
PARSE_TASK = parser(wire.TaskRow, manual_task)
PARSE_STEP_TASK = parser(wire.StepTracker, step_task)
PARSE_TASK_ACTIVITY = parser(wire.TaskRow, task_activity)
PARSE_NOTE = parser(wire.Note, note_activity)
