"""Lazy, resumable pagers.

An adapter describes one page fetch as ``fetch(cursor) -> Page``; a
:class:`Pager` turns that into iteration over items (``for task in pager``),
over pages (``pager.iter_pages()``), and a resumable position
(``pager.cursor``, then ``Pager.resume`` or ``tenant.tasks.list(cursor=...)``).
Nothing is fetched until you iterate.

A vendor whose next link or cursor leads back to a page already read in the
same iteration would loop forever; the pager raises :class:`ProtocolError`
instead, after one repeat.

Cursors are opaque strings. Adapters build them with :func:`encode_cursor` from
whatever state their paging needs (a page number, an ``updated_at`` keyset, a
``links.next`` URL) and read them back with :func:`decode_cursor`.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from ._transport._scope import current_scope
from .errors import InputError, ProtocolError

T = TypeVar("T")
U = TypeVar("U")

__all__ = ["Page", "Pager", "decode_cursor", "encode_cursor", "merge_sorted"]


def encode_cursor(state: dict[str, Any]) -> str:
    data = json.dumps(state, separators=(",", ":"), sort_keys=True).encode()
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def decode_cursor(cursor: str) -> dict[str, Any]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        state = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (binascii.Error, ValueError, UnicodeDecodeError) as exc:
        raise InputError(f"not a cursor engage issued: {cursor[:40]!r}") from exc
    if not isinstance(state, dict):
        raise InputError(f"not a cursor engage issued: {cursor[:40]!r}")
    return state


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page: its items and the cursor of the next page (``None`` at the end)."""

    items: Sequence[T]
    next_cursor: str | None = None


class Pager(Generic[T]):
    """Iterate a vendor list lazily, page by page, resumable from ``cursor``."""

    def __init__(
        self,
        fetch: Callable[[str | None], Page[T]],
        *,
        cursor: str | None = None,
        limit: int | None = None,
        scope: Callable[[], AbstractContextManager[Any]] | None = None,
    ) -> None:
        if limit is not None and limit < 0:
            raise InputError("limit must not be negative")
        self._fetch = fetch
        self._start = cursor
        self._cursor = cursor
        self._limit = limit
        self._scope = scope or nullcontext
        self._done = False

    @property
    def cursor(self) -> str | None:
        """Where to resume: the cursor of the page after the last one fetched."""
        return self._cursor

    @property
    def exhausted(self) -> bool:
        return self._done

    def with_scope(self, scope: Callable[[], AbstractContextManager[Any]]) -> Pager[T]:
        """A copy whose page fetches each run inside ``scope()`` (the facade's context)."""
        return Pager(self._fetch, cursor=self._start, limit=self._limit, scope=scope)

    def resume(self, cursor: str | None) -> Pager[T]:
        """A fresh pager that starts at ``cursor``."""
        return Pager(self._fetch, cursor=cursor, limit=self._limit, scope=self._scope)

    def limit(self, count: int) -> Pager[T]:
        """A fresh pager that stops after ``count`` items."""
        return Pager(self._fetch, cursor=self._start, limit=count, scope=self._scope)

    def map(self, fn: Callable[[T], U]) -> Pager[U]:
        def fetch(cursor: str | None) -> Page[U]:
            page = self._fetch(cursor)
            return Page([fn(item) for item in page.items], page.next_cursor)

        return Pager(fetch, cursor=self._start, limit=self._limit, scope=self._scope)

    def filter(self, keep: Callable[[T], bool]) -> Pager[T]:
        """Only the items ``keep`` accepts, for filters the vendor cannot apply itself.

        Pages may come out shorter (even empty) but paging and cursors are unchanged.
        """

        def fetch(cursor: str | None) -> Page[T]:
            page = self._fetch(cursor)
            return Page([item for item in page.items if keep(item)], page.next_cursor)

        return Pager(fetch, cursor=self._start, limit=self._limit, scope=self._scope)

    def fetch_page(self, cursor: str | None) -> Page[T]:
        """Fetch one page at ``cursor`` (no scope, no limit): the building block of merges."""
        return self._fetch(cursor)

    def iter_pages(self) -> Iterator[Page[T]]:
        cursor = self._start
        remaining = self._limit
        self._done = False
        first = True
        visited = _Visited(cursor)
        while first or cursor is not None:
            first = False
            if remaining is not None and remaining <= 0:
                return
            with self._scope():
                page = self._fetch(cursor)
                visited.step(page.next_cursor)
            cursor = page.next_cursor
            self._cursor = cursor
            items = page.items
            if remaining is not None:
                items = items[:remaining]
                remaining -= len(items)
            if page.next_cursor is None:
                self._done = True
            yield Page(items, page.next_cursor)

    def __iter__(self) -> Iterator[T]:
        for page in self.iter_pages():
            yield from page.items

    def first(self) -> T | None:
        for item in self.limit(1):
            return item
        return None

    def to_list(self) -> list[T]:
        return list(self)


class _Visited:
    """The cursors one iteration has fetched (as digests), to stop a paging loop."""

    def __init__(self, start: str | None) -> None:
        self._seen: set[bytes] = set()
        if start is not None:
            self._seen.add(self._digest(start))

    @staticmethod
    def _digest(cursor: str) -> bytes:
        return hashlib.blake2b(cursor.encode(), digest_size=16).digest()

    def step(self, next_cursor: str | None) -> None:
        if next_cursor is None:
            return
        digest = self._digest(next_cursor)
        if digest in self._seen:
            scope = current_scope()
            raise ProtocolError(
                f"{len(self._seen)} pages in, the next page link leads back to a page "
                "already read; stopped instead of looping",
                vendor=scope.vendor if scope else "vendor",
                tenant=scope.tenant if scope else None,
                operation=scope.operation if scope else None,
                code="PAGING_LOOP",
            )
        self._seen.add(digest)


def merge_sorted(
    streams: Mapping[str, Callable[[str | None], Page[T]]],
    key: Callable[[T], Any],
    *,
    page_size: int = 100,
) -> Pager[T]:
    """One pager over several streams that are each sorted by ``key``: a k-way merge.

    For vendors that keep, say, calls and notes in separate lists. Streams are
    read lazily, one page at a time, and an item is emitted only when every
    stream that could still hold an earlier one has its next item in hand. The
    cursor records, per stream, the page being read and how much of it is
    spent, so a resumed pager refetches at most one page per stream.
    """
    names = sorted(streams)
    cache: dict[tuple[str, str | None], Page[T]] = {}

    def page_of(name: str, cursor: str | None) -> Page[T]:
        if (name, cursor) not in cache:
            for stale in [k for k in cache if k[0] == name]:
                del cache[stale]
            cache[(name, cursor)] = streams[name](cursor)
        return cache[(name, cursor)]

    def fetch(cursor: str | None) -> Page[T]:
        state: dict[str, Any] = (
            decode_cursor(cursor)["merge"] if cursor else {n: {"c": None, "u": 0} for n in names}
        )
        if set(state) != set(names):
            raise InputError("not a cursor of this list")
        heads: dict[str, tuple[Sequence[T], str | None]] = {}

        def refill(name: str) -> None:
            while state[name] is not None:
                page = page_of(name, state[name]["c"])
                rest = page.items[state[name]["u"] :]
                if rest:
                    heads[name] = (rest, page.next_cursor)
                    return
                heads.pop(name, None)
                if page.next_cursor is None:
                    state[name] = None
                else:
                    state[name] = {"c": page.next_cursor, "u": 0}

        for name in names:
            refill(name)
        out: list[T] = []
        while heads and len(out) < page_size:
            name = min(heads, key=lambda n: (key(heads[n][0][0]), n))
            out.append(heads[name][0][0])
            state[name]["u"] += 1
            refill(name)
        more = any(position is not None for position in state.values())
        return Page(out, encode_cursor({"merge": state}) if more else None)

    return Pager(fetch)
