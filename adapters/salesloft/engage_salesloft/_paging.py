"""Paging Salesloft lists without deep pages.

Salesloft charges pages past 100 three to thirty times a normal request, so
lists that can be sorted and filtered by a timestamp are read by keyset:
``sort_by=<field>&sort_direction=ASC&<field>[gte]=<last seen>`` and always
page 1. Rows sharing the last timestamp are remembered by id and skipped on
the next request, so ties are neither lost nor repeated; if a whole page
shares one timestamp the pager steps to page 2, 3, ... of that timestamp only.
Lists with no usable timestamp filter use page numbers, capped at the last
cheap page.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

from engage import InputError, Page, Pager
from engage.pagination import decode_cursor, encode_cursor

from ._api import MAX_CHEAP_PAGE, Params, Row, SalesloftApi

T = TypeVar("T")
Transform = Callable[[list[Row]], list[T]]


def _moment(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    return datetime.fromisoformat(value)


def keyset_fetch(
    api: SalesloftApi,
    path: str,
    params: Params,
    *,
    field: str,
    size: int,
    start: datetime | None,
    transform: Transform[T],
) -> Callable[[str | None], Page[T]]:
    """A page fetch for ``path`` ordered by ``field`` ascending, resumable at any page."""

    def fetch(cursor: str | None) -> Page[T]:
        state = decode_cursor(cursor) if cursor else {}
        after: str | None = state.get("after") or (start.isoformat() if start else None)
        seen: list[str] = list(state.get("seen", []))
        page = int(state.get("page", 1))
        query: Params = [
            *params,
            ("sort_by", field),
            ("sort_direction", "ASC"),
            ("per_page", str(size)),
            ("page", str(page)),
        ]
        if after:
            query.append((f"{field}[gte]", after))
        rows, next_page = api.page(path, query)
        mark = _moment(after)
        skip = set(seen)
        fresh = [r for r in rows if not (_moment(r.get(field)) == mark and str(r["id"]) in skip)]
        if next_page is None or len(rows) < size:
            return Page(transform(fresh), None)
        last_raw = rows[-1].get(field)
        last = _moment(last_raw)
        if last is None:
            raise InputError(f"cannot page {path} by {field}: a record has none")
        at_last = [str(r["id"]) for r in rows if _moment(r.get(field)) == last]
        if last == mark:  # the whole page shares the timestamp: step through its pages
            nxt = {"after": after, "seen": [*seen, *at_last], "page": page + 1}
        else:
            nxt = {"after": last_raw, "seen": at_last, "page": 1}
        return Page(transform(fresh), encode_cursor(nxt))

    return fetch


def numbered_fetch(
    api: SalesloftApi,
    path: str,
    params: Params,
    *,
    size: int,
    transform: Transform[T],
    keep: Callable[[Row], bool] = lambda _: True,
) -> Callable[[str | None], Page[T]]:
    """Page-number paging for lists with no timestamp to key on, stopped at the last cheap
    page: past it the caller is told to narrow the query rather than be charged up to 30x."""

    def fetch(cursor: str | None) -> Page[T]:
        page = int(decode_cursor(cursor)["page"]) if cursor else 1
        if page > MAX_CHEAP_PAGE:
            raise InputError(
                f"{path} has more than {MAX_CHEAP_PAGE} pages for this query; "
                "narrow it (owner, target, status) instead of reading deep, costly pages"
            )
        query: Params = [*params, ("per_page", str(size)), ("page", str(page))]
        rows, next_page = api.page(path, query)
        kept = [r for r in rows if keep(r)]
        nxt = encode_cursor({"page": next_page}) if next_page is not None and rows else None
        return Page(transform(kept), nxt)

    return fetch


def chained(
    phases: list[tuple[str, Callable[[str | None], Page[T]]]],
) -> Callable[[str | None], Page[T]]:
    """One fetch over several lists in turn (manual tasks, then cadence actions)."""
    names = [name for name, _ in phases]
    fetches = dict(phases)

    def fetch(cursor: str | None) -> Page[T]:
        if not names:
            return Page([], None)
        state = decode_cursor(cursor) if cursor else {"phase": names[0], "inner": None}
        phase = str(state["phase"])
        if phase not in fetches:
            raise InputError("this cursor belongs to a different query")
        page = fetches[phase](state.get("inner"))
        if page.next_cursor is not None:
            return Page(page.items, encode_cursor({"phase": phase, "inner": page.next_cursor}))
        index = names.index(phase)
        if index + 1 < len(names):
            return Page(page.items, encode_cursor({"phase": names[index + 1], "inner": None}))
        return Page(page.items, None)

    return fetch


def pager(fetch: Callable[[str | None], Page[T]]) -> Pager[T]:
    return Pager(fetch)
