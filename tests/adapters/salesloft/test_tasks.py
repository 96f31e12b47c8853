"""Tasks: manual tasks and cadence actions merged, their filters, expansion and writes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from engage_testing import Recorder

from engage import (
    InputError,
    TaskKind,
    TaskOrigin,
    TaskStatus,
    TenantClient,
    UnsupportedOperationError,
)

pytestmark = pytest.mark.engage_vendor("salesloft")

RECENT = datetime(2026, 1, 15, 8, 55, tzinfo=UTC)


def test_list_merges_manual_tasks_and_cadence_actions(engage_tenant: TenantClient) -> None:
    pager = engage_tenant.tasks.list(owner_id="1003", updated_since=RECENT, page_size=50)
    tasks = pager.to_list()
    assert pager.exhausted
    origins = {t.origin for t in tasks}
    assert origins == {TaskOrigin.SEQUENCE_STEP}  # manual tasks were not updated this late
    assert all(t.owner_id == "1003" for t in tasks)
    manual = engage_tenant.tasks.list(
        owner_id="1003", origin="manual", page_size=5, limit=5
    ).to_list()
    assert manual and all(t.origin is TaskOrigin.MANUAL and t.owner_id == "1003" for t in manual)
    assert all(not t.id.startswith("action-") for t in manual)


def test_list_pages_through_actions_to_the_end(engage_tenant: TenantClient) -> None:
    pager = engage_tenant.tasks.list(origin="sequence_step", updated_since=RECENT, page_size=3)
    pages = list(pager.iter_pages())
    items = [t for p in pages for t in p.items]
    assert len(pages) > 2 and pages[-1].next_cursor is None
    assert len({t.id for t in items}) == len(items)
    assert all(t.id.startswith("action-") and t.sequence_id and t.step_id for t in items)


def test_list_filters(engage_tenant: TenantClient) -> None:
    done = engage_tenant.tasks.list(status="completed", page_size=5, limit=5).to_list()
    assert done and all(t.status is TaskStatus.COMPLETED for t in done)
    assert engage_tenant.tasks.list(status="skipped").to_list() == []
    one = engage_tenant.tasks.list(origin="sequence_step", updated_since=RECENT, limit=1).first()
    assert one is not None and one.target_id and one.sequence_id
    for_target = engage_tenant.tasks.list(target_id=one.target_id).to_list()
    assert one.id in {t.id for t in for_target}
    assert all(t.target_id == one.target_id for t in for_target)
    in_seq = engage_tenant.tasks.list(
        sequence_id=one.sequence_id, updated_since=RECENT - timedelta(minutes=5)
    ).to_list()
    assert in_seq and all(t.sequence_id == one.sequence_id for t in in_seq)
    lo, hi = datetime(2026, 1, 13, tzinfo=UTC), datetime(2026, 1, 13, 12, tzinfo=UTC)
    window = engage_tenant.tasks.list(
        owner_id="1004", due_after=lo, due_before=hi, page_size=10, limit=6
    ).to_list()
    assert window and all(t.due_at and lo <= t.due_at <= hi for t in window)


def test_expand_fills_records_without_n_plus_one(engage_recorder: Callable[..., Recorder]) -> None:
    with engage_recorder("salesloft") as rec:
        tasks = rec.tenant.tasks.list(
            origin="sequence_step",
            updated_since=RECENT,
            page_size=10,
            expand=("target", "sequence", "step"),
        )
        page = next(tasks.iter_pages())
        assert page.items
        for task in page.items:
            assert task.target is not None and task.target.id == task.target_id
            assert task.sequence is not None and task.sequence.id == task.sequence_id
            assert task.step is not None and task.step.id == task.step_id
        requests = [r.path for r in rec.cassette.requests]
        assert len(requests) == 4  # the page, then one ids[] request per expanded kind


def test_get_both_kinds(engage_tenant: TenantClient) -> None:
    action = engage_tenant.tasks.list(origin="sequence_step", updated_since=RECENT).first()
    manual = engage_tenant.tasks.list(origin="manual", owner_id="1002").first()
    assert action is not None and manual is not None
    assert engage_tenant.tasks.get(action.id).step_id == action.step_id
    assert engage_tenant.tasks.get(manual.id).subject == manual.subject


def test_create_is_idempotent_and_updates(engage_tenant: TenantClient) -> None:
    person = engage_tenant.targets.list(page_size=1, limit=1).to_list()[0]
    due = datetime(2026, 1, 20, 15, tzinfo=UTC)
    fields: dict[str, Any] = {
        "target_id": person.id,
        "subject": "Send pricing",
        "kind": "email",
        "due_at": due,
        "note": "before Friday",
        "idempotency_key": "engage-test-key-1",
    }
    task = engage_tenant.tasks.create(**fields)
    assert task.kind is TaskKind.EMAIL and task.due_at == due and task.note == "before Friday"
    assert task.owner_id == "1001"  # the API key's user, from /v2/me
    assert engage_tenant.tasks.create(**fields).id == task.id  # the key makes a repeat safe
    assert (task.raw["due_date"], task.raw["remind_at"][:19]) == (
        "2026-01-20",
        "2026-01-20T15:00:00",
    )
    snoozed = engage_tenant.tasks.snooze(task.id, until=due - timedelta(hours=2))
    assert snoozed.raw["remind_at"].startswith("2026-01-20T13:00:00")
    # The reminder is where the time of day lives: a snooze within the day moves it.
    assert snoozed.raw["due_date"] == "2026-01-20" and snoozed.due_at == due - timedelta(hours=2)
    moved = engage_tenant.tasks.reschedule(task.id, due_at=due + timedelta(days=1))
    assert moved.due_at == due + timedelta(days=1)
    noted = engage_tenant.tasks.update_note(task.id, note="call instead")
    assert noted.note == "call instead"
    done = engage_tenant.tasks.complete(task.id, note="sent")
    assert done.status is TaskStatus.COMPLETED and done.completed_at is not None
    assert done.note == "sent"
    batch = engage_tenant.tasks.complete_many([task.id, "999999999"])
    assert [item.ok for item in batch] == [True, False]


def test_create_refuses_kinds_salesloft_lacks(engage_tenant: TenantClient) -> None:
    with pytest.raises(InputError, match="linkedin"):
        engage_tenant.tasks.create(
            target_id="1", subject="s", kind="linkedin", due_at=datetime(2026, 1, 2, tzinfo=UTC)
        )


def test_complete_call_step_logs_the_call(engage_tenant: TenantClient) -> None:
    actions = engage_tenant.tasks.list(origin="sequence_step", updated_since=RECENT).to_list()
    call_step = next(t for t in actions if t.kind is TaskKind.CALL)
    email_step = next(t for t in actions if t.kind is TaskKind.EMAIL)
    done = engage_tenant.tasks.complete(call_step.id, note="left a voicemail")
    assert done.status is TaskStatus.COMPLETED and done.origin is TaskOrigin.SEQUENCE_STEP
    assert done.raw["completed_by_call"]["action"] == {"id": int(call_step.id[7:])}
    left = engage_tenant.tasks.list(origin="sequence_step", updated_since=RECENT).to_list()
    assert call_step.id not in {t.id for t in left}
    with pytest.raises(UnsupportedOperationError) as info:
        engage_tenant.tasks.complete(email_step.id)
    assert info.value.operation == "tasks.complete" and info.value.alternative


def test_cadence_actions_refuse_edits_before_any_request(engage_tenant: TenantClient) -> None:
    when = datetime(2026, 1, 20, tzinfo=UTC)
    calls: list[Callable[[], object]] = [
        lambda: engage_tenant.tasks.snooze("action-1", until=when),
        lambda: engage_tenant.tasks.reschedule("action-1", due_at=when),
        lambda: engage_tenant.tasks.update_note("action-1", note="n"),
    ]
    for call in calls:
        with pytest.raises(UnsupportedOperationError):
            call()
