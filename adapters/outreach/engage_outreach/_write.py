"""Neutral inputs and queries -> Outreach request bodies and parameters (pure: no I/O).

Only filters Outreach documents as filterable are used; a neutral filter or
input with no Outreach equivalent raises ``InputError`` naming it rather than
being dropped.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from engage import (
    ActivityQuery,
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
    TaskOrigin,
    TaskQuery,
    TaskStatus,
)
from engage.transport import IdFormat

from ._read import ENROLLMENT_STATES, MANUAL_TASK_TYPES, SEQUENCE_STEP_TASK_TYPES, TASK_STATES

Params = dict[str, str]
LIVE_STATES = "active,paused,pending"
LIVE_STATE_NAMES = frozenset(LIVE_STATES.split(","))
EXPAND_INCLUDES = {"target": "prospect", "sequence": "sequence", "step": "sequenceStep"}
WIRE_TASK_ACTIONS = {
    TaskKind.CALL: "call",
    TaskKind.EMAIL: "email",
    TaskKind.GENERAL: "action_item",
}
CALL_OUTCOMES = {"answered": "Answered", "not answered": "Not Answered"}
# An Outreach id is a positive integer: ASCII digits, no sign, no leading zero, at most 19.
IDS = IdFormat(r"[1-9][0-9]{0,18}", "an Outreach id (a positive whole number such as 42)")


# --- ids ---------------------------------------------------------------------------


# Every caller id goes through these before it reaches a path, a query or a body.
vendor_id = IDS.check
check_ids = IDS.check_fields


# --- values ------------------------------------------------------------------------


def iso(moment: datetime) -> str:
    """Outreach's timestamp form (UTC, ``Z``)."""
    utc = moment.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def span(low: datetime | None, high: datetime | None) -> str:
    """An Outreach range value; ``neginf``/``inf`` leave an end open."""
    return f"{iso(low) if low else 'neginf'}..{iso(high) if high else 'inf'}"


def _param(value: Any) -> str:
    if isinstance(value, datetime):
        return iso(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


# --- request documents -------------------------------------------------------------


def resource(
    type_: str, attributes: Mapping[str, Any], **relationships: tuple[str, str] | None
) -> dict[str, Any]:
    """A request document for a create or update (nulls left out of the linkage)."""
    data: dict[str, Any] = {"type": type_}
    if attributes:
        data["attributes"] = dict(attributes)
    rels = {
        name: {"data": {"type": ref[0], "id": wire_id(ref[1], f"{name} id")}}
        for name, ref in relationships.items()
        if ref is not None
    }
    if rels:
        data["relationships"] = rels
    return {"data": data}


def wire_id(value: str, what: str = "id") -> int:
    """An id as the integer Outreach sends on the wire (``InputError`` if it is not one)."""
    return int(vendor_id(value, what))


def prospect_attributes(
    email: str | None, fields: Mapping[str, Any], extra: Mapping[str, Any]
) -> dict[str, Any]:
    attrs: dict[str, Any] = {}
    if email is not None:
        attrs["emails"] = [email]
    for neutral, wire in (
        ("first_name", "firstName"),
        ("last_name", "lastName"),
        ("title", "title"),
        ("company", "company"),
    ):
        if fields.get(neutral) is not None:
            attrs[wire] = fields[neutral]
    if fields.get("phone"):
        attrs["workPhones"] = [fields["phone"]]
    attrs.update(extra)
    return attrs


def prospect_body(data: TargetInput, id_: str | None = None) -> dict[str, Any]:
    """A prospect to create, or (with ``id_``) the update of an existing one."""
    fields = data.model_dump(exclude={"email", "owner_id", "kind", "vendor_fields"})
    attrs = prospect_attributes(data.email, fields, data.vendor_fields)
    owner = ("user", data.owner_id) if data.owner_id else None
    body = resource("prospect", attrs, owner=owner)
    if id_ is not None:
        body["data"]["id"] = wire_id(id_)
    return body


def enrollment_mailbox(data: EnrollmentInput) -> str | None:
    """The ``mailbox_id`` vendor field, the only input Outreach takes beyond the neutral ones."""
    if data.start_step_id is not None:
        raise InputError("Outreach enrolls at the sequence's first step; omit start_step_id")
    extra = dict(data.vendor_fields)
    mailbox = extra.pop("mailbox_id", None)
    if extra:
        raise InputError(f"unknown vendor_fields {sorted(extra)}; Outreach takes mailbox_id")
    return _vendor_field_id(mailbox, "mailbox_id")


def _vendor_field_id(value: object, name: str) -> str | None:
    """An id given in ``vendor_fields`` (a whole number also as an int), checked."""
    if value is None or value == "":
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    return vendor_id(value, f"vendor_fields {name}")


def enrollment_body(target_id: str, sequence_id: str, mailbox_id: str) -> dict[str, Any]:
    return resource(
        "sequenceState",
        {},
        prospect=("prospect", target_id),
        sequence=("sequence", sequence_id),
        mailbox=("mailbox", mailbox_id),
    )


def task_note(subject: str, note: str | None) -> str:
    """The subject becomes the note's first line, which is where it is read back from."""
    return subject if not note else f"{subject}\n\n{note}"


def task_attributes(data: TaskInput) -> dict[str, Any]:
    if data.kind not in WIRE_TASK_ACTIONS:
        raise InputError(f"Outreach tasks cannot be of kind {data.kind.value!r}")
    return {
        "action": WIRE_TASK_ACTIONS[data.kind],
        "dueAt": iso(data.due_at),
        "note": task_note(data.subject, data.note),
        **data.vendor_fields,
    }


def task_body(attributes: Mapping[str, Any], owner_id: str, target_id: str) -> dict[str, Any]:
    return resource("task", attributes, owner=("user", owner_id), subject=("prospect", target_id))


def action_params(params: Mapping[str, Any]) -> Params:
    """A member action's parameters (``actionParams[...]``), nulls left out."""
    return {f"actionParams[{k}]": _param(v) for k, v in params.items() if v is not None}


def call_outcome(outcome: str) -> str:
    """Outreach's call outcome is one of two words (dispositions are a separate resource)."""
    try:
        return CALL_OUTCOMES[outcome.strip().lower()]
    except KeyError:
        raise InputError(
            f"Outreach call outcomes are 'Answered' or 'Not Answered', not {outcome!r}; "
            "set a disposition with vendor_fields"
        ) from None


def call_body(data: CallInput) -> dict[str, Any]:
    attrs: dict[str, Any] = {"direction": data.direction.value}
    if data.outcome is not None:
        attrs["outcome"] = call_outcome(data.outcome)
    if data.notes is not None:
        attrs["note"] = data.notes
    if data.occurred_at is not None:
        attrs["dialedAt"] = iso(data.occurred_at)
        if data.duration_seconds is not None:
            end = data.occurred_at + timedelta(seconds=data.duration_seconds)
            attrs["completedAt"] = iso(end)
    extra = dict(data.vendor_fields)
    task = _vendor_field_id(extra.pop("task_id", None), "task_id")
    attrs.update(extra)
    return resource(
        "call",
        attrs,
        prospect=("prospect", data.target_id),
        user=("user", data.owner_id) if data.owner_id else None,
        task=("task", task) if task else None,
    )


def note_body(data: NoteInput) -> dict[str, Any]:
    if data.owner_id is not None:
        raise InputError("Outreach notes are always by the token's user; omit owner_id")
    attrs = {"message": data.body, **data.vendor_fields}
    return resource("prospectNote", attrs, prospect=("prospect", data.target_id))


def recent_params(target_id: str) -> Params:
    """The prospect's newest calls or notes: where a write that may have landed is looked for."""
    return {"filter[prospect][id]": target_id, "sort": "-createdAt", "page[size]": "25"}


# --- list filters ------------------------------------------------------------------


def target_params(query: TargetQuery) -> Params:
    params: Params = {}
    if query.updated_since:
        params["filter[updatedAt]"] = span(query.updated_since, None)
    if query.owner_id:
        params["filter[owner][id]"] = query.owner_id
    if query.ids:
        params["filter[id]"] = ",".join(query.ids)
    return params


def email_params(email: str) -> Params:
    return {"filter[emails]": email, "page[size]": "1"}


def sequence_params(query: SequenceQuery) -> Params:
    """Server-side filters; ``active`` is applied to what is read (enabled is not filterable)."""
    params: Params = {}
    if query.updated_since:
        params["filter[updatedAt]"] = span(query.updated_since, None)
    if query.owner_id:
        params["filter[owner][id]"] = query.owner_id
    return params


def step_params(sequence_id: str) -> Params:
    return {"filter[sequence][id]": sequence_id, "sort": "order"}


def mailbox_params(user_id: str, *, first_only: bool = False) -> Params:
    """A user's mailboxes (a sequence state's sender): all of them, or the first."""
    return (
        {"filter[userId]": user_id, "page[size]": "1"}
        if first_only
        else {"filter[userId]": user_id}
    )


def vendor_states(state: EnrollmentState) -> list[str]:
    return [wire for wire, neutral in ENROLLMENT_STATES.items() if neutral is state]


def enrollment_params(query: EnrollmentQuery) -> Params:
    """Everything but ``owner_id``, which needs the owner's mailboxes looked up."""
    params: Params = {"include": "mailbox"}
    if query.target_id:
        params["filter[prospect][id]"] = query.target_id
    if query.sequence_id:
        params["filter[sequence][id]"] = query.sequence_id
    if query.state is not None:
        states = vendor_states(query.state)
        if not states:
            raise InputError(f"Outreach has no sequence state that means {query.state.value!r}")
        params["filter[state]"] = ",".join(states)
    if query.updated_since:
        params["filter[updatedAt]"] = span(query.updated_since, None)
    return params


def live_enrollment_params(target_id: str, sequence_id: str) -> Params:
    """The one live sequence state of a prospect in a sequence, if any."""
    return {
        "filter[prospect][id]": target_id,
        "filter[sequence][id]": sequence_id,
        "filter[state]": LIVE_STATES,
        "include": "mailbox",
        "page[size]": "1",
    }


def task_params(query: TaskQuery) -> Params:
    params: Params = {}
    if query.target_id:
        params["filter[prospect][id]"] = query.target_id
    if query.sequence_id:
        params["filter[sequence][id]"] = query.sequence_id
    if query.owner_id:
        params["filter[owner][id]"] = query.owner_id
    if query.status is not None:
        states = [wire for wire, neutral in TASK_STATES.items() if neutral is query.status]
        if not states:
            hint = (
                " (Outreach tasks are completed, never skipped)"
                if (query.status is TaskStatus.SKIPPED)
                else ""
            )
            raise InputError(f"Outreach cannot filter tasks by status {query.status.value!r}{hint}")
        params["filter[state]"] = ",".join(states)
    if query.origin is not None:
        if query.origin is TaskOrigin.OTHER:
            raise InputError("Outreach cannot filter tasks by origin 'other'")
        types = (
            SEQUENCE_STEP_TASK_TYPES
            if query.origin is TaskOrigin.SEQUENCE_STEP
            else (MANUAL_TASK_TYPES)
        )
        params["filter[taskType]"] = ",".join(types)
    if query.due_after or query.due_before:
        params["filter[dueAt]"] = span(query.due_after, query.due_before)
    if query.updated_since:
        params["filter[updatedAt]"] = span(query.updated_since, None)
    if query.expand:
        params["include"] = ",".join(EXPAND_INCLUDES[name] for name in sorted(set(query.expand)))
    return params


def task_lookup_params(target_id: str, due_at: datetime) -> Params:
    """The prospect's tasks due at exactly ``due_at``: where a task we may have made is."""
    return {
        "filter[prospect][id]": target_id,
        "filter[dueAt]": f"{iso(due_at)}..{iso(due_at)}",
    }


def activity_params(
    query: ActivityQuery, *, time_attr: str, owner_filter: str | None, size: int | None
) -> Params:
    """The first page of one activity collection, sorted and ranged by ``time_attr``."""
    # A range is always sent: it also leaves out records without the timestamp
    # (mailings not yet delivered), which are not activities yet.
    params = {
        f"filter[{time_attr}]": span(query.since, query.until),
        "sort": time_attr,
    }
    if size is not None:  # else the tenant's default size, set by the session
        params["page[size]"] = str(size)
    if query.target_id:
        params["filter[prospect][id]"] = query.target_id
    if query.owner_id and owner_filter:
        params[f"filter[{owner_filter}][id]"] = query.owner_id
    return params
