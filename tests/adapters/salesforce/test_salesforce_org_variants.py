"""The adapter's choices for orgs that differ, without HTTP: step order, the step query
built from a describe, call fields, and the manual-completion fallback's edge cases."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import SimpleNamespace
from typing import Any

from engage_salesforce import _read as read
from engage_salesforce import _wire as wire
from engage_salesforce import _write as write
from engage_salesforce._adapter import SalesforceAdapter
from engage_salesforce._ops_actions import Outcome
from engage_salesforce._ops_events import CompletionEvents

from engage import CallInput, ConflictError, ValidationError


def test_steps_are_ordered_by_day_then_minute_then_id_missing_last() -> None:
    rows = [
        {"Id": "7cs5", "DayGroup": None, "MinuteGroup": 0},
        {"Id": "7cs4", "DayGroup": 1, "MinuteGroup": None},
        {"Id": "7cs3", "DayGroup": 1, "MinuteGroup": 30},
        {"Id": "7cs2", "DayGroup": 1, "MinuteGroup": 30},
        {"Id": "7cs1", "DayGroup": 2, "MinuteGroup": 0},
        {"Id": "7cs0", "DayGroup": 0, "MinuteGroup": 45},
    ]
    ordered = [r["Id"] for r in read.in_cadence_order(rows)]
    assert ordered == ["7cs0", "7cs2", "7cs3", "7cs4", "7cs1", "7cs5"]


class _Schema:
    def __init__(self, fields: Mapping[str, tuple[bool, bool]]) -> None:
        self.described = {
            name: wire.DescribeField(name=name, filterable=f, sortable=s)
            for name, (f, s) in fields.items()
        }

    def fields(self, sobject: str) -> Mapping[str, wire.DescribeField]:
        return self.described

    def present(self, sobject: str, names: Sequence[str]) -> tuple[str, ...]:
        return tuple(n for n in names if n in self.described)

    def filterable(self, sobject: str, name: str) -> bool:
        found = self.described.get(name)
        return found is not None and found.filterable

    def sortable(self, sobject: str, name: str) -> bool:
        found = self.described.get(name)
        return found is not None and found.sortable


BASE = dict.fromkeys(("Id", "ActionCadenceId", "StepName", "StepTitle", "Type"), (True, True))


def _steps_query(fields: Mapping[str, tuple[bool, bool]]) -> str:
    fake = SimpleNamespace(schema=_Schema(fields))
    return str(SalesforceAdapter._steps_select(fake, "77C5e0000000001EAA"))  # type: ignore[arg-type]


def test_the_step_query_follows_the_describe() -> None:
    sortable = _steps_query(
        BASE | {"DayGroup": (True, True), "MinuteGroup": (True, True), "IsOrphan": (True, True)}
    )
    assert sortable.endswith(
        "AND IsOrphan = false ORDER BY DayGroup ASC NULLS LAST, MinuteGroup ASC NULLS LAST, Id"
    )
    documented = _steps_query(
        BASE | {"DayGroup": (False, False), "MinuteGroup": (False, False), "IsOrphan": (True, True)}
    )
    assert "DayGroup, MinuteGroup FROM" in documented
    assert documented.endswith("AND IsOrphan = false ORDER BY Id")
    older = _steps_query(BASE)  # no IsOrphan, no DayGroup: nothing to filter or sort by
    assert "IsOrphan" not in older and "DayGroup" not in older
    assert older.endswith("WHERE ActionCadenceId = '77C5e0000000001EAA' ORDER BY Id")


def test_call_fields_leave_out_what_the_org_lacks_but_keep_vendor_fields() -> None:
    call = CallInput(
        target_id="00Q5e0000000001EAA",
        direction="inbound",
        duration_seconds=95,
        outcome="Connected",
        vendor_fields={"CallObject": "abc"},
    )
    everything = write.call_fields(call)
    assert {k: everything[k] for k in write.CALL_CENTER_FIELDS} == {
        "CallType": "Inbound",
        "CallDurationInSeconds": 95,
        "CallDisposition": "Connected",
    }
    lean = write.call_fields(call, {"WhoId", "Subject", "Status", "TaskSubtype", "Type"})
    assert not set(lean) & set(write.CALL_CENTER_FIELDS)
    assert (lean["Subject"], lean["CallObject"]) == ("Call: Connected", "abc")


class _Actions:
    """Answers each eventType with a scripted outcome maker, recording what was sent."""

    def __init__(self, answers: Mapping[str, Any]) -> None:
        self.answers = answers
        self.sent: list[list[str]] = []

    def invoke(self, name: str, inputs: Sequence[Mapping[str, Any]]) -> list[Outcome]:
        self.sent.append([i["eventType"] for i in inputs])
        return [self.answers[i["eventType"]]() for i in inputs]


def _refused(kind: type[Exception] = ValidationError) -> Any:
    def make() -> Outcome:
        error = kind("no", vendor="salesforce")
        return Outcome(wire.ActionResult(actionName="sendSalesCadenceEvent"), error)  # type: ignore[arg-type]

    return make


def _accepted() -> Outcome:
    return Outcome(wire.ActionResult(actionName="sendSalesCadenceEvent", isSuccess=True))


def test_both_spellings_refused_keeps_the_first_error_and_the_spelling() -> None:
    actions = _Actions({"ManualComplete": _refused(), "Manual Complete": _refused()})
    events = CompletionEvents(actions)  # type: ignore[arg-type]
    [outcome] = events.complete(["8HF5e0000000001GAA"])
    assert isinstance(outcome.error, ValidationError)
    assert actions.sent == [["ManualComplete"], ["Manual Complete"]]
    assert events.spelling == "ManualComplete"


def test_a_conflict_is_not_a_spelling_problem() -> None:
    actions = _Actions({"ManualComplete": _refused(ConflictError)})
    events = CompletionEvents(actions)  # type: ignore[arg-type]
    [outcome] = events.complete(["8HF5e0000000001GAA"])
    assert isinstance(outcome.error, ConflictError)
    assert actions.sent == [["ManualComplete"]]


def test_the_other_spelling_is_remembered_and_tried_back_if_refused_later() -> None:
    answers = {"ManualComplete": _refused(), "Manual Complete": _accepted}
    actions = _Actions(answers)
    events = CompletionEvents(actions)  # type: ignore[arg-type]
    assert [o.ok for o in events.complete(["8HF5e0000000001GAA", "8HF5e000000000RGAQ"])] == [
        True,
        True,
    ]
    assert events.spelling == "Manual Complete"
    answers |= {"ManualComplete": _accepted, "Manual Complete": _refused()}
    assert events.complete(["8HF5e000000000XGAQ"])[0].ok
    assert events.spelling == "ManualComplete"
    assert actions.sent == [
        ["ManualComplete", "ManualComplete"],
        ["Manual Complete", "Manual Complete"],
        ["Manual Complete"],
        ["ManualComplete"],
    ]
