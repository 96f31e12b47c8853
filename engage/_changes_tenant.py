"""What the change feed reads of a tenant: a structural type, so that the client can
offer the feed (``tenant.changes``) without the feed importing the client."""

from __future__ import annotations

from typing import Protocol

from ._resources import Activities, Enrollments, Sequences, Targets, Tasks
from .adapter import Adapter, Capability


class FeedTenant(Protocol):
    """A :class:`~engage.TenantClient`, as far as the feed is concerned."""

    adapter: Adapter
    targets: Targets
    sequences: Sequences
    enrollments: Enrollments
    tasks: Tasks
    activities: Activities

    @property
    def name(self) -> str: ...

    @property
    def vendor(self) -> str: ...

    def supports(self, capability: Capability | str) -> bool: ...
