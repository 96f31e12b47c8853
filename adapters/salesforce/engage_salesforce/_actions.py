"""The Sales Engagement invocable actions: their inputs, and calling them in batches.

Each action takes ``{"inputs": [...]}`` and answers one result per input, in
order, under HTTP 200 when all succeeded and HTTP 400 when some failed. So a
batch is sent as few calls as possible, each result goes back to its item,
successes stay successes, and only inputs whose own error is retryable (a
locked row) are sent again.

Batch size: the Actions Developer Guide states no per-call input limit for
these actions (we looked; the emulator's 200 is its own choice). 200 is the
chunk Salesforce itself uses when it runs triggers and flows over many
records, so a call of 200 inputs is one chunk of work on the server. We send
at most ``action_batch_size`` inputs (200 by default) and halve that if
Salesforce refuses a call for its size (``LIMIT_EXCEEDED``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from engage import InputError, MappingError, UnavailableError, VendorError

from . import _wire as wire
from ._errors import item_error
from ._session import VENDOR, SalesforceSession

ASSIGN = "assignTargetToSalesCadence"
REMOVE = "removeTargetFromSalesCadence"
PAUSE = "pauseSalesCadenceTracker"
RESUME = "resumeSalesCadenceTracker"
CHANGE_ASSIGNEE = "changeSalesCadenceTargetAssignee"
MODIFY = "modifyCadenceTrackerAttributes"
SEND_EVENT = "sendSalesCadenceEvent"
SELECT_TEMPLATE = "selectTemplateForSalesCadenceStepTracker"
SALES_ENGAGEMENT_ACTIONS = (
    ASSIGN,
    REMOVE,
    PAUSE,
    RESUME,
    CHANGE_ASSIGNEE,
    MODIFY,
    SEND_EVENT,
    SELECT_TEMPLATE,
)
# The documented valid values of sendSalesCadenceEvent's eventType.
SKIP, MANUAL_COMPLETE = "Skip", "ManualComplete"
_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,79}$")


def _inputs(**values: Any) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v is not None}


# --- one input of each action, named as Salesforce names them ----------------------


def assign_input(
    cadence: str,
    target_id: str,
    *,
    user_id: str | None = None,
    start_step: str | None = None,
    related_to: str | None = None,
) -> dict[str, Any]:
    return _inputs(
        salesCadenceNameOrId=cadence,
        targetId=target_id,
        userId=user_id,
        startStepNameOrId=start_step,
        relatedToId=related_to,
    )


def remove_input(
    *,
    target_id: str | None = None,
    tracker_id: str | None = None,
    disposition: str | None = None,
) -> dict[str, Any]:
    if (target_id is None) == (tracker_id is None):
        raise InputError("removing from a cadence needs a target id or a tracker id")
    return _inputs(
        completionReasonCode="ManuallyRemoved",
        targetId=target_id,
        actionCadenceTrackerId=tracker_id,
        completionDisposition=disposition,
    )


def pause_input(target_id: str, resume_time: str | None = None) -> dict[str, Any]:
    return _inputs(targetId=target_id, resumeTime=resume_time)


def resume_input(target_id: str) -> dict[str, Any]:
    return {"targetId": target_id}


def change_assignee_input(target_id: str, user_id: str) -> dict[str, Any]:
    return {"targetId": target_id, "userId": user_id}


def modify_input(
    tracker_id: str,
    *,
    disposition: str | None = None,
    related_to: str | None = None,
    attribution: str | None = None,
) -> dict[str, Any]:
    return _inputs(
        actionCadenceTrackerId=tracker_id,
        completionDisposition=disposition,
        relatedToId=related_to,
        relatedToAttributionType=attribution,
    )


def event_input(step_tracker_id: str, event_type: str) -> dict[str, Any]:
    return {"recordId": step_tracker_id, "eventType": event_type}


def select_template_input(step_tracker_id: str) -> dict[str, Any]:
    return {"stepTrackerId": step_tracker_id}


def request_body(inputs: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    return {"inputs": [dict(i) for i in inputs]}


def parse_results(body: Any) -> list[wire.ActionResult]:
    if not isinstance(body, list):
        raise MappingError("expected a list of action results", vendor=VENDOR, object_type="action")
    return [wire.ActionResult.model_validate(item) for item in body]


# --- calling -----------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """One input's result, or the error that kept it from having one."""

    result: wire.ActionResult | None = None
    error: VendorError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


class _TooManyInputs(Exception):
    """Salesforce refused a whole call for its size; the caller halves the batch."""


class ActionRunner:
    def __init__(self, session: SalesforceSession, batch_size: int) -> None:
        self.session = session
        self.batch_size = batch_size

    def invoke(self, name: str, inputs: Sequence[Mapping[str, Any]]) -> list[Outcome]:
        """Run ``name`` for every input, in as few calls as the batch size allows."""
        if not _NAME.match(name):
            raise InputError(f"{name[:80]!r} is not an action name")
        outcomes: list[Outcome] = []
        start = 0
        while start < len(inputs):
            size = self.batch_size
            chunk = inputs[start : start + size]
            try:
                outcomes.extend(self._chunk(name, chunk))
            except _TooManyInputs:
                self.batch_size = max(1, len(chunk) // 2)
                continue
            start += len(chunk)
        return outcomes

    def _chunk(self, name: str, inputs: Sequence[Mapping[str, Any]]) -> list[Outcome]:
        found: list[Outcome | None] = [None] * len(inputs)
        pending = list(range(len(inputs)))

        def attempt() -> None:
            nonlocal pending
            try:
                response = self.session.send(
                    "POST",
                    f"actions/standard/{name}",
                    json=request_body([inputs[i] for i in pending]),
                    idempotent=False,
                    per_input_results=True,
                    retry=False,
                )
            except VendorError as exc:
                if exc.code == "LIMIT_EXCEEDED" and exc.status == 400 and len(pending) > 1:
                    raise _TooManyInputs from exc
                raise
            status = response.status_code
            results = parse_results(response.json())
            if len(results) != len(pending):
                raise MappingError(
                    f"{len(results)} results for {len(pending)} inputs",
                    vendor=VENDOR,
                    object_type=name,
                )
            retry: list[int] = []
            for index, result in zip(pending, results, strict=True):
                if result.isSuccess:
                    found[index] = Outcome(result)
                    continue
                error = item_error(
                    result.model_dump(mode="json"), self.session.error_context(), status=status
                )
                found[index] = Outcome(result, error)
                if error.retryable:
                    retry.append(index)
            pending = retry
            if pending:
                raise UnavailableError(
                    f"{len(pending)} inputs of {name} hit a retryable error",
                    retryable=True,
                    **self.session.error_context(),
                )

        try:
            self.session.context.retry.call(attempt)
        except VendorError as exc:
            # Inputs that never got a result of their own share the call's error.
            found = [f if f is not None else Outcome(None, exc) for f in found]
        return [f if f is not None else Outcome() for f in found]

    def one(self, name: str, values: Mapping[str, Any]) -> wire.ActionResult:
        """Run one input; its failure is raised."""
        outcome = self.invoke(name, [values])[0]
        if outcome.error is not None:
            raise outcome.error
        assert outcome.result is not None
        return outcome.result
