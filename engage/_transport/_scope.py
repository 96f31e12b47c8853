"""The operation in flight: who it is for, what it is, and when it must end.

The facade opens a scope around every operation; the transport reads it to
label errors and to bound timeouts and retries by the operation's deadline.
"""

from __future__ import annotations

import contextvars
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass


@dataclass(frozen=True)
class OperationScope:
    vendor: str
    tenant: str
    operation: str
    deadline: float  # time.monotonic() value

    def remaining(self) -> float:
        return self.deadline - time.monotonic()


_current: contextvars.ContextVar[OperationScope | None] = contextvars.ContextVar(
    "engage_operation", default=None
)


def current_scope() -> OperationScope | None:
    return _current.get()


@contextmanager
def operation_scope(
    *, vendor: str, tenant: str, operation: str, deadline_seconds: float
) -> Iterator[OperationScope]:
    """Enter an operation; a nested one keeps the outer (earlier) deadline."""
    outer = _current.get()
    deadline = time.monotonic() + deadline_seconds
    if outer is not None:
        deadline = min(deadline, outer.deadline)
    scope = OperationScope(vendor, tenant, operation, deadline)
    token = _current.set(scope)
    try:
        yield scope
    finally:
        _current.reset(token)
