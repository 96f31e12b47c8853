"""The adapter where Salesforce's docs leave room: sortability, orphan steps, orgs without
CRM Call Center, the already-enrolled wording and the manual-completion spelling.
Replayed from cassettes recorded against emulator profiles (``SandboxOptions.extras``)."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from engage_sandbox import SandboxOptions

from engage import ActivityKind, ConflictError, StepKind, TaskOrigin, TaskStatus

pytestmark = pytest.mark.engage_vendor("salesforce")

CADENCE = "77C5e0000000001EAA"  # has an orphan step between its first two steps
OTHER_CADENCE = "77C5e0000000002EAA"
INACTIVE_CADENCE = "77C5e0000000003EAA"
FREE_LEAD = "00Q5e0000000001EAA"
CALLED_CONTACT = "0035e0000000016AAA"  # two calls logged by cadence steps
CONTACT = "0035e0000000009AAA"
ACTIVE_STEPS = ["8HF5e0000000001GAA", "8HF5e000000000RGAQ", "8HF5e000000000XGAQ"]
NO_CALL_CENTER = SandboxOptions(extras={"call_center": False})
SPACED = SandboxOptions(extras={"manual_complete_event": "Manual Complete"})
CALL_FIELDS = ("CallType", "CallDisposition", "CallDurationInSeconds")


def _soql(rec: Any) -> list[str]:
    return [
        parse_qs(urlsplit(r.uri).query)["q"][0]
        for r in rec.cassette.requests
        if r.path.endswith("/query")
    ]


def _describes(rec: Any) -> list[str]:
    return [r.path for r in rec.cassette.requests if r.path.endswith("/describe")]


def _events(rec: Any) -> list[list[str]]:
    return [
        [i["eventType"] for i in json.loads(r.body)["inputs"]]
        for r in rec.cassette.requests
        if r.path.endswith("/sendSalesCadenceEvent")
    ]


def test_steps_are_ordered_in_python_when_day_group_cannot_be_sorted(engage_recorder: Any) -> None:
    with engage_recorder("salesforce") as rec:
        steps = rec.tenant.sequences.steps(CADENCE).to_list()
        assert [s.position for s in steps] == [1, 2, 3, 4, 5]
        assert [s.kind for s in steps] == [
            StepKind.EMAIL,
            StepKind.WAIT,
            StepKind.CALL,
            StepKind.TASK,
            StepKind.EMAIL,
        ]
        assert [s.day for s in steps] == [0, 1, 2, 3, 4]
        # the orphan step (DayGroup 0, MinuteGroup 30) would have been second, a call
        again = rec.tenant.sequences.steps(OTHER_CADENCE).to_list()
        assert [s.position for s in again] == list(range(1, len(again) + 1))
        [first, second] = [q for q in _soql(rec) if "FROM ActionCadenceStep " in q]
        for query in (first, second):
            assert "IsOrphan = false" in query
            assert query.endswith("ORDER BY Id") and "DayGroup ASC" not in query
        assert _describes(rec) == ["/services/data/v60.0/sobjects/ActionCadenceStep/describe"]


def test_reads_work_on_an_org_without_call_center(engage_recorder: Any) -> None:
    with engage_recorder("salesforce", sandbox_options=NO_CALL_CENTER) as rec:
        t = rec.tenant
        calls = t.activities.list(target_id=CALLED_CONTACT, kinds=["call"]).to_list()
        assert len(calls) == 2 and {a.kind for a in calls} == {ActivityKind.CALL}
        assert {(a.direction, a.duration_seconds) for a in calls} == {(None, None)}
        tasks = t.tasks.list(target_id=CONTACT).to_list()
        assert {x.origin for x in tasks} == {TaskOrigin.SEQUENCE_STEP}
        one = t.tasks.list(origin="manual", status="open").first()
        assert one.id.startswith("00T") and t.tasks.get(one.id).subject == one.subject
        task_queries = [q for q in _soql(rec) if " FROM Task" in q]
        assert task_queries and not any(f in q for q in task_queries for f in CALL_FIELDS)
        assert _describes(rec) == ["/services/data/v60.0/sobjects/Task/describe"]


def test_log_call_writes_what_the_org_has(engage_recorder: Any) -> None:
    with engage_recorder("salesforce", sandbox_options=NO_CALL_CENTER) as rec:
        call = rec.tenant.activities.log_call(
            target_id=FREE_LEAD, direction="inbound", duration_seconds=95, outcome="Connected"
        )
        assert (call.kind, call.subject, call.target_id) == (
            ActivityKind.CALL,
            "Call: Connected",
            FREE_LEAD,
        )
        assert (call.direction, call.duration_seconds, call.outcome) == (None, None, None)
        [created] = [r for r in rec.cassette.requests if r.method == "POST" and "/Task" in r.path]
        assert not set(json.loads(created.body)) & set(CALL_FIELDS)


def test_log_call_keeps_the_call_fields_where_the_org_has_them(engage_tenant: Any) -> None:
    call = engage_tenant.activities.log_call(
        target_id=FREE_LEAD, direction="inbound", duration_seconds=95, outcome="Connected"
    )
    assert (call.direction, call.duration_seconds, call.outcome) == ("inbound", 95, "Connected")


def test_enrolling_twice_returns_the_tracker_whatever_the_wording(engage_recorder: Any) -> None:
    wording = SandboxOptions(
        extras={"assign_conflict_message": "Target can't be added: it has a live tracker."}
    )
    with engage_recorder("salesforce", sandbox_options=wording) as rec:
        t = rec.tenant
        first = t.enrollments.enroll(target_id=FREE_LEAD, sequence_id=CADENCE)
        again = t.enrollments.enroll(target_id=FREE_LEAD, sequence_id=CADENCE)
        assert again.id == first.id and again.sequence_id == CADENCE
        with pytest.raises(ConflictError) as other:  # live elsewhere: a conflict, by the data
            t.enrollments.enroll(target_id=FREE_LEAD, sequence_id=OTHER_CADENCE)
        assert first.id in str(other.value)


def test_an_unrelated_assign_failure_raises_the_typed_error(engage_recorder: Any) -> None:
    with engage_recorder("salesforce") as rec:
        with pytest.raises(ConflictError) as caught:
            rec.tenant.enrollments.enroll(target_id=FREE_LEAD, sequence_id=INACTIVE_CADENCE)
        assert caught.value.code == "UNKNOWN_EXCEPTION"
        assert "needs to be active" in str(caught.value)
        trackers = [q for q in _soql(rec) if "FROM ActionCadenceTracker" in q]
        assert len(trackers) == 1  # looked up, and nothing live was found


def test_manual_complete_in_the_documented_spelling(engage_recorder: Any) -> None:
    with engage_recorder("salesforce") as rec:
        t = rec.tenant
        assert t.tasks.complete(ACTIVE_STEPS[0]).status is TaskStatus.COMPLETED
        assert t.tasks.advance(ACTIVE_STEPS[2]).status is TaskStatus.COMPLETED
        assert _events(rec) == [["ManualComplete"], ["ManualComplete"]]


def test_manual_complete_falls_back_to_the_sample_spelling_once(engage_recorder: Any) -> None:
    with engage_recorder("salesforce", sandbox_options=SPACED) as rec:
        t = rec.tenant
        assert t.tasks.complete(ACTIVE_STEPS[0]).status is TaskStatus.COMPLETED
        assert t.tasks.advance(ACTIVE_STEPS[2]).status is TaskStatus.COMPLETED
        batch = t.tasks.complete_many([ACTIVE_STEPS[1]])
        assert [i.ok for i in batch] == [True]
        # The documented spelling once, refused; then the working one, remembered:
        # the second and third completions send one request each.
        assert _events(rec) == [
            ["ManualComplete"],
            ["Manual Complete"],
            ["Manual Complete"],
            ["Manual Complete"],
        ]
