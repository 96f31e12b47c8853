"""``sort`` and pages as Outreach answers them: cursor pages with
``links.first/prev/next`` and the deprecated offset pages.

Cursors are opaque base64 of the last (or first) row's sort key, so a page is
found by binary search in the sorted rows instead of by counting from the start,
and rows inserted before the cursor do not shift later pages. The sorted rows are
the store's index for the sort (built once until the type changes); the filter is
applied while walking from the cursor, so a page costs O(log n) to find and the
rows it walks over (its own, plus those a narrow filter skips) to fill.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from ._errors import ApiError
from ._state_schema import ResourceDef
from ._state_store import Record, Store

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 1000
MAX_OFFSET = 10000
COUNT_CAP = 2_000_000
Keep = Callable[[Record], bool]


def _bad(detail: str) -> ApiError:
    return ApiError(400, detail)


def parse_sort(rdef: ResourceDef, raw: str | None) -> list[tuple[str, bool]]:
    if not raw:
        return []
    spec = []
    for item in raw.split(","):
        item = item.strip()
        desc = item.startswith("-")
        name = item[1:] if desc else item
        if name != "id" and name not in rdef.sortable:
            raise _bad(f"Sorting '{rdef.plural}' by '{name}' is not allowed.")
        spec.append((name, desc))
    return spec


def _key(record: Record, name: str) -> tuple[bool, Any]:
    value = record.id if name == "id" else record.attributes.get(name)
    return (True, 0) if value is None else (False, value)


def sort_records(records: list[Record], spec: list[tuple[str, bool]]) -> list[Record]:
    """Stable multi-pass sort; ties fall back to ascending id. Nulls sort last ascending."""
    ordered = sorted(records, key=lambda r: r.id)
    for name, desc in reversed(spec):
        ordered.sort(key=lambda r, n=name: _key(r, n), reverse=desc)  # type: ignore[misc]
    return ordered


def _cursor_key(record: Record, spec: list[tuple[str, bool]]) -> list[Any]:
    return [list(_key(record, name)) for name, _ in spec] + [record.id]


def _compare(record: Record, key: list[Any], spec: list[tuple[str, bool]]) -> int:
    for (name, desc), wanted in zip(spec, key, strict=False):
        mine = _key(record, name)
        theirs = (bool(wanted[0]), wanted[1])
        if mine != theirs:
            lower = mine < theirs
            return (1 if lower else -1) if desc else (-1 if lower else 1)
    last = int(key[-1])
    return (record.id > last) - (record.id < last)


def encode_cursor(record: Record, spec: list[tuple[str, bool]], sort_raw: str) -> str:
    payload = json.dumps({"s": sort_raw, "k": _cursor_key(record, spec)}, separators=(",", ":"))
    return base64.urlsafe_b64encode(payload.encode()).decode().rstrip("=")


def _decode_cursor(token: str, sort_raw: str) -> list[Any]:
    try:
        padded = token + "=" * (-len(token) % 4)
        payload = json.loads(base64.urlsafe_b64decode(padded.encode()))
        key = payload["k"]
        if payload["s"] != sort_raw or not isinstance(key, list):
            raise ValueError("cursor was made for another sort")
        return key
    except (ValueError, KeyError, TypeError, binascii.Error) as exc:
        raise _bad(f"Invalid page cursor '{token}'.") from exc


def _first_after(rows: list[Record], key: list[Any], spec: list[tuple[str, bool]]) -> int:
    lo, hi = 0, len(rows)
    while lo < hi:
        mid = (lo + hi) // 2
        if _compare(rows[mid], key, spec) > 0:
            hi = mid
        else:
            lo = mid + 1
    return lo


def _first_not_before(rows: list[Record], key: list[Any], spec: list[tuple[str, bool]]) -> int:
    lo, hi = 0, len(rows)
    while lo < hi:
        mid = (lo + hi) // 2
        if _compare(rows[mid], key, spec) >= 0:
            hi = mid
        else:
            lo = mid + 1
    return lo


def _int_param(params: dict[str, str], name: str, default: int, maximum: int, low: int) -> int:
    raw = params.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise _bad(f"'{name}' must be an integer.") from exc
    if value < low or value > maximum:
        raise _bad(f"'{name}' must be between {low} and {maximum}.")
    return value


def sorted_rows(store: Store, type_: str, spec: list[tuple[str, bool]]) -> list[Record]:
    """Every record of ``type_`` in ``spec`` order, from the store's index."""
    name = ",".join(f"{'-' if desc else ''}{attr}" for attr, desc in spec)

    def build(records: Iterable[Record]) -> list[Record]:
        return sort_records(list(records), spec)

    return store.sorted_rows(type_, name, build)


@dataclass
class Page:
    rows: list[Record]
    links: dict[str, str]


class _Walk:
    """Matching rows found by walking the sorted rows from a position, counted."""

    def __init__(self, rows: list[Record], keep: Keep | None, store: Store) -> None:
        self.rows = rows
        self.keep = keep
        self.store = store

    def forward(self, start: int, want: int) -> tuple[list[int], bool]:
        """Up to ``want`` matching positions from ``start``, and whether one more exists."""
        found: list[int] = []
        for index in range(start, len(self.rows)):
            self.store.rows_examined += 1
            if self.keep is None or self.keep(self.rows[index]):
                if len(found) == want:
                    return found, True
                found.append(index)
        return found, False

    def backward(self, end: int, want: int) -> tuple[list[int], bool]:
        """Up to ``want`` matching positions before ``end`` (in order), and whether
        one more exists before them."""
        found: list[int] = []
        for index in range(end - 1, -1, -1):
            self.store.rows_examined += 1
            if self.keep is None or self.keep(self.rows[index]):
                if len(found) == want:
                    return found[::-1], True
                found.append(index)
        return found[::-1], False

    def count(self) -> int:
        self.store.rows_examined += len(self.rows)
        return sum(1 for r in self.rows if self.keep is None or self.keep(r))


def paginate(
    rows: list[Record],
    keep: Keep | None,
    spec: list[tuple[str, bool]],
    params: list[tuple[str, str]],
    url: str,
    store: Store,
) -> Page:
    """Cut one page of the rows ``keep`` accepts out of sorted ``rows``; build its links."""
    single = dict(params)
    sort_raw = single.get("sort", "")
    kept = [(k, v) for k, v in params if k not in {"page[after]", "page[before]", "page[offset]"}]
    walk = _Walk(rows, keep, store)

    def link(extra: list[tuple[str, str]]) -> str:
        query = urlencode(kept + extra)
        return f"{url}?{query}" if query else url

    if "page[offset]" in single or "page[limit]" in single:
        # Deprecated and capped at 10,000: filtered in full, as counting from the start must.
        limit = _int_param(single, "page[limit]", DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, 1)
        offset = _int_param(single, "page[offset]", 0, MAX_OFFSET, 0)
        store.rows_examined += len(rows)
        matching = rows if keep is None else [r for r in rows if keep(r)]
        links = {"first": link([])}
        if offset > 0:
            links["prev"] = link([("page[offset]", str(max(0, offset - limit)))])
        if offset + limit < len(matching):
            links["next"] = link([("page[offset]", str(offset + limit))])
        last = max(0, (len(matching) - 1) // limit * limit)
        links["last"] = link([("page[offset]", str(last))])
        return Page(matching[offset : offset + limit], links)

    size = _int_param(single, "page[size]", DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, 1)
    if "page[before]" in single:
        end = _first_not_before(rows, _decode_cursor(single["page[before]"], sort_raw), spec)
        found, earlier = walk.backward(end, size)
        later = bool(found) and bool(walk.forward(end, 0)[1])
    else:
        start = 0
        if "page[after]" in single:
            start = _first_after(rows, _decode_cursor(single["page[after]"], sort_raw), spec)
        found, later = walk.forward(start, size)
        earlier = bool(found) and bool(walk.backward(found[0], 0)[1])
    page = [rows[i] for i in found]
    links = {"first": link([])}
    if earlier and page:
        links["prev"] = link([("page[before]", encode_cursor(page[0], spec, sort_raw))])
    if later and page:
        links["next"] = link([("page[after]", encode_cursor(page[-1], spec, sort_raw))])
    return Page(page, links)


def count_meta(total: int) -> dict[str, Any]:
    return {"count": min(total, COUNT_CAP), "count_truncated": total > COUNT_CAP}


def count_matching(rows: list[Record], keep: Keep | None, store: Store) -> int:
    """How many rows ``keep`` accepts (``count=true``): the one read that walks them all."""
    return _Walk(rows, keep, store).count()
