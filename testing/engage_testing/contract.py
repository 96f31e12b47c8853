"""The cross-vendor contract suite: the sandbox scenario, replayed from cassettes.

A third-party adapter runs the same suite against itself with one import::

    from engage_testing.contract import ContractSuite

    class TestHubspotContract(ContractSuite):
        vendor = "hubspot"

The scenario itself (steps and expected neutral facts) is
:mod:`engage_sandbox.scenario`; ``engage demo`` runs it live.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from engage_sandbox.scenario import (
    EXPECTED_FACTS,
    SCENARIO_EMAIL,
    STEP_CAPABILITY,
    Scenario,
    ScenarioResult,
    StepResult,
    run_scenario,
)

__all__ = [
    "EXPECTED_FACTS",
    "SCENARIO_EMAIL",
    "STEP_CAPABILITY",
    "ContractSuite",
    "Scenario",
    "ScenarioResult",
    "StepResult",
    "run_scenario",
]


class ContractSuite:
    """Subclass with ``vendor = "<name>"`` to run the contract from your cassettes.

    Record with ``pytest --record-mode=rewrite`` against your adapter's
    sandbox; replay offline otherwise.
    """

    vendor: ClassVar[str]
    recorder_options: ClassVar[dict[str, Any]] = {}

    def test_contract_scenario(self, engage_recorder: Callable[..., Any]) -> None:
        with engage_recorder(self.vendor, **self.recorder_options) as recorder:
            tenant = recorder.tenant
            result = run_scenario(tenant)
        problems = result.problems(tenant.capabilities)
        assert problems == [], "\n".join(problems)
