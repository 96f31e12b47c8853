"""Tasks and activities: Task sObjects (manual) and cadence step trackers (sequence steps).

Composed into the adapter (``SalesforceAdapter.tasks``), which delegates the
task and activity operations here.

A Task id starts with 00T and a step tracker id with 8HF, so each operation
knows by the id which object it is about before sending anything. Step
trackers are read-only; they move only through ``sendSalesCadenceEvent``
(manual completions through ``_ops_events``, which settles the spelling).

Task queries name only the Task fields the org's describe has (``_ops_describe``):
the call fields exist only with CRM Call Center, and an org without them
answers INVALID_FIELD to a query that names them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from engage import (
    Activity,
    ActivityKind,
    ActivityQuery,
    BatchResult,
    CallInput,
    InputError,
    ItemResult,
    NoteInput,
    NotFoundError,
    Task,
    TaskInput,
    TaskOrigin,
    TaskQuery,
    TaskStatus,
)
from engage.pagination import Page, Pager, merge_sorted
from engage.transport import shown_value, write_once

from . import _protocol_soql as soql
from . import _read as read
from . import _wire as wire
from . import _write as write
from ._api import SalesforceSession
from ._ops_actions import ActionRunner
from ._ops_describe import OrgSchema
from ._ops_events import CompletionEvents
from ._ops_reads import Phase, Reader

_EPOCH = datetime.min.replace(tzinfo=UTC)
RunBatch = Callable[[Callable[[str], Task], Sequence[str]], BatchResult[Task]]
_EXPAND_TASK = {"target": soql.relationship("Who", soql.NAME_FIELDS)}
_EXPAND_STEP = {
    "target": soql.relationship("Target", soql.NAME_FIELDS),
    "sequence": soql.relationship("ActionCadence", soql.CADENCE_FIELDS),
    "step": soql.relationship("ActionCadenceStep", soql.STEP_FIELDS),
}
_STEP_STATUS = {
    TaskStatus.OPEN: "State IN ('Active', 'Scheduled', 'Paused')",
    TaskStatus.COMPLETED: "State = 'Completed' AND CompletionReason != 'ManuallySkipped'",
    TaskStatus.SKIPPED: "State = 'Completed' AND CompletionReason = 'ManuallySkipped'",
    TaskStatus.OTHER: "State NOT IN ('Active', 'Scheduled', 'Paused', 'Completed')",
}
_TASK_STATUS = {TaskStatus.OPEN: "IsClosed = false", TaskStatus.COMPLETED: "IsClosed = true"}


def _kind_of(task_id: str) -> str:
    sobject = read.sobject_of(write.vendor_id(task_id, "task_id"))
    if sobject not in ("Task", "ActionCadenceStepTracker"):
        raise InputError(
            f"task_id {shown_value(task_id)} is not a Task (00T...) or cadence step (8HF...) id"
        )
    return sobject


def _manual_only(task_id: str, what: str, instead: str) -> None:
    if _kind_of(task_id) != "Task":
        raise InputError(f"a cadence step's {what} is set by its cadence; {instead}")


# How far Salesforce's clock may be behind ours when a created record is looked for.
CLOCK_SKEW = timedelta(minutes=5)


class Tasks:
    """The task and activity operations, on the adapter's session, reader and action runner.

    ``run_batch`` is the adapter's (``engage.Adapter.run_batch``): manual Tasks
    in ``complete_tasks`` are completed one by one through it.
    """

    def __init__(
        self,
        session: SalesforceSession,
        reader: Reader,
        actions: ActionRunner,
        run_batch: RunBatch,
        schema: OrgSchema,
    ) -> None:
        self.session = session
        self.reader = reader
        self.actions = actions
        self.run_batch = run_batch
        self.schema = schema
        self.events = CompletionEvents(actions)

    # --- reads -------------------------------------------------------------------
    def _task_fields(self) -> tuple[str, ...]:
        """``TASK_FIELDS`` the org's Task has (Id always)."""
        return ("Id", *self.schema.present("Task", soql.TASK_FIELDS[1:]))

    def _task_select(self, expand: Sequence[str] = ()) -> soql.Select:
        fields = list(self._task_fields())
        for name in expand:
            fields.extend(_EXPAND_TASK.get(name, ()))
        return soql.Select("Task", fields)

    def _step_select(self, expand: Sequence[str] = ()) -> soql.Select:
        fields = list(soql.STEP_TRACKER_FIELDS)
        for name in expand:
            fields.extend(_EXPAND_STEP[name])
        return soql.Select("ActionCadenceStepTracker", fields)

    def get_task(self, task_id: str) -> Task:
        if _kind_of(task_id) == "Task":
            select = self._task_select().and_where(f"Id = {soql.sf_id(task_id)}")
            return self.reader.one(select, read.PARSE_TASK, "task")
        select = self._step_select().and_where(f"Id = {soql.sf_id(task_id)}")
        return self.reader.one(select, read.PARSE_STEP_TASK, "cadence step tracker")

    def list_tasks(self, query: TaskQuery) -> Pager[Task]:
        """Manual Tasks, then cadence step trackers; one query per page, expansions included."""
        write.check_ids(query)
        phases: list[Phase[Task]] = []
        if self._wants_manual(query):
            phases.append(Phase(str(self._manual_query(query)), read.PARSE_TASK))
        if query.origin in (None, TaskOrigin.SEQUENCE_STEP):
            phases.append(Phase(str(self._step_query(query)), read.PARSE_STEP_TASK))
        if not phases:
            raise InputError(f"Salesforce has no tasks of origin {query.origin}")
        return self.reader.pager(phases, query.page_size)

    @staticmethod
    def _wants_manual(query: TaskQuery) -> bool:
        # Manual Tasks belong to no cadence and are never skipped.
        return (
            query.origin in (None, TaskOrigin.MANUAL)
            and not query.sequence_id
            and (query.status is None or query.status in _TASK_STATUS)
        )

    def _manual_query(self, query: TaskQuery) -> soql.Select:
        select = self._task_select(query.expand)
        # Tasks a cadence step wrote are records of that step: listed as activities.
        if self.schema.filterable("Task", "ActionCadenceStepTrackerId"):
            select.and_where("ActionCadenceStepTrackerId = null")
        if query.target_id:
            select.and_where(f"WhoId = {soql.sf_id(query.target_id, 'target_id')}")
        if query.owner_id:
            select.and_where(f"OwnerId = {soql.sf_id(query.owner_id, 'owner_id')}")
        if query.status is not None:
            select.and_where(_TASK_STATUS[query.status])
        if query.due_after:
            select.and_where(f"ActivityDate >= {soql.date_literal(query.due_after)}")
        if query.due_before:
            select.and_where(f"ActivityDate <= {soql.date_literal(query.due_before)}")
        select.order = "Id"
        if query.updated_since:
            select.and_where(f"SystemModstamp >= {soql.datetime_literal(query.updated_since)}")
            select.order = "SystemModstamp, Id"
        return select

    def _step_query(self, query: TaskQuery) -> soql.Select:
        select = self._step_select(query.expand)
        select.and_where(f"StepType IN {soql.strings(soql.TASK_STEP_TYPES)}")
        if query.target_id:
            select.and_where(f"TargetId = {soql.sf_id(query.target_id, 'target_id')}")
        if query.sequence_id:
            select.and_where(f"ActionCadenceId = {soql.sf_id(query.sequence_id, 'sequence_id')}")
        if query.owner_id:
            owner = soql.sf_id(query.owner_id, "owner_id")
            select.and_where(f"ActionCadenceTracker.OwnerId = {owner}")
        if query.status is not None:
            select.and_where(_STEP_STATUS[query.status])
        if query.due_after:
            select.and_where(f"DueDateTime >= {soql.datetime_literal(query.due_after)}")
        if query.due_before:
            select.and_where(f"DueDateTime <= {soql.datetime_literal(query.due_before)}")
        select.order = "Id"
        if query.updated_since:
            select.and_where(f"SystemModstamp >= {soql.datetime_literal(query.updated_since)}")
            select.order = "SystemModstamp, Id"
        return select

    # --- writes ------------------------------------------------------------------
    def _update(self, task_id: str, fields: dict[str, Any]) -> Task:
        self.session.send("PATCH", f"sobjects/Task/{task_id}", json=fields, idempotent=True)
        return self.get_task(task_id)

    def _event(self, task_id: str, event: str) -> Task:
        self.actions.one(write.SEND_EVENT, write.event_input(task_id, event))
        return self.get_task(task_id)

    def _complete_step(self, task_id: str) -> Task:
        outcome = self.events.complete([task_id])[0]
        if outcome.error is not None:
            raise outcome.error
        return self.get_task(task_id)

    def create_task(self, data: TaskInput) -> Task:
        write.check_ids(data)
        body = write.task_fields(data)
        task_id = self.create_once(
            "Task", body, ("WhoId", "Subject", "TaskSubtype"), ("Description", data.note)
        )
        return self.get_task(task_id)

    def create_once(
        self,
        sobject: str,
        body: dict[str, Any],
        keys: tuple[str, ...],
        text: tuple[str, str | None] | None = None,
    ) -> str:
        """POST a new record, at most once: Salesforce has no idempotency key, so after
        an ambiguous failure the record is looked for by ``keys`` (and ``text``)
        among those created since the first try (``engage.transport.write_once``)."""
        http = self.session.http
        since = http.retry.now() - CLOCK_SKEW

        def write_it() -> str:
            created = self.session.send("POST", f"sobjects/{sobject}", json=body, idempotent=False)
            return wire.created_id(http.read_json(created), sobject)

        def lookup() -> str | None:
            equal = {key: body.get(key) for key in keys}
            return self.reader.created_since(sobject, equal, since, text)

        return write_once(http, write_it, lookup)

    def complete_task(self, task_id: str, note: str | None = None) -> Task:
        if _kind_of(task_id) == "Task":
            fields: dict[str, Any] = {"Status": "Completed"}
            if note is not None:
                fields["Description"] = note
            return self._update(task_id, fields)
        if note is not None:
            raise InputError("a cadence step takes no note; log one with activities.log_note")
        return self._complete_step(task_id)

    def complete_tasks(self, task_ids: Sequence[str]) -> BatchResult[Task]:
        """Cadence steps in one ``sendSalesCadenceEvent`` call per 200; Tasks one PATCH each."""
        results: dict[int, ItemResult[Task]] = {}
        steps: list[tuple[int, str]] = []
        manual: list[tuple[int, str]] = []
        for index, task_id in enumerate(task_ids):
            try:
                kind = _kind_of(task_id)
            except InputError as exc:
                results[index] = ItemResult(index, error=exc)
                continue
            (manual if kind == "Task" else steps).append((index, task_id))
        if steps:
            outcomes = self.events.complete([tid for _, tid in steps])
            done = [tid for (_, tid), o in zip(steps, outcomes, strict=True) if o.ok]
            rows = self._steps_by_id(done)
            for (index, tid), outcome in zip(steps, outcomes, strict=True):
                if outcome.error is not None:
                    results[index] = ItemResult(index, error=outcome.error)
                elif tid[:15] in rows:
                    results[index] = ItemResult(index, value=rows[tid[:15]])
                else:
                    results[index] = ItemResult(index, error=_gone(self, tid))
        if manual:
            batch = self.run_batch(self.complete_task, [tid for _, tid in manual])
            for (index, _), item in zip(manual, batch.items, strict=True):
                results[index] = ItemResult(index, value=item.value, error=item.error)
        return BatchResult(tuple(results[i] for i in range(len(task_ids))))

    def _steps_by_id(self, ids: Sequence[str]) -> dict[str, Task]:
        found: dict[str, Task] = {}
        for start in range(0, len(ids), 200):
            select = self._step_select().and_where(
                f"Id IN {soql.id_list(ids[start : start + 200])}"
            )
            for row in self.reader.rows(select):
                task = read.PARSE_STEP_TASK(row)
                found[task.id[:15]] = task
        return found

    def skip_task(self, task_id: str, reason: str | None = None) -> Task:
        if _kind_of(task_id) == "Task":
            raise InputError(
                "Salesforce cannot skip a manual Task; complete it, or delete it through raw"
            )
        return self._event(task_id, write.SKIP)

    def advance_task(self, task_id: str) -> Task:
        if _kind_of(task_id) == "Task":
            raise InputError("a manual Task is in no cadence; complete it instead")
        return self._complete_step(task_id)

    def snooze_task(self, task_id: str, until: datetime) -> Task:
        _manual_only(task_id, "due date", "pause the enrollment instead")
        return self._update(task_id, {"ActivityDate": soql.date_literal(until)})

    def reschedule_task(self, task_id: str, due_at: datetime) -> Task:
        _manual_only(task_id, "due date", "pause the enrollment instead")
        return self._update(task_id, {"ActivityDate": soql.date_literal(due_at)})

    def reassign_task(self, task_id: str, owner_id: str) -> Task:
        _manual_only(task_id, "assignee", "use enrollments.reassign")
        owner_id = write.vendor_id(owner_id, "owner_id")
        return self._update(task_id, {"OwnerId": owner_id})

    def update_task_note(self, task_id: str, note: str) -> Task:
        _manual_only(task_id, "note", "log one with activities.log_note")
        return self._update(task_id, {"Description": note})

    # --- activities --------------------------------------------------------------
    def list_activities(self, query: ActivityQuery) -> Pager[Activity]:
        """Closed Tasks and Notes merged into one timeline, oldest first.

        Each is read by its own SOQL query sorted by its moment (CompletedDateTime,
        CreatedDate); the two lazily paged streams are merged by ``occurred_at``.
        A closed Task without a completion time sorts by its creation instead.
        """
        write.check_ids(query)
        kinds = set(query.kinds)
        unknown = kinds - set(read.ACTIVITY_SUBTYPES) - {ActivityKind.NOTE}
        if unknown:
            names = ", ".join(sorted(k.value for k in unknown))
            raise InputError(f"Salesforce activities (Tasks, Notes) have no kind {names}")
        streams: dict[str, Callable[[str | None], Page[Activity]]] = {}
        task_kinds = [k for k in kinds if k in read.ACTIVITY_SUBTYPES]
        if not kinds or task_kinds:
            select = soql.Select("Task", self._task_fields(), ["IsClosed = true"])
            if task_kinds:
                subtypes = [s for k in task_kinds for s in read.ACTIVITY_SUBTYPES[k]]
                select.and_where(f"TaskSubtype IN {soql.strings(subtypes)}")
            self._window(select, query, "WhoId", "CompletedDateTime")
            tasks = [Phase(str(select), read.PARSE_TASK_ACTIVITY)]
            streams["tasks"] = self.reader.pager(tasks, query.page_size).fetch_page
        if not kinds or ActivityKind.NOTE in kinds:
            select = soql.Select("Note", soql.NOTE_FIELDS)
            self._window(select, query, "ParentId", "CreatedDate")
            notes = [Phase(str(select), read.PARSE_NOTE)]
            streams["notes"] = self.reader.pager(notes, query.page_size).fetch_page
        return merge_sorted(
            streams, key=lambda a: a.occurred_at or _EPOCH, page_size=query.page_size or 200
        )

    @staticmethod
    def _window(select: soql.Select, query: ActivityQuery, target: str, moment: str) -> None:
        if query.target_id:
            select.and_where(f"{target} = {soql.sf_id(query.target_id, 'target_id')}")
        if query.owner_id:
            select.and_where(f"OwnerId = {soql.sf_id(query.owner_id, 'owner_id')}")
        if query.since:
            select.and_where(f"{moment} >= {soql.datetime_literal(query.since)}")
        if query.until:
            select.and_where(f"{moment} <= {soql.datetime_literal(query.until)}")
        select.order = f"{moment} ASC NULLS FIRST, Id"

    def log_call(self, data: CallInput) -> Activity:
        """A completed call Task. In an org without CRM Call Center the call fields
        (CallType, CallDurationInSeconds, CallDisposition) are left out, as
        Salesforce's own Log a Call does there: the outcome stays in the Subject."""
        write.check_ids(data)
        fields = write.call_fields(data, self.schema.fields("Task"))
        task_id = self.create_once(
            "Task",
            fields,
            ("WhoId", "Subject", "TaskSubtype", "CallDurationInSeconds"),
            ("Description", data.notes),
        )
        select = soql.Select("Task", self._task_fields(), [f"Id = {soql.sf_id(task_id)}"])
        return self.reader.one(select, read.PARSE_TASK_ACTIVITY, "task")

    def log_note(self, data: NoteInput) -> Activity:
        write.check_ids(data)
        fields = write.note_fields(data)
        note_id = self.create_once("Note", fields, ("ParentId", "Title"), ("Body", data.body))
        select = soql.Select("Note", soql.NOTE_FIELDS, [f"Id = {soql.sf_id(note_id)}"])
        return self.reader.one(select, read.PARSE_NOTE, "note")


def _gone(ops: Tasks, task_id: str) -> NotFoundError:
    return NotFoundError(
        f"cadence step {task_id[:18]} could not be read back", **ops.session.error_context()
    )
