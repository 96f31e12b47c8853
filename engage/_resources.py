"""The resource namespaces of a tenant client: targets, sequences, enrollments, tasks, activities.

Each method validates its input (raising :class:`InputError` before any
request), checks the adapter declares the operation (raising
:class:`UnsupportedOperationError` otherwise) and runs it inside an operation
scope that labels errors and bounds the time spent.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from itertools import islice
from typing import Any, Literal, TypeVar, Unpack

from pydantic_core import PydanticCustomError

from ._dispatch import Dispatcher
from .adapter import Capability
from .errors import EngageError, InputError
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
    _check_id,
    _moment,
    _shown,
)
from .pagination import Page, Pager
from .queries import ActivityQuery, EnrollmentQuery, SequenceQuery, TargetQuery, TaskQuery

T = TypeVar("T")
InputT = TypeVar("InputT", TargetInput, EnrollmentInput, TaskInput, CallInput, NoteInput)

MAX_BATCH = 10_000
"""At most this many items in one ``enroll_many`` / ``complete_many``."""
MAX_CURSOR_LENGTH = 65_535
# What an adapter trips over when handed the cursor of another list (a missing
# key, a value of the wrong type): reported as the caller's bad cursor.
_CURSOR_TROUBLE = (KeyError, IndexError, TypeError, ValueError, AttributeError)


def _id(value: object, what: str = "id") -> str:
    """A non-blank id string; an int is taken as its decimal digits (unambiguous)."""
    if isinstance(value, int) and not isinstance(value, bool):
        try:
            value = str(value)
        except ValueError:  # more digits than Python will print
            raise InputError(f"{what} is an int far too large to be an id") from None
    if not isinstance(value, str):
        raise InputError(f"{what} must be a non-empty string, got {_shown(value)}")
    if value != value.strip():
        # Never silently trimmed: " 1" from a product's form is a bug worth seeing.
        raise InputError(f"{what} {_shown(value)} has leading or trailing whitespace")
    try:
        return _check_id(value)
    except ValueError as exc:
        raise InputError(f"{what} {_shown(value)}: {exc}") from None


def _sequence_of(value: object, what: str, kind: str, cap: int) -> list[Any]:
    """The items of a list argument: refuses None, one string, a mapping, a non-iterable."""
    if value is None:
        raise InputError(f"{what} must be a list of {kind}, not None")
    if isinstance(value, str | bytes):
        raise InputError(f"{what} must be a list of {kind}, not one string: {_shown(value)}")
    if isinstance(value, Mapping):
        raise InputError(f"{what} must be a list of {kind}, not a mapping")
    if not isinstance(value, Iterable):
        raise InputError(f"{what} must be a list of {kind}, got {_shown(value)}")
    items = list(islice(iter(value), cap + 1))
    if len(items) > cap:
        raise InputError(f"{what} has more than {cap} items")
    return items


def _ids(value: object, what: str, cap: int = MAX_BATCH) -> tuple[str, ...]:
    items = _sequence_of(value, what, "ids", cap)
    found: list[str] = []
    for index, item in enumerate(items):
        if not isinstance(item, str):
            raise InputError(f"{what}[{index}] must be a string id, got {_shown(item)}")
        found.append(_id(item, f"{what}[{index}]"))
    return tuple(found)


def _names(value: object, what: str) -> tuple[Any, ...]:
    """A list of enum names (checked by the query model), never one bare string."""
    return tuple(_sequence_of(value, what, "names", 100))


def _text(value: object, what: str, limit: int, *, blank: bool = True) -> str:
    if not isinstance(value, str):
        raise InputError(f"{what} must be a string, got {_shown(value)}")
    if len(value) > limit:
        raise InputError(f"{what} must have at most {limit} characters, got {len(value)}")
    if not blank and not value.strip():
        raise InputError(f"{what} must not be blank")
    return value


def _optional_text(value: object, what: str, limit: int) -> str | None:
    return None if value is None else _text(value, what, limit)


def _aware(value: object, what: str) -> datetime:
    try:
        return _moment(value)
    except PydanticCustomError as exc:
        raise InputError(f"{what} {exc.message()}") from None


def _count(limit: object) -> int | None:
    if limit is None:
        return None
    if not isinstance(limit, int) or isinstance(limit, bool):
        raise InputError(f"limit must be a whole number, got {_shown(limit)}")
    if limit < 1:
        raise InputError(f"limit must be at least 1, got {limit}")
    return limit


def _cursor(cursor: object) -> str | None:
    if cursor is None:
        return None
    if not isinstance(cursor, str):
        raise InputError(f"cursor must be a string (a pager's .cursor), got {_shown(cursor)}")
    if not cursor.strip():
        raise InputError("cursor must not be blank: pass None to start at the first page")
    if len(cursor) > MAX_CURSOR_LENGTH:
        raise InputError(f"not a cursor engage issued: longer than {MAX_CURSOR_LENGTH} characters")
    _resumed(Pager(_never_fetched), cursor)  # the pager checks its cursor's format
    return cursor


def _never_fetched(cursor: str | None) -> Page[Any]:
    raise AssertionError("a pager built only to check a cursor was read")


def _bad_cursor(exc: BaseException) -> InputError:
    return InputError(
        f"not a cursor of this list: the list could not read it ({type(exc).__name__}); "
        "resume a list only with a cursor it gave"
    )


def _guarded(pager: Pager[T]) -> Pager[T]:
    """``pager`` whose fetch at a page cursor it did not hand out itself (the page of a
    caller's cursor) turns an adapter's ``KeyError``, ``TypeError``, ... into InputError.

    The pager checks its own cursors (format, checksum, which list gave them); this
    catches what is left: an adapter tripping over a page state it cannot use. Pages
    reached by following the list's own next cursors are not guarded, nor is the first
    page of a list read from the start: an adapter's bug there is not the caller's input.
    """
    handed_out: list[str | None] = [None]

    def fetch(at: str | None) -> Page[T]:
        if at is None or at == handed_out[0]:
            page = pager.fetch_page(at)
        else:
            try:
                page = pager.fetch_page(at)
            except EngageError:
                raise
            except _CURSOR_TROUBLE as exc:
                raise _bad_cursor(exc) from exc
        handed_out[0] = page.next_cursor
        return page

    return Pager(fetch)


def _resumed(pager: Pager[T], cursor: str) -> Pager[T]:
    try:
        return pager.resume(cursor)
    except EngageError:
        raise
    except _CURSOR_TROUBLE as exc:
        raise _bad_cursor(exc) from exc


def _input(model: type[InputT], data: object, fields: Mapping[str, Any]) -> InputT:
    """The input from ``data`` (a model or a mapping) or else from keyword ``fields``."""
    if data is None:
        return model(**fields)
    if fields:
        raise InputError(f"pass either a {model.__name__} or keyword fields, not both")
    return _one(model, data, "data")


def _one(model: type[InputT], data: object, what: str) -> InputT:
    if isinstance(data, model):
        return model.coerce(data)
    if isinstance(data, Mapping):
        if not all(isinstance(key, str) for key in data):
            raise InputError(f"{what} must have string keys (field names)")
        return model.coerce(dict(data))
    article = "an" if model.__name__[0] in "AEIOU" else "a"
    raise InputError(f"{what} must be {article} {model.__name__} or a mapping, got {_shown(data)}")


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

    def create(
        self, /, data: TargetInput | Mapping[str, Any] | None = None, **fields: Unpack[TargetFields]
    ) -> Target:
        payload = _input(TargetInput, data, fields)
        return self._call(
            Capability.TARGETS_CREATE, lambda: self._dispatch.adapter.create_target(payload)
        )

    def upsert(
        self, /, data: TargetInput | Mapping[str, Any] | None = None, **fields: Unpack[TargetFields]
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
    def enroll(
        self,
        /,
        data: EnrollmentInput | Mapping[str, Any] | None = None,
        **fields: Unpack[EnrollmentFields],
    ) -> Enrollment:
        """Put a target in a sequence; enrolling twice returns the existing enrollment."""
        payload = _input(EnrollmentInput, data, fields)
        return self._call(
            Capability.ENROLLMENTS_ENROLL, lambda: self._dispatch.adapter.enroll(payload)
        )

    def enroll_many(
        self, items: Iterable[EnrollmentInput | Mapping[str, Any]]
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

    def create(
        self, /, data: TaskInput | Mapping[str, Any] | None = None, **fields: Unpack[TaskFields]
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

    def log_call(
        self, /, data: CallInput | Mapping[str, Any] | None = None, **fields: Unpack[CallFields]
    ) -> Activity:
        payload = _input(CallInput, data, fields)
        return self._call(
            Capability.ACTIVITIES_LOG_CALL, lambda: self._dispatch.adapter.log_call(payload)
        )

    def log_note(
        self, /, data: NoteInput | Mapping[str, Any] | None = None, **fields: Unpack[NoteFields]
    ) -> Activity:
        payload = _input(NoteInput, data, fields)
        return self._call(
            Capability.ACTIVITIES_LOG_NOTE, lambda: self._dispatch.adapter.log_note(payload)
        )
