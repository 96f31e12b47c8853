"""Activities: the activity feed, and logging calls and notes."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from engage import ActivityKind, InputError, TenantClient

pytestmark = pytest.mark.engage_vendor("salesloft")

SINCE = datetime(2026, 1, 15, 6, tzinfo=UTC)


def test_feed_pages_to_the_end_in_occurred_order(engage_tenant: TenantClient) -> None:
    pager = engage_tenant.activities.list(since=SINCE, page_size=4)
    items = pager.to_list()
    assert len(items) > 4 and pager.exhausted
    times = [a.occurred_at for a in items]
    assert all(t is not None and t >= SINCE for t in times)
    assert times == sorted(times)  # type: ignore[type-var]
    assert all(a.owner_id and a.owner_id.startswith("100") for a in items)


def test_feed_filters(engage_tenant: TenantClient) -> None:
    until = datetime(2026, 1, 15, 8, tzinfo=UTC)
    calls = engage_tenant.activities.list(
        kinds=["call", "email"], since=datetime(2026, 1, 14, tzinfo=UTC), until=until, limit=8
    ).to_list()
    assert calls and all(a.kind in (ActivityKind.CALL, ActivityKind.EMAIL) for a in calls)
    assert all(a.occurred_at and a.occurred_at < until for a in calls)
    target = calls[0].target_id
    assert target is not None
    about = engage_tenant.activities.list(target_id=target, owner_id=calls[0].owner_id).to_list()
    assert about and all(a.target_id == target for a in about)


def test_log_call_and_note(engage_tenant: TenantClient) -> None:
    person = engage_tenant.targets.list(page_size=1, limit=1).to_list()[0]
    call = engage_tenant.activities.log_call(
        target_id=person.id,
        duration_seconds=95,
        outcome="Connected",
        notes="Talked",
        owner_id="1002",
    )
    assert call.kind is ActivityKind.CALL and call.target_id == person.id
    assert call.duration_seconds == 95 and call.outcome == "Connected" and call.owner_id == "1002"
    note = engage_tenant.activities.log_note(target_id=person.id, body="Prefers e-mail")
    assert note.kind is ActivityKind.NOTE and note.body == "Prefers e-mail"
    assert note.target_id == person.id
    feed = engage_tenant.activities.list(target_id=person.id, kinds=["note"]).to_list()
    assert any(a.raw["static_data"].get("note_id") == int(note.id) for a in feed)


def test_log_call_refuses_what_salesloft_cannot_record(engage_tenant: TenantClient) -> None:
    with pytest.raises(InputError, match="direction"):
        engage_tenant.activities.log_call(target_id="1", direction="inbound")
    with pytest.raises(InputError, match="occurred_at"):
        engage_tenant.activities.log_call(target_id="1", occurred_at=SINCE)
