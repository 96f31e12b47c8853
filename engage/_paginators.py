"""Paginators: the three ways vendors page a list, as small composable classes.

Each one turns "get one page from the vendor" into ``fetch(cursor) -> Page``
for a :class:`~engage.pagination.Pager`, with an opaque cursor that resumes at
the page it names. A vendor that loops costs at most one repeated request, not
thousands: the pager stops a next link or cursor that leads back to a page
already read, and each paginator refuses the loops its own cursors cannot show
(a link to the page itself, a numbered page that repeats the previous one, a
keyset page with no row not read before). All raise
:class:`~engage.errors.ProtocolError`.

- :class:`LinkPaginator`: the vendor hands out the next page's link
  (JSON:API ``links.next``, Salesforce ``nextRecordsUrl``).
- :class:`PageNumberPaginator`: ``page=1, 2, ...`` with an optional last page
  worth reading (vendors that charge more for deep pages).
- :class:`KeysetPaginator`: ascending by a sortable key (``updated_at``), always
  near the first page; rows that share the boundary key are remembered by id,
  so ties are neither lost nor repeated.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from .errors import InputError
from .pagination import Page, Pager, decode_cursor, encode_cursor, paging_loop_error

T = TypeVar("T")
R = TypeVar("R")

__all__ = ["KeysetPaginator", "LinkPaginator", "PageNumberPaginator"]


class LinkPaginator(Generic[T]):
    """Pages linked by the vendor: ``first()`` and ``follow(link)`` each answer
    ``(items, next_link_or_None)``. The cursor carries the link to follow; a page
    whose next link is its own link raises :class:`~engage.errors.ProtocolError`."""

    def __init__(
        self,
        first: Callable[[], tuple[Sequence[T], str | None]],
        follow: Callable[[str], tuple[Sequence[T], str | None]],
    ) -> None:
        self._first = first
        self._follow = follow

    def fetch(self, cursor: str | None) -> Page[T]:
        if cursor is None:
            items, link = self._first()
        else:
            state = decode_cursor(cursor)
            link_in = state.get("next")
            if not isinstance(link_in, str):
                raise InputError("this cursor belongs to a different kind of list")
            items, link = self._follow(link_in)
            if link == link_in:
                raise paging_loop_error("the next page link is the link of the page itself")
        return Page(items, encode_cursor({"next": link}) if link else None)

    def pager(self) -> Pager[T]:
        return Pager(self.fetch)


class PageNumberPaginator(Generic[T]):
    """Numbered pages: ``get(page)`` answers ``(items, has_more)``.

    ``last_page`` bounds how deep a list is read; asking for a page past it
    raises :class:`InputError` with ``too_deep`` as its message (say what to
    narrow), instead of paying a vendor's deep-page price. A page that repeats
    the previous one exactly (a vendor ignoring ``page``, or pointing its next
    page at itself) raises :class:`~engage.errors.ProtocolError`.
    """

    def __init__(
        self,
        get: Callable[[int], tuple[Sequence[T], bool]],
        *,
        first_page: int = 1,
        last_page: int | None = None,
        too_deep: str = "this list is too long to read by page number; narrow the query",
    ) -> None:
        self._get = get
        self._first_page = first_page
        self._last_page = last_page
        self._too_deep = too_deep

    def fetch(self, cursor: str | None) -> Page[T]:
        page = self._first_page
        previous: str | None = None
        if cursor is not None:
            state = decode_cursor(cursor)
            value, previous = state.get("page"), state.get("prev")
            if (
                isinstance(value, bool)
                or not isinstance(value, int)
                or value < self._first_page
                or not (previous is None or isinstance(previous, str))
            ):
                raise InputError("this cursor belongs to a different kind of list")
            page = value
        if self._last_page is not None and page > self._last_page:
            raise InputError(self._too_deep)
        items, more = self._get(page)
        digest = _page_digest(items) if items else None
        if previous is not None and digest == previous:
            raise paging_loop_error(f"page {page} repeats page {page - 1}")
        if not (more and items):
            return Page(items, None)
        return Page(items, encode_cursor({"page": page + 1, "prev": digest}))

    def pager(self) -> Pager[T]:
        return Pager(self.fetch)


class KeysetPaginator(Generic[R]):
    """Rows in ascending order of a key the vendor can filter on with ``>=``.

    ``get(after, page)`` answers ``(rows, has_more)``: the rows whose key is at
    least ``after`` (all rows when ``None``), sorted ascending, page ``page``
    of that query (normally 1). ``key(row)`` is the row's key as the vendor
    writes it (sent back as ``after``), ``ident(row)`` its id, and ``order``
    turns a key into something comparable (e.g. ``datetime.fromisoformat``).

    Rows sharing the last key of a page are remembered by id and skipped on
    the next request. When a whole page shares one key, the paginator steps to
    page 2, 3, ... of that key only, so even long runs of ties end. Rows before
    ``after`` (a vendor ignoring the filter) were read already and are dropped;
    a step through a key's pages that brings no row not read before means the
    vendor is answering the same page again, and raises
    :class:`~engage.errors.ProtocolError`.
    """

    def __init__(
        self,
        get: Callable[[str | None, int], tuple[Sequence[R], bool]],
        *,
        key: Callable[[R], str | None],
        ident: Callable[[R], str],
        order: Callable[[str], Any] = str,
        start: str | None = None,
    ) -> None:
        self._get = get
        self._key = key
        self._ident = ident
        self._order = order
        self._start = start

    def _ordered(self, value: str | None) -> Any:
        return None if value is None else self._order(value)

    def fetch(self, cursor: str | None) -> Page[R]:
        state = decode_cursor(cursor) if cursor else {}
        after, seen_in, page = state.get("after"), state.get("seen", []), state.get("page", 1)
        if (
            not (after is None or isinstance(after, str))
            or not isinstance(seen_in, list)
            or isinstance(page, bool)
            or not isinstance(page, int)
            or page < 1
        ):
            raise InputError("this cursor belongs to a different kind of list")
        after = after or self._start
        seen = [str(i) for i in seen_in]
        rows, more = self._get(after, page)
        mark = self._ordered(after)
        skip = set(seen)
        fresh: list[R] = []
        for row in rows:
            raw = self._key(row)
            if raw is not None and mark is not None:
                value = self._ordered(raw)
                if value < mark or (value == mark and self._ident(row) in skip):
                    continue  # read already
            fresh.append(row)
        if not more or not rows:
            return Page(fresh, None)
        if page > 1 and not fresh:
            raise paging_loop_error(
                f"page {page} of the rows from {after} held only rows already read"
            )
        last_raw = self._key(rows[-1])
        if last_raw is None:
            raise InputError("cannot page by this key: a record has none")
        last = self._ordered(last_raw)
        at_last = [self._ident(row) for row in rows if self._ordered(self._key(row)) == last]
        if last == mark:  # the whole page shares the key: step through its pages
            ties = list(dict.fromkeys([*seen, *at_last]))
            following = {"after": after, "seen": ties, "page": page + 1}
        else:
            following = {"after": last_raw, "seen": at_last, "page": 1}
        return Page(fresh, encode_cursor(following))

    def pager(self) -> Pager[R]:
        return Pager(self.fetch)


def _page_digest(items: Sequence[Any]) -> str:
    """A digest of a page's rows, to recognise a page served twice."""
    return hashlib.blake2b(repr(list(items)).encode(), digest_size=8).hexdigest()
