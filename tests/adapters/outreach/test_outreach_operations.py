"""Every Outreach operation, replayed from cassettes recorded against the sandbox."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from engage_outreach import OutreachAdapter

from engage import (
    ActivityKind,
    EnrollmentState,
    InputError,
    TaskOrigin,
    TaskStatus,
)

pytestmark = pytest.mark.engage_vendor("outreach")

WHEN = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
SEQUENCE = "1"  # enabled; its first step is a manual e-mail (a task with a drafted mailing)


@pytest.fixture
def sequential(monkeypatch: pytest.MonkeyPatch) -> None:
    """Batch items one at a time, so that the recording's request order is fixed."""
    monkeypatch.setattr(OutreachAdapter, "batch_concurrency", 1)


def _new_target(tenant: Any, name: str) -> Any:
    return tenant.targets.create(email=f"{name}@example.com", first_name=name.title())


def test_targets(engage_tenant: Any) -> None:
    t = engage_tenant
    first = t.targets.get("1")
    assert first.ref.object_type == "prospect" and first.email and first.owner_id
    assert t.targets.find_by_email(first.email.upper()).id == "1"
    assert t.targets.find_by_email("nobody@example.com") is None
    made = t.targets.create(email="ada@example.com", first_name="Ada", phone="+1 555 0101")
    assert (made.first_name, made.phone) == ("Ada", "+1 555 0101")
    again = t.targets.upsert(email="ada@example.com", title="CTO")
    assert again.id == made.id and again.title == "CTO" and again.first_name == "Ada"
    fresh = t.targets.upsert(email="grace@example.com", last_name="Hopper")
    assert fresh.id != made.id
    some = t.targets.list(ids=["1", "2", "3"]).to_list()
    assert [x.id for x in some] == ["1", "2", "3"]
    since = t.targets.list(updated_since=made.updated_at, page_size=50).to_list()
    assert {made.id, fresh.id} <= {x.id for x in since}
    mine = t.targets.list(owner_id=first.owner_id, page_size=5, limit=7).to_list()
    assert len(mine) == 7 and {x.owner_id for x in mine} == {first.owner_id}


def test_paging_to_the_end_and_resuming(engage_tenant: Any) -> None:
    pager = engage_tenant.sequences.list(page_size=3)
    pages = list(pager.iter_pages())
    assert [len(p.items) for p in pages] == [3, 3, 2] and pager.exhausted
    ids = [s.id for p in pages for s in p.items]
    assert ids == [str(i) for i in range(1, 9)]
    resumed = engage_tenant.sequences.list(page_size=3, cursor=pages[0].next_cursor)
    assert [s.id for s in resumed] == ids[3:]


def test_sequences_and_steps(engage_tenant: Any) -> None:
    seq = engage_tenant.sequences.get(SEQUENCE)
    assert seq.name == "Inbound follow-up" and seq.active is True and seq.step_count == 3
    steps = engage_tenant.sequences.steps(SEQUENCE).to_list()
    assert [s.position for s in steps] == [1, 2, 3]
    assert [s.vendor_kind for s in steps] == ["manual_email", "call", "task"]
    assert steps[0].day == 1 and steps[1].day == 3 and steps[0].automated is False
    owned = engage_tenant.sequences.list(owner_id=seq.owner_id).to_list()
    assert seq.id in {s.id for s in owned}
    enabled = engage_tenant.sequences.list(active=True).to_list()
    assert enabled and all(s.active for s in enabled)  # filtered on what is read


def test_enrollments(sequential: None, engage_tenant: Any) -> None:
    t = engage_tenant
    target = _new_target(t, "enid")
    made = t.enrollments.enroll(target_id=target.id, sequence_id=SEQUENCE)
    assert made.state is EnrollmentState.ACTIVE and made.owner_id == "1"
    assert made.target_id == target.id and made.current_step_id
    again = t.enrollments.enroll(target_id=target.id, sequence_id=SEQUENCE)
    assert again.id == made.id  # 422 "already in this sequence" -> the existing one
    got = t.enrollments.get(made.id)
    assert got.owner_id == "1" and got.vendor_state == "active"
    listed = t.enrollments.list(target_id=target.id).to_list()
    assert [e.id for e in listed] == [made.id]
    paused = t.enrollments.pause(made.id)
    assert paused.state is EnrollmentState.PAUSED
    assert [e.id for e in t.enrollments.list(target_id=target.id, state="paused")] == [made.id]
    assert t.enrollments.resume(made.id).state is EnrollmentState.ACTIVE
    removed = t.enrollments.remove(made.id)
    assert removed.state is EnrollmentState.REMOVED and removed.ended_at
    assert removed.vendor_state == "finished"  # Outreach's word for it
    by_owner = t.enrollments.list(owner_id="2", sequence_id=SEQUENCE, page_size=10).to_list()
    assert by_owner and {e.owner_id for e in by_owner} == {"2"}
    other = _new_target(t, "otto")
    boxed = t.enrollments.enroll(
        target_id=other.id, sequence_id=SEQUENCE, vendor_fields={"mailbox_id": "2"}
    )
    assert t.enrollments.get(boxed.id).owner_id == "2"
    batch = t.enrollments.enroll_many(
        [{"target_id": other.id, "sequence_id": SEQUENCE}, {"target_id": "1", "sequence_id": "999"}]
    )
    assert batch.items[0].value.id == boxed.id and not batch.items[1].ok
    with pytest.raises(InputError, match="start_step_id"):
        t.enrollments.enroll(target_id="1", sequence_id=SEQUENCE, start_step_id="2")


def _step_task(tenant: Any, name: str) -> Any:
    target = _new_target(tenant, name)
    tenant.enrollments.enroll(target_id=target.id, sequence_id=SEQUENCE)
    (task,) = tenant.tasks.list(target_id=target.id, status="open").to_list()
    return task


def test_task_actions(engage_tenant: Any) -> None:
    t = engage_tenant
    task = _step_task(t, "tess")
    assert task.origin is TaskOrigin.SEQUENCE_STEP and task.vendor_kind == "email"
    assert t.tasks.update_note(task.id, note="Say hi").note == "Say hi"
    assert t.tasks.reschedule(task.id, due_at=WHEN).due_at == WHEN
    assert t.tasks.snooze(task.id, until=WHEN + timedelta(days=2)).due_at == WHEN + timedelta(
        days=2
    )
    assert t.tasks.reassign(task.id, owner_id="2").owner_id == "2"
    noop = t.vendor_action(
        "updateOpportunityAssociation", task_id=task.id, opportunityAssociation="noop"
    )
    assert noop.raw["attributes"]["opportunityAssociation"] == "noop"
    delivered = t.vendor_action("deliver", task_id=task.id)
    assert delivered.status is TaskStatus.COMPLETED
    second = _step_task(t, "ava")
    advanced = t.tasks.advance(second.id)
    assert advanced.status is TaskStatus.COMPLETED
    (call_task,) = t.tasks.list(target_id=second.target_id, status="open").to_list()
    assert call_task.vendor_kind == "call" and call_task.enrollment_id == second.enrollment_id
    done = t.tasks.complete(call_task.id, note="Spoke to her")
    assert done.status is TaskStatus.COMPLETED and done.completed_at
    with pytest.raises(InputError, match="no action"):
        t.vendor_action("explode", task_id=task.id)
    paused = t.vendor_action("sequenceState.pause", enrollment_id=second.enrollment_id)
    assert paused.state is EnrollmentState.PAUSED


def test_tasks_create_get_list_and_complete_many(sequential: None, engage_tenant: Any) -> None:
    t = engage_tenant
    made = t.tasks.create(target_id="3", subject="Call Ada", note="About pricing", due_at=WHEN)
    assert (made.subject, made.note) == ("Call Ada", "Call Ada\n\nAbout pricing")
    assert made.origin is TaskOrigin.MANUAL and made.owner_id == "1" and made.target_id == "3"
    assert t.tasks.get(made.id).due_at == WHEN
    second = t.tasks.create(target_id="3", subject="Send deck", kind="email", due_at=WHEN)
    result = t.tasks.complete_many([made.id, second.id, made.id])
    assert [i.ok for i in result.items].count(True) == 2
    window = t.tasks.list(
        target_id="3", due_after=WHEN - timedelta(hours=1), due_before=WHEN, status="completed"
    ).to_list()
    assert {x.id for x in window} == {made.id, second.id}
    manual = t.tasks.list(origin="manual", owner_id="1", page_size=5, limit=5).to_list()
    assert {x.origin for x in manual} == {TaskOrigin.MANUAL}
    recent = t.tasks.list(updated_since=made.updated_at, page_size=100).to_list()
    assert {made.id, second.id} <= {x.id for x in recent}
    with pytest.raises(InputError, match="skipped"):
        t.tasks.list(status="skipped")


def test_expand_side_loads_in_one_request_per_page(engage_recorder: Any) -> None:
    with engage_recorder("outreach") as rec:
        pager = rec.tenant.tasks.list(
            origin="sequence_step", page_size=4, limit=8, expand=("target", "sequence", "step")
        )
        tasks = pager.to_list()
        assert len(tasks) == 8
        for task in tasks:
            assert task.target and task.target.id == task.target_id
            assert task.sequence and task.sequence.id == task.sequence_id
            assert task.step and task.step.id == task.step_id
        plain = rec.tenant.tasks.list(page_size=2, limit=2).to_list()
        assert all(x.target is None and x.step is None for x in plain)
        paths = [r.path for r in rec.cassette.requests if r.path.endswith("/tasks")]
        assert len(paths) == 3  # two pages of eight expanded tasks, one plain page


def test_activities_merge_calls_and_mailings_by_time(engage_tenant: Any) -> None:
    t = engage_tenant
    oldest = t.activities.list(page_size=3, limit=3).to_list()
    assert [a.kind for a in oldest] == [ActivityKind.EMAIL] * 3  # calls are all recent
    first_call = t.activities.list(kinds=["call"], page_size=1).first()
    feed = t.activities.list(since=first_call.occurred_at, page_size=7, limit=40).to_list()
    times = [a.occurred_at for a in feed]
    assert times == sorted(times) and len(feed) == 40 and feed[0].id == first_call.id
    assert {a.kind for a in feed} == {ActivityKind.EMAIL, ActivityKind.CALL}
    since = feed[10].occurred_at
    later = t.activities.list(since=since, until=feed[30].occurred_at, page_size=50).to_list()
    assert [a.id for a in later][:3] == [a.id for a in feed[10:13]]
    target = feed[0].target_id
    mine = t.activities.list(target_id=target, page_size=3).to_list()
    assert mine and {a.target_id for a in mine} == {target}
    calls = t.activities.list(kinds=["call"], owner_id="2", page_size=5, limit=5).to_list()
    assert {(a.kind, a.owner_id) for a in calls} == {(ActivityKind.CALL, "2")}
    with pytest.raises(InputError, match="meeting"):
        t.activities.list(kinds=["meeting"])


def test_log_call_and_note(engage_tenant: Any) -> None:
    t = engage_tenant
    call = t.activities.log_call(
        target_id="4", occurred_at=WHEN, duration_seconds=95, outcome="Answered", notes="Good"
    )
    assert call.kind is ActivityKind.CALL and call.duration_seconds == 95
    assert (call.target_id, call.outcome, call.body) == ("4", "Answered", "Good")
    note = t.activities.log_note(target_id="4", body="Prefers e-mail")
    assert note.kind is ActivityKind.NOTE and note.body == "Prefers e-mail" and note.owner_id == "1"
    mixed = t.activities.list(target_id="4", kinds=["note", "call"]).to_list()
    assert {a.id for a in mixed if a.kind is ActivityKind.NOTE} == {note.id}
    assert call.id in {a.id for a in mixed}
    with pytest.raises(InputError, match="owner_id"):
        t.activities.list(kinds=["note"], owner_id="1")
