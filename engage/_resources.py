"""The resource namespaces of a tenant client: targets, sequences, enrollments, tasks, activities.

Each method validates its input (raising :class:`InputError` before any
request), checks the adapter declares the operation (raising
:class:`UnsupportedOperationError` otherwise) and runs it inside an operation
scope that labels errors and bounds the time spent.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Literal, TypeVar, Unpack, overload

from ._checks import (
    MAX_BATCH,
    _aware,
    _count,
    _cursor,
    _guarded,
    _id,
    _ids,
    _input,
    _names,
    _one,
    _optional_text,
    _resumed,
    _sequence_of,
    _text,
)
from ._dispatch import Dispatcher
from .adapter import Capability
from .errors import InputError
from .models import (
    MAX_LONG_TEXT,
    MAX_SHORT_TEXT,
    Activity,
    ActivityKind,
    ActivityKindName,
    BatchResult,
    CallFields,
    CallInput,
    Enrollment,
    EnrollmentFields,
    EnrollmentInput,
    EnrollmentState,
    EnrollmentStateName,
    NoteFields,
    NoteInput,
    Sequence,
    Step,
    Target,
    TargetFields,
    TargetInput,
    Task,
    TaskFields,
    TaskInput,
    TaskOrigin,
    TaskOriginName,
    TaskStatus,
    TaskStatusName,
    _check_email,
    _shown,
)
from .pagination import Pager
from .queries import ActivityQuery, EnrollmentQuery, SequenceQuery, TargetQuery, TaskQuery

T = TypeVar("T")


class _Resource:
    def __init__(self, dispatch: Dispatcher) -> None:
        self._dispatch = dispatch

    def _call(self, capability: Capability, fn: Callable[[], T]) -> T:
        return self._dispatch.run(capability, fn)

    def _list(
        self,
        capability: Capability,
        make: Callable[[], Pager[T]],
        cursor: object,
        limit: object,
    ) -> Pager[T]:
        start, count = _cursor(cursor), _count(limit)  # checked before the capability
        pager = self._call(capability, make)
        if start is not None:
            pager = _guarded(pager)
        pager = pager.with_scope(lambda: self._dispatch.scope(capability))
        if start is not None:
            pager = _resumed(pager, start)  # the pager checks the cursor here
        return pager if count is None else pager.limit(count)


class Targets(_Resource):
    def get(self, target_id: str) -> Target:
        tid = _id(target_id, "target_id")
        return self._call(Capability.TARGETS_GET, lambda: self._dispatch.adapter.get_target(tid))

    def list(
        self,
        *,
        updated_since: datetime | None = None,
        owner_id: str | None = None,
        ids: Iterable[str] = (),
        page_size: int | None = None,
        cursor: str | None = None,
        limit: int | None = None,
    ) -> Pager[Target]:
        query = TargetQuery(
            updated_since=updated_since,
            owner_id=owner_id,
            ids=_ids(ids, "ids"),
            page_size=page_size,
        )
        return self._list(
            Capability.TARGETS_LIST,
            lambda: self._dispatch.adapter.list_targets(query),
            cursor,
            limit,
        )

    def find_by_email(self, email: str) -> Target | None:
        if not isinstance(email, str):
            raise InputError(f"email must be a string, got {_shown(email)}")
        try:
            address = _check_email(email) or ""
        except ValueError as exc:
            raise InputError(f"email: {exc}") from None
        return self._call(
            Capability.TARGETS_FIND_BY_EMAIL,
            lambda: self._dispatch.adapter.find_target_by_email(address),
        )

    @overload
    def create(self, data: TargetInput | Mapping[str, object]) -> Target: ...
    @overload
    def create(self, **fields: Unpack[TargetFields]) -> Target: ...
    def create(
        self, data: TargetInput | Mapping[str, object] | None = None, **fields: object
    ) -> Target:
        payload = _input(TargetInput, data, fields)
        return self._call(
            Capability.TARGETS_CREATE, lambda: self._dispatch.adapter.create_target(payload)
        )

    @overload
    def upsert(self, data: TargetInput | Mapping[str, object]) -> Target: ...
    @overload
    def upsert(self, **fields: Unpack[TargetFields]) -> Target: ...
    def upsert(
        self, data: TargetInput | Mapping[str, object] | None = None, **fields: object
    ) -> Target:
        """Create the target, or update the one with the same e-mail address."""
        payload = _input(TargetInput, data, fields)
        return self._call(
            Capability.TARGETS_UPSERT, lambda: self._dispatch.adapter.upsert_target(payload)
        )


class Sequences(_Resource):
    def get(self, sequence_id: str) -> Sequence:
        sid = _id(sequence_id, "sequence_id")
        return self._call(
            Capability.SEQUENCES_GET, lambda: self._dispatch.adapter.get_sequence(sid)
        )

    def list(
        self,
        *,
        updated_since: datetime | None = None,
        owner_id: str | None = None,
        active: bool | None = None,
        page_size: int | None = None,
        cursor: str | None = None,
        limit: int | None = None,
    ) -> Pager[Sequence]:
        query = SequenceQuery(
            updated_since=updated_since, owner_id=owner_id, active=active, page_size=page_size
        )
        return self._list(
            Capability.SEQUENCES_LIST,
            lambda: self._dispatch.adapter.list_sequences(query),
            cursor,
            limit,
        )

    def steps(self, sequence_id: str) -> Pager[Step]:
        sid = _id(sequence_id, "sequence_id")
        return self._list(
            Capability.SEQUENCES_STEPS, lambda: self._dispatch.adapter.list_steps(sid), None, None
        )


class Enrollments(_Resource):
    @overload
    def enroll(self, data: EnrollmentInput | Mapping[str, object]) -> Enrollment: ...
    @overload
    def enroll(self, **fields: Unpack[EnrollmentFields]) -> Enrollment: ...
    def enroll(
        self,
        data: EnrollmentInput | Mapping[str, object] | None = None,
        **fields: object,
    ) -> Enrollment:
        """Put a target in a sequence; enrolling twice returns the existing enrollment."""
        payload = _input(EnrollmentInput, data, fields)
        return self._call(
            Capability.ENROLLMENTS_ENROLL, lambda: self._dispatch.adapter.enroll(payload)
        )

    def enroll_many(
        self, items: Iterable[EnrollmentInput | Mapping[str, object]]
    ) -> BatchResult[Enrollment]:
        """Enroll many targets; the result has one outcome per item, in order.

        Every item is checked before the first is sent: one bad item refuses the batch.
        """
        given = _sequence_of(items, "items", "EnrollmentInput or mappings", MAX_BATCH)
        payload = [
            _one(EnrollmentInput, item, f"items[{index}]") for index, item in enumerate(given)
        ]
        return self._dispatch.run_batch(
            Capability.ENROLLMENTS_ENROLL_MANY, lambda: self._dispatch.adapter.enroll_many(payload)
        )

    def get(self, enrollment_id: str) -> Enrollment:
        eid = _id(enrollment_id, "enrollment_id")
        return self._call(
            Capability.ENROLLMENTS_GET, lambda: self._dispatch.adapter.get_enrollment(eid)
        )

    def list(
        self,
        *,
        target_id: str | None = None,
        sequence_id: str | None = None,
        owner_id: str | None = None,
        state: EnrollmentState | EnrollmentStateName | None = None,
        updated_since: datetime | None = None,
        page_size: int | None = None,
        cursor: str | None = None,
        limit: int | None = None,
    ) -> Pager[Enrollment]:
        query = EnrollmentQuery(
            target_id=target_id,
            sequence_id=sequence_id,
            owner_id=owner_id,
            state=state,
            updated_since=updated_since,
            page_size=page_size,
        )
        return self._list(
            Capability.ENROLLMENTS_LIST,
            lambda: self._dispatch.adapter.list_enrollments(query),
            cursor,
            limit,
        )

    def remove(self, enrollment_id: str) -> Enrollment:
        eid = _id(enrollment_id, "enrollment_id")
        return self._call(
            Capability.ENROLLMENTS_REMOVE, lambda: self._dispatch.adapter.remove_enrollment(eid)
        )

    def pause(self, enrollment_id: str) -> Enrollment:
        eid = _id(enrollment_id, "enrollment_id")
        return self._call(
            Capability.ENROLLMENTS_PAUSE, lambda: self._dispatch.adapter.pause_enrollment(eid)
        )

    def resume(self, enrollment_id: str) -> Enrollment:
        eid = _id(enrollment_id, "enrollment_id")
        return self._call(
            Capability.ENROLLMENTS_RESUME, lambda: self._dispatch.adapter.resume_enrollment(eid)
        )

    def reassign(self, enrollment_id: str, *, owner_id: str) -> Enrollment:
        eid, oid = _id(enrollment_id, "enrollment_id"), _id(owner_id, "owner_id")
        return self._call(
            Capability.ENROLLMENTS_REASSIGN,
            lambda: self._dispatch.adapter.reassign_enrollment(eid, oid),
        )

    def set_outcome(self, enrollment_id: str, *, outcome: str) -> Enrollment:
        """Record how the enrollment ended; the vendor's own outcome names (its adapter
        checks them: Salesforce's completion dispositions, for one)."""
        eid = _id(enrollment_id, "enrollment_id")
        value = _text(outcome, "outcome", MAX_SHORT_TEXT, blank=False).strip()
        return self._call(
            Capability.ENROLLMENTS_SET_OUTCOME,
            lambda: self._dispatch.adapter.set_enrollment_outcome(eid, value),
        )


class Tasks(_Resource):
    def get(self, task_id: str) -> Task:
        tid = _id(task_id, "task_id")
        return self._call(Capability.TASKS_GET, lambda: self._dispatch.adapter.get_task(tid))

    def list(
        self,
        *,
        target_id: str | None = None,
        sequence_id: str | None = None,
        owner_id: str | None = None,
        status: TaskStatus | TaskStatusName | None = None,
        origin: TaskOrigin | TaskOriginName | None = None,
        due_after: datetime | None = None,
        due_before: datetime | None = None,
        updated_since: datetime | None = None,
        expand: Iterable[Literal["target", "sequence", "step"]] = (),
        page_size: int | None = None,
        cursor: str | None = None,
        limit: int | None = None,
    ) -> Pager[Task]:
        """Tasks matching the filters; ``expand=("target", "sequence", "step")``
        fills those records in, at one request per page rather than per task."""
        query = TaskQuery(
            target_id=target_id,
            sequence_id=sequence_id,
            owner_id=owner_id,
            status=status,
            origin=origin,
            due_after=due_after,
            due_before=due_before,
            updated_since=updated_since,
            expand=_names(expand, "expand"),
            page_size=page_size,
        )
        return self._list(
            Capability.TASKS_LIST, lambda: self._dispatch.adapter.list_tasks(query), cursor, limit
        )

    @overload
    def create(self, data: TaskInput | Mapping[str, object]) -> Task: ...
    @overload
    def create(self, **fields: Unpack[TaskFields]) -> Task: ...
    def create(
        self, data: TaskInput | Mapping[str, object] | None = None, **fields: object
    ) -> Task:
        payload = _input(TaskInput, data, fields)
        return self._call(
            Capability.TASKS_CREATE, lambda: self._dispatch.adapter.create_task(payload)
        )

    def complete(self, task_id: str, *, note: str | None = None) -> Task:
        tid = _id(task_id, "task_id")
        text = _optional_text(note, "note", MAX_LONG_TEXT)
        return self._call(
            Capability.TASKS_COMPLETE, lambda: self._dispatch.adapter.complete_task(tid, text)
        )

    def complete_many(self, task_ids: Iterable[str]) -> BatchResult[Task]:
        """Complete many tasks; every id is checked before the first is sent."""
        ids = list(_ids(task_ids, "task_ids"))
        return self._dispatch.run_batch(
            Capability.TASKS_COMPLETE_MANY, lambda: self._dispatch.adapter.complete_tasks(ids)
        )

    def skip(self, task_id: str, *, reason: str | None = None) -> Task:
        tid = _id(task_id, "task_id")
        text = _optional_text(reason, "reason", MAX_LONG_TEXT)
        return self._call(
            Capability.TASKS_SKIP, lambda: self._dispatch.adapter.skip_task(tid, text)
        )

    def snooze(self, task_id: str, *, until: datetime) -> Task:
        tid, when = _id(task_id, "task_id"), _aware(until, "until")
        return self._call(
            Capability.TASKS_SNOOZE, lambda: self._dispatch.adapter.snooze_task(tid, when)
        )

    def reschedule(self, task_id: str, *, due_at: datetime) -> Task:
        tid, when = _id(task_id, "task_id"), _aware(due_at, "due_at")
        return self._call(
            Capability.TASKS_RESCHEDULE, lambda: self._dispatch.adapter.reschedule_task(tid, when)
        )

    def reassign(self, task_id: str, *, owner_id: str) -> Task:
        tid, oid = _id(task_id, "task_id"), _id(owner_id, "owner_id")
        return self._call(
            Capability.TASKS_REASSIGN, lambda: self._dispatch.adapter.reassign_task(tid, oid)
        )

    def update_note(self, task_id: str, *, note: str) -> Task:
        tid = _id(task_id, "task_id")
        text = _text(note, "note", MAX_LONG_TEXT)
        return self._call(
            Capability.TASKS_UPDATE_NOTE, lambda: self._dispatch.adapter.update_task_note(tid, text)
        )

    def advance(self, task_id: str) -> Task:
        """Complete a sequence-step task and move its enrollment to the next step."""
        tid = _id(task_id, "task_id")
        return self._call(
            Capability.TASKS_ADVANCE, lambda: self._dispatch.adapter.advance_task(tid)
        )


class Activities(_Resource):
    def list(
        self,
        *,
        target_id: str | None = None,
        owner_id: str | None = None,
        kinds: Iterable[ActivityKind | ActivityKindName] = (),
        since: datetime | None = None,
        until: datetime | None = None,
        page_size: int | None = None,
        cursor: str | None = None,
        limit: int | None = None,
    ) -> Pager[Activity]:
        query = ActivityQuery(
            target_id=target_id,
            owner_id=owner_id,
            kinds=_names(kinds, "kinds"),
            since=since,
            until=until,
            page_size=page_size,
        )
        return self._list(
            Capability.ACTIVITIES_LIST,
            lambda: self._dispatch.adapter.list_activities(query),
            cursor,
            limit,
        )

    @overload
    def log_call(self, data: CallInput | Mapping[str, object]) -> Activity: ...
    @overload
    def log_call(self, **fields: Unpack[CallFields]) -> Activity: ...
    def log_call(
        self, data: CallInput | Mapping[str, object] | None = None, **fields: object
    ) -> Activity:
        payload = _input(CallInput, data, fields)
        return self._call(
            Capability.ACTIVITIES_LOG_CALL, lambda: self._dispatch.adapter.log_call(payload)
        )

    @overload
    def log_note(self, data: NoteInput | Mapping[str, object]) -> Activity: ...
    @overload
    def log_note(self, **fields: Unpack[NoteFields]) -> Activity: ...
    def log_note(
        self, data: NoteInput | Mapping[str, object] | None = None, **fields: object
    ) -> Activity:
        payload = _input(NoteInput, data, fields)
        return self._call(
            Capability.ACTIVITIES_LOG_NOTE, lambda: self._dispatch.adapter.log_note(payload)
        )
