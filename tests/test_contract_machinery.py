"""The contract suite itself, run the way a third-party adapter would run it."""

from __future__ import annotations

from engage_testing.contract import (
    EXPECTED_FACTS,
    STEP_CAPABILITY,
    ContractSuite,
    ScenarioResult,
    StepResult,
)

from engage import Capability
from tests.support import toyvendor


class TestToyContract(ContractSuite):
    vendor = "toy"
    recorder_options = {"plugins": [toyvendor], "sandbox": toyvendor.SANDBOX}


def _result(**outcomes: str) -> ScenarioResult:
    steps = []
    for step in STEP_CAPABILITY:
        outcome = outcomes.get(step.replace(" ", "_"), "ok")
        facts = EXPECTED_FACTS[step] if outcome == "ok" else {}
        steps.append(StepResult(step, outcome, dict(facts)))  # type: ignore[arg-type]
    return ScenarioResult("v", "t", steps)


def test_a_clean_run_keeps_the_contract() -> None:
    assert _result().problems(frozenset(Capability)) == []


def test_refusing_a_declared_operation_breaks_the_contract() -> None:
    problems = _result(pause="unsupported").problems(frozenset(Capability))
    assert problems == ["pause: refused although enrollments.pause is declared"]


def test_running_an_undeclared_operation_breaks_the_contract() -> None:
    caps = frozenset(Capability) - {Capability.ENROLLMENTS_PAUSE}
    assert _result().problems(caps) == ["pause: ran although enrollments.pause is not declared"]
    assert _result(pause="unsupported").problems(caps) == []


def test_different_facts_break_the_contract() -> None:
    run = _result()
    run.steps[2] = StepResult("enroll", "ok", {"state": "paused", "enroll_again_same_id": True})
    assert run.problems(frozenset(Capability))[0].startswith("enroll: facts")
