"""Tasks: Salesloft's manual tasks (/v2/tasks) and open cadence actions (/v2/actions) as one list.

A manual task has the plain Salesloft id; a cadence action's id is
``action-<id>`` (see ``_read.ACTION_PREFIX``), so every task operation
knows which endpoint it concerns before sending anything.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from engage import (
    Capability,
    InputError,
    Task,
    TaskInput,
    TaskKind,
    TaskOrigin,
    TaskQuery,
    TaskStatus,
    UnsupportedOperationError,
)

from . import _read as r
from . import _write as w
from ._api import Fetch, SalesloftApi, chained, per_page
from ._settings import VENDOR
from ._wire import Row

COMPLETE_ACTION_ALTERNATIVE = (
    "only call steps can be completed through the API (by logging the call); "
    "send or complete email and other steps in Salesloft, or enrollments.remove"
)
WRITE_ACTION_ALTERNATIVE = (
    "cadence actions cannot be changed through the API; use tasks.complete on a call step, "
    "or enrollments.remove"
)


def _in_window(task: Task, query: TaskQuery) -> bool:
    if query.due_after and (task.due_at is None or task.due_at < query.due_after):
        return False
    if query.due_before and (task.due_at is None or task.due_at > query.due_before):
        return False
    return not (
        query.updated_since and (task.updated_at is None or task.updated_at < query.updated_since)
    )


class TaskOperations:
    def __init__(self, api: SalesloftApi) -> None:
        self.api = api

    # --- reads ---------------------------------------------------------------
    def fetch(self, query: TaskQuery) -> Fetch[Task]:
        w.check_ids(query)  # before the owner's guid is looked up
        if query.status is TaskStatus.OTHER:
            raise InputError("status=other has no meaning for Salesloft tasks")
        size = per_page(query.page_size)
        phases: list[tuple[str, Fetch[Task]]] = []
        # Manual tasks belong to no cadence and are never skipped.
        if (
            query.origin in (None, TaskOrigin.MANUAL)
            and query.sequence_id is None
            and query.status is not TaskStatus.SKIPPED
        ):
            phases.append(("tasks", self._manual(query, size)))
        if query.origin in (None, TaskOrigin.SEQUENCE_STEP) and query.status in (
            None,
            TaskStatus.OPEN,
        ):
            # /v2/actions only ever lists open actions.
            phases.append(("actions", self._actions(query, size)))
        return chained(phases)

    def _manual(self, query: TaskQuery, size: int) -> Fetch[Task]:
        # /v2/tasks can only be sorted by due date and has no updated_at or due-window
        # filter, so those two are applied here, on bounded page-number paging.
        def transform(rows: list[Row]) -> list[Task]:
            tasks = [r.task(row) for row in rows]
            return self._expand([t for t in tasks if _in_window(t, query)], query)

        params = w.task_params(query)
        return self.api.numbered("/v2/tasks", params, size=size, transform=transform)

    def _actions(self, query: TaskQuery, size: int) -> Fetch[Task]:
        params = w.action_params(query, self.api.guid_or_none(query.owner_id))

        def transform(rows: list[Row]) -> list[Task]:
            return self._expand([r.action_task(row) for row in rows], query)

        return self.api.keyset(
            "/v2/actions",
            params,
            field="updated_at",
            size=size,
            start=query.updated_since,
            transform=transform,
        )

    def _expand(self, tasks: list[Task], query: TaskQuery) -> list[Task]:
        """Fill target/sequence/step with one ``ids[]`` request per kind per page (no N+1)."""
        if not query.expand or not tasks:
            return tasks
        updates: list[dict[str, Any]] = [{} for _ in tasks]
        plan = (
            ("target", "target_id", "/v2/people", r.target),
            ("sequence", "sequence_id", "/v2/cadences", r.sequence),
            ("step", "step_id", "/v2/steps", r.step),
        )
        for name, key, path, mapper in plan:
            if name not in query.expand:
                continue
            ids = [str(getattr(t, key)) for t in tasks if getattr(t, key)]
            if not ids:
                continue
            found = self.api.by_ids(path, ids)
            for update, t in zip(updates, tasks, strict=True):
                row = found.get(getattr(t, key) or "")
                if row is not None:
                    update[name] = mapper(row)
        return [t.model_copy(update=u) if u else t for t, u in zip(tasks, updates, strict=True)]

    def get(self, task_id: str) -> Task:
        kind, native = w.split_task_id(task_id)
        if kind == "action":
            return r.action_task(self.api.get(f"/v2/actions/{native}"))
        return r.task(self.api.get(f"/v2/tasks/{native}"))

    # --- writes --------------------------------------------------------------
    def create(self, data: TaskInput) -> Task:
        w.check_ids(data)  # refused before asking who "me" is
        w.task_type(data.kind)
        owner = data.owner_id or str(self.api.me()["id"])
        # Salesloft answers a repeated idempotency_key with the first task, so an
        # ambiguous failure can be retried as-is.
        payload = w.task_payload(data, owner)
        return r.task(self.api.write("POST", "/v2/tasks", payload, idempotent=True))

    def complete(self, task_id: str, note: str | None) -> Task:
        kind, native = w.split_task_id(task_id)
        if kind == "task":
            payload = w.task_completion_payload(note)
            return r.task(self.api.write("PUT", f"/v2/tasks/{native}", payload))
        return self._complete_action(native, note)

    def _complete_action(self, native: str, note: str | None) -> Task:
        """Logging a call with the action's id completes a phone step (POST /v2/activities/calls
        documents ``action_id`` for this); nothing in the API completes other steps."""
        raw = self.api.get(f"/v2/actions/{native}")
        action = r.action_task(raw)
        if action.kind is not TaskKind.CALL or action.target_id is None:
            raise UnsupportedOperationError(
                VENDOR, Capability.TASKS_COMPLETE.value, COMPLETE_ACTION_ALTERNATIVE
            )
        payload = w.action_call_payload(action.target_id, native, note)
        call = self.api.write("POST", "/v2/activities/calls", payload)
        done = datetime.fromisoformat(call["created_at"]) if call.get("created_at") else None
        return action.model_copy(
            update={
                "status": TaskStatus.COMPLETED,
                "vendor_status": "completed",
                "completed_at": done,
                "raw": {**raw, "status": "completed", "completed_by_call": call},
            }
        )

    def snooze(self, task_id: str, until: datetime) -> Task:
        return self._update(task_id, Capability.TASKS_SNOOZE, w.task_snooze_payload(until))

    def reschedule(self, task_id: str, due_at: datetime) -> Task:
        return self._update(task_id, Capability.TASKS_RESCHEDULE, w.task_reschedule_payload(due_at))

    def update_note(self, task_id: str, note: str) -> Task:
        return self._update(task_id, Capability.TASKS_UPDATE_NOTE, w.task_note_payload(note))

    def _update(self, task_id: str, capability: Capability, payload: w.Body) -> Task:
        kind, native = w.split_task_id(task_id)
        if kind == "action":
            raise UnsupportedOperationError(VENDOR, capability.value, WRITE_ACTION_ALTERNATIVE)
        return r.task(self.api.write("PUT", f"/v2/tasks/{native}", payload))
