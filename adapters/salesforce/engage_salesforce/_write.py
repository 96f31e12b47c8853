"""engage's neutral inputs -> Salesforce sObject fields and invocable-action inputs: pure.

No I/O here: each function answers the fields or the input one request
carries. SOQL is built in ``_protocol_soql``; these are the values that go
into it or into a request body.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from datetime import UTC
from typing import Any

from engage import (
    CallDirection,
    CallInput,
    EnrollmentState,
    InputError,
    NoteInput,
    TargetInput,
    TaskInput,
    TaskKind,
)
from engage.transport import IdFormat

# EnrollmentState -> tracker State values (for filters).
STATE_FILTER = {
    EnrollmentState.ACTIVE: ("Running", "Processing", "Initializing"),
    EnrollmentState.PAUSED: ("Paused",),
    EnrollmentState.FINISHED: ("Complete",),
    EnrollmentState.REMOVED: ("Complete",),
    EnrollmentState.OTHER: ("Error",),
}
SUBTYPES = {TaskKind.CALL: "Call", TaskKind.EMAIL: "Email", TaskKind.LINKEDIN: "LinkedIn"}
# A Salesforce id: 15 case-sensitive letters and digits, or 18 with the checksum suffix.
IDS = IdFormat(
    r"[A-Za-z0-9]{15}(?:[A-Za-z0-9]{3})?", "a Salesforce id (15 or 18 letters and digits)"
)


# --- ids ----------------------------------------------------------------------------


# Every caller id goes through these before it reaches a path, a query or a body.
vendor_id = IDS.check
check_ids = IDS.check_fields


# --- sObject fields ---------------------------------------------------------------


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


# Task fields of CRM Call Center: absent from orgs without it (see ``call_fields``).
CALL_CENTER_FIELDS = ("CallType", "CallDurationInSeconds", "CallDisposition")


def call_fields(data: CallInput, task_fields: Collection[str] | None = None) -> dict[str, Any]:
    """A logged call as Task fields; the call-center ones only if ``task_fields`` (the
    org's Task fields, ``None`` for all) has them. ``vendor_fields`` are kept as given."""
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
    if task_fields is not None:
        missing = [name for name in CALL_CENTER_FIELDS if name not in task_fields]
        values = {k: v for k, v in values.items() if k not in missing}
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


# --- invocable actions ----------------------------------------------------------------

ASSIGN = "assignTargetToSalesCadence"
REMOVE = "removeTargetFromSalesCadence"
PAUSE = "pauseSalesCadenceTracker"
RESUME = "resumeSalesCadenceTracker"
CHANGE_ASSIGNEE = "changeSalesCadenceTargetAssignee"
MODIFY = "modifyCadenceTrackerAttributes"
SEND_EVENT = "sendSalesCadenceEvent"
SELECT_TEMPLATE = "selectTemplateForSalesCadenceStepTracker"
SALES_ENGAGEMENT_ACTIONS = (
    ASSIGN,
    REMOVE,
    PAUSE,
    RESUME,
    CHANGE_ASSIGNEE,
    MODIFY,
    SEND_EVENT,
    SELECT_TEMPLATE,
)
# The documented valid values of sendSalesCadenceEvent's eventType; the same page's
# sample spells the second "Manual Complete" (``_ops_events`` tries it when refused).
SKIP, MANUAL_COMPLETE = "Skip", "ManualComplete"
MANUAL_COMPLETE_SAMPLE = "Manual Complete"
ACTION_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,79}$")
# The nine documented values of a tracker's completionDisposition.
DISPOSITIONS = (
    "Success",
    "Customer Engaged",
    "Customer Connected",
    "Contact Later",
    "No Response",
    "Not Interested",
    "Disqualified",
    "Bad Data",
    "Duplicate",
)


def _inputs(**values: Any) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v is not None}


# --- one input of each action, named as Salesforce names them ----------------------


def assign_input(
    cadence: str,
    target_id: str,
    *,
    user_id: str | None = None,
    start_step: str | None = None,
    related_to: str | None = None,
) -> dict[str, Any]:
    return _inputs(
        salesCadenceNameOrId=cadence,
        targetId=target_id,
        userId=user_id,
        startStepNameOrId=start_step,
        relatedToId=related_to,
    )


def remove_input(
    *,
    target_id: str | None = None,
    tracker_id: str | None = None,
    disposition: str | None = None,
) -> dict[str, Any]:
    if (target_id is None) == (tracker_id is None):
        raise InputError("removing from a cadence needs a target id or a tracker id")
    return _inputs(
        completionReasonCode="ManuallyRemoved",
        targetId=target_id,
        actionCadenceTrackerId=tracker_id,
        completionDisposition=disposition,
    )


def pause_input(target_id: str, resume_time: str | None = None) -> dict[str, Any]:
    return _inputs(targetId=target_id, resumeTime=resume_time)


def resume_input(target_id: str) -> dict[str, Any]:
    return {"targetId": target_id}


def change_assignee_input(target_id: str, user_id: str) -> dict[str, Any]:
    return {"targetId": target_id, "userId": user_id}


def modify_input(
    tracker_id: str,
    *,
    disposition: str | None = None,
    related_to: str | None = None,
    attribution: str | None = None,
) -> dict[str, Any]:
    return _inputs(
        actionCadenceTrackerId=tracker_id,
        completionDisposition=disposition,
        relatedToId=related_to,
        relatedToAttributionType=attribution,
    )


def event_input(step_tracker_id: str, event_type: str) -> dict[str, Any]:
    return {"recordId": step_tracker_id, "eventType": event_type}


def select_template_input(step_tracker_id: str) -> dict[str, Any]:
    return {"stepTrackerId": step_tracker_id}


def request_body(inputs: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    return {"inputs": [dict(i) for i in inputs]}


def disposition_of(outcome: str) -> str:
    """The documented completionDisposition ``outcome`` names (any case), or InputError."""
    value = next((d for d in DISPOSITIONS if d.lower() == outcome.strip().lower()), None)
    if value is None:
        raise InputError(f"outcome must be one of: {', '.join(DISPOSITIONS)}")
    return value
