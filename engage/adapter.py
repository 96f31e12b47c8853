"""The contract an adapter implements.

An adapter is a subclass of :class:`Adapter` for one vendor. It overrides the
operations its vendor can do; its capabilities are exactly the operations it
overrides (so the declared matrix cannot drift from the code), and
``alternatives`` names the nearest thing to offer for the rest. The facade
checks the capability before calling, so an unsupported operation raises
:class:`UnsupportedOperationError` before any request.

Adapters are registered with the ``register_adapters`` hook (see
:mod:`engage.hookspecs`), exactly as a third-party adapter would be.
"""

from __future__ import annotations

import contextvars
import logging
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any, ClassVar, TypeAlias, TypeVar

import httpx
from pydantic import BaseModel, ConfigDict, JsonValue

from ._changes_event import ChangeEntity, Deletion
from ._transport import (
    Pacer,
    RetryPolicy,
    TokenStore,
    TransportOptions,
    current_scope,
    operation_scope,
)
from .errors import EngageError, UnsupportedOperationError
from .models import (
    Activity,
    BatchResult,
    CallInput,
    Enrollment,
    EnrollmentInput,
    ItemResult,
    NoteInput,
    Record,
    Step,
    Target,
    TargetInput,
    Task,
    TaskInput,
)
from .models import (
    Sequence as SequenceRecord,
)
from .pagination import Pager
from .queries import ActivityQuery, EnrollmentQuery, SequenceQuery, TargetQuery, TaskQuery

if TYPE_CHECKING:
    from ._connect import OAuthApp

__all__ = ["Adapter", "Capability", "JsonParam", "TenantContext", "VendorSettings"]

if TYPE_CHECKING:
    # Covariant containers, so a caller's list[dict[str, str]] passes as it is.
    JsonParam: TypeAlias = (
        "Mapping[str, JsonParam] | Sequence[JsonParam] | str | int | float | bool | None"
    )
else:  # the same shape without recursion, for get_type_hints() at run time
    JsonParam = Mapping[str, object] | Sequence[object] | str | int | float | bool | None
"""A ``vendor_action`` parameter: anything that encodes as JSON."""

T = TypeVar("T")
I = TypeVar("I")  # noqa: E741


class Capability(StrEnum):
    """A neutral operation, named as it is called on a tenant client."""

    TARGETS_GET = "targets.get"
    TARGETS_LIST = "targets.list"
    TARGETS_FIND_BY_EMAIL = "targets.find_by_email"
    TARGETS_CREATE = "targets.create"
    TARGETS_UPSERT = "targets.upsert"
    SEQUENCES_GET = "sequences.get"
    SEQUENCES_LIST = "sequences.list"
    SEQUENCES_STEPS = "sequences.steps"
    ENROLLMENTS_ENROLL = "enrollments.enroll"
    ENROLLMENTS_ENROLL_MANY = "enrollments.enroll_many"
    ENROLLMENTS_GET = "enrollments.get"
    ENROLLMENTS_LIST = "enrollments.list"
    ENROLLMENTS_REMOVE = "enrollments.remove"
    ENROLLMENTS_PAUSE = "enrollments.pause"
    ENROLLMENTS_RESUME = "enrollments.resume"
    ENROLLMENTS_REASSIGN = "enrollments.reassign"
    ENROLLMENTS_SET_OUTCOME = "enrollments.set_outcome"
    TASKS_GET = "tasks.get"
    TASKS_LIST = "tasks.list"
    TASKS_CREATE = "tasks.create"
    TASKS_COMPLETE = "tasks.complete"
    TASKS_COMPLETE_MANY = "tasks.complete_many"
    TASKS_SKIP = "tasks.skip"
    TASKS_SNOOZE = "tasks.snooze"
    TASKS_RESCHEDULE = "tasks.reschedule"
    TASKS_REASSIGN = "tasks.reassign"
    TASKS_UPDATE_NOTE = "tasks.update_note"
    TASKS_ADVANCE = "tasks.advance"
    ACTIVITIES_LIST = "activities.list"
    ACTIVITIES_LOG_CALL = "activities.log_call"
    ACTIVITIES_LOG_NOTE = "activities.log_note"
    VENDOR_ACTION = "vendor_action"
    RAW = "raw"


class VendorSettings(BaseModel):
    """Base of each adapter's settings model (the vendor part of a tenant's config).

    Secret fields should be typed :data:`engage.config.Secret` so that
    ``env:NAME`` and ``file:PATH`` references resolve and values never print.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")


@dataclass(frozen=True)
class TenantContext:
    """Everything an adapter instance gets from engage for one tenant."""

    tenant: str
    vendor: str
    settings: VendorSettings
    options: TransportOptions
    token_store: TokenStore
    pacer: Pacer
    retry: RetryPolicy
    http_transport: httpx.BaseTransport | None = None  # sent through instead of the network
    logger: logging.Logger = field(default_factory=lambda: logging.getLogger("engage"))


# The adapter method behind each capability; a capability is declared when the
# adapter overrides that method.
_METHODS: dict[Capability, str] = {
    Capability.TARGETS_GET: "get_target",
    Capability.TARGETS_LIST: "list_targets",
    Capability.TARGETS_FIND_BY_EMAIL: "find_target_by_email",
    Capability.TARGETS_CREATE: "create_target",
    Capability.TARGETS_UPSERT: "upsert_target",
    Capability.SEQUENCES_GET: "get_sequence",
    Capability.SEQUENCES_LIST: "list_sequences",
    Capability.SEQUENCES_STEPS: "list_steps",
    Capability.ENROLLMENTS_ENROLL: "enroll",
    Capability.ENROLLMENTS_ENROLL_MANY: "enroll_many",
    Capability.ENROLLMENTS_GET: "get_enrollment",
    Capability.ENROLLMENTS_LIST: "list_enrollments",
    Capability.ENROLLMENTS_REMOVE: "remove_enrollment",
    Capability.ENROLLMENTS_PAUSE: "pause_enrollment",
    Capability.ENROLLMENTS_RESUME: "resume_enrollment",
    Capability.ENROLLMENTS_REASSIGN: "reassign_enrollment",
    Capability.ENROLLMENTS_SET_OUTCOME: "set_enrollment_outcome",
    Capability.TASKS_GET: "get_task",
    Capability.TASKS_LIST: "list_tasks",
    Capability.TASKS_CREATE: "create_task",
    Capability.TASKS_COMPLETE: "complete_task",
    Capability.TASKS_COMPLETE_MANY: "complete_tasks",
    Capability.TASKS_SKIP: "skip_task",
    Capability.TASKS_SNOOZE: "snooze_task",
    Capability.TASKS_RESCHEDULE: "reschedule_task",
    Capability.TASKS_REASSIGN: "reassign_task",
    Capability.TASKS_UPDATE_NOTE: "update_task_note",
    Capability.TASKS_ADVANCE: "advance_task",
    Capability.ACTIVITIES_LIST: "list_activities",
    Capability.ACTIVITIES_LOG_CALL: "log_call",
    Capability.ACTIVITIES_LOG_NOTE: "log_note",
    Capability.VENDOR_ACTION: "vendor_action",
    Capability.RAW: "raw_client",
}

# Batch operations come for free from their single-item operation.
_DERIVED = {
    Capability.ENROLLMENTS_ENROLL_MANY: Capability.ENROLLMENTS_ENROLL,
    Capability.TASKS_COMPLETE_MANY: Capability.TASKS_COMPLETE,
}


def method_for(capability: Capability) -> str:
    return _METHODS[capability]


class Adapter:
    """Base class for vendor adapters; override what the vendor supports.

    Class attributes to set: ``vendor`` (the name tenants use in config),
    ``settings_model`` (a :class:`VendorSettings` subclass), optionally
    ``alternatives`` (capability -> the nearest thing the vendor offers) and
    ``batch_concurrency`` (threads the default batch operations use).
    """

    vendor: ClassVar[str]
    settings_model: ClassVar[type[VendorSettings]] = VendorSettings
    alternatives: ClassVar[Mapping[Capability, str]] = {}
    batch_concurrency: ClassVar[int] = 4
    capabilities: ClassVar[frozenset[Capability]] = frozenset()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        declared = {
            cap
            for cap, name in _METHODS.items()
            if getattr(cls, name) is not getattr(Adapter, name)
        }
        declared |= {batch for batch, single in _DERIVED.items() if single in declared}
        cls.capabilities = frozenset(declared)

    def __init__(self, context: TenantContext) -> None:
        self.context = context

    @property
    def settings(self) -> VendorSettings:
        return self.context.settings

    def close(self) -> None:
        """Release connections; called when the tenant client closes."""

    def unsupported(self, capability: Capability) -> UnsupportedOperationError:
        return UnsupportedOperationError(
            self.vendor, capability.value, self.alternatives.get(capability)
        )

    def oauth_app(self) -> OAuthApp:
        """The tenant's OAuth app, for :meth:`engage.Engage.connect` (the
        authorization-code flow). Vendors signed in by API keys or passwords
        do not override it."""
        raise UnsupportedOperationError(
            self.vendor,
            "connect",
            "configure the tenant's credentials (an API key, a password or a refresh token)",
        )

    # --- targets ---
    def get_target(self, target_id: str) -> Target:
        raise self.unsupported(Capability.TARGETS_GET)

    def list_targets(self, query: TargetQuery) -> Pager[Target]:
        raise self.unsupported(Capability.TARGETS_LIST)

    def find_target_by_email(self, email: str) -> Target | None:
        raise self.unsupported(Capability.TARGETS_FIND_BY_EMAIL)

    def create_target(self, data: TargetInput) -> Target:
        raise self.unsupported(Capability.TARGETS_CREATE)

    def upsert_target(self, data: TargetInput) -> Target:
        raise self.unsupported(Capability.TARGETS_UPSERT)

    # --- sequences ---
    def get_sequence(self, sequence_id: str) -> SequenceRecord:
        raise self.unsupported(Capability.SEQUENCES_GET)

    def list_sequences(self, query: SequenceQuery) -> Pager[SequenceRecord]:
        raise self.unsupported(Capability.SEQUENCES_LIST)

    def list_steps(self, sequence_id: str) -> Pager[Step]:
        raise self.unsupported(Capability.SEQUENCES_STEPS)

    # --- enrollments ---
    def enroll(self, data: EnrollmentInput) -> Enrollment:
        raise self.unsupported(Capability.ENROLLMENTS_ENROLL)

    def enroll_many(self, items: Sequence[EnrollmentInput]) -> BatchResult[Enrollment]:
        return self.run_batch(self.enroll, items)

    def get_enrollment(self, enrollment_id: str) -> Enrollment:
        raise self.unsupported(Capability.ENROLLMENTS_GET)

    def list_enrollments(self, query: EnrollmentQuery) -> Pager[Enrollment]:
        raise self.unsupported(Capability.ENROLLMENTS_LIST)

    def remove_enrollment(self, enrollment_id: str) -> Enrollment:
        raise self.unsupported(Capability.ENROLLMENTS_REMOVE)

    def pause_enrollment(self, enrollment_id: str) -> Enrollment:
        raise self.unsupported(Capability.ENROLLMENTS_PAUSE)

    def resume_enrollment(self, enrollment_id: str) -> Enrollment:
        raise self.unsupported(Capability.ENROLLMENTS_RESUME)

    def reassign_enrollment(self, enrollment_id: str, owner_id: str) -> Enrollment:
        raise self.unsupported(Capability.ENROLLMENTS_REASSIGN)

    def set_enrollment_outcome(self, enrollment_id: str, outcome: str) -> Enrollment:
        raise self.unsupported(Capability.ENROLLMENTS_SET_OUTCOME)

    # --- tasks ---
    def get_task(self, task_id: str) -> Task:
        raise self.unsupported(Capability.TASKS_GET)

    def list_tasks(self, query: TaskQuery) -> Pager[Task]:
        raise self.unsupported(Capability.TASKS_LIST)

    def create_task(self, data: TaskInput) -> Task:
        raise self.unsupported(Capability.TASKS_CREATE)

    def complete_task(self, task_id: str, note: str | None = None) -> Task:
        raise self.unsupported(Capability.TASKS_COMPLETE)

    def complete_tasks(self, task_ids: Sequence[str]) -> BatchResult[Task]:
        return self.run_batch(self.complete_task, task_ids)

    def skip_task(self, task_id: str, reason: str | None = None) -> Task:
        raise self.unsupported(Capability.TASKS_SKIP)

    def snooze_task(self, task_id: str, until: datetime) -> Task:
        raise self.unsupported(Capability.TASKS_SNOOZE)

    def reschedule_task(self, task_id: str, due_at: datetime) -> Task:
        raise self.unsupported(Capability.TASKS_RESCHEDULE)

    def reassign_task(self, task_id: str, owner_id: str) -> Task:
        raise self.unsupported(Capability.TASKS_REASSIGN)

    def update_task_note(self, task_id: str, note: str) -> Task:
        raise self.unsupported(Capability.TASKS_UPDATE_NOTE)

    def advance_task(self, task_id: str) -> Task:
        raise self.unsupported(Capability.TASKS_ADVANCE)

    # --- activities ---
    def list_activities(self, query: ActivityQuery) -> Pager[Activity]:
        raise self.unsupported(Capability.ACTIVITIES_LIST)

    def log_call(self, data: CallInput) -> Activity:
        raise self.unsupported(Capability.ACTIVITIES_LOG_CALL)

    def log_note(self, data: NoteInput) -> Activity:
        raise self.unsupported(Capability.ACTIVITIES_LOG_NOTE)

    # --- change feed (optional) ---
    def list_deleted(self, entity: ChangeEntity, since: datetime | None) -> Pager[Deletion]:
        """Records of ``entity`` the vendor deleted at or after ``since`` (``None``: all it
        keeps), for :mod:`engage.changes`. Not a capability of the matrix: the feed reports
        deletions exactly when an adapter overrides this. Raise
        :class:`UnsupportedOperationError` for an entity whose deletions the vendor hides."""
        raise UnsupportedOperationError(
            self.vendor,
            "changes.deletions",
            "list the ids periodically and compare with your copy (docs/changes.md)",
        )

    # --- escape hatches ---
    def vendor_action(self, name: str, params: Mapping[str, JsonParam]) -> JsonValue | Record:
        """The vendor's decoded JSON answer, or the neutral record the action changed."""
        raise self.unsupported(Capability.VENDOR_ACTION)

    # Any: the client's class is the vendor's (httpx, simple-salesforce, ...) and which
    # vendor a tenant has is configuration, known only at run time.
    def raw_client(self) -> Any:
        raise self.unsupported(Capability.RAW)

    # --- helpers for adapter authors ---
    def run_batch(self, operation_fn: Callable[[I], T], items: Sequence[I]) -> BatchResult[T]:
        """Apply ``operation_fn`` to each item, a few at a time, collecting per-item results.

        An :class:`EngageError` for one item is recorded against that item and
        the others go on; any other exception is a bug and propagates.
        """

        batch = current_scope()
        operation = batch.operation if batch else "batch"

        def one(indexed: tuple[int, I]) -> ItemResult[T]:
            index, item = indexed
            try:
                # Each item gets the tenant's whole deadline, not a share of the batch's.
                with operation_scope(
                    vendor=self.vendor,
                    tenant=self.context.tenant,
                    operation=operation,
                    deadline_seconds=self.context.options.deadline,
                ):
                    return ItemResult(index, value=operation_fn(item))
            except EngageError as exc:
                return ItemResult(index, error=exc)

        if not items:
            return BatchResult(())
        limit = self.context.options.batch_concurrency or self.batch_concurrency
        workers = max(1, min(limit, len(items)))
        if workers == 1:
            return BatchResult(tuple(one(pair) for pair in enumerate(items)))
        # Each worker runs in a copy of the caller's context so that the
        # operation scope (tenant, operation, deadline) follows the item.
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="engage-batch") as pool:
            futures = [
                pool.submit(contextvars.copy_context().run, one, pair) for pair in enumerate(items)
            ]
            return BatchResult(tuple(f.result() for f in futures))
