"""Rows -> neutral records: one validation per record, the neutral model's guarantees kept."""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import UTC, datetime
from types import FrameType
from typing import Any

import pytest
from engage_salesforce import _read as read

from engage import EnrollmentState, MappingError, StepKind, TaskKind, TaskStatus

from .test_salesforce_docs import SAMPLES

pytestmark = pytest.mark.filterwarnings("error")

WHO = {"attributes": {"type": "Lead"}, "Id": "00Q000000000001AAA", "LastName": "Dee"}
EXPANDED = {
    **SAMPLES["ActionCadenceStepTracker"],
    "Target": WHO,
    "ActionCadence": SAMPLES["ActionCadence"],
    "ActionCadenceStep": SAMPLES["ActionCadenceStep"],
}
PARSERS: list[tuple[str, Callable[[dict[str, Any]], Any], dict[str, Any]]] = [
    ("lead", read.PARSE_LEAD, SAMPLES["Lead"]),
    ("contact", read.PARSE_LEAD, SAMPLES["Contact"]),
    ("cadence", read.PARSE_CADENCE, SAMPLES["ActionCadence"]),
    ("step", lambda r: read.PARSE_STEP(r, 1), SAMPLES["ActionCadenceStep"]),
    ("tracker", read.PARSE_TRACKER, SAMPLES["ActionCadenceTracker"]),
    ("task", read.PARSE_TASK, {**SAMPLES["Task"], "Who": WHO}),
    ("step tracker", read.PARSE_STEP_TASK, SAMPLES["ActionCadenceStepTracker"]),
    ("expanded step tracker", read.PARSE_STEP_TASK, EXPANDED),
    ("call", read.PARSE_TASK_ACTIVITY, SAMPLES["Task"]),
    ("note", read.PARSE_NOTE, SAMPLES["Note"]),
]


def _validations(call: Callable[[], Any]) -> int:
    """How many times pydantic-core validates something while ``call`` runs."""
    count = 0

    def profile(frame: FrameType, event: str, arg: Any) -> None:
        nonlocal count
        if event == "c_call" and getattr(arg, "__name__", "") in (
            "validate_python",
            "validate_json",
            "validate_strings",
        ):
            count += 1

    sys.setprofile(profile)
    try:
        call()
    finally:
        sys.setprofile(None)
    return count


@pytest.mark.parametrize(("name", "parse", "row"), PARSERS, ids=[p[0] for p in PARSERS])
def test_one_validation_per_record(
    name: str, parse: Callable[[dict[str, Any]], Any], row: dict[str, Any]
) -> None:
    record = parse(row)
    assert _validations(lambda: parse(row)) == 1
    assert record.raw is row  # the vendor's dict itself, neither copied nor re-serialised
    for value in record.model_dump().values():
        if isinstance(value, datetime):
            assert value.tzinfo is UTC


def test_nested_records_keep_their_own_payload() -> None:
    task = read.PARSE_STEP_TASK(EXPANDED)
    assert task.target is not None and task.target.raw is WHO
    assert task.sequence is not None and task.sequence.raw is EXPANDED["ActionCadence"]
    assert task.step is not None and task.step.kind is StepKind.EMAIL


def test_unknown_values_become_other_and_misfits_are_mapping_errors() -> None:
    tracker = read.PARSE_TRACKER({**SAMPLES["ActionCadenceTracker"], "State": "Hibernating"})
    assert (tracker.state, tracker.vendor_state) == (EnrollmentState.OTHER, "Hibernating")
    task = read.PARSE_TASK({**SAMPLES["Task"], "TaskSubtype": "Fax", "IsClosed": False})
    assert (task.kind, task.status) == (TaskKind.OTHER, TaskStatus.OPEN)
    for bad in (
        {**SAMPLES["Task"], "IsClosed": "maybe"},
        {**SAMPLES["Task"], "CreatedDate": "yesterday"},
        {**SAMPLES["Task"], "TaskSubtype": ["Call"]},
        {**SAMPLES["Task"], "Id": None},
        {**SAMPLES["Task"], "Who": "00Q"},
    ):
        with pytest.raises(MappingError):
            read.PARSE_TASK(bad)
    with pytest.raises(MappingError):
        read.PARSE_LEAD(["not", "a", "row"])  # type: ignore[arg-type]
