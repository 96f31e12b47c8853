"""Salesloft payload -> neutral record: pure functions, no I/O.

Every function takes the payload exactly as Salesloft sent it and keeps it
as ``raw``; each record is validated once, by the neutral model
(``_read_fields.read_record``). Vendor words engage has no member for become ``OTHER`` with the
word kept in the ``vendor_*`` field. The tables here are also what
``docs/vendors/salesloft.md`` shows, and a test holds the two together. The
other direction (neutral input or query -> request) is ``_write``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from engage import (
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

from . import _read_fields as f
from . import _wire as w

# The activity mappings live in _read_activity; _read is where callers find every mapping.
from ._read_activity import ACTIVITY_KINDS as ACTIVITY_KINDS
from ._read_activity import call_activity as call_activity
from ._read_activity import email_activity as email_activity
from ._read_activity import history_activity as history_activity
from ._read_activity import note_activity as note_activity
from ._read_fields import parse as parse
from ._settings import VENDOR

# Cadence actions share the neutral task id space with manual tasks, and the two
# Salesloft id spaces overlap, so an action's neutral id carries this prefix
# (the activity feed's own "{type}-{id}" convention).
ACTION_PREFIX = "action-"

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


def _lookup(table: Mapping[str, Any], value: str | None, default: Any) -> Any:
    return table.get(value.lower(), default) if value else default


# --- helpers ----------------------------------------------------------------------


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


def task_due(
    due_date: date | None, due_at: datetime | None, remind_at: datetime | None
) -> datetime | None:
    """A manual task's due moment: Salesloft's ``due_at``, else ``remind_at`` (where engage
    writes the time of day), whichever first falls on ``due_date``; else ``due_date`` at
    00:00 UTC. A time on another day belongs to an earlier date or to a snooze, never to
    the date the task is due."""
    if due_date is None:
        return due_at
    for moment in (due_at, remind_at):
        if _on_day(moment, due_date):
            return moment
    return datetime.combine(due_date, time(0), tzinfo=UTC)


def action_task_id(action_id: w.Id) -> str:
    return f"{ACTION_PREFIX}{action_id}"


# --- records ----------------------------------------------------------------------
# Each ``_x(d, raw)`` reads the fields from ``d`` and keeps ``raw`` as sent.


def _target(d: Mapping[str, Any], raw: dict[str, Any]) -> Target:
    phone = f.text(d.get("phone")) or f.text(d.get("mobile_phone")) or f.text(d.get("home_phone"))
    return f.validated(Target, {
        "ref": f.vendor_ref("person", f.ident(d.get("id"))),
        "raw": raw,
        "kind": TargetKind.PERSON,
        "email": d.get("email_address"),
        "first_name": d.get("first_name"),
        "last_name": d.get("last_name"),
        "title": d.get("title"),
        "company": d.get("person_company_name"),
        "phone": phone,
        "owner_id": f.ref(d.get("owner")),
        "account_id": f.ref(d.get("account")),
        "created_at": f.moment(d.get("created_at")),
        "updated_at": f.moment(d.get("updated_at")),
    })  # fmt: skip


def target(raw: Mapping[str, Any]) -> Target:
    return f.read_record(_target, w.Person, raw, "person")


def _sequence(d: Mapping[str, Any], raw: dict[str, Any]) -> Sequence:
    draft, archived = f.flag(d.get("draft")), f.moment(d.get("archived_at"))
    return f.validated(Sequence, {
        "ref": f.vendor_ref("cadence", f.ident(d.get("id"))),
        "raw": raw,
        "name": f.text(d.get("name")) or "",
        "active": None if draft is None else not draft and archived is None,
        "shared": f.flag(d.get("shared")),
        "owner_id": f.ref(d.get("owner")),
        "created_at": f.moment(d.get("created_at")),
        "updated_at": f.moment(d.get("updated_at")),
    })  # fmt: skip


def sequence(raw: Mapping[str, Any]) -> Sequence:
    return f.read_record(_sequence, w.Cadence, raw, "cadence")


def step(raw: Mapping[str, Any], position: int | None = None) -> Step:
    def build(d: Mapping[str, Any], kept: dict[str, Any]) -> Step:
        cadence_id = f.ref(d.get("cadence"))
        if cadence_id is None:
            raise MappingError("a step without its cadence", vendor=VENDOR, object_type="step")
        kind = f.text(d.get("type"))
        return f.validated(Step, {
            "ref": f.vendor_ref("step", f.ident(d.get("id"))),
            "raw": kept,
            "sequence_id": cadence_id,
            "position": position,
            "day": d.get("day"),
            "name": f.text(d.get("name")) or f.text(d.get("display_name")),
            "kind": f.kind_of(STEP_KINDS, kind, StepKind.OTHER),
            "vendor_kind": kind,
        })  # fmt: skip

    return f.read_record(build, w.Step, raw, "step")


def _enrollment(d: Mapping[str, Any], raw: dict[str, Any]) -> Enrollment:
    person_id, cadence_id = f.ref(d.get("person")), f.ref(d.get("cadence"))
    if person_id is None or cadence_id is None:
        raise MappingError(
            "a membership without its person or cadence",
            vendor=VENDOR,
            object_type="cadence_membership",
        )
    state = f.text(d.get("current_state"))
    return f.validated(Enrollment, {
        "ref": f.vendor_ref("cadence_membership", f.ident(d.get("id"))),
        "raw": raw,
        "target_id": person_id,
        "sequence_id": cadence_id,
        "state": f.kind_of(MEMBERSHIP_STATES, state, EnrollmentState.OTHER),
        "vendor_state": state,
        "owner_id": f.ref(d.get("user")),
        "created_at": f.moment(d.get("created_at")),
        "updated_at": f.moment(d.get("updated_at")),
    })  # fmt: skip


def enrollment(raw: Mapping[str, Any]) -> Enrollment:
    return f.read_record(_enrollment, w.Membership, raw, "cadence_membership")


def is_live(raw: Mapping[str, Any]) -> bool:
    """Whether a membership is current: Salesloft's ``currently_on_cadence`` when it says,
    else an on-cadence state."""
    m = parse(w.Membership, raw, "cadence_membership")
    if m.currently_on_cadence is not None:
        return m.currently_on_cadence
    return _lookup(MEMBERSHIP_STATES, m.current_state, None) is EnrollmentState.ACTIVE


def _task(d: Mapping[str, Any], raw: dict[str, Any]) -> Task:
    kind, state = f.text(d.get("task_type")), f.text(d.get("current_state"))
    due = task_due(
        f.day(d.get("due_date")), f.moment(d.get("due_at")), f.moment(d.get("remind_at"))
    )
    return f.validated(Task, {
        "ref": f.vendor_ref("task", f.ident(d.get("id"))),
        "raw": raw,
        "origin": TaskOrigin.MANUAL,
        "kind": f.kind_of(TASK_KINDS, kind, TaskKind.OTHER),
        "vendor_kind": kind,
        "status": f.kind_of(TASK_STATES, state, TaskStatus.OTHER),
        "vendor_status": state,
        "subject": d.get("subject"),
        "note": d.get("description"),
        "due_at": due,
        "owner_id": f.ref(d.get("user")),
        "target_id": f.ref(d.get("person")),
        "completed_at": f.moment(d.get("completed_at")),
        "created_at": f.moment(d.get("created_at")),
        "updated_at": f.moment(d.get("updated_at")),
    })  # fmt: skip


def task(raw: Mapping[str, Any]) -> Task:
    return f.read_record(_task, w.Task, raw, "task")


def _action_task(d: Mapping[str, Any], raw: dict[str, Any]) -> Task:
    kind, status = f.text(d.get("type")), f.text(d.get("status"))
    return f.validated(Task, {
        "ref": f.vendor_ref("action", action_task_id(f.ident(d.get("id")))),
        "raw": raw,
        "origin": TaskOrigin.SEQUENCE_STEP,
        "kind": f.kind_of(ACTION_KINDS, kind, TaskKind.OTHER),
        "vendor_kind": kind,
        "status": f.kind_of(ACTION_STATES, status, TaskStatus.OTHER),
        "vendor_status": status,
        "due_at": f.moment(d.get("due_on")),
        "owner_id": f.ref(d.get("user")),
        "target_id": f.ref(d.get("person")),
        "sequence_id": f.ref(d.get("cadence")),
        "step_id": f.ref(d.get("step")),
        "created_at": f.moment(d.get("created_at")),
        "updated_at": f.moment(d.get("updated_at")),
    })  # fmt: skip


def action_task(raw: Mapping[str, Any]) -> Task:
    return f.read_record(_action_task, w.Action, raw, "action")
