"""Queries read in the order of an indexed field: a page costs the page, not the table.

A query ordered ``ORDER BY Id`` or ``ORDER BY SystemModstamp[, Id]`` (ascending),
optionally with range conditions on that field (``SystemModstamp >= ...``) at
the top of its WHERE, is the shape of every list and keyset read a client does.
The store keeps those fields' live rows as sorted keys (``Store.keys``), so the
range is two bisections and the rows come out already sorted:

- nothing else in the WHERE: the answer is the range itself, its rows looked
  up only when a page of them is sent (:class:`KeyRows`); ``totalSize`` is
  the range's length;
- other conditions with a ``LIMIT``: the range is read in order until the
  limit is met;
- other conditions without one: every row in the range is tested (Salesforce
  states the total size up front), but none is sorted.

The answer is the same as a table scan's; ``queryAll`` (deleted rows too) and
any other order take the scan.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterator, Sequence
from typing import Any, overload

from . import _state_soql as soql
from ._state_store import ORDERED, Key, Record, Store

Predicate = Callable[[Record], bool]
_RANGE_OPS = (">", ">=", "<", "<=")


class KeyRows(Sequence[Record]):
    """The rows of a key range, fetched from the store only when read."""

    def __init__(self, store: Store, keys: list[Key]) -> None:
        self.store = store
        self.keys = keys  # a copy of the range: the answer is fixed when the query runs

    def __len__(self) -> int:
        return len(self.keys)

    @overload
    def __getitem__(self, index: int) -> Record: ...
    @overload
    def __getitem__(self, index: slice) -> list[Record]: ...
    def __getitem__(self, index: int | slice) -> Record | list[Record]:
        if isinstance(index, slice):
            return [self._row(key) for key in self.keys[index]]
        return self._row(self.keys[index])

    def __iter__(self) -> Iterator[Record]:
        for key in self.keys:
            yield self._row(key)

    def _row(self, key: Key) -> Record:
        row = self.store.get(key[1])
        assert row is not None  # rows are never removed from their table
        return row


def _ordered_field(order: Sequence[tuple[Any, soql.OrderItem]]) -> str | None:
    """The indexed field whose key order is the query's order, if there is one."""
    names = []
    for resolved, item in order:
        if resolved.hops or item.descending:
            return None
        names.append(resolved.spec.name)
    if names and names[0] in ORDERED and names[1:] in ([], ["Id"]):
        return str(names[0])  # ties are by Id either way (tables are in Id order)
    return None


def _conditions(where: soql.Cond | None) -> tuple[soql.Cond, ...]:
    if where is None:
        return ()
    if isinstance(where, soql.BoolOp) and where.op == "AND":
        return where.items
    return (where,)


def _is_range(cond: soql.Cond, field: str) -> bool:
    return (
        isinstance(cond, soql.Comparison)
        and cond.op in _RANGE_OPS
        and len(cond.field.path) == 1
        and cond.field.path[0].lower() == field.lower()
        and cond.value.kind in ("datetime", "string")
    )


def ordered_rows(
    compiler: Any,
    sobject: str,
    query: soql.Query,
    order: Sequence[tuple[Any, soql.OrderItem]],
    predicate: Predicate | None,
) -> Sequence[Record] | None:
    """The query's rows in order, after OFFSET and LIMIT, from the index; ``None``
    when its order is not an indexed field's (the caller scans the table)."""
    field = _ordered_field(order)
    if field is None:
        return None
    store: Store = compiler.store
    keys = store.keys(sobject, field)
    low, high = 0, len(keys)
    items = _conditions(query.where)
    spec = compiler.resolve(sobject, soql.FieldRef((field,), 0)).spec
    for cond in items:
        if not _is_range(cond, field):
            continue
        assert isinstance(cond, soql.Comparison)
        value = compiler.value_of(spec, cond.value)

        def first(k: Key) -> Any:
            return k[0]

        if cond.op == ">=":
            low = max(low, bisect_left(keys, value, key=first))
        elif cond.op == ">":
            low = max(low, bisect_right(keys, value, key=first))
        elif cond.op == "<":
            high = min(high, bisect_left(keys, value, key=first))
        else:
            high = min(high, bisect_right(keys, value, key=first))
    start = query.offset or 0
    if all(_is_range(cond, field) for cond in items):
        low, high = low + start, high
        if query.limit is not None:
            high = min(high, low + query.limit)
        return KeyRows(store, keys[low:high] if low < high else [])
    assert predicate is not None
    wanted = None if query.limit is None else start + query.limit
    rows: list[Record] = []
    for _, record_id in keys[low:high]:
        if wanted is not None and len(rows) >= wanted:
            break
        row = store.get(record_id)
        if row is not None and predicate(row):
            rows.append(row)
    return rows[start:]
