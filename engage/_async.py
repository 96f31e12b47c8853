"""``AsyncEngage``: the same API for asyncio code, with the same namespaces.

Every operation runs the synchronous adapter in a worker thread, bounded by one
capacity limiter per client (``max_threads``), so an event loop serving many
tenants never blocks on a vendor. Salesforce (simple-salesforce is
synchronous) and the HTTP adapters go the same way: one code path per adapter,
one set of reliability rules. Lists return an :class:`AsyncPager`; nothing is
fetched until it is iterated with ``async for``.
"""

from __future__ import annotations

import functools
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator
from types import TracebackType
from typing import Any, Concatenate, Generic, ParamSpec, TypeVar

import anyio.to_thread
from anyio import CapacityLimiter

from ._client import Engage, TenantClient
from ._resources import Activities, Enrollments, Sequences, Targets, Tasks
from .adapter import Capability
from .pagination import Page, Pager

P = ParamSpec("P")
R = TypeVar("R")
T = TypeVar("T")
S = TypeVar("S")

__all__ = ["AsyncEngage", "AsyncPager", "AsyncTenantClient"]

_DONE = object()


class AsyncPager(Generic[T]):
    """A :class:`Pager` iterated from asyncio: each page is fetched in a worker thread."""

    def __init__(self, pager: Pager[T], limiter: CapacityLimiter) -> None:
        self._pager = pager
        self._limiter = limiter

    @property
    def cursor(self) -> str | None:
        return self._pager.cursor

    async def iter_pages(self) -> AsyncIterator[Page[T]]:
        pages: Iterator[Page[T]] = self._pager.iter_pages()
        while True:
            # next() with a default: StopIteration must not cross the thread boundary.
            page = await anyio.to_thread.run_sync(next, pages, _DONE, limiter=self._limiter)
            if page is _DONE:
                return
            yield page  # type: ignore[misc]

    async def __aiter__(self) -> AsyncIterator[T]:
        async for page in self.iter_pages():
            for item in page.items:
                yield item

    async def to_list(self) -> list[T]:
        return [item async for item in self]

    async def first(self) -> T | None:
        async for item in AsyncPager(self._pager.limit(1), self._limiter):
            return item
        return None


class _AsyncResource(Generic[S]):
    def __init__(self, sync: S, limiter: CapacityLimiter) -> None:
        self._sync = sync
        self._limiter = limiter


def _threaded(
    method: Callable[Concatenate[S, P], R],
) -> Callable[Concatenate[_AsyncResource[S], P], Coroutine[Any, Any, R]]:
    """An async twin of a sync namespace method, run in a worker thread."""

    @functools.wraps(method)
    async def call(self: _AsyncResource[S], /, *args: P.args, **kwargs: P.kwargs) -> R:
        bound = functools.partial(method, self._sync, *args, **kwargs)
        return await anyio.to_thread.run_sync(bound, limiter=self._limiter)

    return call


def _listing(
    method: Callable[Concatenate[S, P], Pager[T]],
) -> Callable[Concatenate[_AsyncResource[S], P], AsyncPager[T]]:
    """An async twin of a list method: checks run now, pages are fetched on iteration."""

    @functools.wraps(method)
    def call(self: _AsyncResource[S], /, *args: P.args, **kwargs: P.kwargs) -> AsyncPager[T]:
        return AsyncPager(method(self._sync, *args, **kwargs), self._limiter)

    return call


class AsyncTargets(_AsyncResource[Targets]):
    get = _threaded(Targets.get)
    list = _listing(Targets.list)
    find_by_email = _threaded(Targets.find_by_email)
    create = _threaded(Targets.create)
    upsert = _threaded(Targets.upsert)


class AsyncSequences(_AsyncResource[Sequences]):
    get = _threaded(Sequences.get)
    list = _listing(Sequences.list)
    steps = _listing(Sequences.steps)


class AsyncEnrollments(_AsyncResource[Enrollments]):
    enroll = _threaded(Enrollments.enroll)
    enroll_many = _threaded(Enrollments.enroll_many)
    get = _threaded(Enrollments.get)
    list = _listing(Enrollments.list)
    remove = _threaded(Enrollments.remove)
    pause = _threaded(Enrollments.pause)
    resume = _threaded(Enrollments.resume)
    reassign = _threaded(Enrollments.reassign)
    set_outcome = _threaded(Enrollments.set_outcome)


class AsyncTasks(_AsyncResource[Tasks]):
    get = _threaded(Tasks.get)
    list = _listing(Tasks.list)
    create = _threaded(Tasks.create)
    complete = _threaded(Tasks.complete)
    complete_many = _threaded(Tasks.complete_many)
    skip = _threaded(Tasks.skip)
    snooze = _threaded(Tasks.snooze)
    reschedule = _threaded(Tasks.reschedule)
    reassign = _threaded(Tasks.reassign)
    update_note = _threaded(Tasks.update_note)
    advance = _threaded(Tasks.advance)


class AsyncActivities(_AsyncResource[Activities]):
    list = _listing(Activities.list)
    log_call = _threaded(Activities.log_call)
    log_note = _threaded(Activities.log_note)


class AsyncTenantClient:
    """One tenant's neutral API for asyncio code (see :class:`TenantClient`)."""

    def __init__(self, sync: TenantClient, limiter: CapacityLimiter) -> None:
        self.sync = sync
        self._limiter = limiter
        self.targets = AsyncTargets(sync.targets, limiter)
        self.sequences = AsyncSequences(sync.sequences, limiter)
        self.enrollments = AsyncEnrollments(sync.enrollments, limiter)
        self.tasks = AsyncTasks(sync.tasks, limiter)
        self.activities = AsyncActivities(sync.activities, limiter)

    def __repr__(self) -> str:
        return f"AsyncTenantClient(tenant={self.name!r}, vendor={self.vendor!r})"

    @property
    def name(self) -> str:
        return self.sync.name

    @property
    def vendor(self) -> str:
        return self.sync.vendor

    @property
    def capabilities(self) -> frozenset[Capability]:
        return self.sync.capabilities

    def supports(self, capability: Capability | str) -> bool:
        return self.sync.supports(capability)

    async def vendor_action(self, name: str, /, **params: Any) -> Any:
        call = functools.partial(self.sync.vendor_action, name, **params)
        return await anyio.to_thread.run_sync(call, limiter=self._limiter)


class AsyncEngage:
    """:class:`Engage` for asyncio: ``(await eng.tenant("acme").tasks.get("1"))``.

    Takes the same arguments as :class:`Engage`, plus ``max_threads``: how many
    vendor calls may run at once across all tenants of this client.
    """

    def __init__(self, *args: Any, max_threads: int = 64, **kwargs: Any) -> None:
        self._init(Engage(*args, **kwargs), max_threads)

    def _init(self, sync: Engage, max_threads: int) -> None:
        self.sync = sync
        self.limiter = CapacityLimiter(max_threads)
        self._clients: dict[str, AsyncTenantClient] = {}

    @classmethod
    def wrap(cls, sync: Engage, *, max_threads: int = 64) -> AsyncEngage:
        """An async client over an existing :class:`Engage` (sharing its tenants)."""
        client = cls.__new__(cls)
        client._init(sync, max_threads)
        return client

    @classmethod
    def from_config(cls, path: Any = None, *, max_threads: int = 64, **kwargs: Any) -> AsyncEngage:
        return cls.wrap(Engage.from_config(path, **kwargs), max_threads=max_threads)

    @classmethod
    def from_env(cls, *, max_threads: int = 64, **kwargs: Any) -> AsyncEngage:
        return cls.wrap(Engage.from_env(**kwargs), max_threads=max_threads)

    def __repr__(self) -> str:
        return f"AsyncEngage(tenants={self.tenant_names()})"

    @property
    def vendors(self) -> list[str]:
        return self.sync.vendors

    def tenant_names(self) -> list[str]:
        return self.sync.tenant_names()

    def tenant(self, name: str) -> AsyncTenantClient:
        """The async client of tenant ``name`` (config is validated now, no I/O)."""
        client = self._clients.get(name)
        if client is None:
            client = AsyncTenantClient(self.sync.tenant(name), self.limiter)
            self._clients[name] = client
        return client

    async def aclose(self) -> None:
        await anyio.to_thread.run_sync(self.sync.close, limiter=self.limiter)

    async def __aenter__(self) -> AsyncEngage:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()
