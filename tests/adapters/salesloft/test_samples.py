"""Salesloft's own sample outputs (seed 002) and real records (Airbyte's capture) parse.

Both are read in place from ../shared; the tests skip when it is absent.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from engage_salesloft import _read as m

from engage import Activity, Enrollment, Record, Sequence, Step, Target, Task

SHARED = Path(__file__).resolve().parents[4] / "shared"
SEEDS = SHARED / "seeds"
AIRBYTE = SHARED / "reference" / "salesloft" / "airbyte" / "expected_records.subset.jsonl"

Mapper = Callable[[dict[str, Any]], Record]


def _history(raw: dict[str, Any]) -> Record:
    return m.history_activity(raw, {})


# Sample outputs that are Salesloft records of a neutral entity: title -> (mapper, type, where).
MAPPED: dict[str, tuple[Mapper, type[Record], str]] = {
    "Create person": (m.target, Target, "data"),
    "Get person": (m.target, Target, "data"),
    "Update person": (m.target, Target, "data"),
    "Upsert person": (m.target, Target, "data.person"),
    "List people (DDL)": (m.target, Target, "people"),
    "Get cadence": (m.sequence, Sequence, "data"),
    "List cadences": (m.sequence, Sequence, "data"),
    "List cadences (DDL)": (m.sequence, Sequence, "cadences"),
    "Get step": (m.step, Step, "data"),
    "List steps": (m.step, Step, "data"),
    "Create cadence membership": (m.enrollment, Enrollment, "data"),
    "Get cadence membership": (m.enrollment, Enrollment, "data"),
    "List cadence memberships": (m.enrollment, Enrollment, "data"),
    "Create task": (m.task, Task, "data"),
    "Get task": (m.task, Task, "data"),
    "List tasks": (m.task, Task, "data"),
    "List actions": (m.action_task, Task, "data"),
    "Create call": (m.call_activity, Activity, "data"),
    "Get call": (m.call_activity, Activity, "data"),
    "List calls": (m.call_activity, Activity, "data"),
    "Create note": (m.note_activity, Activity, "data"),
    "Get note": (m.note_activity, Activity, "data"),
    "Update note": (m.note_activity, Activity, "data"),
    "List notes": (m.note_activity, Activity, "data"),
    "Get email": (m.email_activity, Activity, "data"),
    "List emails": (m.email_activity, Activity, "data"),
}

# Why the rest are not neutral records.
NOT_NEUTRAL = {
    "accounts, account stages and tiers": re.compile(r"account", re.I),
    "bulk jobs, imports, custom fields, tags, groups, person stages, users, locales": re.compile(
        r"bulk job|import|custom field|tag|group|person stage|user|locale", re.I
    ),
    "call data records, dispositions, sentiments, caller ids, CRM activities": re.compile(
        r"call data|disposition|sentiment|caller|crm", re.I
    ),
    "deletes answer only {success}": re.compile(r"^Delete ", re.I),
    "the connector's raw request": re.compile(r"^Raw HTTP", re.I),
    # Dropdown data of the integration platform: step and action *types* without ids
    # of a cadence, and column lists, not Salesloft records.
    "DDL lists that are not records": re.compile(
        r"^List (actions|steps|tasks|emails|notes|calls|cadence memberships) \(DDL\)$"
    ),
}


@cache
def seed_002() -> dict[str, Any]:
    """The sample outputs of seed 002 by operation title (the page shows numbered lines)."""
    files = sorted(SEEDS.glob("002_*.txt"))
    if not files:
        pytest.skip("seed 002 is not available (../shared/seeds)")
    lines = files[0].read_text().split("\n")
    titles = []
    for i, line in enumerate(lines):
        if line == "Copy" and i > 0:
            j = i - 1
            while j > 0 and not lines[j]:
                j -= 1
            titles.append((j, lines[j]))
    out: dict[str, Any] = {}
    for n, (start, title) in enumerate(titles):
        end = titles[n + 1][0] if n + 1 < len(titles) else len(lines)
        try:
            k = lines.index("Sample Output", start, end)
        except ValueError:
            continue
        text, expect, i = [], 1, k + 1
        while i < end:
            if not lines[i]:
                i += 1
            elif lines[i] == str(expect) and i + 1 < end:
                text.append(lines[i + 1])
                expect, i = expect + 1, i + 2
            else:
                break
        out[title] = json.loads("\n".join(text))
    return out


def _records(sample: Any, where: str) -> list[dict[str, Any]]:
    node = sample
    for key in where.split("."):
        node = node[key]
    return node if isinstance(node, list) else [node]


@pytest.mark.parametrize("title", sorted(MAPPED))
def test_seed_002_sample_parses(title: str) -> None:
    mapper, kind, where = MAPPED[title]
    records = _records(seed_002()[title], where)
    assert records
    for raw in records:
        record = mapper(raw)
        assert isinstance(record, kind)
        assert record.ref.vendor == "salesloft" and record.raw == raw
        assert record.id.endswith(str(raw["id"]))


def test_every_seed_002_sample_is_accounted_for() -> None:
    for title in seed_002():
        if title in MAPPED:
            continue
        assert any(p.search(title) for p in NOT_NEUTRAL.values()), title


STREAMS: dict[str, tuple[Mapper, type[Record]]] = {
    "people": (m.target, Target),
    "cadences": (m.sequence, Sequence),
    "steps": (m.step, Step),
    "cadence_memberships": (m.enrollment, Enrollment),
    "actions": (m.action_task, Task),
    "calls": (m.call_activity, Activity),
    "notes": (m.note_activity, Activity),
    "emails": (m.email_activity, Activity),
}


def _airbyte() -> list[tuple[str, dict[str, Any]]]:
    if not AIRBYTE.exists():
        return []
    lines = AIRBYTE.read_text().splitlines()
    return [(r["stream"], r["data"]) for r in map(json.loads, lines) if r["stream"] in STREAMS]


AIRBYTE_RECORDS = _airbyte()


@pytest.mark.skipif(not AIRBYTE_RECORDS, reason="Airbyte's records are not available")
@pytest.mark.parametrize(
    ("stream", "raw"),
    AIRBYTE_RECORDS,
    ids=[f"{s}-{r['id']}" for s, r in AIRBYTE_RECORDS] or None,
)
def test_airbyte_record_parses(stream: str, raw: dict[str, Any]) -> None:
    mapper, kind = STREAMS[stream]
    record = mapper(raw)
    assert isinstance(record, kind) and record.raw == raw
    for stamp in ("created_at", "updated_at", "occurred_at", "due_at"):
        value = getattr(record, stamp, None)
        assert value is None or value.utcoffset().total_seconds() == 0


def test_every_documented_activity_type_is_mapped() -> None:
    listed = SEEDS.glob("001_*.txt")
    text = next(iter(listed), None)
    if text is None:
        pytest.skip("seed 001 is not available")
    found = re.search(r"Must be one of: (.*?)\. Can be provided", text.read_text())
    assert found is not None
    documented = [t.strip() for t in found.group(1).split(",")]
    assert sorted(documented) == sorted(m.ACTIVITY_KINDS)
    unknown = m.history_activity({"id": "x-1", "type": "hologram_call"}, {})
    assert unknown.kind.value == "other" and unknown.vendor_kind == "hologram_call"
