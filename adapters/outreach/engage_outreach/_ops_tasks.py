"""Task operations: Outreach's Task resource and its member actions."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from engage import Pager, Task, TaskInput, TaskQuery

from . import _read as r
from . import _write as w
from ._api import API, Session

# The task actions the neutral operations use; vendor_action reaches these and any other.
ACTIONS = (
    "advance",
    "deliver",
    "logMeetInPerson",
    "markComplete",
    "reassignOwner",
    "reschedule",
    "snooze",
    "updateNote",
    "updateOpportunityAssociation",
)


class TaskOperations:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, task_id: str) -> Task:
        checked = w.vendor_id(task_id, "task_id")
        return r.to_task(self.session.one(self.session.get(f"{API}/tasks/{checked}")))

    def pager(self, query: TaskQuery) -> Pager[Task]:
        w.check_ids(query)
        return self.session.pager(f"{API}/tasks", w.task_params(query), r.to_task, query.page_size)

    def create(self, data: TaskInput) -> Task:
        w.check_ids(data)  # before the token's user is looked up
        attrs = w.task_attributes(data)
        note = attrs["note"]
        owner = data.owner_id or self.session.me_id()
        body = w.task_body(attrs, owner, data.target_id)

        def lookup() -> Task | None:
            # No idempotency keys at Outreach: the same prospect, due time and note is us.
            params = w.task_lookup_params(data.target_id, data.due_at)
            for row in self.session.get(f"{API}/tasks", params).rows():
                if (row.get("attributes") or {}).get("note") == note:
                    return r.to_task(row)
            return None

        def write() -> Task:
            return r.to_task(self.session.one(self.session.send("POST", f"{API}/tasks", body)))

        return self.session.write_once(lookup, write)

    def action(
        self, task_id: str, action: str, params: Mapping[str, Any], *, idempotent: bool = False
    ) -> Task:
        """Any member action by its Outreach name, with its ``actionParams``."""
        checked = w.vendor_id(task_id, "task_id")
        doc = self.session.send(
            "POST",
            f"{API}/tasks/{checked}/actions/{action}",
            params=w.action_params(params),
            idempotent=idempotent,
        )
        return r.to_task(self.session.one(doc))

    def complete(self, task_id: str, note: str | None = None) -> Task:
        task_id = w.vendor_id(task_id, "task_id")

        def lookup() -> Task | None:
            task = self.get(task_id)
            return task if task.vendor_status == "complete" else None

        return self.session.write_once(
            lookup, lambda: self.action(task_id, "markComplete", {"completionNote": note})
        )

    def snooze(self, task_id: str, until: datetime) -> Task:
        return self.action(task_id, "snooze", {"dueAt": until}, idempotent=True)

    def reschedule(self, task_id: str, due_at: datetime) -> Task:
        return self.action(task_id, "reschedule", {"dueAt": due_at}, idempotent=True)

    def reassign(self, task_id: str, owner_id: str) -> Task:
        w.vendor_id(task_id, "task_id")
        owner = w.vendor_id(owner_id, "owner_id")
        return self.action(task_id, "reassignOwner", {"ownerId": owner}, idempotent=True)

    def update_note(self, task_id: str, note: str) -> Task:
        return self.action(task_id, "updateNote", {"note": note}, idempotent=True)

    def advance(self, task_id: str) -> Task:
        return self.action(task_id, "advance", {})
