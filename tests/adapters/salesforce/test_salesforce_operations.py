"""Every Salesforce operation, replayed from cassettes recorded against the sandbox."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from engage import (
    ActivityKind,
    ConflictError,
    EnrollmentState,
    NotFoundError,
    StepKind,
    TargetKind,
    TaskOrigin,
    TaskStatus,
)

pytestmark = pytest.mark.engage_vendor("salesforce")

CADENCE = "77C5e0000000001EAA"  # "Inbound Lead Follow-up", active
OTHER_CADENCE = "77C5e0000000002EAA"
INACTIVE_CADENCE = "77C5e0000000003EAA"
FREE_LEAD = "00Q5e0000000001EAA"  # in no cadence
RUNNING = "0qB5e0000000001EAA"  # tracker of Contact 0035e0000000009AAA, step 8HF5e0000000001GAA due
PAUSED = "0qB5e0000000002EAA"
ACTIVE_CALL_STEP = "8HF5e0000000001GAA"
ACTIVE_EMAIL_STEP = "8HF5e000000000RGAQ"
ACTIVE_TASK_STEP = "8HF5e000000000XGAQ"
REP = "0055e0000000002AAA"
OTHER_REP = "0055e0000000003AAA"
WHEN = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)


def test_targets(engage_tenant: Any) -> None:
    t = engage_tenant
    lead = t.targets.get(FREE_LEAD)
    assert lead.kind is TargetKind.LEAD and lead.ref.object_type == "Lead"
    assert lead.email and lead.company and lead.owner_id and lead.updated_at
    assert t.targets.find_by_email(lead.email.upper()).id == lead.id
    assert t.targets.find_by_email("nobody@example.com") is None
    made = t.targets.create(email="ada@example.com", first_name="Ada", company="Analytical")
    assert (made.kind, made.first_name, made.last_name, made.company) == (
        TargetKind.LEAD,
        "Ada",
        "ada",
        "Analytical",
    )
    again = t.targets.upsert(email="ada@example.com", title="CTO", last_name="Lovelace")
    assert again.id == made.id and (again.title, again.last_name) == ("CTO", "Lovelace")
    contact = t.targets.create(email="grace@example.com", last_name="Hopper", kind="contact")
    assert contact.kind is TargetKind.CONTACT and contact.id.startswith("003")
    fresh = t.targets.upsert(email="alan@example.com", last_name="Turing")
    assert fresh.id not in (made.id, contact.id)
    some = t.targets.list(ids=[FREE_LEAD, contact.id]).to_list()
    assert {x.id for x in some} == {FREE_LEAD, contact.id}
    since = t.targets.list(updated_since=made.updated_at).to_list()
    assert {made.id, contact.id, fresh.id} <= {x.id for x in since}


def test_quotes_in_values_cannot_break_out_of_soql(engage_tenant: Any) -> None:
    t = engage_tenant
    assert t.targets.find_by_email("o'brien@example.com") is None
    assert t.targets.find_by_email("x'OR(Email!='')OR'x@example.com") is None
    assert t.targets.find_by_email("back\\'slash@example.com") is None
    made = t.targets.create(email="o'brien@example.com", last_name="O'Brien")
    assert t.targets.find_by_email("o'brien@example.com").id == made.id


def test_sequences_and_steps(engage_tenant: Any) -> None:
    t = engage_tenant
    seq = t.sequences.get(CADENCE)
    assert (seq.name, seq.active, seq.step_count) == ("Inbound Lead Follow-up", True, 5)
    steps = t.sequences.steps(CADENCE).to_list()
    assert [s.position for s in steps] == [1, 2, 3, 4, 5]
    assert [s.kind for s in steps][:3] == [StepKind.EMAIL, StepKind.WAIT, StepKind.CALL]
    assert steps[1].automated is True and steps[0].automated is False
    active = t.sequences.list(active=True).to_list()
    assert CADENCE in {s.id for s in active} and INACTIVE_CADENCE not in {s.id for s in active}
    with pytest.raises(NotFoundError):
        t.sequences.get("77C5e00000000ZZEAA")


def test_enrollment_lifecycle(engage_tenant: Any) -> None:
    t = engage_tenant
    enrolled = t.enrollments.enroll(target_id=FREE_LEAD, sequence_id=CADENCE, owner_id=REP)
    assert enrolled.state is EnrollmentState.ACTIVE and enrolled.owner_id == REP
    assert enrolled.target_id == FREE_LEAD and enrolled.current_step_id
    assert t.enrollments.enroll(target_id=FREE_LEAD, sequence_id=CADENCE).id == enrolled.id
    with pytest.raises(ConflictError):
        t.enrollments.enroll(target_id=FREE_LEAD, sequence_id=OTHER_CADENCE)
    assert t.enrollments.get(enrolled.id).vendor_state == "Running"
    assert t.enrollments.pause(enrolled.id).state is EnrollmentState.PAUSED
    assert t.enrollments.resume(enrolled.id).state is EnrollmentState.ACTIVE
    assert t.enrollments.reassign(enrolled.id, owner_id=OTHER_REP).owner_id == OTHER_REP
    assert t.enrollments.set_outcome(enrolled.id, outcome="customer engaged").outcome == (
        "Customer Engaged"
    )
    removed = t.enrollments.remove(enrolled.id)
    assert removed.state is EnrollmentState.REMOVED and removed.ended_at
    mine = t.enrollments.list(target_id=FREE_LEAD).to_list()
    assert [e.id for e in mine] == [enrolled.id]
    assert {e.state for e in t.enrollments.list(sequence_id=CADENCE, state="paused")} == {
        EnrollmentState.PAUSED
    }


def test_tasks(engage_tenant: Any) -> None:
    t = engage_tenant
    made = t.tasks.create(target_id=FREE_LEAD, subject="Send pricing", kind="email", due_at=WHEN)
    assert (made.origin, made.kind, made.status) == (TaskOrigin.MANUAL, "email", TaskStatus.OPEN)
    assert made.due_at == datetime(2026, 3, 2, tzinfo=UTC) and made.target_id == FREE_LEAD
    later = datetime(2026, 3, 9, 9, 0, tzinfo=UTC)
    assert t.tasks.reschedule(made.id, due_at=later).due_at == datetime(2026, 3, 9, tzinfo=UTC)
    assert t.tasks.snooze(made.id, until=WHEN).due_at == datetime(2026, 3, 2, tzinfo=UTC)
    assert t.tasks.reassign(made.id, owner_id=OTHER_REP).owner_id == OTHER_REP
    assert t.tasks.update_note(made.id, note="Ask about seats").note == "Ask about seats"
    done = t.tasks.complete(made.id, note="Sent")
    assert (done.status, done.note, done.completed_at is not None) == (
        TaskStatus.COMPLETED,
        "Sent",
        True,
    )
    step = t.tasks.get(ACTIVE_CALL_STEP)
    assert (step.origin, step.kind, step.status) == (TaskOrigin.SEQUENCE_STEP, "call", "open")
    assert step.enrollment_id == RUNNING and step.owner_id and step.sequence_id and step.step_id
    assert t.tasks.complete(ACTIVE_CALL_STEP).status is TaskStatus.COMPLETED
    assert t.tasks.skip(ACTIVE_EMAIL_STEP).status is TaskStatus.SKIPPED
    assert t.tasks.advance(ACTIVE_TASK_STEP).status is TaskStatus.COMPLETED


def test_task_list_expands_in_one_query_per_page(engage_recorder: Any) -> None:
    with engage_recorder("salesforce") as rec:
        tasks = rec.tenant.tasks.list(
            target_id="0035e0000000009AAA", expand=("target", "sequence", "step")
        ).to_list()
        steps = [x for x in tasks if x.origin is TaskOrigin.SEQUENCE_STEP]
        assert steps and all(x.sequence and x.step and x.target for x in steps)
        assert steps[0].target.email == "carla.ito.9@iris.example"
        assert all(x.sequence.id == x.sequence_id and x.step.id == x.step_id for x in steps)
        manual = rec.tenant.tasks.list(origin="manual", status="open", owner_id=REP).first()
        assert manual.origin is TaskOrigin.MANUAL and manual.status is TaskStatus.OPEN
        queries = [r for r in rec.cassette.requests if "/query" in r.path]
        assert len(queries) == 3  # Task page, step tracker page, then the manual list


def test_activities(engage_tenant: Any) -> None:
    t = engage_tenant
    call = t.activities.log_call(
        target_id=FREE_LEAD,
        direction="inbound",
        duration_seconds=95,
        outcome="Connected",
        notes="Hi",
    )
    assert (call.kind, call.direction, call.duration_seconds) == (ActivityKind.CALL, "inbound", 95)
    assert (call.outcome, call.body, call.target_id) == ("Connected", "Hi", FREE_LEAD)
    note = t.activities.log_note(target_id=FREE_LEAD, body="Budget approved\nQ3 start")
    assert (note.kind, note.subject, note.body) == (
        ActivityKind.NOTE,
        "Budget approved",
        "Budget approved\nQ3 start",
    )
    listed = t.activities.list(target_id=FREE_LEAD).to_list()
    assert [a.id for a in listed] == [call.id, note.id]
    calls = t.activities.list(target_id="0035e0000000016AAA", kinds=["call"]).to_list()
    assert len(calls) == 2 and {a.kind for a in calls} == {ActivityKind.CALL}
    stamps = [a.occurred_at for a in calls]
    assert stamps == sorted(stamps)


def test_vendor_action_select_template(engage_tenant: Any) -> None:
    results = engage_tenant.vendor_action(
        "selectTemplateForSalesCadenceStepTracker",
        inputs=[{"stepTrackerId": ACTIVE_EMAIL_STEP}, {"stepTrackerId": ACTIVE_CALL_STEP}],
    )
    assert [r["isSuccess"] for r in results] == [True, False]
    assert set(results[0]["outputValues"]["output"]) == {"SplitPercentage", "TemplateId"}
    assert results[1]["outputValues"]["error"] == "No template was found."
    one = engage_tenant.vendor_action("resumeSalesCadenceTracker", targetId="00Q5e000000002yEAA")
    assert one == [
        {
            "actionName": "resumeSalesCadenceTracker",
            "errors": None,
            "isSuccess": True,
            "outputValues": None,
        }
    ]


def test_raw_client_is_simple_salesforce(engage_tenant: Any) -> None:
    raw = engage_tenant.raw
    assert type(raw).__name__ == "Salesforce"
    assert raw.query("SELECT COUNT() FROM ActionCadence")["totalSize"] == 6


def test_tracker_actions_act_on_the_given_tracker_only(engage_tenant: Any) -> None:
    """Salesforce's pause/resume/reassign take the *target*; engage must not let an old
    tracker id reach the target's newer tracker."""
    t = engage_tenant
    first = t.enrollments.enroll(target_id=FREE_LEAD, sequence_id=CADENCE)
    t.enrollments.remove(first.id)
    second = t.enrollments.enroll(target_id=FREE_LEAD, sequence_id=OTHER_CADENCE)
    assert second.id != first.id
    for act in (
        lambda: t.enrollments.pause(first.id),
        lambda: t.enrollments.resume(first.id),
        lambda: t.enrollments.reassign(first.id, owner_id=OTHER_REP),
    ):
        with pytest.raises(ConflictError, match="no longer"):
            act()
    live = t.enrollments.get(second.id)
    assert live.state is EnrollmentState.ACTIVE and live.owner_id != OTHER_REP
    with pytest.raises(ConflictError, match="not paused"):
        t.enrollments.resume(second.id)
