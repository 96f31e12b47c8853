"""What ``engage`` prints: JSON for scripts, tables for people, ids never cut.

Ids are what a person copies into the next command, so an id column keeps its
full width and never wraps; the other columns fold to make room. When even that
is not enough, the rightmost columns are left out (and named under the table):
first the others, then ids of related records, never the record's own id.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from .models import Record

# The columns of each record type in a table, most useful first.
COLUMNS: dict[str, tuple[str, ...]] = {
    "Target": ("id", "email", "first_name", "last_name", "company", "owner_id"),
    "Sequence": ("id", "name", "active", "owner_id", "step_count"),
    "Step": ("id", "position", "day", "kind", "name"),
    "Enrollment": ("id", "target_id", "sequence_id", "state", "current_step_id"),
    "Task": ("id", "origin", "kind", "status", "due_at", "target_id", "subject"),
    "Activity": ("id", "kind", "occurred_at", "target_id", "subject", "outcome"),
}
_NARROWEST = 6  # a folding column below this is no use to anyone


def stdout() -> Console:
    # Made per call: rich reads COLUMNS and the stream when a console is created.
    return Console(highlight=False)


def stderr() -> Console:
    return Console(stderr=True, highlight=False, soft_wrap=True)


def print_json(payload: Any) -> None:
    typer.echo(json.dumps(payload, indent=2, ensure_ascii=False))


def record_json(record: Record) -> dict[str, Any]:
    data = record.model_dump(mode="json", exclude={"raw"})
    # id and vendor first: what a person reading the JSON looks for.
    return {"id": data.pop("id"), "vendor": data.pop("vendor"), **data}


def is_id(column: str) -> bool:
    return column == "id" or column.endswith("_id")


def cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        # Minutes are enough to read; the space lets a narrow column break there.
        # (--json keeps the full value.)
        return value.isoformat(sep=" ", timespec="minutes").replace("+00:00", "Z")
    return str(getattr(value, "value", value))


def table(columns: Sequence[str], rows: Sequence[Sequence[str]], *, width: int) -> Table:
    """A table whose id columns are never wrapped, cut or ellipsized at ``width``."""
    widths = [max([len(c), *(len(r[i]) for r in rows)]) for i, c in enumerate(columns)]
    kept = list(range(len(columns)))

    def needed(indexes: list[int]) -> int:
        # Each column has one space of padding either side and a border after it.
        return 1 + sum(
            3 + (widths[i] if is_id(columns[i]) else min(widths[i], _NARROWEST)) for i in indexes
        )

    # Leave out other columns first, then ids other than the record's own; never ``id``.
    for droppable in (lambda c: not is_id(c), lambda c: c != "id"):
        while needed(kept) > width and any(droppable(columns[i]) for i in kept):
            kept.remove(max(i for i in kept if droppable(columns[i])))
    hidden = [columns[i] for i in range(len(columns)) if i not in kept]
    caption = f"not shown at this width: {', '.join(hidden)} (see --json)" if hidden else None
    out = Table(caption=caption)
    for i in kept:
        if is_id(columns[i]):
            out.add_column(columns[i], no_wrap=True, min_width=widths[i])
        else:
            out.add_column(columns[i], overflow="fold")
    for row in rows:
        out.add_row(*(escape(row[i]) for i in kept))
    return out


def show_records(records: Iterable[Record], *, as_json: bool) -> None:
    """Print records as a JSON array or as a table; the records may come from a lazy pager."""
    items = list(records)
    if as_json:
        print_json([record_json(item) for item in items])
        return
    console = stdout()
    if not items:
        console.print("(none)")
        return
    columns = COLUMNS.get(type(items[0]).__name__, ("id",))
    rows = [[cell(getattr(item, column, None)) for column in columns] for item in items]
    console.print(table(columns, rows, width=console.width))
