"""Salesloft payload -> neutral record: pure functions, no I/O.

Every function takes the payload exactly as Salesloft sent it and keeps it
as ``raw``. Vendor words engage has no member for become ``OTHER`` with the
word kept in the ``vendor_*`` field. The tables here are also what
``docs/vendors/salesloft.md`` shows, and a test holds the two together. The
other direction (neutral input or query -> request) is ``_write``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, TypeVar

import pydantic

from engage import (
    Activity,
    ActivityKind,
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

from . import _wire as w
from ._settings import VENDOR

# Cadence actions share the neutral task id space with manual tasks, and the two
# Salesloft id spaces overlap, so an action's neutral id carries this prefix
# (the activity feed's own "{type}-{id}" convention).
ACTION_PREFIX = "action-"

W = TypeVar("W", bound=w.Wire)

# --- enumerations ---------------------------------------------------------------

STEP_KINDS: dict[str, StepKind] = {
    "email": StepKind.EMAIL,
    "phone": StepKind.CALL,
    # An integration step may stand for LinkedIn or another tool, and says not which.
    "integration": StepKind.OTHER,
    "other": StepKind.OTHER,
    "linkedin": StepKind.LINKEDIN,
}

MEMBERSHIP_STATES: dict[str, EnrollmentState] = {
    "processing": EnrollmentState.ACTIVE,
    "staged": EnrollmentState.ACTIVE,
    "active": EnrollmentState.ACTIVE,
    "scheduled": EnrollmentState.ACTIVE,
    "completed": EnrollmentState.FINISHED,
    "removed": EnrollmentState.REMOVED,
    "removed_no_action": EnrollmentState.REMOVED,
    "reassigned": EnrollmentState.OTHER,
    # The cadence was archived with its people on it: taken off before the end,
    # as a removal is, not by finishing.
    "archived": EnrollmentState.REMOVED,
}

TASK_KINDS: dict[str, TaskKind] = {
    "call": TaskKind.CALL,
    "email": TaskKind.EMAIL,
    "general": TaskKind.GENERAL,
}
TASK_STATES: dict[str, TaskStatus] = {
    "scheduled": TaskStatus.OPEN,
    "completed": TaskStatus.COMPLETED,
}
ACTION_KINDS: dict[str, TaskKind] = {
    "email": TaskKind.EMAIL,
    "phone": TaskKind.CALL,
    "other": TaskKind.OTHER,
    "linkedin": TaskKind.LINKEDIN,
}
ACTION_STATES: dict[str, TaskStatus] = {
    "in_progress": TaskStatus.OPEN,
    "pending_activity": TaskStatus.OPEN,
    "completed": TaskStatus.COMPLETED,
}

# Every activity type the /v2/activity_histories page documents (seed 001).
ACTIVITY_KINDS: dict[str, ActivityKind] = {
    "added_to_cadence": ActivityKind.SEQUENCE,
    "account_added_to_cadence": ActivityKind.SEQUENCE,
    "call": ActivityKind.CALL,
    "completed_action": ActivityKind.SEQUENCE,
    "dnc_event": ActivityKind.OTHER,
    "email_reply": ActivityKind.EMAIL,
    "external_meeting": ActivityKind.MEETING,
    "live_chat": ActivityKind.OTHER,
    "meeting": ActivityKind.MEETING,
    "meeting_held": ActivityKind.MEETING,
    "message_conversation": ActivityKind.SMS,
    "note": ActivityKind.NOTE,
    "opportunity_amount_change": ActivityKind.OTHER,
    "opportunity_close_date_change": ActivityKind.OTHER,
    "opportunity_stage_change": ActivityKind.OTHER,
    "received_email": ActivityKind.EMAIL,
    "requested_email": ActivityKind.EMAIL,
    "residency_change": ActivityKind.OTHER,
    "sent_email": ActivityKind.EMAIL,
    "site_visit": ActivityKind.OTHER,
    "share_internal_note": ActivityKind.NOTE,
    "success": ActivityKind.OTHER,
    "task": ActivityKind.TASK,
    "voicemail": ActivityKind.CALL,
    "review": ActivityKind.OTHER,
}


def _lookup(table: Mapping[str, Any], value: str | None, default: Any) -> Any:
    return table.get(value.lower(), default) if value else default


# --- helpers ----------------------------------------------------------------------


def parse(model: type[W], raw: Mapping[str, Any], object_type: str) -> W:
    try:
        return model.model_validate(raw)
    except pydantic.ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()
        )
        raise MappingError(problems, vendor=VENDOR, object_type=object_type) from None


def _ref(object_type: str, ident: w.Id) -> VendorRef:
    return VendorRef(vendor=VENDOR, object_type=object_type, id=str(ident))


# A calendar date is the current date somewhere on Earth from 00:00 at UTC+14:00
# until 24:00 at UTC-12:00: the widest offsets in use.
_DAY_OPENS_EARLY = timedelta(hours=14)
_DAY_CLOSES_LATE = timedelta(hours=24 + 12)


def _on_day(moment: datetime | None, day: date) -> bool:
    """Whether ``moment`` falls on ``day`` in some UTC offset (the zone it was meant in is
    not known when reading)."""
    if moment is None:
        return False
    start = datetime.combine(day, time(0), tzinfo=UTC)
    return start - _DAY_OPENS_EARLY <= moment < start + _DAY_CLOSES_LATE


def task_due(t: w.Task) -> datetime | None:
    """A manual task's due moment: Salesloft's ``due_at``, else ``remind_at`` (where engage
    writes the time of day), whichever first falls on ``due_date``; else ``due_date`` at
    00:00 UTC. A time on another day belongs to an earlier date or to a snooze, never to
    the date the task is due."""
    if t.due_date is None:
        return t.due_at
    for moment in (t.due_at, t.remind_at):
        if _on_day(moment, t.due_date):
            return moment
    return datetime.combine(t.due_date, time(0), tzinfo=UTC)


def action_task_id(action_id: w.Id) -> str:
    return f"{ACTION_PREFIX}{action_id}"


# --- records ----------------------------------------------------------------------


def target(raw: Mapping[str, Any]) -> Target:
    p = parse(w.Person, raw, "person")
    return Target(
        ref=_ref("person", p.id),
        raw=dict(raw),
        kind=TargetKind.PERSON,
        email=p.email_address,
        first_name=p.first_name,
        last_name=p.last_name,
        title=p.title,
        company=p.person_company_name,
        phone=p.phone or p.mobile_phone or p.home_phone,
        owner_id=w.ref_id(p.owner),
        account_id=w.ref_id(p.account),
        created_at=p.created_at,
        updated_at=p.updated_at,
    )


def sequence(raw: Mapping[str, Any]) -> Sequence:
    c = parse(w.Cadence, raw, "cadence")
    active = None if c.draft is None else not c.draft and c.archived_at is None
    return Sequence(
        ref=_ref("cadence", c.id),
        raw=dict(raw),
        name=c.name or "",
        active=active,
        shared=c.shared,
        owner_id=w.ref_id(c.owner),
        created_at=c.created_at,
        updated_at=c.updated_at,
    )


def step(raw: Mapping[str, Any], position: int | None = None) -> Step:
    s = parse(w.Step, raw, "step")
    cadence_id = w.ref_id(s.cadence)
    if cadence_id is None:
        raise MappingError("a step without its cadence", vendor=VENDOR, object_type="step")
    return Step(
        ref=_ref("step", s.id),
        raw=dict(raw),
        sequence_id=cadence_id,
        position=position,
        day=s.day,
        name=s.name or s.display_name,
        kind=_lookup(STEP_KINDS, s.type, StepKind.OTHER),
        vendor_kind=s.type,
    )


def enrollment(raw: Mapping[str, Any]) -> Enrollment:
    m = parse(w.Membership, raw, "cadence_membership")
    person_id, cadence_id = w.ref_id(m.person), w.ref_id(m.cadence)
    if person_id is None or cadence_id is None:
        raise MappingError(
            "a membership without its person or cadence",
            vendor=VENDOR,
            object_type="cadence_membership",
        )
    return Enrollment(
        ref=_ref("cadence_membership", m.id),
        raw=dict(raw),
        target_id=person_id,
        sequence_id=cadence_id,
        state=_lookup(MEMBERSHIP_STATES, m.current_state, EnrollmentState.OTHER),
        vendor_state=m.current_state,
        owner_id=w.ref_id(m.user),
        created_at=m.created_at,
        updated_at=m.updated_at,
    )


def is_live(raw: Mapping[str, Any]) -> bool:
    """Whether a membership is current: Salesloft's ``currently_on_cadence`` when it says,
    else an on-cadence state."""
    m = parse(w.Membership, raw, "cadence_membership")
    if m.currently_on_cadence is not None:
        return m.currently_on_cadence
    return _lookup(MEMBERSHIP_STATES, m.current_state, None) is EnrollmentState.ACTIVE


def task(raw: Mapping[str, Any]) -> Task:
    t = parse(w.Task, raw, "task")
    return Task(
        ref=_ref("task", t.id),
        raw=dict(raw),
        origin=TaskOrigin.MANUAL,
        kind=_lookup(TASK_KINDS, t.task_type, TaskKind.OTHER),
        vendor_kind=t.task_type,
        status=_lookup(TASK_STATES, t.current_state, TaskStatus.OTHER),
        vendor_status=t.current_state,
        subject=t.subject,
        note=t.description,
        due_at=task_due(t),
        owner_id=w.ref_id(t.user),
        target_id=w.ref_id(t.person),
        completed_at=t.completed_at,
        created_at=t.created_at,
        updated_at=t.updated_at,
    )


def action_task(raw: Mapping[str, Any]) -> Task:
    a = parse(w.Action, raw, "action")
    return Task(
        ref=VendorRef(vendor=VENDOR, object_type="action", id=action_task_id(a.id)),
        raw=dict(raw),
        origin=TaskOrigin.SEQUENCE_STEP,
        kind=_lookup(ACTION_KINDS, a.type, TaskKind.OTHER),
        vendor_kind=a.type,
        status=_lookup(ACTION_STATES, a.status, TaskStatus.OTHER),
        vendor_status=a.status,
        due_at=a.due_on,
        owner_id=w.ref_id(a.user),
        target_id=w.ref_id(a.person),
        sequence_id=w.ref_id(a.cadence),
        step_id=w.ref_id(a.step),
        created_at=a.created_at,
        updated_at=a.updated_at,
    )


def history_activity(raw: Mapping[str, Any], user_ids: Mapping[str, str]) -> Activity:
    """An activity-feed entry; ``user_ids`` maps user guids to ids (the feed names guids)."""
    h = parse(w.History, raw, "activity_history")
    static, dynamic = h.static_data or {}, h.dynamic_data or {}
    person = str(h.resource_id) if h.resource_type == "person" and h.resource_id else None
    return Activity(
        ref=_ref("activity_history", h.id),
        raw=dict(raw),
        kind=_lookup(ACTIVITY_KINDS, h.type, ActivityKind.OTHER),
        vendor_kind=h.type,
        occurred_at=h.occurred_at,
        target_id=person,
        owner_id=user_ids.get(h.user_guid) if h.user_guid else None,
        subject=_text(dynamic.get("subject")),
        body=_text(dynamic.get("content")),
        sequence_id=_text(static.get("cadence_id")),
        step_id=_text(static.get("step_id")),
        outcome=_text(dynamic.get("disposition") or dynamic.get("status")),
        duration_seconds=_int(dynamic.get("duration")),
    )


def call_activity(raw: Mapping[str, Any]) -> Activity:
    c = parse(w.Call, raw, "call")
    return Activity(
        ref=_ref("call", c.id),
        raw=dict(raw),
        kind=ActivityKind.CALL,
        vendor_kind="call",
        occurred_at=c.created_at,
        target_id=w.ref_id(c.called_person),
        owner_id=w.ref_id(c.user),
        sequence_id=w.ref_id(c.cadence),
        step_id=w.ref_id(c.step),
        outcome=c.disposition,
        duration_seconds=c.duration,
    )


def note_activity(raw: Mapping[str, Any]) -> Activity:
    n = parse(w.Note, raw, "note")
    about = n.associated_with
    on_person = n.associated_type == "person" or (
        n.associated_type is None and about is not None and "/people/" in (about.href or "")
    )
    return Activity(
        ref=_ref("note", n.id),
        raw=dict(raw),
        kind=ActivityKind.NOTE,
        vendor_kind="note",
        occurred_at=n.created_at,
        target_id=w.ref_id(about) if on_person else None,
        owner_id=w.ref_id(n.user),
        body=n.content,
    )


def email_activity(raw: Mapping[str, Any]) -> Activity:
    e = parse(w.Email, raw, "email")
    return Activity(
        ref=_ref("email", e.id),
        raw=dict(raw),
        kind=ActivityKind.EMAIL,
        vendor_kind="email",
        occurred_at=e.sent_at or e.send_after or e.created_at,
        target_id=w.ref_id(e.recipient),
        owner_id=w.ref_id(e.user),
        sequence_id=w.ref_id(e.cadence),
        step_id=w.ref_id(e.step),
        outcome=e.status,
    )


def _text(value: Any) -> str | None:
    return None if value is None or isinstance(value, dict | list) else str(value)


def _int(value: Any) -> int | None:
    try:
        return None if value is None else int(value)
    except (TypeError, ValueError):
        return None
