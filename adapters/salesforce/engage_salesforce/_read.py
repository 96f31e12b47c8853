"""Salesforce records -> engage's neutral model: pure functions, no I/O.

A row (the vendor's dict, as parsed) is read into a neutral model's fields in
plain Python, then validated once, by the neutral model itself: no tolerant
wire model in between, and ``raw`` is the row itself. The docs page's mapping
table is checked against these functions on a sample record
(``tests/adapters/salesforce/test_salesforce_docs.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
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
)

from ._wire import VENDOR

R = TypeVar("R", bound=pydantic.BaseModel)

KEY_PREFIXES = {"00Q": "Lead", "003": "Contact", "00T": "Task", "8HF": "ActionCadenceStepTracker"}

TARGET_KINDS = {"Lead": TargetKind.LEAD, "Contact": TargetKind.CONTACT}
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
ACTIVITY_KINDS = {subtype: kind for kind, types in ACTIVITY_SUBTYPES.items() for subtype in types}


def sobject_of(record_id: str) -> str | None:
    """The object type an id names, by its key prefix."""
    return KEY_PREFIXES.get(record_id[:3])


# --- rows -> the neutral models' fields -------------------------------------------
#
# Each ``*_fields`` function reads a row (the vendor's dict, as parsed) into the
# fields of a neutral model, in plain Python; the neutral model then validates
# them once (datetimes to aware UTC, enums, types). Values the mapping decides
# on (picklists, flags, related rows) are checked here, since nothing else will.


class Misfit(ValueError):
    """A row value of a type Salesforce never sends for that field."""


def _text(row: dict[str, Any], name: str) -> str | None:
    value = row.get(name)
    if value is None or type(value) is str:
        return value
    raise Misfit(f"{name} is not text")


def _related(row: dict[str, Any], name: str) -> dict[str, Any] | None:
    value = row.get(name)
    if value is None or type(value) is dict:
        return value
    raise Misfit(f"{name} is not a related record")


_NO_ATTRIBUTES: dict[str, Any] = {}


def _ref(row: dict[str, Any], object_type: str) -> dict[str, Any]:
    url = (_related(row, "attributes") or _NO_ATTRIBUTES).get("url")
    return {"vendor": VENDOR, "object_type": object_type, "id": row.get("Id"), "url": url}


def _when(value: Any) -> Any:
    """A timestamp (``2026-01-15T09:00:00.000+0000``) or a date (``2026-01-15``, read as
    that day's midnight UTC) as a datetime: ``fromisoformat`` reads Salesforce's offset
    form several times faster than the model would. Anything else is left for the
    model to refuse (a MappingError)."""
    if type(value) is str:
        try:
            return _from_iso(value)
        except ValueError:
            return value
    return value


_from_iso = datetime.fromisoformat


def target_fields(row: dict[str, Any]) -> dict[str, Any]:
    """A Lead, a Contact, or a polymorphic lookup's Name row (``Task.Who``, ``Target``)."""
    get = row.get  # the hottest mapping: every list of targets, and every expanded task
    attributes = _related(row, "attributes") or _NO_ATTRIBUTES
    sobject = _text(attributes, "type")
    record_id = get("Id")
    if not sobject:
        sobject = (sobject_of(record_id) if type(record_id) is str else None) or "Lead"
    company = get("Company")
    if not company:
        account = _related(row, "Account")
        company = account.get("Name") if account else None
    return {
        "ref": {
            "vendor": VENDOR,
            "object_type": sobject,
            "id": record_id,
            "url": attributes.get("url"),
        },
        "raw": row,
        "kind": TARGET_KINDS.get(sobject, TargetKind.OTHER),
        "email": get("Email"),
        "first_name": get("FirstName"),
        "last_name": get("LastName"),
        "title": get("Title"),
        "phone": get("Phone"),
        "company": company,
        "owner_id": get("OwnerId"),
        "account_id": get("AccountId"),
        "created_at": _when(get("CreatedDate")),
        "updated_at": _when(get("LastModifiedDate")),
    }


def sequence_fields(row: dict[str, Any]) -> dict[str, Any]:
    state = _text(row, "State")
    return {
        "ref": _ref(row, "ActionCadence"),
        "raw": row,
        "name": row.get("Name") or "",
        "active": None if state is None else state == "Active",
        "owner_id": row.get("OwnerId"),
        "step_count": row.get("TotalSteps"),
        "created_at": _when(row.get("CreatedDate")),
        "updated_at": _when(row.get("LastModifiedDate")),
    }


def step_fields(row: dict[str, Any], position: int | None = None) -> dict[str, Any]:
    kind = _text(row, "Type")
    return {
        "ref": _ref(row, "ActionCadenceStep"),
        "raw": row,
        "sequence_id": row.get("ActionCadenceId") or "",
        "position": position,
        "day": row.get("DayGroup"),
        "name": row.get("StepTitle") or row.get("StepName"),
        "kind": STEP_KINDS.get(kind or "", StepKind.OTHER),
        "vendor_kind": kind,
        "automated": None if kind is None else kind in AUTOMATED_STEPS,
    }


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


def enrollment_fields(row: dict[str, Any]) -> dict[str, Any]:
    vendor_state = _text(row, "State")
    state = TRACKER_STATES.get(vendor_state or "", EnrollmentState.OTHER)
    if state is EnrollmentState.FINISHED and _text(row, "CompletionReason") in REMOVED_REASONS:
        state = EnrollmentState.REMOVED
    current = _related(row, "CurrentStep")
    updated = _when(row.get("LastModifiedDate"))
    return {
        "ref": _ref(row, "ActionCadenceTracker"),
        "raw": row,
        "target_id": row.get("TargetId") or "",
        "sequence_id": row.get("ActionCadenceId") or "",
        "state": state,
        "vendor_state": vendor_state,
        "owner_id": row.get("OwnerId"),
        "current_step_id": current.get("ActionCadenceStepId") if current else None,
        "outcome": row.get("CompletionDisposition"),
        "created_at": _when(row.get("CreatedDate")),
        "updated_at": updated,
        "ended_at": updated if state in _ENDED else None,
    }


_ENDED = (EnrollmentState.FINISHED, EnrollmentState.REMOVED)


def manual_task_fields(row: dict[str, Any]) -> dict[str, Any]:
    closed = row.get("IsClosed")
    if closed is None:
        closed = _text(row, "Status") == "Completed"
    elif type(closed) is not bool:
        raise Misfit("IsClosed is not a flag")
    subtype = _text(row, "TaskSubtype")
    who = _related(row, "Who")
    return {
        "ref": _ref(row, "Task"),
        "raw": row,
        "origin": (
            TaskOrigin.SEQUENCE_STEP if row.get("ActionCadenceStepTrackerId") else TaskOrigin.MANUAL
        ),
        "kind": TASK_KINDS.get(subtype or "", TaskKind.OTHER),
        "vendor_kind": subtype,
        "status": TaskStatus.COMPLETED if closed else TaskStatus.OPEN,
        "vendor_status": row.get("Status"),
        "subject": row.get("Subject"),
        "note": row.get("Description"),
        "due_at": _when(row.get("ActivityDate")),
        "owner_id": row.get("OwnerId"),
        "target_id": row.get("WhoId"),
        "completed_at": _when(row.get("CompletedDateTime")),
        "created_at": _when(row.get("CreatedDate")),
        "updated_at": _when(row.get("LastModifiedDate")),
        "target": target_fields(who) if who and who.get("Id") else None,
    }


def step_task_fields(row: dict[str, Any]) -> dict[str, Any]:
    state = _text(row, "State")
    if state == "Completed":
        skipped = _text(row, "CompletionReason") == "ManuallySkipped"
        status = TaskStatus.SKIPPED if skipped else TaskStatus.COMPLETED
    else:
        status = TaskStatus.OPEN if state in OPEN_STEP_STATES else TaskStatus.OTHER
    step_type = _text(row, "StepType")
    tracker = _related(row, "ActionCadenceTracker")
    who = _related(row, "Target")
    cadence = _related(row, "ActionCadence")
    step = _related(row, "ActionCadenceStep")
    return {
        "ref": _ref(row, "ActionCadenceStepTracker"),
        "raw": row,
        "origin": TaskOrigin.SEQUENCE_STEP,
        "kind": STEP_TASK_KINDS.get(step_type or "", TaskKind.OTHER),
        "vendor_kind": step_type,
        "status": status,
        "vendor_status": state,
        "subject": row.get("StepTitle"),
        "due_at": _when(row.get("DueDateTime")),
        "owner_id": tracker.get("OwnerId") if tracker else None,
        "target_id": row.get("TargetId"),
        "sequence_id": row.get("ActionCadenceId"),
        "step_id": row.get("ActionCadenceStepId"),
        "enrollment_id": row.get("ActionCadenceTrackerId"),
        "completed_at": _when(row.get("CompletionDate"))
        if status is TaskStatus.COMPLETED
        else None,
        "created_at": _when(row.get("CreatedDate")),
        "updated_at": _when(row.get("LastModifiedDate")),
        "target": target_fields(who) if who and who.get("Id") else None,
        "sequence": sequence_fields(cadence) if cadence else None,
        "step": step_fields(step) if step else None,
    }


def task_activity_fields(row: dict[str, Any]) -> dict[str, Any]:
    subtype = _text(row, "TaskSubtype")
    kind = ACTIVITY_KINDS.get(subtype or "", ActivityKind.OTHER)
    call_type = _text(row, "CallType")
    return {
        "ref": _ref(row, "Task"),
        "raw": row,
        "kind": kind,
        "vendor_kind": subtype,
        "occurred_at": _when(row.get("CompletedDateTime") or row.get("CreatedDate")),
        "target_id": row.get("WhoId"),
        "owner_id": row.get("OwnerId"),
        "subject": row.get("Subject"),
        "body": row.get("Description"),
        "direction": CallDirection(call_type) if kind is ActivityKind.CALL and call_type else None,
        "outcome": row.get("CallDisposition"),
        "duration_seconds": row.get("CallDurationInSeconds"),
    }


def note_activity_fields(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "ref": _ref(row, "Note"),
        "raw": row,
        "kind": ActivityKind.NOTE,
        "vendor_kind": "Note",
        "occurred_at": _when(row.get("CreatedDate")),
        "target_id": row.get("ParentId"),
        "owner_id": row.get("OwnerId"),
        "subject": row.get("Title"),
        "body": row.get("Body"),
    }


# --- rows and results as a whole ---------------------------------------------------


def parser(model: type[R], fields: Callable[..., dict[str, Any]]) -> Callable[..., R]:
    """Read a row into ``model``'s fields and validate them once; a misfit (a value
    of the wrong type, a row that is not an object) is a MappingError."""
    # The model's validator itself: ``model_validate`` only adds a Python call around it.
    validate = model.__pydantic_validator__.validate_python

    def parse(row: dict[str, Any], *args: Any) -> R:
        try:
            record: R = validate(fields(row, *args))
            return record
        except (ValueError, TypeError, AttributeError) as exc:  # ValidationError: a ValueError
            kind = model.__name__
            if type(row) is dict and type(row.get("attributes")) is dict:
                kind = str(row["attributes"].get("type") or kind)
            record_id = row.get("Id") if type(row) is dict else None
            raise MappingError(
                f"record {record_id!s:.18} did not fit: {type(exc).__name__}",
                vendor=VENDOR,
                object_type=kind,
            ) from exc

    return parse


PARSE_LEAD = parser(Target, target_fields)
PARSE_CADENCE = parser(Sequence, sequence_fields)
PARSE_STEP = parser(Step, step_fields)  # (row, position)
PARSE_TRACKER = parser(Enrollment, enrollment_fields)
PARSE_TASK = parser(Task, manual_task_fields)
PARSE_STEP_TASK = parser(Task, step_task_fields)
PARSE_TASK_ACTIVITY = parser(Activity, task_activity_fields)
PARSE_NOTE = parser(Activity, note_activity_fields)
