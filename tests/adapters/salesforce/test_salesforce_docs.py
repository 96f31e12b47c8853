"""docs/vendors/salesforce.md agrees with the code: its operations and its field mapping."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

import pytest
from engage_salesforce import SalesforceAdapter
from engage_salesforce import _read as read
from pydantic import TypeAdapter

from engage import Capability

DOC = Path(__file__).resolve().parents[3] / "docs" / "vendors" / "salesforce.md"
_STAMP = "2026-01-02T03:04:05.000+0000"

SAMPLES: dict[str, dict[str, Any]] = {
    "Lead": {
        "attributes": {"type": "Lead", "url": "/services/data/v60.0/sobjects/Lead/00Q"},
        "Id": "00Q000000000001AAA",
        "Email": "lead@example.com",
        "FirstName": "Lea",
        "LastName": "Dee",
        "Title": "CTO",
        "Phone": "+1 555 0100",
        "Company": "Leadco",
        "OwnerId": "005000000000001AAA",
        "CreatedDate": "2026-01-01T00:00:00.000+0000",
        "LastModifiedDate": _STAMP,
    },
    "Contact": {
        "attributes": {"type": "Contact"},
        "Id": "003000000000001AAA",
        "AccountId": "001000000000001AAA",
        "Account": {"Name": "Accountco"},
    },
    "ActionCadence": {
        "Id": "77C000000000001AAA",
        "Name": "Inbound",
        "State": "Active",
        "OwnerId": "005000000000002AAA",
        "TotalSteps": 4,
    },
    "ActionCadenceStep": {
        "Id": "7cs000000000001AAA",
        "ActionCadenceId": "77C000000000001AAA",
        "StepName": "Step 1",
        "StepTitle": "Send email 1",
        "Type": "SendAnEmail",
        "DayGroup": 3,
    },
    "ActionCadenceTracker": {
        "Id": "0qB000000000001AAA",
        "TargetId": "00Q000000000001AAA",
        "ActionCadenceId": "77C000000000001AAA",
        "OwnerId": "005000000000003AAA",
        "State": "Complete",
        "CompletionDisposition": "Success",
        "CurrentStep": {"ActionCadenceStepId": "7cs000000000009AAA"},
    },
    "Task": {
        "Id": "00T000000000001AAA",
        "Subject": "Call back",
        "Description": "Talked",
        "ActivityDate": "2026-02-03",
        "OwnerId": "005000000000004AAA",
        "WhoId": "00Q000000000001AAA",
        "Status": "Completed",
        "IsClosed": True,
        "TaskSubtype": "Call",
        "CompletedDateTime": _STAMP,
        "CallDisposition": "Connected",
        "CallDurationInSeconds": 61,
        "CallType": "Outbound",
    },
    "ActionCadenceStepTracker": {
        "Id": "8HF000000000001AAA",
        "StepTitle": "Call 3",
        "DueDateTime": _STAMP,
        "ActionCadenceTracker": {"OwnerId": "005000000000005AAA"},
        "TargetId": "003000000000001AAA",
        "ActionCadenceId": "77C000000000001AAA",
        "ActionCadenceStepId": "7cs000000000001AAA",
        "ActionCadenceTrackerId": "0qB000000000001AAA",
        "State": "Completed",
        "CompletionReason": "ManuallyCompleted",
        "StepType": "MakeACall",
        "CompletionDate": "2026-01-05T00:00:00.000+0000",
    },
    "Note": {
        "Id": "002000000000001AAA",
        "ParentId": "00Q000000000001AAA",
        "Title": "Notes",
        "Body": "Long text",
        "CreatedDate": _STAMP,
    },
}
MAPPERS: dict[tuple[str, str], Callable[[dict[str, Any]], Any]] = {
    ("Target", "Lead"): read.PARSE_LEAD,
    ("Target", "Contact"): read.PARSE_LEAD,
    ("Sequence", "ActionCadence"): read.PARSE_CADENCE,
    ("Step", "ActionCadenceStep"): read.PARSE_STEP,
    ("Enrollment", "ActionCadenceTracker"): read.PARSE_TRACKER,
    ("Task", "Task"): read.PARSE_TASK,
    ("Task", "ActionCadenceStepTracker"): read.PARSE_STEP_TASK,
    ("Activity", "Task"): read.PARSE_TASK_ACTIVITY,
    ("Activity", "Note"): read.PARSE_NOTE,
}


def _table(heading: str) -> list[tuple[str, str]]:
    text = DOC.read_text()
    section = text.split(f"## {heading}\n", 1)[1]
    rows = []
    for line in section.splitlines():
        if not line.startswith("|"):
            if rows:
                break
            continue
        cells = [c.strip() for c in line.strip("|").split("|")]
        if cells[0] in ("operation", "neutral") or set(cells[0]) <= {"-"}:
            continue
        rows.append((cells[0], cells[1]))
    return rows


def _expected(actual: Any, raw: Any) -> Any:
    if isinstance(actual, datetime) and isinstance(raw, str):
        if len(raw) == 10:
            return datetime.combine(date.fromisoformat(raw), time(), tzinfo=UTC)
        return TypeAdapter(datetime).validate_python(raw)
    return raw


def test_operations_table_is_exactly_the_capabilities() -> None:
    documented = [op for op, _ in _table("Operations")]
    assert len(documented) == len(set(documented))
    assert set(documented) == {c.value for c in SalesforceAdapter.capabilities}
    assert set(Capability) - SalesforceAdapter.capabilities == set()
    assert dict(SalesforceAdapter.alternatives) == {}
    assert "Nothing is unsupported" in DOC.read_text()


@pytest.mark.parametrize(("neutral", "salesforce"), _table("Field mapping"))
def test_mapped_field(neutral: str, salesforce: str) -> None:
    record, field = neutral.split(".")
    sobject, *path = salesforce.split(".")
    sample = SAMPLES[sobject] if sobject != "Contact" else SAMPLES["Lead"] | SAMPLES["Contact"]
    if sobject == "Contact":
        sample = {k: v for k, v in sample.items() if k != "Company"}
    raw: Any = sample
    for part in path:
        raw = raw[part]
    mapped = MAPPERS[(record, sobject)](sample)
    actual = getattr(mapped, field)
    assert actual == _expected(actual, raw)
