"""Lazy, resumable pagers.

An adapter describes one page fetch as ``fetch(cursor) -> Page``; a
:class:`Pager` turns that into iteration over items (``for task in pager``),
over pages (``pager.iter_pages()``), and a resumable position
(``pager.cursor``, then ``Pager.resume`` or ``tenant.tasks.list(cursor=...)``).
Nothing is fetched until you iterate.

``pager.cursor`` is the position just after the last item handed out, whether
the caller stopped with ``limit=``, with ``break``, mid-page or at a page
boundary: it holds the cursor of the page being read and how many of its items
were handed out (plus a digest of the last one's id, to find it again if the
page shifted), so a resumed pager refetches that page and skips what was
already read. It is ``None`` before the first item and once the list is
exhausted. Pages from :meth:`Pager.iter_pages` count as handed out when they
are yielded; iterating a page's ``items`` part-way (as ``async for`` over an
:class:`~engage.AsyncPager` does) moves the cursor to the item reached.

A vendor whose next link or cursor leads back to a page already read in the
same iteration would loop forever; the pager raises :class:`ProtocolError`
instead, before requesting that page again.

Cursors are opaque strings. Adapters build their page cursors with
:func:`encode_cursor` from whatever state their paging needs (a page number, an
``updated_at`` keyset, a ``links.next`` URL) and read them back with
:func:`decode_cursor`; the pager wraps them in its own checked position. A
cursor that is corrupted, or that another list (tenant, vendor, operation)
gave, is refused with :class:`InputError`.
"""

from __future__ import annotations

import base64
import binascii
import contextvars
import hashlib
import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from typing import Any, Generic, SupportsIndex, TypeVar

from ._transport._scope import current_scope
from .errors import InputError, ProtocolError

T = TypeVar("T")
U = TypeVar("U")

__all__ = [
    "Page",
    "Pager",
    "decode_cursor",
    "encode_cursor",
    "merge_sorted",
    "paging_loop_error",
]


def encode_cursor(state: dict[str, Any]) -> str:
    data = json.dumps(state, separators=(",", ":"), sort_keys=True).encode()
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def decode_cursor(cursor: str) -> dict[str, Any]:
    if not isinstance(cursor, str):
        raise InputError(f"a cursor is a string from pager.cursor, got {type(cursor).__name__}")
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        state = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (binascii.Error, ValueError, UnicodeError) as exc:
        raise InputError(f"not a cursor engage issued: {cursor[:40]!r}") from exc
    if not isinstance(state, dict):
        raise InputError(f"not a cursor engage issued: {cursor[:40]!r}")
    return state


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page: its items and the cursor of the next page (``None`` at the end)."""

    items: Sequence[T]
    next_cursor: str | None = None


# --- the pager's own cursor ------------------------------------------------------

_FORMAT = 1
_KEYS = frozenset({"v", "p", "n", "a", "l", "h"})


def _digest(text: str, size: int = 8) -> str:
    return hashlib.blake2b(text.encode(), digest_size=size).hexdigest()


def _anchor(item: object) -> str | None:
    """A digest of the item's identity, when it has an id (every neutral record does:
    its vendor object type and id, as one list may mix calls and emails)."""
    ident = getattr(item, "id", None)
    if isinstance(ident, bool) or not isinstance(ident, str | int) or ident == "":
        return None
    kind = getattr(getattr(item, "ref", None), "object_type", None)
    return _digest(f"{type(item).__name__}:{kind}:{ident}", 6)


def _list_tag() -> str | None:
    """Which list is being read: the vendor, tenant and operation of the facade's scope."""
    scope = current_scope()
    if scope is None:
        return None
    return _digest(f"{scope.vendor}\x00{scope.tenant}\x00{scope.operation}", 6)


def _checksum(body: Mapping[str, Any]) -> str:
    return _digest(json.dumps(body, separators=(",", ":"), sort_keys=True), 6)


@dataclass(frozen=True)
class _Position:
    page: str | None  # the cursor of the page being read (None: the first page)
    spent: int = 0  # how many of its items were handed out
    anchor: str | None = None  # _anchor() of the last of them
    tag: str | None = None  # _list_tag() of the list that gave the position

    def pack(self) -> str:
        body: dict[str, Any] = {
            "v": _FORMAT,
            "p": self.page,
            "n": self.spent,
            "a": self.anchor,
            "l": self.tag,
        }
        body["h"] = _checksum(body)
        return encode_cursor(body)

    @classmethod
    def unpack(cls, cursor: str) -> _Position:
        if isinstance(cursor, str) and not cursor:
            raise InputError("an empty cursor; pass None to start from the beginning")
        state = decode_cursor(cursor)
        refused = InputError(
            "not a cursor of an engage list (corrupted, or from an older engage); "
            "resume with the string pager.cursor gave"
        )
        if set(state) != _KEYS or state.get("v") != _FORMAT:
            raise refused
        body = {k: v for k, v in state.items() if k != "h"}
        page, spent, anchor, tag = body["p"], body["n"], body["a"], body["l"]
        if (
            state["h"] != _checksum(body)
            or not (page is None or isinstance(page, str))
            or isinstance(spent, bool)
            or not isinstance(spent, int)
            or spent < 0
            or not (anchor is None or isinstance(anchor, str))
            or not (tag is None or isinstance(tag, str))
        ):
            raise refused
        return cls(page, spent, anchor, tag)

    def start_index(self, items: Sequence[Any]) -> int:
        """Where to go on in the refetched page: after the anchor item if it is still
        there (records added or removed above it shift the page), else after ``spent``."""
        if self.anchor is not None:
            if 0 < self.spent <= len(items) and _anchor(items[self.spent - 1]) == self.anchor:
                return self.spent
            for index, item in enumerate(items):
                if _anchor(item) == self.anchor:
                    return index + 1
        return min(self.spent, len(items))


@dataclass(frozen=True)
class _Reading:
    """The page a pager is handing out, and where each count of its items leads."""

    cursor: str | None
    items: Sequence[Any]
    next_cursor: str | None
    tag: str | None

    def position(self, spent: int) -> str | None:
        if spent >= len(self.items):
            if self.next_cursor is None:
                return None
            return _Position(self.next_cursor, 0, None, self.tag).pack()
        anchor = _anchor(self.items[spent - 1]) if spent else None
        return _Position(self.cursor, spent, anchor, self.tag).pack()


class _HandedOut(list[T]):
    """A yielded page's items. Iterating them tells the pager how far the caller got,
    so stopping part-way through a page (``break``) leaves the cursor at that item.
    Copies, slices and pickles are plain lists."""

    def __init__(self, items: Iterable[T] = (), mark: Callable[[int], None] | None = None) -> None:
        super().__init__(items)
        self._mark = mark

    def __iter__(self) -> Iterator[T]:
        mark = self._mark
        for count, item in enumerate(list.__iter__(self), 1):
            if mark is not None:
                mark(count)
            yield item

    def __reduce_ex__(self, protocol: SupportsIndex) -> tuple[Any, ...]:
        return (list, (list(list.__iter__(self)),))


# --- the loop guard --------------------------------------------------------------


def paging_loop_error(detail: str) -> ProtocolError:
    """The :class:`ProtocolError` for a vendor whose paging leads back to a page already
    read, labelled with the operation in flight."""
    scope = current_scope()
    return ProtocolError(
        f"{detail}; stopped instead of looping",
        vendor=scope.vendor if scope else "vendor",
        tenant=scope.tenant if scope else None,
        operation=scope.operation if scope else None,
        code="PAGING_LOOP",
        retryable=False,
    )


class _Visited:
    """The page cursors one iteration has fetched (as digests), to stop a paging loop."""

    def __init__(self) -> None:
        self._seen: set[bytes] = set()
        self.pages = 0

    @staticmethod
    def _key(namespace: str, cursor: str) -> bytes:
        return hashlib.blake2b(f"{namespace}\x00{cursor}".encode(), digest_size=16).digest()

    def add(self, cursor: str | None, namespace: str = "") -> None:
        if cursor is not None:
            self._seen.add(self._key(namespace, cursor))

    def step(self, next_cursor: str | None, namespace: str = "") -> None:
        """Note that the next page is ``next_cursor``; raise if it was read already."""
        if next_cursor is None:
            return
        key = self._key(namespace, next_cursor)
        if key in self._seen:
            where = f" of the {namespace} stream" if namespace else ""
            raise paging_loop_error(
                f"the next page link{where} leads back to a page already read"
                f" ({self.pages} pages in)"
            )
        self._seen.add(key)


# The visited set of the pager iteration whose page fetch is running, so that a fetch
# made of several streams (merge_sorted) can guard each stream's links too.
_iteration: contextvars.ContextVar[_Visited | None] = contextvars.ContextVar(
    "engage_paging_iteration", default=None
)


def _follow(namespace: str, current: str | None, following: str) -> None:
    """A stream steps from page ``current`` to page ``following``: refuse a loop."""
    if following == current:
        raise paging_loop_error(f"the next page link of the {namespace} stream is the page itself")
    visited = _iteration.get()
    if visited is not None:
        visited.step(following, namespace)


# --- the pager -------------------------------------------------------------------


class Pager(Generic[T]):
    """Iterate a vendor list lazily, page by page, resumable from ``cursor``."""

    def __init__(
        self,
        fetch: Callable[[str | None], Page[T]],
        *,
        cursor: str | None = None,
        limit: int | None = None,
        scope: Callable[[], AbstractContextManager[object]] | None = None,
    ) -> None:
        if limit is not None and limit < 0:
            raise InputError("limit must not be negative")
        self._fetch = fetch
        self._start = cursor
        # Checked now, so a bad cursor is refused before anything is sent.
        self._origin = _Position.unpack(cursor) if cursor is not None else _Position(None)
        self._limit = limit
        self._scope = scope or nullcontext
        self._reading: _Reading | None = None  # the page being handed out
        self._spent = 0  # how many of its items are handed out
        self._marking: _Reading | None = None  # the page whose items may still move it

    @property
    def cursor(self) -> str | None:
        """Where to resume: just after the last item handed out (``None``: nothing
        handed out yet, or nothing left)."""
        if self._reading is None:
            return self._start
        return self._reading.position(self._spent)

    @property
    def exhausted(self) -> bool:
        """Whether the last item of the list has been handed out."""
        reading = self._reading
        return (
            reading is not None
            and reading.next_cursor is None
            and self._spent >= len(reading.items)
        )

    def with_scope(self, scope: Callable[[], AbstractContextManager[object]]) -> Pager[T]:
        """A copy whose page fetches each run inside ``scope()`` (the facade's context)."""
        return Pager(self._fetch, cursor=self._start, limit=self._limit, scope=scope)

    def resume(self, cursor: str | None) -> Pager[T]:
        """A fresh pager that starts at ``cursor`` (a :attr:`cursor` of this list)."""
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
        """Fetch one page at a page cursor (``None``: the first; then a page's
        ``next_cursor``), with no scope, no limit and no position: the building
        block of merges."""
        return self._fetch(cursor)

    def _get(
        self, cursor: str | None, visited: _Visited, first: bool
    ) -> tuple[Page[T], str | None]:
        """Fetch one page inside the scope; answer it and the tag of the list."""
        with self._scope():
            tag = _list_tag()
            if first and self._origin.tag and tag and self._origin.tag != tag:
                raise InputError(
                    "this cursor belongs to a different list (another tenant, vendor or "
                    "kind of record); resume a list only with a cursor it gave"
                )
            token = _iteration.set(visited)
            try:
                page = self._fetch(cursor)
            except (json.JSONDecodeError, UnicodeDecodeError) as exc:
                raise _not_json(exc) from exc
            finally:
                _iteration.reset(token)
            visited.pages += 1
            visited.step(page.next_cursor)
        return page, tag or self._origin.tag

    def iter_pages(self) -> Iterator[Page[T]]:
        """The pages from the start (or the cursor), each cut to the limit.

        Each page's ``next_cursor`` is where to resume after it (``None`` after the
        last); the first page of a resumed pager holds only the items not yet read.
        """
        origin = self._origin
        remaining = self._limit
        self._reading, self._spent, self._marking = None, 0, None
        visited = _Visited()
        visited.add(origin.page)
        cursor = origin.page
        first = True
        try:
            while first or cursor is not None:
                if remaining is not None and remaining <= 0:
                    return
                page, tag = self._get(cursor, visited, first)
                items = list(page.items)
                reading = _Reading(cursor, items, page.next_cursor, tag)
                start = origin.start_index(items) if first else 0
                first = False
                end = len(items) if remaining is None else min(len(items), start + remaining)
                if remaining is not None:
                    remaining -= end - start
                self._reading, self._spent, self._marking = reading, end, reading

                def mark(count: int, reading: _Reading = reading, start: int = start) -> None:
                    if self._marking is reading:
                        self._spent = start + count

                yield Page(_HandedOut(items[start:end], mark), reading.position(end))
                self._marking = None
                cursor = page.next_cursor
        finally:
            self._marking = None

    def __iter__(self) -> Iterator[T]:
        for page in self.iter_pages():
            yield from page.items

    def first(self) -> T | None:
        for item in self.limit(1):
            return item
        return None

    def to_list(self) -> list[T]:
        return list(self)


def _not_json(exc: ValueError) -> ProtocolError:
    scope = current_scope()
    return ProtocolError(
        f"the answer was not the JSON expected ({type(exc).__name__})",
        vendor=scope.vendor if scope else "vendor",
        tenant=scope.tenant if scope else None,
        operation=scope.operation if scope else None,
        code="MALFORMED_RESPONSE",
        retryable=False,
    )


# --- merging sorted streams ------------------------------------------------------


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
    spent, so a resumed pager refetches at most one page per stream. A stream
    whose next link leads back to a page it already gave raises
    :class:`ProtocolError`.
    """
    names = sorted(streams)
    cache: dict[tuple[str, str | None], Page[T]] = {}

    def page_of(name: str, cursor: str | None) -> Page[T]:
        if (name, cursor) not in cache:
            for stale in [k for k in cache if k[0] == name]:
                del cache[stale]
            cache[(name, cursor)] = streams[name](cursor)
        return cache[(name, cursor)]

    def start(cursor: str | None) -> dict[str, Any]:
        if cursor is None:
            return {n: {"c": None, "u": 0} for n in names}
        state = decode_cursor(cursor).get("merge")
        if not isinstance(state, dict) or set(state) != set(names):
            raise InputError("not a cursor of this list")
        for position in state.values():
            if position is None:
                continue
            if (
                not isinstance(position, dict)
                or not (position.get("c") is None or isinstance(position.get("c"), str))
                or not isinstance(position.get("u"), int)
                or position["u"] < 0
            ):
                raise InputError("not a cursor of this list")
        return state

    def fetch(cursor: str | None) -> Page[T]:
        state = start(cursor)
        heads: dict[str, tuple[Sequence[T], str | None]] = {}

        def refill(name: str) -> None:
            passed: set[str | None] = set()
            while state[name] is not None:
                current = state[name]["c"]
                passed.add(current)
                page = page_of(name, current)
                rest = page.items[state[name]["u"] :]
                if rest:
                    heads[name] = (rest, page.next_cursor)
                    return
                heads.pop(name, None)
                if page.next_cursor is None:
                    state[name] = None
                else:
                    if page.next_cursor in passed:
                        raise paging_loop_error(
                            f"the next page link of the {name} stream leads back to a page "
                            "already read"
                        )
                    _follow(name, current, page.next_cursor)
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
