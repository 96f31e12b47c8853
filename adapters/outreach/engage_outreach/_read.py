"""Outreach payloads -> engage's neutral records (pure: no I/O), and Outreach's words.

Each ``to_*`` takes one resource object exactly as Outreach sent it (kept
whole in ``raw``) and, for tasks and enrollments, the side-loaded records of
the same answer, so related records are filled in without another request.
A record is validated once: its fields are picked out with plain Python and the
neutral model validates them (timestamps as sent become aware UTC datetimes
there; unknown words map to OTHER here). The tables of Outreach's words (states,
task actions and types, step types) are here too; ``_write`` reads them
backwards for filters.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, TypeVar

from engage import (
    Activity,
    ActivityKind,
    CallDirection,
    Enrollment,
    EnrollmentState,
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

from ._wire import Resource, build, first, moment, number, rel, rel_id, text, word

Included = Mapping[tuple[str, str], dict[str, Any]]
R = TypeVar("R")

# sequenceState.state -> neutral state. Outreach documents no enum for it; these
# are the values its UI and API use. Anything else maps to OTHER.
ENROLLMENT_STATES: dict[str, EnrollmentState] = {
    "active": EnrollmentState.ACTIVE,
    "pending": EnrollmentState.ACTIVE,  # enrolled, waiting for its first step
    "paused": EnrollmentState.PAUSED,
    "disabled": EnrollmentState.PAUSED,  # its sequence is disabled: nothing moves
    "finished": EnrollmentState.FINISHED,
    "bounced": EnrollmentState.BOUNCED,
    "opted_out": EnrollmentState.REMOVED,
    "failed": EnrollmentState.OTHER,
}
TASK_STATES = {
    "incomplete": TaskStatus.OPEN,
    "pending": TaskStatus.OPEN,  # scheduled, not yet due
    "complete": TaskStatus.COMPLETED,
}
TASK_ACTIONS = {
    "call": TaskKind.CALL,
    "email": TaskKind.EMAIL,
    "action_item": TaskKind.GENERAL,
    "in_person": TaskKind.GENERAL,
}
# The taskType values of the reference (seed 003): sequence-step work and the rest.
SEQUENCE_STEP_TASK_TYPES = (
    "sequence_step_call",
    "sequence_step_email",
    "sequence_step_linkedin_interact_with_post",
    "sequence_step_linkedin_other",
    "sequence_step_linkedin_send_connection_request",
    "sequence_step_linkedin_send_message",
    "sequence_step_linkedin_view_profile",
    "sequence_step_sms",
    "sequence_step_task",
)
MANUAL_TASK_TYPES = ("follow_up", "manual", "no_reply", "sequence_open", "sequence_click", "touch")
STEP_TYPES = {
    "auto_email": StepKind.EMAIL,
    "manual_email": StepKind.EMAIL,
    "call": StepKind.CALL,
    "task": StepKind.TASK,
}


def to_target(payload: Mapping[str, Any]) -> Target:
    res = Resource(payload, "prospect")
    a, rels = res.attrs, res.rels
    fields = {
        "ref": res.ref,
        "raw": payload,
        "kind": TargetKind.PERSON,
        "email": first(a.get("emails")),
        "first_name": text(a.get("firstName")),
        "last_name": text(a.get("lastName")),
        "title": text(a.get("title")),
        "company": text(a.get("company")),
        "phone": first(
            a.get("workPhones"),
            a.get("mobilePhones"),
            a.get("homePhones"),
            a.get("otherPhones"),
            a.get("voipPhones"),
        ),
        "owner_id": rel_id(rels, "owner"),
        "account_id": rel_id(rels, "account"),
        "created_at": a.get("createdAt"),
        "updated_at": a.get("updatedAt"),
    }
    return build(Target, fields, "prospect")


def to_sequence(payload: Mapping[str, Any]) -> Sequence:
    res = Resource(payload, "sequence")
    a = res.attrs
    share = a.get("shareType")
    fields = {
        "ref": res.ref,
        "raw": payload,
        "name": text(a.get("name")) or "",
        "active": a.get("enabled"),
        "shared": None if share is None else share != "private",
        "owner_id": rel_id(res.rels, "owner"),
        "step_count": a.get("sequenceStepCount"),
        "created_at": a.get("createdAt"),
        "updated_at": a.get("updatedAt"),
    }
    return build(Sequence, fields, "sequence")


def step_kind(step_type: str | None) -> StepKind:
    if step_type and step_type.startswith("linkedin"):
        return StepKind.LINKEDIN
    return STEP_TYPES.get(step_type or "", StepKind.OTHER)


def to_step(payload: Mapping[str, Any]) -> Step:
    res = Resource(payload, "sequenceStep")
    a = res.attrs
    interval = number(a.get("interval"), "interval", "sequenceStep")  # seconds until it is due
    step_type = a.get("stepType")
    fields = {
        "ref": res.ref,
        "raw": payload,
        "sequence_id": rel_id(res.rels, "sequence") or "",
        "position": a.get("order"),
        "day": None if interval is None else 1 + interval // 86400,
        "name": text(a.get("displayName")),
        "kind": step_kind(word(step_type)),
        "vendor_kind": step_type,
        "automated": None if step_type is None else step_type == "auto_email",
    }
    return build(Step, fields, "sequenceStep")


def mailbox_user(payload: Mapping[str, Any] | None) -> str | None:
    if payload is None:
        return None
    user = number(Resource(payload, "mailbox").attrs.get("userId"), "userId", "mailbox")
    return None if user is None else str(user)


ENDED_STATES = frozenset({"finished", "opted_out", "bounced", "failed"})


def to_enrollment(
    payload: Mapping[str, Any],
    included: Included | None = None,
    *,
    fallback_owner: str | None = None,
) -> Enrollment:
    """The owner is the user managing the state, else the user whose mailbox sends
    (side-loaded), else ``fallback_owner`` (known to the caller that chose the mailbox)."""
    res = Resource(payload, "sequenceState")
    a, rels = res.attrs, res.rels
    owner = rel_id(rels, "user")
    mailbox = rel(rels, "mailbox")
    if owner is None and mailbox is not None and included:
        owner = mailbox_user(included.get(mailbox))
    state = a.get("state")
    fields = {
        "ref": res.ref,
        "raw": payload,
        "target_id": rel_id(rels, "prospect") or "",
        "sequence_id": rel_id(rels, "sequence") or "",
        "state": ENROLLMENT_STATES.get(word(state), EnrollmentState.OTHER),
        "vendor_state": state,
        "owner_id": owner or fallback_owner,
        "current_step_id": rel_id(rels, "sequenceStep"),
        "created_at": a.get("createdAt"),
        "updated_at": a.get("updatedAt"),
        "ended_at": a.get("stateChangedAt") if word(state) in ENDED_STATES else None,
    }
    return build(Enrollment, fields, "sequenceState")


def task_kind(action: str | None, task_type: str | None) -> TaskKind:
    # Real records carry LinkedIn work in ``action`` too (e.g. "linkedin_view_profile").
    if "linkedin" in (task_type or "") or (action or "").startswith("linkedin"):
        return TaskKind.LINKEDIN
    return TASK_ACTIONS.get(action or "", TaskKind.OTHER)


def task_origin(task_type: str | None) -> TaskOrigin:
    if task_type in SEQUENCE_STEP_TASK_TYPES:
        return TaskOrigin.SEQUENCE_STEP
    return TaskOrigin.MANUAL if task_type in MANUAL_TASK_TYPES else TaskOrigin.OTHER


def subject_of(note: str | None) -> str | None:
    """Outreach tasks have no title; the note's first line stands in for one."""
    if not note:
        return None
    return note.strip().splitlines()[0] if note.strip() else None


def _side(
    included: Included | None, ref: tuple[str, str] | None, fn: Callable[[dict[str, Any]], R]
) -> R | None:
    if not included or ref is None or ref not in included:
        return None
    # Many tasks of a page share a prospect or a step: each side record is mapped once
    # per page when the index can keep it (an Index from Document.index()).
    memo = getattr(included, "mapped", None)
    if memo is None:
        return fn(included[ref])
    if ref not in memo:
        memo[ref] = fn(included[ref])
    found: R = memo[ref]
    return found


def to_task(payload: Mapping[str, Any], included: Included | None = None) -> Task:
    res = Resource(payload, "task")
    a, rels = res.attrs, res.rels
    prospect = rel(rels, "prospect")
    subject = rel(rels, "subject")
    if prospect is None and subject is not None and subject[0] == "prospect":
        prospect = subject
    action, task_type, state = a.get("action"), a.get("taskType"), a.get("state")
    note = a.get("note")
    sequence, step = rel(rels, "sequence"), rel(rels, "sequenceStep")
    fields = {
        "ref": res.ref,
        "raw": payload,
        "origin": task_origin(word(task_type)),
        "kind": task_kind(word(action), word(task_type)),
        "vendor_kind": action,
        "status": TASK_STATES.get(word(state), TaskStatus.OTHER),
        "vendor_status": state,
        "subject": subject_of(word(note)),
        "note": note,
        "due_at": a.get("dueAt"),
        "owner_id": rel_id(rels, "owner"),
        "target_id": prospect[1] if prospect else None,
        "sequence_id": sequence[1] if sequence else None,
        "step_id": step[1] if step else None,
        "enrollment_id": rel_id(rels, "sequenceState"),
        "completed_at": a.get("completedAt"),
        "created_at": a.get("createdAt"),
        "updated_at": a.get("updatedAt"),
    }
    if included:
        fields["target"] = _side(included, prospect, to_target)
        fields["sequence"] = _side(included, sequence, to_sequence)
        fields["step"] = _side(included, step, to_step)
    return build(Task, fields, "task")


def _seconds(start: datetime | None, end: datetime | None) -> int | None:
    if start is None or end is None or end < start:
        return None
    return int((end - start).total_seconds())


def to_call_activity(payload: Mapping[str, Any]) -> Activity:
    """``occurred_at`` is ``createdAt``: the time Outreach sorts and filters calls by."""
    res = Resource(payload, "call")
    a, rels = res.attrs, res.rels
    direction = a.get("direction")
    dialed, completed = a.get("dialedAt"), a.get("completedAt")
    duration = None
    if dialed is not None and completed is not None:
        duration = _seconds(
            moment(dialed, "dialedAt", "call"), moment(completed, "completedAt", "call")
        )
    fields = {
        "ref": res.ref,
        "raw": payload,
        "kind": ActivityKind.CALL,
        "vendor_kind": "call",
        "occurred_at": a.get("createdAt"),
        "target_id": rel_id(rels, "prospect"),
        "owner_id": rel_id(rels, "user"),
        "body": a.get("note"),
        "sequence_id": rel_id(rels, "sequence"),
        "step_id": rel_id(rels, "sequenceStep"),
        "direction": None if direction is None else CallDirection(direction),
        "outcome": a.get("outcome"),
        "duration_seconds": duration,
    }
    return build(Activity, fields, "call")


def to_mailing_activity(payload: Mapping[str, Any]) -> Activity:
    """``occurred_at`` is ``deliveredAt``: a mailing not yet delivered is no activity."""
    res = Resource(payload, "mailing")
    a, rels = res.attrs, res.rels
    fields = {
        "ref": res.ref,
        "raw": payload,
        "kind": ActivityKind.EMAIL,
        "vendor_kind": a.get("mailingType") or "mailing",
        "occurred_at": a.get("deliveredAt"),
        "target_id": rel_id(rels, "prospect"),
        "owner_id": rel_id(rels, "user"),
        "subject": a.get("subject"),
        "body": a.get("bodyText"),
        "sequence_id": rel_id(rels, "sequence"),
        "step_id": rel_id(rels, "sequenceStep"),
    }
    return build(Activity, fields, "mailing")


def to_note_activity(payload: Mapping[str, Any]) -> Activity:
    res = Resource(payload, "prospectNote")
    a, rels = res.attrs, res.rels
    fields = {
        "ref": res.ref,
        "raw": payload,
        "kind": ActivityKind.NOTE,
        "vendor_kind": a.get("noteType") or "note",
        "occurred_at": a.get("createdAt"),
        "target_id": rel_id(rels, "prospect"),
        "owner_id": rel_id(rels, "creator"),
        "body": a.get("message"),
    }
    return build(Activity, fields, "prospectNote")


# --- recognising a write that may have landed ---------------------------------------


def is_logged(activity: Activity, target_id: str, text: str | None, since: datetime) -> bool:
    """Whether ``activity`` is the call or note engage logged (no idempotency keys at
    Outreach): the same prospect and text, created since ``since``."""
    return (
        activity.target_id == target_id
        and (activity.body or None) == (text or None)
        and activity.occurred_at is not None
        and activity.occurred_at >= since
    )
