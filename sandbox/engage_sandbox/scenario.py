"""The cross-vendor contract: one scenario, written once against the neutral API.

It finds (or creates) a target, enrolls it in a sequence, works its tasks,
logs a call and a note, reads its activity, pauses and resumes where the
vendor can, and removes the enrollment. Each step records *neutral facts*
(states, kinds, ordering) that must come out the same for every vendor, and
every step the vendor cannot do must raise ``UnsupportedOperationError``
exactly where its capabilities say so.

``engage demo`` runs it against every installed sandbox, and
``engage_testing.contract.ContractSuite`` replays it from cassettes, for the
first-party adapters and for any third-party one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from engage import (
    Capability,
    Sequence,
    Step,
    StepKind,
    Task,
    TaskOrigin,
    TenantClient,
    UnsupportedOperationError,
)

Outcome = Literal["ok", "unsupported", "skipped"]

SCENARIO_EMAIL = "contract.scenario@example.com"

# What every vendor must report, step by step, when the step is supported.
EXPECTED_FACTS: dict[str, dict[str, Any]] = {
    "find or create target": {"found_again": True},
    "list sequences and steps": {"has_steps": True, "steps_in_order": True},
    "enroll": {"state": "active", "enroll_again_same_id": True},
    "list enrollment": {"found": True, "state": "active"},
    "list open tasks": {"has_step_task": True, "expanded": True},
    "create manual task": {"origin": "manual", "status": "open"},
    "complete step task": {"status": "completed"},
    "reschedule manual task": {"due_moved": True},
    "log call": {"kind": "call"},
    "log note": {"kind": "note"},
    "list activities": {"has_call": True, "chronological": True},
    "pause": {"state": "paused"},
    "resume": {"state": "active"},
    "remove enrollment": {"state": "removed"},
}

# The capability each step needs (its first call); a vendor without it must refuse.
STEP_CAPABILITY: dict[str, Capability] = {
    "find or create target": Capability.TARGETS_FIND_BY_EMAIL,
    "list sequences and steps": Capability.SEQUENCES_LIST,
    "enroll": Capability.ENROLLMENTS_ENROLL,
    "list enrollment": Capability.ENROLLMENTS_LIST,
    "list open tasks": Capability.TASKS_LIST,
    "create manual task": Capability.TASKS_CREATE,
    "complete step task": Capability.TASKS_COMPLETE,
    "reschedule manual task": Capability.TASKS_RESCHEDULE,
    "log call": Capability.ACTIVITIES_LOG_CALL,
    "log note": Capability.ACTIVITIES_LOG_NOTE,
    "list activities": Capability.ACTIVITIES_LIST,
    "pause": Capability.ENROLLMENTS_PAUSE,
    "resume": Capability.ENROLLMENTS_RESUME,
    "remove enrollment": Capability.ENROLLMENTS_REMOVE,
}


@dataclass(frozen=True)
class StepResult:
    step: str
    outcome: Outcome
    facts: dict[str, Any] = field(default_factory=dict)
    detail: str = ""


@dataclass
class ScenarioResult:
    vendor: str
    tenant: str
    steps: list[StepResult] = field(default_factory=list)

    def by_step(self) -> dict[str, StepResult]:
        return {result.step: result for result in self.steps}

    def problems(self, capabilities: frozenset[Capability]) -> list[str]:
        """Where this run broke the contract (empty when it kept it)."""
        found = []
        results = self.by_step()
        for step, capability in STEP_CAPABILITY.items():
            result = results.get(step)
            if result is None:
                found.append(f"{step}: did not run")
                continue
            if result.outcome == "skipped":
                continue  # an earlier step it needs could not run on this vendor
            supported = capability in capabilities
            if supported and result.outcome != "ok":
                found.append(f"{step}: refused although {capability.value} is declared")
            if not supported and result.outcome != "unsupported":
                found.append(f"{step}: ran although {capability.value} is not declared")
            if result.outcome == "ok" and result.facts != EXPECTED_FACTS[step]:
                found.append(f"{step}: facts {result.facts} != {EXPECTED_FACTS[step]}")
        return found


class _MissingPrerequisite(Exception):
    """An earlier step this one builds on did not run on this vendor."""


class Scenario:
    """Runs the contract scenario against one tenant, reporting each step."""

    def __init__(
        self,
        tenant: TenantClient,
        *,
        email: str = SCENARIO_EMAIL,
        now: datetime | None = None,
        on_step: Callable[[StepResult], None] | None = None,
    ) -> None:
        self.tenant = tenant
        self.email = email
        self.now = now or datetime(2026, 1, 15, 9, 0, tzinfo=UTC)
        self.on_step = on_step
        self.result = ScenarioResult(tenant.vendor, tenant.name)
        self.state: dict[str, Any] = {}

    @contextmanager
    def _step(self, name: str) -> Iterator[dict[str, Any]]:
        facts: dict[str, Any] = {}
        outcome: Outcome = "ok"
        try:
            yield facts
        except UnsupportedOperationError:
            outcome, facts = "unsupported", {}
        except _MissingPrerequisite:
            outcome, facts = "skipped", {}
        result = StepResult(name, outcome, facts, self._detail(facts, outcome))
        self.result.steps.append(result)
        if self.on_step is not None:
            self.on_step(result)

    @staticmethod
    def _detail(facts: dict[str, Any], outcome: Outcome) -> str:
        if outcome != "ok":
            return outcome
        return ", ".join(f"{k}={v}" for k, v in facts.items())

    def _needs(self, *keys: str) -> None:
        if any(self.state.get(key) is None for key in keys):
            raise _MissingPrerequisite

    def run(self) -> ScenarioResult:
        t = self.tenant
        with self._step("find or create target") as facts:
            target = t.targets.find_by_email(self.email)
            if target is None:
                target = t.targets.create(
                    email=self.email, first_name="Contract", last_name="Scenario"
                )
            again = t.targets.find_by_email(self.email)
            facts["found_again"] = again is not None and again.id == target.id
            self.state["target"] = target
        with self._step("list sequences and steps") as facts:
            sequence, steps = self._choose_sequence()
            facts["has_steps"] = bool(steps)
            positions = [s.position for s in steps if s.position is not None]
            facts["steps_in_order"] = positions == sorted(positions)
            self.state["sequence"] = sequence
        self._enroll_steps()
        self._task_steps()
        self._activity_steps()
        self._lifecycle_steps()
        return self.result

    def _choose_sequence(self) -> tuple[Sequence, list[Step]]:
        """The first active sequence whose first step gives a rep a task to do."""
        manual = {StepKind.CALL, StepKind.TASK, StepKind.LINKEDIN}
        for sequence in self.tenant.sequences.list(active=True, limit=25):
            steps = list(self.tenant.sequences.steps(sequence.id))
            if steps and steps[0].kind in manual:
                return sequence, steps
        raise AssertionError("no active sequence starts with a manual step in this account")

    def _enroll_steps(self) -> None:
        t = self.tenant
        with self._step("enroll") as facts:
            self._needs("target", "sequence")
            target, sequence = self.state["target"], self.state["sequence"]
            enrollment = t.enrollments.enroll(target_id=target.id, sequence_id=sequence.id)
            again = t.enrollments.enroll(target_id=target.id, sequence_id=sequence.id)
            facts["state"] = enrollment.state.value
            facts["enroll_again_same_id"] = again.id == enrollment.id
            self.state["enrollment"] = enrollment
        with self._step("list enrollment") as facts:
            self._needs("enrollment")
            found = [
                e
                for e in t.enrollments.list(
                    target_id=self.state["target"].id, sequence_id=self.state["sequence"].id
                )
                if e.id == self.state["enrollment"].id
            ]
            facts["found"] = len(found) == 1
            facts["state"] = found[0].state.value if found else None

    def _task_steps(self) -> None:
        t = self.tenant
        with self._step("list open tasks") as facts:
            self._needs("enrollment")
            tasks = list(
                t.tasks.list(
                    target_id=self.state["target"].id,
                    status="open",
                    expand=("sequence", "step"),
                )
            )
            step_tasks = [task for task in tasks if task.origin is TaskOrigin.SEQUENCE_STEP]
            facts["has_step_task"] = bool(step_tasks)
            facts["expanded"] = all(
                task.sequence is not None and task.step is not None for task in step_tasks
            )
            self.state["step_task"] = step_tasks[0] if step_tasks else None
        with self._step("create manual task") as facts:
            self._needs("target")
            task = t.tasks.create(
                target_id=self.state["target"].id,
                subject="Contract scenario follow-up",
                kind="call",
                due_at=self.now + timedelta(days=1),
            )
            facts["origin"] = task.origin.value
            facts["status"] = task.status.value
            self.state["manual_task"] = task
        with self._step("complete step task") as facts:
            self._needs("step_task")
            done = t.tasks.complete(self.state["step_task"].id)
            facts["status"] = done.status.value
        with self._step("reschedule manual task") as facts:
            self._needs("manual_task")
            manual: Task = self.state["manual_task"]
            moved = t.tasks.reschedule(manual.id, due_at=self.now + timedelta(days=3))
            facts["due_moved"] = moved.due_at is not None and moved.due_at != manual.due_at

    def _activity_steps(self) -> None:
        t = self.tenant
        with self._step("log call") as facts:
            self._needs("target")
            call = t.activities.log_call(
                target_id=self.state["target"].id,
                duration_seconds=180,
                # No outcome: each vendor has its own vocabulary (Outreach's two words,
                # a Salesloft team's disposition list), so none is portable.
                notes="Contract scenario call",
            )
            facts["kind"] = call.kind.value
        with self._step("log note") as facts:
            self._needs("target")
            note = t.activities.log_note(target_id=self.state["target"].id, body="Contract note")
            facts["kind"] = note.kind.value
        with self._step("list activities") as facts:
            self._needs("target")
            activities = list(
                t.activities.list(
                    target_id=self.state["target"].id, since=self.now - timedelta(days=365)
                )
            )
            times = [a.occurred_at for a in activities if a.occurred_at is not None]
            facts["has_call"] = any(a.kind.value == "call" for a in activities)
            facts["chronological"] = times == sorted(times)

    def _lifecycle_steps(self) -> None:
        t = self.tenant
        with self._step("pause") as facts:
            self._needs("enrollment")
            facts["state"] = t.enrollments.pause(self.state["enrollment"].id).state.value
        with self._step("resume") as facts:
            self._needs("enrollment")
            facts["state"] = t.enrollments.resume(self.state["enrollment"].id).state.value
        with self._step("remove enrollment") as facts:
            self._needs("enrollment")
            facts["state"] = t.enrollments.remove(self.state["enrollment"].id).state.value


def run_scenario(tenant: TenantClient, **options: Any) -> ScenarioResult:
    return Scenario(tenant, **options).run()
