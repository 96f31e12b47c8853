"""Task operations: Outreach's Task resource and its member actions."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, TypeVar

from engage import InputError, Pager, Task, TaskInput, TaskQuery

from . import _mapping as m
from ._client import Session
from ._queries import task_params
from ._wire import Document, resource

T = TypeVar("T")
API = "/api/v2"


class TaskOperations:
    """Mixed into the adapter; the attributes below are the adapter's."""

    session: Session

    def _row(self, doc: Document) -> dict[str, Any]:
        raise NotImplementedError

    def _me_id(self) -> str:
        raise NotImplementedError

    def _lookup_then(self, lookup: Callable[[], T | None], write: Callable[[], T]) -> T:
        raise NotImplementedError

    # --- tasks ---
    def get_task(self, task_id: str) -> Task:
        return m.to_task(self._row(self.session.get(f"{API}/tasks/{task_id}")))

    def list_tasks(self, query: TaskQuery) -> Pager[Task]:
        return self.session.pager(f"{API}/tasks", task_params(query), m.to_task, query.page_size)

    def create_task(self, data: TaskInput) -> Task:
        if data.kind not in m.WIRE_TASK_ACTIONS:
            raise InputError(f"Outreach tasks cannot be of kind {data.kind.value!r}")
        note = m.task_note(data.subject, data.note)
        attrs = {
            "action": m.WIRE_TASK_ACTIONS[data.kind],
            "dueAt": m.iso(data.due_at),
            "note": note,
            **data.vendor_fields,
        }
        owner = data.owner_id or self._me_id()
        body = resource("task", attrs, owner=("user", owner), subject=("prospect", data.target_id))

        def lookup() -> Task | None:
            # No idempotency keys at Outreach: the same prospect, due time and note is us.
            params = {
                "filter[prospect][id]": data.target_id,
                "filter[dueAt]": f"{m.iso(data.due_at)}..{m.iso(data.due_at)}",
            }
            for row in self.session.get(f"{API}/tasks", params).rows():
                if (row.get("attributes") or {}).get("note") == note:
                    return m.to_task(row)
            return None

        def write() -> Task:
            return m.to_task(self._row(self.session.send("POST", f"{API}/tasks", body)))

        return self._lookup_then(lookup, write)

    def _task_action(
        self, task_id: str, action: str, params: Mapping[str, Any], *, idempotent: bool = False
    ) -> Task:
        query = {f"actionParams[{k}]": _param(v) for k, v in params.items() if v is not None}
        doc = self.session.send(
            "POST", f"{API}/tasks/{task_id}/actions/{action}", params=query, idempotent=idempotent
        )
        return m.to_task(self._row(doc))

    def complete_task(self, task_id: str, note: str | None = None) -> Task:
        def lookup() -> Task | None:
            task = self.get_task(task_id)
            return task if task.vendor_status == "complete" else None

        return self._lookup_then(
            lookup, lambda: self._task_action(task_id, "markComplete", {"completionNote": note})
        )

    def snooze_task(self, task_id: str, until: datetime) -> Task:
        return self._task_action(task_id, "snooze", {"dueAt": until}, idempotent=True)

    def reschedule_task(self, task_id: str, due_at: datetime) -> Task:
        return self._task_action(task_id, "reschedule", {"dueAt": due_at}, idempotent=True)

    def reassign_task(self, task_id: str, owner_id: str) -> Task:
        return self._task_action(task_id, "reassignOwner", {"ownerId": owner_id}, idempotent=True)

    def update_task_note(self, task_id: str, note: str) -> Task:
        return self._task_action(task_id, "updateNote", {"note": note}, idempotent=True)

    def advance_task(self, task_id: str) -> Task:
        return self._task_action(task_id, "advance", {})


def _param(value: Any) -> str:
    if isinstance(value, datetime):
        return m.iso(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
