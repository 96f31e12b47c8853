"""Paginators: the three ways vendors page a list, as small composable classes.

Each one turns "get one page from the vendor" into ``fetch(cursor) -> Page``
for a :class:`~engage.pagination.Pager`, with an opaque cursor that resumes at
the page it names. The pager itself stops a next link or cursor that leads
back to a page already read (a :class:`~engage.errors.ProtocolError`), so a
vendor that loops costs one repeated request, not thousands.

- :class:`LinkPaginator`: the vendor hands out the next page's link
  (JSON:API ``links.next``, Salesforce ``nextRecordsUrl``).
- :class:`PageNumberPaginator`: ``page=1, 2, ...`` with an optional last page
  worth reading (vendors that charge more for deep pages).
- :class:`KeysetPaginator`: ascending by a sortable key (``updated_at``), always
  near the first page; rows that share the boundary key are remembered by id,
  so ties are neither lost nor repeated.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from .errors import InputError
from .pagination import Page, Pager, decode_cursor, encode_cursor

T = TypeVar("T")
R = TypeVar("R")

__all__ = ["KeysetPaginator", "LinkPaginator", "PageNumberPaginator"]


class LinkPaginator(Generic[T]):
    """Pages linked by the vendor: ``first()`` and ``follow(link)`` each answer
    ``(items, next_link_or_None)``. The cursor carries the link to follow."""

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
        return Page(items, encode_cursor({"next": link}) if link else None)

    def pager(self) -> Pager[T]:
        return Pager(self.fetch)


class PageNumberPaginator(Generic[T]):
    """Numbered pages: ``get(page)`` answers ``(items, has_more)``.

    ``last_page`` bounds how deep a list is read; asking for a page past it
    raises :class:`InputError` with ``too_deep`` as its message (say what to
    narrow), instead of paying a vendor's deep-page price.
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
        if cursor is not None:
            value = decode_cursor(cursor).get("page")
            if not isinstance(value, int) or value < self._first_page:
                raise InputError("this cursor belongs to a different kind of list")
            page = value
        if self._last_page is not None and page > self._last_page:
            raise InputError(self._too_deep)
        items, more = self._get(page)
        return Page(items, encode_cursor({"page": page + 1}) if more and items else None)

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
    page 2, 3, ... of that key only, so even long runs of ties end.
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
        after: str | None = state.get("after") or self._start
        seen = [str(i) for i in state.get("seen", [])]
        page = int(state.get("page", 1))
        rows, more = self._get(after, page)
        mark = self._ordered(after)
        skip = set(seen)
        fresh = [
            row
            for row in rows
            if not (self._ordered(self._key(row)) == mark and self._ident(row) in skip)
        ]
        if not more or not rows:
            return Page(fresh, None)
        last_raw = self._key(rows[-1])
        if last_raw is None:
            raise InputError("cannot page by this key: a record has none")
        last = self._ordered(last_raw)
        at_last = [self._ident(row) for row in rows if self._ordered(self._key(row)) == last]
        if last == mark:  # the whole page shares the key: step through its pages
            following = {"after": after, "seen": [*seen, *at_last], "page": page + 1}
        else:
            following = {"after": last_raw, "seen": at_last, "page": 1}
        return Page(fresh, encode_cursor(following))

    def pager(self) -> Pager[R]:
        return Pager(self.fetch)
