"""docs/vendors/outreach.md agrees with the code: its operations table with the
adapter's capabilities and alternatives, its field table with the mapping (``_read``),
its code table with the package's modules."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import engage_outreach
from engage_outreach import OutreachAdapter
from engage_outreach import _read as read

from engage import Capability

DOC = Path(__file__).resolve().parents[3] / "docs" / "vendors" / "outreach.md"
MAPPERS: dict[str, tuple[str, Callable[..., Any]]] = {
    "Target": ("prospect", read.to_target),
    "Sequence": ("sequence", read.to_sequence),
    "Step": ("sequenceStep", read.to_step),
    "Enrollment": ("sequenceState", read.to_enrollment),
    "Task": ("task", read.to_task),
    "Activity (call)": ("call", read.to_call_activity),
    "Activity (email)": ("mailing", read.to_mailing_activity),
    "Activity (note)": ("prospectNote", read.to_note_activity),
}
INTS = {"order", "interval", "sequenceStepCount"}
SAMPLE_VALUES = {"state": "finished", "direction": "inbound", "enabled": True, "stepType": "call"}


def _table(heading: str) -> list[list[str]]:
    section = DOC.read_text().split(f"## {heading}\n", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| ")]
    return [[cell.strip() for cell in row.strip("|").split("|")] for row in rows[1:]]


def test_operations_table_is_the_capability_matrix() -> None:
    rows = {row[0]: row[1] for row in _table("Operations")}
    assert set(rows) == {c.value for c in Capability}
    supported = {op for op, text in rows.items() if not text.startswith("unsupported: ")}
    assert supported == {c.value for c in OutreachAdapter.capabilities}
    unsupported = {
        op: text.removeprefix("unsupported: ")
        for op, text in rows.items()
        if text.startswith("unsupported: ")
    }
    assert unsupported == {c.value: alt for c, alt in OutreachAdapter.alternatives.items()}


def _sample(type_: str, paths: list[str]) -> dict[str, Any]:
    attributes: dict[str, Any] = {}
    relationships: dict[str, Any] = {}
    base = datetime(2026, 1, 1, tzinfo=UTC)
    for n, path in enumerate(paths, start=1):
        where, name = path.split(".", 1)
        name = name.removesuffix("[0]")
        if where == "relationships":
            relationships[name] = {"data": {"type": name, "id": 100 + n}}
        elif name.endswith("At"):
            attributes[name] = (base + timedelta(minutes=n)).isoformat()
        elif name in INTS:
            attributes[name] = 86400 * n if name == "interval" else n
        elif name.endswith("s"):
            attributes[name] = [f"{name}-{n}@example.com"]
        else:
            attributes[name] = SAMPLE_VALUES.get(name, f"{name}-{n}")
    attributes.setdefault("dialedAt", base.isoformat())
    return {"type": type_, "id": 7, "attributes": attributes, "relationships": relationships}


def _expected(payload: dict[str, Any], path: str) -> Any:
    where, name = path.split(".", 1)
    if where == "relationships":
        return str(payload["relationships"][name]["data"]["id"])
    value = payload["attributes"][name.removesuffix("[0]")]
    if name.endswith("[0]"):
        return value[0]
    if name.endswith("At"):
        return datetime.fromisoformat(value)
    return value


def test_field_table_matches_the_mapping() -> None:
    rows = _table("Fields")
    by_record: dict[str, list[list[str]]] = {}
    for row in rows:
        by_record.setdefault(row[0], []).append(row)
    assert set(by_record) == set(MAPPERS)
    for record, entries in by_record.items():
        type_, mapper = MAPPERS[record]
        payload = _sample(type_, [e[2] for e in entries])
        mapped = mapper(payload)
        for _, field, path, how in entries:
            value = getattr(mapped, field)
            if how == "direct" or how.startswith("direct "):
                assert value == _expected(payload, path), (record, field, path)
            else:
                assert value is not None, (record, field, how)
        documented = {e[1] for e in entries}
        filled = {
            name
            for name, value in mapped
            if value is not None and name not in {"ref", "raw", "target", "sequence", "step"}
        }
        assert filled <= documented | {"kind", "origin", "status", "state"}, (record, filled)


def test_code_table_names_every_module() -> None:
    package = Path(engage_outreach.__file__).parent
    documented = {row[0].strip("`") for row in _table("Code")}
    assert documented == {path.name for path in package.glob("*.py")}
