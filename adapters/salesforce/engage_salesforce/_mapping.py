"""Pure mapping between Salesforce records and engage's neutral model.

No I/O here, so the docs page's mapping table can be checked against these
functions on a sample record.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any

from engage import (
    Activity,
    ActivityKind,
    CallDirection,
    CallInput,
    Enrollment,
    EnrollmentState,
    NoteInput,
    Sequence,
    Step,
    StepKind,
    Target,
    TargetInput,
    TargetKind,
    Task,
    TaskInput,
    TaskKind,
    TaskOrigin,
    TaskStatus,
    VendorRef,
)

from . import _wire as wire

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
# EnrollmentState -> tracker State values (for filters).
STATE_FILTER = {
    EnrollmentState.ACTIVE: ("Running", "Processing", "Initializing"),
    EnrollmentState.PAUSED: ("Paused",),
    EnrollmentState.FINISHED: ("Complete",),
    EnrollmentState.REMOVED: ("Complete",),
    EnrollmentState.OTHER: ("Error",),
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
SUBTYPES = {TaskKind.CALL: "Call", TaskKind.EMAIL: "Email", TaskKind.LINKEDIN: "LinkedIn"}
OPEN_STEP_STATES = ("Active", "Scheduled", "Paused")
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


def enrollment(row: wire.Tracker, payload: dict[str, Any] | None = None) -> Enrollment:
    state = TRACKER_STATES.get(row.State or "", EnrollmentState.OTHER)
    if state is EnrollmentState.FINISHED and row.CompletionReason in (
        "ManuallyRemoved",
        "ManuallyRemovedNoAccess",
    ):
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


# --- neutral -> wire --------------------------------------------------------------


def target_fields(data: TargetInput, sobject: str, *, creating: bool) -> dict[str, Any]:
    """The Lead/Contact fields for a target input (``vendor_fields`` win)."""
    values: dict[str, Any] = {
        "Email": data.email,
        "FirstName": data.first_name,
        "LastName": data.last_name,
        "Title": data.title,
        "Phone": data.phone,
        "OwnerId": data.owner_id,
    }
    if sobject == "Lead":
        values["Company"] = data.company
    values = {k: v for k, v in values.items() if v is not None}
    if creating and "LastName" not in values:
        # LastName is required on both objects; the address's local part is what we know.
        values["LastName"] = data.email.split("@", 1)[0]
    if creating and sobject == "Lead" and "Company" not in values:
        # Company is required on a Lead; Web-to-Lead fills the same placeholder.
        values["Company"] = "[not provided]"
    return values | dict(data.vendor_fields)


def task_fields(data: TaskInput) -> dict[str, Any]:
    values: dict[str, Any] = {
        "WhoId": data.target_id,
        "Subject": data.subject,
        "ActivityDate": data.due_at.astimezone(UTC).date().isoformat(),
        "Status": "Not Started",
        "TaskSubtype": SUBTYPES.get(data.kind, "Task"),
        "OwnerId": data.owner_id,
        "Description": data.note,
    }
    return {k: v for k, v in values.items() if v is not None} | dict(data.vendor_fields)


def call_fields(data: CallInput) -> dict[str, Any]:
    direction = "Inbound" if data.direction is CallDirection.INBOUND else "Outbound"
    values: dict[str, Any] = {
        "WhoId": data.target_id,
        "Subject": f"Call: {data.outcome}" if data.outcome else "Call",
        "Status": "Completed",
        "TaskSubtype": "Call",
        "Type": "Call",
        "CallType": direction,
        "CallDurationInSeconds": data.duration_seconds,
        "CallDisposition": data.outcome,
        "Description": data.notes,
        "OwnerId": data.owner_id,
        "ActivityDate": data.occurred_at.astimezone(UTC).date().isoformat()
        if data.occurred_at
        else None,
    }
    return {k: v for k, v in values.items() if v is not None} | dict(data.vendor_fields)


def note_fields(data: NoteInput) -> dict[str, Any]:
    first = data.body.strip().splitlines()[0]
    title = first if len(first) <= 80 else first[:79] + "…"
    values: dict[str, Any] = {
        "ParentId": data.target_id,
        "Title": title,
        "Body": data.body,
        "OwnerId": data.owner_id,
    }
    return {k: v for k, v in values.items() if v is not None} | dict(data.vendor_fields)
