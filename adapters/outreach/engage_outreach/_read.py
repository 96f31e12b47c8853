"""Outreach payloads -> engage's neutral records (pure: no I/O), and Outreach's words.

Each ``to_*`` takes one resource object exactly as Outreach sent it (kept
whole in ``raw``) and, for tasks and enrollments, the side-loaded records of
the same answer, so related records are filled in without another request.
The tables of Outreach's words (states, task actions and types, step types)
are here too; ``_write`` reads them backwards for filters.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
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
    VendorRef,
)

from ._wire import (
    CallAttributes,
    MailboxAttributes,
    MailingAttributes,
    NoteAttributes,
    ProspectAttributes,
    Resource,
    SequenceAttributes,
    SequenceStateAttributes,
    StepAttributes,
    TaskAttributes,
)

VENDOR = "outreach"
Included = Mapping[tuple[str, str], dict[str, Any]]
A = TypeVar("A", bound=pydantic.BaseModel)
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


def _parse(model: type[A], payload: Mapping[str, Any], object_type: str) -> tuple[Resource, A]:
    try:
        res = Resource.model_validate(payload)
        return res, model.model_validate(res.attributes)
    except pydantic.ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()
        )
        raise MappingError(problems, vendor=VENDOR, object_type=object_type) from None


def _ref(res: Resource, object_type: str) -> VendorRef:
    if res.id is None:
        raise MappingError("resource has no id", vendor=VENDOR, object_type=object_type)
    return VendorRef(vendor=VENDOR, object_type=object_type, id=res.id, url=res.self_url)


def _first(*lists: list[str]) -> str | None:
    for values in lists:
        for value in values:
            if value:
                return value
    return None


def to_target(payload: Mapping[str, Any]) -> Target:
    res, a = _parse(ProspectAttributes, payload, "prospect")
    return Target(
        ref=_ref(res, "prospect"),
        raw=dict(payload),
        kind=TargetKind.PERSON,
        email=_first(a.emails),
        first_name=a.firstName,
        last_name=a.lastName,
        title=a.title,
        company=a.company,
        phone=_first(a.workPhones, a.mobilePhones, a.homePhones, a.otherPhones, a.voipPhones),
        owner_id=res.rel_id("owner"),
        account_id=res.rel_id("account"),
        created_at=a.createdAt,
        updated_at=a.updatedAt,
    )


def to_sequence(payload: Mapping[str, Any]) -> Sequence:
    res, a = _parse(SequenceAttributes, payload, "sequence")
    return Sequence(
        ref=_ref(res, "sequence"),
        raw=dict(payload),
        name=a.name or "",
        active=a.enabled,
        shared=None if a.shareType is None else a.shareType != "private",
        owner_id=res.rel_id("owner"),
        step_count=a.sequenceStepCount,
        created_at=a.createdAt,
        updated_at=a.updatedAt,
    )


def step_kind(step_type: str | None) -> StepKind:
    if step_type and step_type.startswith("linkedin"):
        return StepKind.LINKEDIN
    return STEP_TYPES.get(step_type or "", StepKind.OTHER)


def to_step(payload: Mapping[str, Any]) -> Step:
    res, a = _parse(StepAttributes, payload, "sequenceStep")
    return Step(
        ref=_ref(res, "sequenceStep"),
        raw=dict(payload),
        sequence_id=res.rel_id("sequence") or "",
        position=a.order,
        day=None if a.interval is None else 1 + a.interval // 86400,
        name=a.displayName,
        kind=step_kind(a.stepType),
        vendor_kind=a.stepType,
        automated=None if a.stepType is None else a.stepType == "auto_email",
    )


def mailbox_user(payload: Mapping[str, Any] | None) -> str | None:
    if payload is None:
        return None
    _, a = _parse(MailboxAttributes, payload, "mailbox")
    return None if a.userId is None else str(a.userId)


def to_enrollment(
    payload: Mapping[str, Any],
    included: Included | None = None,
    *,
    fallback_owner: str | None = None,
) -> Enrollment:
    """The owner is the user managing the state, else the user whose mailbox sends
    (side-loaded), else ``fallback_owner`` (known to the caller that chose the mailbox)."""
    res, a = _parse(SequenceStateAttributes, payload, "sequenceState")
    owner = res.rel_id("user")
    mailbox = res.rel("mailbox")
    if owner is None and mailbox is not None and included:
        owner = mailbox_user(included.get(mailbox))
    owner = owner or fallback_owner
    ended = a.stateChangedAt if a.state in {"finished", "opted_out", "bounced", "failed"} else None
    return Enrollment(
        ref=_ref(res, "sequenceState"),
        raw=dict(payload),
        target_id=res.rel_id("prospect") or "",
        sequence_id=res.rel_id("sequence") or "",
        state=ENROLLMENT_STATES.get(a.state or "", EnrollmentState.OTHER),
        vendor_state=a.state,
        owner_id=owner,
        current_step_id=res.rel_id("sequenceStep"),
        created_at=a.createdAt,
        updated_at=a.updatedAt,
        ended_at=ended,
    )


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
    return fn(included[ref])


def to_task(payload: Mapping[str, Any], included: Included | None = None) -> Task:
    res, a = _parse(TaskAttributes, payload, "task")
    prospect = res.rel("prospect")
    subject = res.rel("subject")
    if prospect is None and subject is not None and subject[0] == "prospect":
        prospect = subject
    return Task(
        ref=_ref(res, "task"),
        raw=dict(payload),
        origin=task_origin(a.taskType),
        kind=task_kind(a.action, a.taskType),
        vendor_kind=a.action,
        status=TASK_STATES.get(a.state or "", TaskStatus.OTHER),
        vendor_status=a.state,
        subject=subject_of(a.note),
        note=a.note,
        due_at=a.dueAt,
        owner_id=res.rel_id("owner"),
        target_id=prospect[1] if prospect else None,
        sequence_id=res.rel_id("sequence"),
        step_id=res.rel_id("sequenceStep"),
        enrollment_id=res.rel_id("sequenceState"),
        completed_at=a.completedAt,
        created_at=a.createdAt,
        updated_at=a.updatedAt,
        target=_side(included, prospect, to_target),
        sequence=_side(included, res.rel("sequence"), to_sequence),
        step=_side(included, res.rel("sequenceStep"), to_step),
    )


def _seconds(start: datetime | None, end: datetime | None) -> int | None:
    if start is None or end is None or end < start:
        return None
    return int((end - start).total_seconds())


def to_call_activity(payload: Mapping[str, Any]) -> Activity:
    """``occurred_at`` is ``createdAt``: the time Outreach sorts and filters calls by."""
    res, a = _parse(CallAttributes, payload, "call")
    return Activity(
        ref=_ref(res, "call"),
        raw=dict(payload),
        kind=ActivityKind.CALL,
        vendor_kind="call",
        occurred_at=a.createdAt,
        target_id=res.rel_id("prospect"),
        owner_id=res.rel_id("user"),
        body=a.note,
        sequence_id=res.rel_id("sequence"),
        step_id=res.rel_id("sequenceStep"),
        direction=None if a.direction is None else CallDirection(a.direction),
        outcome=a.outcome,
        duration_seconds=_seconds(a.dialedAt, a.completedAt),
    )


def to_mailing_activity(payload: Mapping[str, Any]) -> Activity:
    """``occurred_at`` is ``deliveredAt``: a mailing not yet delivered is no activity."""
    res, a = _parse(MailingAttributes, payload, "mailing")
    return Activity(
        ref=_ref(res, "mailing"),
        raw=dict(payload),
        kind=ActivityKind.EMAIL,
        vendor_kind=a.mailingType or "mailing",
        occurred_at=a.deliveredAt,
        target_id=res.rel_id("prospect"),
        owner_id=res.rel_id("user"),
        subject=a.subject,
        body=a.bodyText,
        sequence_id=res.rel_id("sequence"),
        step_id=res.rel_id("sequenceStep"),
    )


def to_note_activity(payload: Mapping[str, Any]) -> Activity:
    res, a = _parse(NoteAttributes, payload, "prospectNote")
    return Activity(
        ref=_ref(res, "prospectNote"),
        raw=dict(payload),
        kind=ActivityKind.NOTE,
        vendor_kind=a.noteType or "note",
        occurred_at=a.createdAt,
        target_id=res.rel_id("prospect"),
        owner_id=res.rel_id("creator"),
        body=a.message,
    )


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
