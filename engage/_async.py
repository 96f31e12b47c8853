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
import random
import time
from collections.abc import AsyncIterator, Callable, Coroutine, Iterable, Iterator
from datetime import datetime
from types import TracebackType
from typing import Any, Concatenate, Generic, ParamSpec, TypeVar, Unpack

import anyio.to_thread
import httpx
from anyio import CapacityLimiter
from pydantic import JsonValue

from ._client import Engage, EngageOptions, TenantClient, _utc_now
from ._resources import Activities, Enrollments, Sequences, Targets, Tasks
from ._transport import Pacer, TokenStore
from .adapter import Capability, JsonParam
from .config import ConfigPath, EngageSettings, Tenants
from .errors import ConfigurationError
from .models import Record
from .pagination import Page, Pager

P = ParamSpec("P")
R = TypeVar("R")
T = TypeVar("T")
S = TypeVar("S")

__all__ = ["AsyncEngage", "AsyncPager", "AsyncTenantClient"]

_DONE = object()


class AsyncPager(Generic[T]):
    """A :class:`Pager` iterated from asyncio: each page is fetched in a worker thread.

    ``limit`` and ``resume`` are the sync pager's: fresh pagers (nothing fetched
    yet), the cursor checked at once, so a bad one raises before any request.
    """

    def __init__(self, pager: Pager[T], limiter: CapacityLimiter) -> None:
        self._pager = pager
        self._limiter = limiter

    @property
    def cursor(self) -> str | None:
        """Where to resume: just after the last item handed out (see :attr:`Pager.cursor`)."""
        return self._pager.cursor

    @property
    def exhausted(self) -> bool:
        """Whether the last item of the list has been handed out."""
        return self._pager.exhausted

    def limit(self, count: int) -> AsyncPager[T]:
        """A fresh pager that stops after ``count`` items."""
        return AsyncPager(self._pager.limit(count), self._limiter)

    def resume(self, cursor: str | None) -> AsyncPager[T]:
        """A fresh pager that starts at ``cursor`` (a :attr:`cursor` of this list), with
        this pager's limit."""
        return AsyncPager(self._pager.resume(cursor), self._limiter)

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
        async for item in self.limit(1):
            return item
        return None


class _AsyncResource(Generic[S]):
    def __init__(self, sync: S, limiter: CapacityLimiter) -> None:
        self._sync = sync
        self._limiter = limiter


# Coroutine[Any, Any, R] is what an ``async def`` returning R is (its send and yield
# types are the event loop's business); the ParamSpec carries the sync method's
# parameters, overloads included, so the async twin is checked exactly like it.
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

    async def vendor_action(self, name: str, /, **params: JsonParam) -> JsonValue | Record:
        """See :meth:`TenantClient.vendor_action`."""
        call = functools.partial(self.sync.vendor_action, name, **params)
        return await anyio.to_thread.run_sync(call, limiter=self._limiter)


class AsyncEngage:
    """:class:`Engage` for asyncio: ``(await eng.tenant("acme").tasks.get("1"))``.

    Takes the same arguments as :class:`Engage`, plus ``max_threads``: how many
    vendor calls may run at once across all tenants of this client.
    """

    # Spelled out rather than forwarded as *args/**kwargs so a type checker sees every
    # argument; tests/test_typing.py compares this signature with Engage's.
    def __init__(
        self,
        tenants: Tenants | None = None,
        *,
        plugins: Iterable[object] = (),
        load_entrypoints: bool = True,
        token_store: TokenStore | None = None,
        pacer: Pacer | None = None,
        settings: EngageSettings | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], datetime] = _utc_now,
        rng: random.Random | None = None,
        http_transport: httpx.BaseTransport | None = None,
        max_threads: int = 64,
    ) -> None:
        failure: ConfigurationError | None = None
        try:
            sync = Engage(
                tenants,
                plugins=plugins,
                load_entrypoints=load_entrypoints,
                token_store=token_store,
                pacer=pacer,
                settings=settings,
                sleep=sleep,
                clock=clock,
                rng=rng,
                http_transport=http_transport,
            )
        except ConfigurationError as exc:
            failure = exc
        if failure is not None:
            del tenants  # as in Engage: no frame of the raise holds the caller's secrets
            raise failure.with_traceback(None)
        self._init(sync, max_threads)

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
    def from_config(
        cls,
        path: ConfigPath | None = None,
        *,
        max_threads: int = 64,
        **options: Unpack[EngageOptions],
    ) -> AsyncEngage:
        """See :meth:`Engage.from_config`."""
        return cls.wrap(Engage.from_config(path, **options), max_threads=max_threads)

    @classmethod
    def from_env(cls, *, max_threads: int = 64, **options: Unpack[EngageOptions]) -> AsyncEngage:
        """See :meth:`Engage.from_env`."""
        return cls.wrap(Engage.from_env(**options), max_threads=max_threads)

    def __repr__(self) -> str:
        # As Engage's: cheap, no tenant-source query, and safe on an instance whose
        # __init__ raised (error trackers repr the locals of every frame, self included).
        return f"AsyncEngage(open_tenants={sorted(getattr(self, '_clients', {}))})"

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
