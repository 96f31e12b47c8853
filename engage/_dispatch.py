"""Running one neutral operation for one tenant: capability check, scope, error labels.

The resource namespaces call down into a :class:`Dispatcher`; the tenant client
owns one. Neither the namespaces nor the dispatcher know the client, so the
facade's modules form no import circle.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

import httpx

from ._transport import operation_scope
from .adapter import Adapter, Capability
from .errors import InputError, MappingError, VendorError
from .models import BatchResult

T = TypeVar("T")


class Dispatcher:
    """Runs adapter calls for one tenant inside its operation scope."""

    def __init__(self, tenant: str, adapter: Adapter, deadline: float) -> None:
        self.tenant = tenant
        self.adapter = adapter
        self.deadline = deadline

    def check(self, capability: Capability) -> None:
        if capability not in self.adapter.capabilities:
            raise self.adapter.unsupported(capability)

    @contextmanager
    def scope(self, capability: Capability, deadline: float | None = None) -> Iterator[None]:
        with operation_scope(
            vendor=self.adapter.vendor,
            tenant=self.tenant,
            operation=capability.value,
            deadline_seconds=self.deadline if deadline is None else deadline,
        ):
            try:
                yield
            except (VendorError, MappingError) as exc:
                exc.with_context(tenant=self.tenant, operation=capability.value)
                raise
            except httpx.InvalidURL as exc:
                # httpx refuses to build the request (nothing is sent): the caller's
                # values made a URL too long or malformed, e.g. a long note that a
                # vendor takes in the query string.
                raise InputError(
                    f"{self.adapter.vendor} {capability.value}: the input does not fit in a "
                    f"request URL ({exc}); shorten it"
                ) from exc

    def run(self, capability: Capability, fn: Callable[[], T]) -> T:
        self.check(capability)
        with self.scope(capability):
            return fn()

    def run_batch(self, capability: Capability, fn: Callable[[], BatchResult[T]]) -> BatchResult[T]:
        # A batch has no overall deadline: each item gets the tenant's deadline.
        self.check(capability)
        with self.scope(capability, deadline=math.inf):
            result = fn()
        for item in result.items:
            if isinstance(item.error, VendorError):
                item.error.with_context(tenant=self.tenant, operation=capability.value)
        return dataclasses.replace(result, vendor=self.adapter.vendor, tenant=self.tenant)
