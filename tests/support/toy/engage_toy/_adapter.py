"""The toy ``Adapter``: the operations the vendor can do, and nothing else.

Its capabilities are exactly the methods it overrides; everything else raises
``UnsupportedOperationError`` before any request, naming ``alternatives``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from engage import (
    Adapter,
    Capability,
    InputError,
    Pager,
    Target,
    TargetInput,
    TargetQuery,
    Task,
    TaskQuery,
    TenantContext,
)
from engage.transport import HttpTransport

from . import _read as read
from . import _write as write
from ._api import ToyApi
from ._settings import VENDOR, ToySettings


class ToyAdapter(Adapter):
    vendor = VENDOR
    settings_model = ToySettings
    alternatives = {Capability.ENROLLMENTS_PAUSE: "enrollments.remove, then enroll again"}

    def __init__(self, context: TenantContext) -> None:
        super().__init__(context)
        settings = context.settings
        assert isinstance(settings, ToySettings)
        self.api = ToyApi(context, settings)

    @property
    def http(self) -> HttpTransport:
        return self.api.http

    def close(self) -> None:
        self.api.close()

    # targets

    def get_target(self, target_id: str) -> Target:
        person_id = write.vendor_id(target_id, "target_id")
        return read.target(self.api.get(f"/people/{person_id}"))

    def list_targets(self, query: TargetQuery) -> Pager[Target]:
        return self.api.pages("/people", write.people_params(query), read.target)

    def find_target_by_email(self, email: str) -> Target | None:
        rows, _ = read.page(self.api.get("/people", write.email_params(email)))
        return read.target(rows[0]) if rows else None

    def create_target(self, data: TargetInput) -> Target:
        return read.target(self.api.post("/people", write.new_person(data)))

    # tasks

    def list_tasks(self, query: TaskQuery) -> Pager[Task]:
        write.refuse_filters(query)
        return self.api.pages("/tasks", {}, read.task)

    def complete_task(self, task_id: str, note: str | None = None) -> Task:
        task_id = write.vendor_id(task_id, "task_id")
        if note is not None:
            raise InputError("the toy vendor cannot keep a note on a completed task")
        return read.task(self.api.post(f"/tasks/{task_id}/complete"))

    # the rest

    def vendor_action(self, name: str, params: Mapping[str, Any]) -> Any:
        if name != "echo":
            raise InputError(f"toy has no vendor action {name!r}; it has: echo")
        return dict(params)

    def raw_client(self) -> Any:
        return self.http.client
