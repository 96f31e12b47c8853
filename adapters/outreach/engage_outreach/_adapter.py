"""The Outreach adapter: engage's neutral operations over Outreach's REST API v2.

Each operation is overridden here (engage derives the capabilities from the
overrides) and delegates to its area's operations (``_ops_<area>.py``).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, ClassVar

from engage import (
    Activity,
    ActivityQuery,
    Adapter,
    CallInput,
    Capability,
    Enrollment,
    EnrollmentInput,
    EnrollmentQuery,
    InputError,
    NoteInput,
    Pager,
    Sequence,
    SequenceQuery,
    Step,
    Target,
    TargetInput,
    TargetQuery,
    Task,
    TaskInput,
    TaskQuery,
    TenantContext,
)
from engage.transport import OAuthApp

from . import _write as w
from ._api import Session
from ._ops_activities import ActivityOperations
from ._ops_enrollments import EnrollmentOperations
from ._ops_sequences import SequenceOperations
from ._ops_targets import TargetOperations
from ._ops_tasks import ACTIONS as TASK_ACTIONS
from ._ops_tasks import TaskOperations
from ._protocol import connect_app
from ._settings import OutreachSettings

STATE_ACTIONS = ("finish", "pause", "resume")


class OutreachAdapter(Adapter):
    """Outreach v2 (JSON:API). See docs/vendors/outreach.md for every mapping."""

    vendor = "outreach"
    settings_model = OutreachSettings
    alternatives: ClassVar[Mapping[Capability, str]] = {
        Capability.ENROLLMENTS_REASSIGN: (
            "enrollments.remove, then enrollments.enroll with the new owner "
            "(owner_id or vendor_fields mailbox_id): a sequence state's mailbox cannot change"
        ),
        Capability.ENROLLMENTS_SET_OUTCOME: (
            "tasks.complete on the step's task with vendor_action('markComplete', "
            "completionAction='finish_replied' or 'finish_no_reply')"
        ),
        Capability.TASKS_SKIP: (
            "tasks.advance (sequence-step tasks) or tasks.complete; Outreach has no skip action"
        ),
    }

    def __init__(self, context: TenantContext) -> None:
        super().__init__(context)
        assert isinstance(context.settings, OutreachSettings)
        self.session = Session(context.settings, context)
        self._targets = TargetOperations(self.session)
        self._sequences = SequenceOperations(self.session)
        self._enrollments = EnrollmentOperations(self.session)
        self._tasks = TaskOperations(self.session)
        self._activities = ActivityOperations(self.session)

    def close(self) -> None:
        self.session.close()

    def oauth_app(self) -> OAuthApp:
        settings = self.context.settings
        assert isinstance(settings, OutreachSettings)
        return connect_app(settings, self.context)

    def raw_client(self) -> Any:
        return self.session.http.client

    # --- targets ---
    def get_target(self, target_id: str) -> Target:
        return self._targets.get(target_id)

    def list_targets(self, query: TargetQuery) -> Pager[Target]:
        return self._targets.pager(query)

    def find_target_by_email(self, email: str) -> Target | None:
        return self._targets.find_by_email(email)

    def create_target(self, data: TargetInput) -> Target:
        return self._targets.create(data)

    def upsert_target(self, data: TargetInput) -> Target:
        return self._targets.upsert(data)

    # --- sequences ---
    def get_sequence(self, sequence_id: str) -> Sequence:
        return self._sequences.get(sequence_id)

    def list_sequences(self, query: SequenceQuery) -> Pager[Sequence]:
        return self._sequences.pager(query)

    def list_steps(self, sequence_id: str) -> Pager[Step]:
        return self._sequences.steps(sequence_id)

    # --- enrollments ---
    def enroll(self, data: EnrollmentInput) -> Enrollment:
        return self._enrollments.enroll(data)

    def get_enrollment(self, enrollment_id: str) -> Enrollment:
        return self._enrollments.get(enrollment_id)

    def list_enrollments(self, query: EnrollmentQuery) -> Pager[Enrollment]:
        return self._enrollments.pager(query)

    def remove_enrollment(self, enrollment_id: str) -> Enrollment:
        return self._enrollments.remove(enrollment_id)

    def pause_enrollment(self, enrollment_id: str) -> Enrollment:
        return self._enrollments.pause(enrollment_id)

    def resume_enrollment(self, enrollment_id: str) -> Enrollment:
        return self._enrollments.resume(enrollment_id)

    # --- tasks ---
    def get_task(self, task_id: str) -> Task:
        return self._tasks.get(task_id)

    def list_tasks(self, query: TaskQuery) -> Pager[Task]:
        return self._tasks.pager(query)

    def create_task(self, data: TaskInput) -> Task:
        return self._tasks.create(data)

    def complete_task(self, task_id: str, note: str | None = None) -> Task:
        return self._tasks.complete(task_id, note)

    def snooze_task(self, task_id: str, until: datetime) -> Task:
        return self._tasks.snooze(task_id, until)

    def reschedule_task(self, task_id: str, due_at: datetime) -> Task:
        return self._tasks.reschedule(task_id, due_at)

    def reassign_task(self, task_id: str, owner_id: str) -> Task:
        return self._tasks.reassign(task_id, owner_id)

    def update_task_note(self, task_id: str, note: str) -> Task:
        return self._tasks.update_note(task_id, note)

    def advance_task(self, task_id: str) -> Task:
        return self._tasks.advance(task_id)

    # --- activities ---
    def list_activities(self, query: ActivityQuery) -> Pager[Activity]:
        return self._activities.pager(query)

    def log_call(self, data: CallInput) -> Activity:
        return self._activities.log_call(data)

    def log_note(self, data: NoteInput) -> Activity:
        return self._activities.log_note(data)

    # --- escape hatch ---
    def vendor_action(self, name: str, params: Mapping[str, Any]) -> Any:
        """Any task action by its Outreach name (``task_id`` plus its ``actionParams``),
        or a sequence-state action (``sequenceState.finish|pause|resume`` with
        ``enrollment_id``). Returns the neutral record the action answers with."""
        args = dict(params)
        if name.startswith("sequenceState."):
            action = name.split(".", 1)[1]
            if action not in STATE_ACTIONS or set(args) != {"enrollment_id"}:
                raise InputError(
                    "sequence-state actions are sequenceState.finish|pause|resume "
                    "and take only enrollment_id"
                )
            return self._enrollments.action(
                _given_id(args["enrollment_id"], "enrollment_id"), action
            )
        if name not in TASK_ACTIONS:
            raise InputError(
                f"Outreach has no action {name!r}; task actions: {', '.join(TASK_ACTIONS)}; "
                "sequence-state actions: sequenceState.finish|pause|resume"
            )
        task_id = args.pop("task_id", None)
        if task_id is None:
            raise InputError(f"vendor_action {name!r} needs task_id")
        return self._tasks.action(_given_id(task_id, "task_id"), name, args)


def _given_id(value: object, what: str) -> str:
    """An id from ``vendor_action``'s keyword arguments (where a whole number may be an int)."""
    return w.vendor_id(
        str(value) if isinstance(value, int) and not isinstance(value, bool) else value, what
    )
