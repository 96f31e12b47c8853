"""Salesloft emulator: a keyset page costs O(page) work, not a scan of every row.

Work is counted, not timed: the rows the list filters are handed, read through a
counting view of the emulator's table.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from .test_salesloft_support import client_for, make_app, state_of

PAGES = 12


class CountingTable(dict[int, Any]):
    """An emulator table that counts the rows handed out by ``values()``."""

    handed = 0

    def values(self) -> Any:
        return _Counted(self)


class _Counted:
    def __init__(self, table: CountingTable) -> None:
        self._table = table

    def __iter__(self) -> Iterator[Any]:
        for row in dict.values(self._table):
            self._table.handed += 1
            yield row

    def __len__(self) -> int:
        return len(self._table)


@pytest.mark.parametrize(
    ("path", "table", "field"),
    [
        ("/v2/cadence_memberships", "memberships", "updated_at"),
        ("/v2/cadences", "cadences", "updated_at"),
        ("/v2/activities/calls", "calls", "updated_at"),
        ("/v2/notes", "notes", "updated_at"),
        ("/v2/activities/emails", "emails", "updated_at"),
        ("/v2/people", "people", "updated_at"),
        ("/v2/actions", "actions", "updated_at"),
    ],
)
@pytest.mark.parametrize("direction", ["ASC", "DESC"])
def test_keyset_pages_filter_the_table_once(
    path: str, table: str, field: str, direction: str
) -> None:
    app = make_app(size=0.5)
    client = client_for(app)
    state = state_of(client)
    counting = CountingTable(getattr(state, table))
    setattr(state, table, counting)
    bound = "gte" if direction == "ASC" else "lte"
    params: dict[str, Any] = {"sort_by": field, "sort_direction": direction, "per_page": 5}
    seen: set[Any] = set()
    for _ in range(PAGES):
        body = client.get(path, params=params).json()
        rows = body["data"]
        assert rows, body
        seen.update(row["id"] for row in rows)
        params[f"{field}[{bound}]"] = rows[-1][field]
    # One filter-and-sort for the whole walk: later pages bisect the cached order.
    assert counting.handed <= len(counting)
    assert len(seen) > 5  # the walk moved on from its first page
