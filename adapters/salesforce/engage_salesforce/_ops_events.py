"""Completing cadence steps with ``sendSalesCadenceEvent``: the manual-completion spelling.

The Actions Developer Guide lists the valid eventType values as ``Skip`` and
``ManualComplete``, and its sample on the same page sends ``"Manual
Complete"``. The documented value is sent first. An input refused as an
invalid value (a per-input ``isSuccess: false`` that ``_protocol.item_error``
types as ``ValidationError``, not a conflict, a missing record or a lock) is
sent once more with the other spelling; if that one is accepted it is
remembered for the tenant (in memory, for the adapter's lifetime), so later
completions send one request. A refused value changes nothing on the step
tracker, so the second try cannot complete a step twice.
"""

from __future__ import annotations

from collections.abc import Sequence

from engage import ValidationError

from . import _write as write
from ._ops_actions import ActionRunner, Outcome

SPELLINGS = (write.MANUAL_COMPLETE, write.MANUAL_COMPLETE_SAMPLE)


def _invalid_value(outcome: Outcome) -> bool:
    error = outcome.error
    return outcome.result is not None and isinstance(error, ValidationError) and not error.retryable


class CompletionEvents:
    """Sends manual completions in the spelling this tenant's org accepts."""

    def __init__(self, actions: ActionRunner) -> None:
        self.actions = actions
        self.spelling = write.MANUAL_COMPLETE  # the documented value until the org says otherwise

    def complete(self, step_tracker_ids: Sequence[str]) -> list[Outcome]:
        """One outcome per step tracker, in order (one call per batch, plus at most one retry)."""
        spelling = self.spelling
        outcomes = self._send(step_tracker_ids, spelling)
        refused = [i for i, outcome in enumerate(outcomes) if _invalid_value(outcome)]
        if not refused:
            return outcomes
        other = SPELLINGS[1] if spelling == SPELLINGS[0] else SPELLINGS[0]
        retried = self._send([step_tracker_ids[i] for i in refused], other)
        if any(outcome.ok for outcome in retried):
            self.spelling = other
        for index, outcome in zip(refused, retried, strict=True):
            # Both spellings refused as invalid values: the first one's error stands.
            if not _invalid_value(outcome):
                outcomes[index] = outcome
        return outcomes

    def _send(self, ids: Sequence[str], spelling: str) -> list[Outcome]:
        return self.actions.invoke(
            write.SEND_EVENT, [write.event_input(step, spelling) for step in ids]
        )
