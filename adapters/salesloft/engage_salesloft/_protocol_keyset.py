"""Keyset paging over a timestamp, with long runs of ties read from both ends.

Salesloft lists sort by one field and filter it with ``gt``/``gte``/``lte``; no
list filters ids by range, so a run of rows sharing one timestamp (a bulk
update) can only be paged by number, and pages past 100 cost 3 to 30 units.

* Normally each request is page 1 of ``field[gte]=<last timestamp seen>``; rows
  at that timestamp read already are remembered by id and skipped.
* A page whose rows all share one timestamp steps to page 2, 3, ... of the same
  query (by construction the run starts that query, so ``page * size`` of its
  rows have been read).
* Past page 100 of a run the rest is read from the other end: ``field[gte]`` and
  ``field[lte]`` at the run's timestamp, sorted DESC, with the run's length
  (``include_paging_counts``). The DESC page holding the row just after the
  rest must show the last row read ascending at that spot: only then are both
  orders one order reversed, and the rest is served. Otherwise (a vendor that
  breaks ties differently, or a run changed meanwhile) nothing from the DESC
  pages is used and the run goes on ascending, on deep pages: costly, correct.
  A run longer than 200 pages reads deep pages too.
* After a run the walk goes on from ``field[gt]=<the run's timestamp>``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from engage import InputError, Page
from engage.transport import decode_cursor, encode_cursor, paging_loop_error

from ._wire import Params, Row

MAX_CHEAP_PAGE = 100  # pages past 100 cost 3 to 30 units each

Listing = Callable[[Params], tuple[list[Row], int | None, int | None]]
"""One list request: its rows, the next page number, and ``total_count`` when asked."""


def _stamp(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _state_error() -> InputError:
    return InputError("this cursor belongs to a different kind of list")


class TimestampKeyset:
    """``fetch(cursor) -> Page`` over ``path`` ascending by ``field``, from ``start`` on."""

    def __init__(
        self,
        listing: Listing,
        params: Params,
        *,
        path: str,
        field: str,
        size: int,
        start: datetime | None,
    ) -> None:
        self._listing = listing
        self._params = params
        self._path = path
        self._field = field
        self._size = size
        self._start = start.isoformat() if start else None

    # --- helpers ---------------------------------------------------------------
    def _key(self, row: Row) -> str | None:
        return _stamp(row.get(self._field))

    def _get(self, extra: Params, direction: str, page: int) -> tuple[list[Row], bool, int | None]:
        query: Params = [
            *self._params,
            ("sort_by", self._field),
            ("sort_direction", direction),
            ("per_page", str(self._size)),
            ("page", str(page)),
            *extra,
        ]
        rows, next_page, total = self._listing(query)
        return rows, next_page is not None and len(rows) >= self._size, total

    # --- the walk --------------------------------------------------------------
    def fetch(self, cursor: str | None) -> Page[Row]:
        state = decode_cursor(cursor) if cursor else {"after": self._start}
        if "run" in state:
            return self._tail(state)
        return self._ascending(state)

    def _ascending(self, state: dict[str, Any]) -> Page[Row]:
        after, strict = state.get("after", self._start), state.get("strict", False)
        seen, page = state.get("seen", []), state.get("page", 1)
        tie, deep = state.get("tie"), state.get("deep", False)
        if (
            not (after is None or isinstance(after, str))
            or not isinstance(strict, bool)
            or not isinstance(seen, list)
            or isinstance(page, bool)
            or not isinstance(page, int)
            or page < 1
            or not (tie is None or (isinstance(tie, list) and len(tie) == 2))
            or not isinstance(deep, bool)
        ):
            raise _state_error()
        bound: Params = []
        if after:
            bound = [(f"{self._field}[{'gt' if strict else 'gte'}]", after)]
        rows, more, _ = self._get(bound, "ASC", page)
        mark = datetime.fromisoformat(after) if after else None
        skip = {str(i) for i in seen}
        fresh = [row for row in rows if not self._read_before(row, mark, strict, skip)]
        if not more or not rows:
            return Page(fresh, None)
        if page > 1 and not fresh:
            raise paging_loop_error(f"page {page} of the rows from {after} held only rows read")
        first, last = self._key(rows[0]), self._key(rows[-1])
        if last is None or first is None:
            raise InputError(f"cannot page {self._path} by {self._field}: a record has none")
        end = datetime.fromisoformat(last)
        if datetime.fromisoformat(first) != end:
            at_last = [str(r["id"]) for r in rows if self._ordered(r) == end]
            return Page(fresh, encode_cursor({"after": last, "seen": at_last, "page": 1}))
        # A page of ties: the run began on this page or on the page that began the
        # previous page's run (a page of another key ends it), so its length is known.
        begin = tie[1] if tie is not None and tie[0] == last else page
        nxt = {**state, "after": after, "page": page + 1, "tie": [last, begin]}
        if page < MAX_CHEAP_PAGE or deep:
            return Page(fresh, encode_cursor(nxt))
        read = (page - begin + 1) * self._size
        run = {"run": last, "read": read, "last": str(rows[-1]["id"]), "asc": nxt}
        return Page(fresh, encode_cursor(run))

    def _ordered(self, row: Row) -> datetime | None:
        raw = self._key(row)
        return None if raw is None else datetime.fromisoformat(raw)

    def _read_before(self, row: Row, mark: datetime | None, strict: bool, seen: set[str]) -> bool:
        """Rows before the query's bound (a vendor ignoring the filter) or already read."""
        value = self._ordered(row)
        if value is None or mark is None:
            return False
        return value < mark or (value == mark and (strict or str(row["id"]) in seen))

    def _tail(self, state: dict[str, Any]) -> Page[Row]:
        """The rest of a long run of ties, read DESC from its far end."""
        key, read, last, asc = state["run"], state.get("read"), state.get("last"), state.get("asc")
        if not (isinstance(key, str) and isinstance(read, int) and isinstance(last, str)):
            raise _state_error()
        if not isinstance(asc, dict):
            raise _state_error()
        exact: Params = [(f"{self._field}[gte]", key), (f"{self._field}[lte]", key)]
        after_run = encode_cursor({"after": key, "strict": True, "page": 1})
        page, stop = state.get("page"), state.get("stop")
        if isinstance(page, int) and isinstance(stop, int):  # the middle pages, in turn
            rows, _, _ = self._get(exact, "DESC", page)
            following = {**state, "page": page + 1} if page + 1 < stop else None
            return Page(rows, encode_cursor(following) if following else after_run)
        first, _, total = self._get([*exact, ("include_paging_counts", "true")], "DESC", 1)
        rest = -1 if total is None else total - read
        if rest < 0 or rest >= MAX_CHEAP_PAGE * self._size:
            return self._resume(asc)
        stop, spot = divmod(rest, self._size)
        stop += 1  # the DESC page holding the last row read ascending
        far = first if stop == 1 else self._get(exact, "DESC", stop)[0]
        if spot >= len(far) or str(far[spot]["id"]) != last:
            return self._resume(asc)
        if stop == 1:
            return Page(first[:spot], after_run)
        items = [*first, *far[:spot]]
        if stop == 2:
            return Page(items, after_run)
        return Page(items, encode_cursor({**state, "page": 2, "stop": stop}))

    def _resume(self, asc: dict[str, Any]) -> Page[Row]:
        """The run's deep ascending pages: the two orders do not mirror each other here."""
        return self._ascending({**asc, "deep": True})
