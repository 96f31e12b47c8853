"""docs/vendors/salesloft.md agrees with the code: operations, field mapping, value tables,
modules."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from enum import Enum
from pathlib import Path
from typing import Any

import engage_salesloft
import pytest
from engage_salesloft import ALTERNATIVES, SalesloftAdapter
from engage_salesloft import _read as m

from engage import Capability, Record

DOC = Path(__file__).resolve().parents[3] / "docs" / "vendors" / "salesloft.md"
GUID = "51398ccd-309e-467f-aae2-4b0f66b5c11d"


def _ref(kind: str, ident: int) -> dict[str, Any]:
    return {"_href": f"https://api.salesloft.com/v2/{kind}/{ident}", "id": ident}


T1, T2 = "2026-01-02T03:04:05.123456+00:00", "2026-01-03T04:05:06.654321-05:00"

# One sample per record kind, every mapped field present (shapes from seed 002).
SAMPLES: dict[str, tuple[Callable[[dict[str, Any]], Record], dict[str, Any]]] = {
    "Target ← person": (m.target, {
        "id": 11, "email_address": "ada@example.com", "first_name": "Ada", "last_name": "L",
        "title": "CTO", "person_company_name": "Acme", "phone": "+15550100",
        "owner": _ref("users", 7), "account": _ref("accounts", 9),
        "created_at": T1, "updated_at": T2,
    }),
    "Sequence ← cadence": (m.sequence, {
        "id": 21, "name": "Outbound", "draft": False, "archived_at": None, "shared": True,
        "owner": _ref("users", 7), "created_at": T1, "updated_at": T2,
    }),
    "Step ← step": (m.step, {
        "id": 31, "cadence": _ref("cadences", 21), "day": 3, "name": "Call", "type": "phone",
    }),
    "Enrollment ← cadence_membership": (m.enrollment, {
        "id": 41, "person": _ref("people", 11), "cadence": _ref("cadences", 21),
        "user": _ref("users", 7), "current_state": "removed_no_action",
        "created_at": T1, "updated_at": T2,
    }),
    "Task ← task": (m.task, {
        "id": 51, "task_type": "email", "current_state": "completed", "subject": "Send",
        "description": "done", "due_at": T1, "due_date": "2026-01-02", "user": _ref("users", 7),
        "person": _ref("people", 11), "completed_at": T2, "created_at": T1, "updated_at": T2,
    }),
    "Task ← action": (m.action_task, {
        "id": 61, "type": "phone", "status": "pending_activity", "due_on": T1,
        "user": _ref("users", 7), "person": _ref("people", 11), "cadence": _ref("cadences", 21),
        "step": _ref("steps", 31), "created_at": T1, "updated_at": T2,
    }),
    "Activity ← activity_history": (lambda raw: m.history_activity(raw, {GUID: "7"}), {
        "id": "call-71", "type": "call", "occurred_at": T1, "resource_type": "person",
        "resource_id": 11, "user_guid": GUID,
        "static_data": {"cadence_id": 21, "step_id": 31, "call_id": 5},
        "dynamic_data": {"subject": "Intro", "content": "Spoke", "disposition": "Connected",
                         "duration": 60},
    }),
    "Activity ← call": (m.call_activity, {
        "id": 81, "created_at": T1, "called_person": _ref("people", 11),
        "user": _ref("users", 7), "cadence": _ref("cadences", 21), "step": _ref("steps", 31),
        "disposition": "Connected", "duration": 42,
    }),
    "Activity ← note": (m.note_activity, {
        "id": 91, "created_at": T1, "associated_type": "person",
        "associated_with": _ref("people", 11), "user": _ref("users", 7), "content": "Hi",
    }),
    "Activity ← email": (m.email_activity, {
        "id": 101, "sent_at": T2, "recipient": _ref("people", 11), "user": _ref("users", 7),
        "cadence": _ref("cadences", 21), "step": _ref("steps", 31), "status": "sent",
    }),
}  # fmt: skip

TABLES: dict[tuple[str, str], dict[str, Any]] = {
    ("Step ← step", "kind"): m.STEP_KINDS,
    ("Enrollment ← cadence_membership", "state"): m.MEMBERSHIP_STATES,
    ("Task ← task", "kind"): m.TASK_KINDS,
    ("Task ← task", "status"): m.TASK_STATES,
    ("Task ← action", "kind"): m.ACTION_KINDS,
    ("Task ← action", "status"): m.ACTION_STATES,
    ("Activity ← activity_history", "kind"): m.ACTIVITY_KINDS,
}


def _table(heading: str) -> list[list[str]]:
    text = DOC.read_text()
    section = text.split(heading, 1)[1]
    rows = []
    for line in section.splitlines()[1:]:
        if line.startswith("#"):
            break
        if line.startswith("|") and not line.startswith("|---"):
            rows.append([c.strip() for c in line.strip("|").split("|")])
    return rows[1:]  # without the header


def _get(raw: dict[str, Any], path: str) -> Any:
    node: Any = raw
    for key in path.split("."):
        node = node.get(key) if isinstance(node, dict) else None
    return node


def test_operations_table_matches_capabilities() -> None:
    rows = dict(_table("## Operations"))
    assert set(rows) == {c.value for c in Capability}
    for capability in Capability:
        how = rows[capability.value]
        if capability in SalesloftAdapter.capabilities:
            assert not how.startswith("unsupported"), capability
        else:
            assert how == f"unsupported: {ALTERNATIVES[capability]}", capability
    assert set(ALTERNATIVES) == set(Capability) - SalesloftAdapter.capabilities - {
        Capability.VENDOR_ACTION,
        Capability.RAW,
    }


def _expected(record: str, field: str, source: str, cell: str, raw: dict[str, Any]) -> Any:
    if cell.startswith("(always "):
        return cell.removeprefix("(always ").rstrip(")")
    if field == "id":
        return source.replace("{id}", str(raw["id"])) if "{id}" in source else str(raw["id"])
    if "(table)" in cell:
        return TABLES[(record, field)][_get(raw, source)]
    if field == "active":
        return not raw["draft"] and raw["archived_at"] is None
    if source == "user_guid":
        return "7"
    value = _get(raw, source)
    assert value is not None, f"the sample for {record} lacks {source}"
    if isinstance(value, str) and re.match(r"\d{4}-\d\d-\d\dT", value):
        return datetime.fromisoformat(value)
    return str(value) if field.endswith("_id") or field == "outcome" else value


@pytest.mark.parametrize(
    "row", _table("## Field mapping"), ids=lambda r: f"{r[0].split()[-1]}.{r[1]}"
)
def test_field_mapping_row_matches_the_code(row: list[str]) -> None:
    record, field, cell = row
    mapper, raw = SAMPLES[record]
    source = cell.split(" ")[0].rstrip(",")
    mapped = mapper(raw)
    actual = getattr(mapped, field)
    expected = _expected(record, field, source, cell, raw)
    if isinstance(actual, Enum):
        actual = actual.value
        expected = expected.value if isinstance(expected, Enum) else expected
    assert actual == expected, (record, field)


def test_every_mapped_field_is_documented() -> None:
    documented = {(r[0], r[1]) for r in _table("## Field mapping")}
    for record, (mapper, raw) in SAMPLES.items():
        mapped = mapper(raw)
        filled = {
            name
            for name in type(mapped).model_fields
            if name not in ("ref", "raw") and getattr(mapped, name) not in (None, "")
        }
        filled.add("id")
        missing = {f for f in filled if (record, f) not in documented}
        assert not missing, (record, missing)


def test_activity_type_table_matches_the_code() -> None:
    rows = _table("Activity types")
    assert dict(rows) == {t: k.value for t, k in m.ACTIVITY_KINDS.items()}


def test_code_table_names_every_module() -> None:
    documented = {row[0].strip("`") for row in _table("## Code")}
    package = Path(engage_salesloft.__file__).parent
    assert documented == {path.name for path in package.glob("*.py")}
