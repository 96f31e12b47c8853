"""Sequences (cadences), steps and enrollments (cadence memberships)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from engage import EnrollmentState, PermissionDeniedError, StepKind, TenantClient

pytestmark = pytest.mark.engage_vendor("salesloft")


def test_sequences_list_get_and_filters(engage_tenant: TenantClient) -> None:
    pager = engage_tenant.sequences.list(page_size=5)
    cadences = pager.to_list()
    assert len(cadences) == 12 and pager.exhausted
    assert len({c.id for c in cadences}) == 12
    got = engage_tenant.sequences.get(cadences[0].id)
    assert got.name == cadences[0].name
    active = engage_tenant.sequences.list(active=True, page_size=3, limit=3).to_list()
    assert active and all(c.active for c in active)
    mine = engage_tenant.sequences.list(owner_id="1001", page_size=3, limit=3).to_list()
    assert mine and all(c.owner_id == "1001" for c in mine)
    recent = engage_tenant.sequences.list(updated_since=datetime(2025, 9, 1, tzinfo=UTC)).to_list()
    assert recent and all(
        c.updated_at and c.updated_at >= datetime(2025, 9, 1, tzinfo=UTC) for c in recent
    )


def test_steps_in_cadence_order(engage_tenant: TenantClient) -> None:
    steps = engage_tenant.sequences.steps("2001").to_list()
    assert [s.position for s in steps] == list(range(1, len(steps) + 1))
    assert [s.day for s in steps] == sorted(s.day or 0 for s in steps)
    assert all(s.sequence_id == "2001" for s in steps)
    assert {s.kind for s in steps} <= {StepKind.CALL, StepKind.EMAIL, StepKind.OTHER}


def test_enrollments_list_filters_and_get(engage_tenant: TenantClient) -> None:
    since = datetime(2026, 1, 15, 8, 30, tzinfo=UTC)
    recent = engage_tenant.enrollments.list(updated_since=since, page_size=4).to_list()
    assert len(recent) > 4 and all(e.updated_at and e.updated_at >= since for e in recent)
    one = recent[0]
    by_target = engage_tenant.enrollments.list(target_id=one.target_id).to_list()
    assert one.id in {e.id for e in by_target}
    in_cadence = engage_tenant.enrollments.list(
        sequence_id=one.sequence_id, state="active", owner_id=one.owner_id, updated_since=since
    ).to_list()
    assert all(
        e.sequence_id == one.sequence_id
        and e.state is EnrollmentState.ACTIVE
        and e.owner_id == one.owner_id
        for e in in_cadence
    )
    assert engage_tenant.enrollments.get(one.id).target_id == one.target_id


def test_enroll_twice_remove_and_enroll_many(engage_tenant: TenantClient) -> None:
    person = engage_tenant.targets.create(email="enrollee@example.com", first_name="En")
    team = next(
        c for c in engage_tenant.sequences.list(active=True).to_list() if c.raw["team_cadence"]
    )
    enrollment = engage_tenant.enrollments.enroll(target_id=person.id, sequence_id=team.id)
    assert enrollment.state is EnrollmentState.ACTIVE and enrollment.vendor_state == "staged"
    again = engage_tenant.enrollments.enroll(target_id=person.id, sequence_id=team.id)
    assert again.id == enrollment.id
    removed = engage_tenant.enrollments.remove(enrollment.id)
    assert removed.state is EnrollmentState.REMOVED
    other = engage_tenant.targets.create(email="enrollee2@example.com")
    batch = engage_tenant.enrollments.enroll_many(
        [
            {"target_id": other.id, "sequence_id": team.id},
            {"target_id": "999999999", "sequence_id": team.id},
        ]
    )
    assert [item.ok for item in batch] == [True, False]


def test_enroll_on_a_teammates_cadence_is_forbidden(engage_tenant: TenantClient) -> None:
    person = engage_tenant.targets.create(email="forbidden@example.com")
    personal = next(
        c
        for c in engage_tenant.sequences.list(active=True).to_list()
        if not c.raw["team_cadence"] and c.owner_id != "1002"
    )
    with pytest.raises(PermissionDeniedError) as info:
        engage_tenant.enrollments.enroll(
            target_id=person.id, sequence_id=personal.id, owner_id="1002"
        )
    assert info.value.status == 403 and not info.value.retryable
