"""Every sample of seed 004 (the Sales Engagement actions) round-trips through the adapter.

The seed is read in place from ``../shared/seeds``; these tests skip when it
is absent. The inputs the adapter builds must equal the documented sample
inputs once both are parsed as JSON, and every sample output must parse.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from engage_salesforce import _wire as wire
from engage_salesforce import _write as actions
from engage_salesforce._protocol import item_error

from engage import NotFoundError, ValidationError

SHARED = Path(__file__).resolve().parents[3].parent / "shared"
SEEDS = sorted((SHARED / "seeds").glob("004_*.txt"))
REFERENCE = SHARED / "reference" / "salesforce" / "actions" / "sales-engagement-actions.json"
_NUMBERED = re.compile(r"^(\d+)(.*)$")
_URI = re.compile(r"URI: /services/data/vXX\.X/actions/standard/(\w+)")


def _seed() -> str:
    if not SEEDS:
        pytest.skip("seed 004 is not present at ../shared/seeds")
    return SEEDS[0].read_text()


def _json_after(text: str, start: int) -> Any:
    """The numbered code sample starting at ``start`` (docs number every line; some have trailing commas)."""
    lines = []
    for line in text[start:].splitlines():
        found = _NUMBERED.match(line)
        if not found:
            if lines:
                break
            continue
        lines.append(found.group(2))
    code = re.sub(r",(\s*[}\]])", r"\1", "\n".join(lines))
    value, _ = json.JSONDecoder().raw_decode(code.strip())
    return value


def _samples(kind: str) -> list[tuple[str, Any]]:
    text = _seed()
    found = []
    for match in re.finditer(kind, text):
        action = _URI.findall(text[: match.start()])[-1]
        found.append((action, _json_after(text, match.end())))
    return found


def _inputs() -> dict[str, Any]:
    return dict(_samples(r"Sample Input\n"))


BUILT = {
    "assignTargetToSalesCadence": lambda: [
        actions.assign_input("77Cxx0000004CXEEA2", "00Qxx000002TRI2EAO")
    ],
    "removeTargetFromSalesCadence": lambda: [actions.remove_input(target_id="00Qxx000002TRI2EAO")],
    "pauseSalesCadenceTracker": lambda: [
        actions.pause_input("00Qxx000002TRI2EAO", resume_time="2021-06-15T05:30:00:521917Z")
    ],
    "resumeSalesCadenceTracker": lambda: [actions.resume_input("00Qxx000002TRI2EAO")],
    "changeSalesCadenceTargetAssignee": lambda: [
        actions.change_assignee_input("00Qxx000002TRI2EAO", "005R0000000eg3zIAA")
    ],
    "modifyCadenceTrackerAttributes": lambda: [
        actions.modify_input(
            "0qBR00000005CXvMAM",
            disposition="Customer Engaged",
            related_to="006R0000003DNpJIAW",
            attribution="Activation",
        )
    ],
    # The sample spells the event "Manual Complete"; the documented value (which
    # the adapter sends) is ManualComplete. The builder passes either through.
    "sendSalesCadenceEvent": lambda: [actions.event_input("8HFR00000005WyqOAE", "Manual Complete")],
    "selectTemplateForSalesCadenceStepTracker": lambda: [
        actions.select_template_input("8HFR00000006LE8OAM"),
        actions.select_template_input("8HFR00000006LEDOA2"),
    ],
}


def test_the_seed_has_a_sample_input_for_each_of_the_eight_actions() -> None:
    assert set(_inputs()) == set(actions.SALES_ENGAGEMENT_ACTIONS) == set(BUILT)


@pytest.mark.parametrize("action", sorted(BUILT))
def test_built_input_equals_the_sample(action: str) -> None:
    sample = _inputs()[action]
    assert actions.request_body(BUILT[action]()) == sample


def test_the_documented_event_types_are_the_ones_sent() -> None:
    assert "Valid values are: Skip or ManualComplete" in _seed()
    assert (actions.SKIP, actions.MANUAL_COMPLETE) == ("Skip", "ManualComplete")


def test_sample_outputs_parse() -> None:
    outputs = [v for _, v in _samples(r"Sample Output\n")]
    outputs += [v for _, v in _samples(r"This example illustrates [^\n]*\n")]
    assert len(outputs) == 3
    template, success, failure = (wire.action_results(o) for o in outputs)
    assert [r.isSuccess for r in template] == [True, False]
    assert template[0].outputValues == {
        "output": {"SplitPercentage": 10.0, "TemplateId": "00XR0000000UOtZMAW"}
    }
    ctx = {"vendor": "salesforce", "tenant": "t", "operation": "vendor_action"}
    error = item_error(template[1].model_dump(mode="json"), ctx, status=400)
    assert isinstance(error, ValidationError) and error.code == "UNKNOWN_EXCEPTION"
    assert str(error).startswith("No template was found.")
    assert [r.isSuccess for r in success] == [True] and success[0].errors is None
    invalid = item_error(failure[0].model_dump(mode="json"), ctx, status=400)
    assert isinstance(invalid, NotFoundError) and not invalid.retryable


def test_reference_samples_agree_with_the_builders() -> None:
    if not REFERENCE.exists():
        pytest.skip("the Salesforce reference data is not present")
    documented = json.loads(REFERENCE.read_text())["actions"]
    for name, spec in documented.items():
        if spec.get("sampleInput") is not None:
            assert actions.request_body(BUILT[name]()) == spec["sampleInput"], name
