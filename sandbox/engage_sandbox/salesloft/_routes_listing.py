"""Salesloft list semantics: page/per_page, sorting, the metadata envelope, and a result cache.

A filtered, sorted id list is cached per query (without its page) and per data
version, so walking a 50,000-record list page by page costs one filter-and-sort
plus a slice per page, not a full scan per page.
"""

from __future__ import annotations

import bisect
import math
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ._errors import invalid
from ._routes_params import Params, in_range
from ._state_store import Record, State

Filter = Callable[[Record], bool]
MAX_PER_PAGE = 100
COUNT_LIMIT = 10_000


@dataclass(frozen=True)
class Paging:
    page: int
    per_page: int
    sort_by: str
    direction: str  # "ASC" | "DESC"
    include_counts: bool
    limit_counts: bool


def read_paging(
    params: Params,
    sort_keys: tuple[str, ...],
    default_sort: str,
    default_direction: str = "DESC",
    *,
    sort_param: str = "sort_by",
) -> Paging:
    per_page = params.get_int("per_page")
    if per_page is None:
        per_page = 25
    if not 1 <= per_page <= MAX_PER_PAGE:
        raise invalid("per_page", f"must be in the range [1, {MAX_PER_PAGE}]")
    page = params.get_int("page")
    if page is None:
        page = 1
    if page < 1:
        raise invalid("page", "must be greater than or equal to 1")
    sort_by = params.get_str(sort_param) or default_sort
    if sort_by not in sort_keys:
        raise invalid(sort_param, f"must be one of: {', '.join(sort_keys)}")
    direction = (params.get_str("sort_direction") or default_direction).upper()
    if direction not in ("ASC", "DESC"):
        raise invalid("sort_direction", "must be one of: ASC, DESC")
    return Paging(
        page=page,
        per_page=per_page,
        sort_by=sort_by,
        direction=direction,
        include_counts=bool(params.get_bool("include_paging_counts")),
        limit_counts=bool(params.get_bool("limit_paging_counts")),
    )


def sort_rows(rows: list[Record], key: Callable[[Record], Any], direction: str) -> list[Record]:
    """Sort with ``id`` as the tie-breaker; missing values last ascending, first descending
    (PostgreSQL's default null ordering). DESC is exactly ASC reversed, ties included."""

    def full_key(row: Record) -> tuple[Any, ...]:
        value = key(row)
        return ((1, 0) if value is None else (0, value), row.get("_seq", row["id"]))

    return sorted(rows, key=full_key, reverse=direction == "DESC")


class ListCache:
    """Least-recently-used cache of sorted result lists, keyed by query and data version."""

    def __init__(self, size: int = 64) -> None:
        self._size = size
        self._entries: OrderedDict[tuple[Any, ...], list[Record]] = OrderedDict()

    def get_or_build(self, key: tuple[Any, ...], build: Callable[[], list[Record]]) -> list[Record]:
        found = self._entries.get(key)
        if found is not None:
            self._entries.move_to_end(key)
            return found
        rows = build()
        self._entries[key] = rows
        if len(self._entries) > self._size:
            self._entries.popitem(last=False)
        return rows

    def clear(self) -> None:
        self._entries.clear()


def select(
    state: State,
    cache: ListCache,
    resource: str,
    source: Callable[[], Iterable[Record]],
    filters: list[Filter],
    filter_key: tuple[Any, ...],
    paging: Paging,
    sort_key: Callable[[Record], Any],
    *,
    sort_range: dict[str, datetime] | None = None,
) -> tuple[list[Record], int]:
    """The page of records and the total count for one list request.

    The filtered rows are sorted ascending once per query (without its page, its
    direction or ``sort_range``) and data version, and cached. ``sort_range`` is a
    range filter on the sort field itself (``updated_at[gte]`` while sorting by
    ``updated_at``: a keyset page); it is left out of ``filters`` and ``filter_key``
    and applied by bisecting the cached order. DESC reads the same order from its
    end, so a page costs O(page + log n) once the order is built.
    """

    def build() -> list[Record]:
        rows = [r for r in source() if all(f(r) for f in filters)]
        return sort_rows(rows, sort_key, "ASC")

    key = (resource, state.version, filter_key, paging.sort_by)
    rows = cache.get_or_build(key, build)
    lo, hi = _bounds(rows, sort_key, sort_range or {})
    total = max(0, hi - lo)
    start = (paging.page - 1) * paging.per_page
    stop = min(start + paging.per_page, total)
    if start >= stop:
        return [], total
    if paging.direction == "ASC":
        return rows[lo + start : lo + stop], total
    # DESC position i is ASC position hi - 1 - i.
    return rows[hi - stop : hi - start][::-1], total


def _bounds(
    rows: list[Record], sort_key: Callable[[Record], Any], bounds: dict[str, datetime]
) -> tuple[int, int]:
    """The slice ``[lo, hi)`` of the ascending ``rows`` whose sort value is in ``bounds``
    (rows without a value are in no range)."""

    def primary(row: Record) -> tuple[int, Any]:
        value = sort_key(row)
        return (1, 0) if value is None else (0, value)

    if not bounds:
        return 0, len(rows)
    lo, hi = 0, bisect.bisect_left(rows, (1, 0), key=primary)  # missing values sort last
    for op, limit in bounds.items():
        if op in ("gte", "eq"):
            lo = max(lo, bisect.bisect_left(rows, (0, limit), 0, hi, key=primary))
        if op == "gt":
            lo = max(lo, bisect.bisect_right(rows, (0, limit), 0, hi, key=primary))
        if op == "lt":
            hi = min(hi, bisect.bisect_left(rows, (0, limit), 0, hi, key=primary))
        if op in ("lte", "eq"):
            hi = min(hi, bisect.bisect_right(rows, (0, limit), 0, hi, key=primary))
    return lo, max(lo, hi)


def envelope(
    data: list[dict[str, Any]], total: int, paging: Paging, filtering: dict[str, Any]
) -> dict[str, Any]:
    pages = math.ceil(total / paging.per_page)
    paging_meta: dict[str, Any] = {
        "per_page": paging.per_page,
        "current_page": paging.page,
        "next_page": paging.page + 1 if paging.page < pages else None,
        "prev_page": paging.page - 1 if paging.page > 1 else None,
    }
    if paging.include_counts:
        count = min(total, COUNT_LIMIT) if paging.limit_counts else total
        paging_meta["total_pages"] = math.ceil(count / paging.per_page)
        paging_meta["total_count"] = count
    return {
        "metadata": {
            "filtering": filtering,
            "paging": paging_meta,
            "sorting": {"sort_by": paging.sort_by, "sort_direction": paging.direction},
        },
        "data": data,
    }


def echo_filters(params: Params, names: Iterable[str]) -> dict[str, Any]:
    """``metadata.filtering``: the recognised filters as given, values as strings."""
    out: dict[str, Any] = {}
    for name in names:
        value = params.raw(name)
        if value is not None:
            out[name] = _stringify(value)
    return out


def _stringify(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _stringify(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_stringify(v) for v in value]
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def freeze(value: Any) -> Any:
    """A hashable form of parsed parameters, for cache keys."""
    if isinstance(value, dict):
        return tuple(sorted((str(k), freeze(v)) for k, v in value.items()))
    if isinstance(value, list):
        return tuple(freeze(v) for v in value)
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def field_in(field: str, values: Iterable[Any]) -> Filter:
    wanted = set(values)
    return lambda r: r[field] in wanted


def field_range(field: str, bounds: dict[str, datetime]) -> Filter:
    return lambda r: in_range(r[field], bounds)


def field_is(field: str, want: bool) -> Filter:
    return lambda r: bool(r[field]) == want
