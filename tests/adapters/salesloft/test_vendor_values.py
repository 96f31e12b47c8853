"""Vendor values the documents name but the demo team does not hold by default, produced by
the emulator's options: an ``archived`` membership and a ``linkedin`` cadence action."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from engage_salesloft import _read as r
from engage_sandbox import SandboxOptions
from engage_testing import Recorder

from engage import EnrollmentState, StepKind, TaskKind, TaskOrigin

pytestmark = pytest.mark.engage_vendor("salesloft")

Make = Callable[..., Recorder]
RECENT = datetime(2026, 1, 15, 8, 55, tzinfo=UTC)
ARCHIVED_CADENCE = "2001"  # a team cadence of the demo team, with people on it


def test_archived_memberships_are_removed_enrollments(engage_recorder: Make) -> None:
    options = SandboxOptions(extras={"archived_cadences": [int(ARCHIVED_CADENCE)]})
    with engage_recorder("salesloft", sandbox_options=options) as rec:
        t = rec.tenant
        assert t.sequences.get(ARCHIVED_CADENCE).active is False
        enrollments = t.enrollments.list(
            sequence_id=ARCHIVED_CADENCE, updated_since=RECENT
        ).to_list()
        archived = [e for e in enrollments if e.vendor_state == "archived"]
        assert archived
        assert all(e.state is EnrollmentState.REMOVED for e in archived)
        removed = t.enrollments.list(
            sequence_id=ARCHIVED_CADENCE, state="removed", updated_since=RECENT
        ).to_list()
        assert {e.id for e in archived} <= {e.id for e in removed}


def test_linkedin_actions_are_linkedin_tasks(engage_recorder: Make) -> None:
    options = SandboxOptions(extras={"action_types": {"other": "linkedin"}})
    with engage_recorder("salesloft", sandbox_options=options) as rec:
        t = rec.tenant
        tasks = t.tasks.list(origin="sequence_step", updated_since=RECENT).to_list()
        linkedin = [x for x in tasks if x.vendor_kind == "linkedin"]
        assert linkedin
        assert all(x.kind is TaskKind.LINKEDIN for x in linkedin)
        assert all(x.origin is TaskOrigin.SEQUENCE_STEP for x in linkedin)
        one = t.tasks.get(linkedin[0].id)
        assert one.kind is TaskKind.LINKEDIN


def test_value_tables() -> None:
    assert r.MEMBERSHIP_STATES["archived"] is EnrollmentState.REMOVED
    assert r.ACTION_KINDS["linkedin"] is TaskKind.LINKEDIN
    assert r.STEP_KINDS["linkedin"] is StepKind.LINKEDIN
    # An integration step may stand for LinkedIn or another tool: no member says which.
    assert r.STEP_KINDS["integration"] is StepKind.OTHER
