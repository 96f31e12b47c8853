"""Neutral input or query -> Salesloft request body or query: pure functions, no I/O.

Bodies keep their keys in the order Salesloft has always been sent them
(recorded cassettes compare bodies byte for byte), and ``vendor_fields`` are
merged last so a caller can override any of them. Values that need a request
to learn (a user's guid, the caller's user id) are looked up by the caller
and passed in; everything refusable is refused here, before any request.
The other direction (payload -> neutral record) is ``_read``.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from engage import (
    ActivityKind,
    ActivityQuery,
    CallDirection,
    CallInput,
    EnrollmentInput,
    EnrollmentQuery,
    EnrollmentState,
    InputError,
    NoteInput,
    SequenceQuery,
    TargetInput,
    TargetQuery,
    TaskInput,
    TaskKind,
    TaskQuery,
    TaskStatus,
)
from engage.transport import IdFormat, shown_value

from ._read import ACTION_PREFIX, ACTIVITY_KINDS
from ._wire import Params

Body = dict[str, Any]

# --- vendor words for neutral values ---------------------------------------------

TASK_TYPES_OUT: dict[TaskKind, str] = {
    TaskKind.CALL: "call",
    TaskKind.EMAIL: "email",
    TaskKind.GENERAL: "general",
}
TASK_STATES_OUT: dict[TaskStatus, str] = {
    TaskStatus.OPEN: "scheduled",
    TaskStatus.COMPLETED: "completed",
}

# (neutral field, Salesloft field) of a person, in the order they are sent.
_PERSON_FIELDS = (
    ("first_name", "first_name"),
    ("last_name", "last_name"),
    ("title", "title"),
    ("company", "person_company_name"),
    ("phone", "phone"),
    ("owner_id", "owner_id"),
)


def iso(moment: datetime) -> str:
    """A timestamp as Salesloft takes it: ISO 8601 in UTC. A naive datetime is refused:
    ``astimezone`` would read it in this machine's time zone, which is nobody's intent."""
    if moment.utcoffset() is None:
        raise InputError(
            "datetimes must be timezone-aware, e.g. datetime.now(UTC) (got a naive one)"
        )
    return moment.astimezone(UTC).isoformat()


def due_fields(due: date | datetime) -> Body:
    """A manual task's due time as Salesloft takes it: ``due_date`` is a date
    (YYYY-MM-DD), the day ``due`` falls on in its own time zone (the caller's), and
    the time of day goes in ``remind_at``, the only datetime a task takes. A plain
    ``date`` is sent as it is, with no reminder."""
    if not isinstance(due, datetime):
        return {"due_date": due.isoformat()}
    remind_at = iso(due)  # refuses a naive datetime before its date is taken
    return {"due_date": due.date().isoformat(), "remind_at": remind_at}


def activity_types(kind: ActivityKind) -> list[str]:
    """The Salesloft types that map to ``kind`` (for the ``type[]`` filter)."""
    return [name for name, mapped in ACTIVITY_KINDS.items() if mapped is kind]


# --- ids ---------------------------------------------------------------------------

# A Salesloft id is a positive integer: ASCII digits, no sign, no leading zero, at most 19.
IDS = IdFormat(r"[1-9][0-9]{0,18}", "a Salesloft id (a positive whole number such as 1001)")


# Every caller id goes through these before it reaches a path, a query or a body.
vendor_id = IDS.check
check_ids = IDS.check_fields


def split_task_id(task_id: object) -> tuple[str, str]:
    """``("action", native id)`` for a cadence action, ``("task", native id)`` otherwise;
    ``InputError`` for anything that is neither."""
    if isinstance(task_id, str):
        if task_id.startswith(ACTION_PREFIX):
            native = task_id[len(ACTION_PREFIX) :]
            if IDS.matches(native):
                return "action", native
        elif IDS.matches(task_id):
            return "task", task_id
    raise InputError(
        f"task_id {shown_value(task_id)} is not a Salesloft task id (such as 1001)"
        f" or cadence action id (such as {ACTION_PREFIX}1001)"
    )


# --- targets (people) --------------------------------------------------------------


def person_payload(data: TargetInput) -> Body:
    if data.kind is not None and data.kind.value != "person":
        raise InputError(f"Salesloft targets are people, not {data.kind.value}")
    payload: Body = {"email_address": data.email}
    for name, wire in _PERSON_FIELDS:
        value = getattr(data, name)
        if value is not None:
            payload[wire] = value
    payload.update(data.vendor_fields)
    return payload


def person_upsert_payload(data: TargetInput) -> Body:
    # Matching on the e-mail address makes a repeat an update, never a duplicate.
    return {"upsert_key": "email_address", **person_payload(data)}


def people_params(query: TargetQuery) -> Params:
    return [("owner_id[]", query.owner_id)] if query.owner_id else []


def person_by_email_params(email: str) -> Params:
    return [("email_addresses[]", email), ("per_page", "1")]


# --- sequences (cadences) and steps ----------------------------------------------


def cadence_params(query: SequenceQuery, owner_guid: str | None) -> Params:
    """``owner_guid`` is the guid of ``query.owner_id`` (cadences filter owners by guid)."""
    params: Params = []
    if owner_guid is not None:
        params.append(("owned_by_guid[]", owner_guid))
    if query.active is not None:
        params.append(("people_addable", "true" if query.active else "false"))
    return params


def step_params(sequence_id: str) -> Params:
    return [("cadence_id", sequence_id)]


# --- enrollments (cadence memberships) ------------------------------------------


def membership_payload(data: EnrollmentInput) -> Body:
    payload: Body = {"person_id": data.target_id, "cadence_id": data.sequence_id}
    if data.owner_id:
        payload["user_id"] = data.owner_id
    if data.start_step_id:
        payload["step_id"] = data.start_step_id
    payload.update(data.vendor_fields)
    return payload


def membership_of_params(person_id: str, cadence_id: str) -> Params:
    return [("person_id", person_id), ("cadence_id", cadence_id), ("per_page", "1")]


def membership_params(query: EnrollmentQuery) -> Params:
    """What Salesloft filters itself; owner and exact state are left to the caller."""
    params: Params = []
    if query.target_id:
        params.append(("person_id", query.target_id))
    if query.sequence_id:
        params.append(("cadence_id", query.sequence_id))
    if query.state is not None:
        on = query.state is EnrollmentState.ACTIVE
        params.append(("currently_on_cadence", "true" if on else "false"))
    return params


# --- tasks and cadence actions ------------------------------------------------------


def task_params(query: TaskQuery) -> Params:
    """/v2/tasks sorts only by due date and filters neither ``updated_at`` nor a due
    window: the caller applies those two to what it reads."""
    params: Params = [("sort_by", "due_date"), ("sort_direction", "ASC")]
    if query.owner_id:
        params.append(("user_id[]", query.owner_id))
    if query.target_id:
        params.append(("person_id[]", query.target_id))
    if query.status is not None:
        params.append(("current_state[]", TASK_STATES_OUT[query.status]))
    return params


def action_params(query: TaskQuery, owner_guid: str | None) -> Params:
    """``owner_guid`` is the guid of ``query.owner_id`` (actions filter users by guid)."""
    params: Params = []
    if owner_guid is not None:
        params.append(("user_guid[]", owner_guid))
    if query.target_id:
        params.append(("person_id[]", query.target_id))
    if query.sequence_id:
        params.append(("cadence_id[]", query.sequence_id))
    if query.due_after:
        params.append(("due_on[gte]", iso(query.due_after)))
    if query.due_before:
        params.append(("due_on[lte]", iso(query.due_before)))
    return params


def task_type(kind: TaskKind) -> str:
    wire = TASK_TYPES_OUT.get(kind)
    if wire is None:
        raise InputError(f"Salesloft tasks are call, email or general, not {kind.value}")
    return wire


def task_payload(data: TaskInput, owner_id: str) -> Body:
    """``owner_id`` is ``data.owner_id`` or, without one, the caller's own user id."""
    payload: Body = {
        "subject": data.subject,
        "person_id": data.target_id,
        "user_id": owner_id,
        "task_type": task_type(data.kind),
        **due_fields(data.due_at),
        "current_state": "scheduled",
        "idempotency_key": data.idempotency_key,
    }
    if data.note is not None:
        payload["description"] = data.note
    payload.update(data.vendor_fields)
    return payload


def task_completion_payload(note: str | None) -> Body:
    payload: Body = {"current_state": "completed"}
    if note is not None:
        payload["description"] = note
    return payload


def task_snooze_payload(until: datetime) -> Body:
    # Salesloft's snooze is a reminder: the task keeps its due date.
    return {"remind_at": iso(until)}


def task_reschedule_payload(due_at: date | datetime) -> Body:
    return due_fields(due_at)


def task_note_payload(note: str) -> Body:
    return {"description": note}


def action_call_payload(person_id: str, action_id: str, note: str | None) -> Body:
    """The call that completes a phone step (``action_id`` names the step's action)."""
    payload: Body = {"person_id": person_id, "action_id": action_id}
    if note:
        payload["notes"] = note
    return payload


# --- activities ----------------------------------------------------------------------


def history_params(query: ActivityQuery, owner_guid: str | None) -> Params:
    """``owner_guid`` is the guid of ``query.owner_id`` (the feed names users by guid)."""
    params: Params = []
    if query.target_id:
        params += [("resource_type[]", "person"), ("resource_id[]", query.target_id)]
    if owner_guid is not None:
        params.append(("user_guid", owner_guid))
    for kind in dict.fromkeys(query.kinds):
        params += [("type[]", name) for name in activity_types(kind)]
    if query.until:
        params.append(("occurred_at[lt]", iso(query.until)))
    return params


def check_call(data: CallInput) -> None:
    """Refused rather than dropped: Salesloft's call record has neither field."""
    if data.direction is not CallDirection.OUTBOUND:
        raise InputError("Salesloft logs outbound calls only (direction)")
    if data.occurred_at is not None:
        raise InputError("Salesloft stamps a call with the time it is logged (occurred_at)")


def call_payload(data: CallInput, owner_guid: str | None) -> Body:
    """``owner_guid`` is the guid of ``data.owner_id`` (calls name their user by guid)."""
    check_call(data)
    payload: Body = {"person_id": data.target_id}
    for key, value in (
        ("duration", data.duration_seconds),
        ("disposition", data.outcome),
        ("notes", data.notes),
    ):
        if value is not None:
            payload[key] = value
    if owner_guid is not None:
        payload["user_guid"] = owner_guid
    payload.update(data.vendor_fields)
    return payload


def note_payload(data: NoteInput, owner_guid: str | None) -> Body:
    """``owner_guid`` is the guid of ``data.owner_id`` (notes name their user by guid)."""
    payload: Body = {
        "content": data.body,
        "associated_with_type": "person",
        "associated_with_id": data.target_id,
    }
    if owner_guid is not None:
        payload["user_guid"] = owner_guid
    payload.update(data.vendor_fields)
    return payload


def recent_calls_params(target_id: str) -> list[tuple[str, str]]:
    """The newest calls with the person: where a call that may have landed is looked for."""
    return [
        ("person_id[]", target_id),
        ("sort_by", "created_at"),
        ("sort_direction", "DESC"),
        ("per_page", "25"),
    ]


def recent_notes_params(target_id: str) -> list[tuple[str, str]]:
    return [
        ("associated_with_type", "person"),
        ("associated_with_id", target_id),
        ("sort_by", "created_at"),
        ("sort_direction", "DESC"),
        ("per_page", "25"),
    ]


# --- escape hatch ----------------------------------------------------------------------


def vendor_action_request(name: str) -> tuple[str, str]:
    """``"<METHOD> /v2/<path>"`` as ``(METHOD, path)``."""
    method, _, path = name.strip().partition(" ")
    method = method.upper()
    if method not in {"GET", "POST", "PUT", "DELETE"} or not path.startswith("/v2/"):
        raise InputError(f"vendor_action name must be '<METHOD> /v2/<path>', got {name!r}")
    # The path stays under /v2/ and is only a path: parameters go in params, and no
    # segment may climb out (an escape hatch, not a way around the API's root).
    segments = path.split("/")
    if any(seg in {".", ".."} or "%" in seg for seg in segments) or any(
        c in path for c in "?#\\ \t\r\n"
    ):
        raise InputError(
            f"vendor_action path {path[:60]!r} must be a plain /v2/ path (no '..', '%',"
            " query or fragment; pass parameters as keyword arguments)"
        )
    return method, path
