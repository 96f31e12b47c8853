"""The Sales Engagement invocable actions, called in batches.

Each action takes ``{"inputs": [...]}`` and answers one result per input, in
order, under HTTP 200 when all succeeded and HTTP 400 when some failed. So a
batch is sent as few calls as possible, each result goes back to its item,
successes stay successes, and only inputs whose own error is retryable (a
locked row) are sent again. A failure of the whole call (a 503, a dropped
connection) is the transport's to retry, by its rules: the call is not
idempotent, so one that may have reached Salesforce is not repeated.

Batch size: the Actions Developer Guide states no per-call input limit for
these actions (we looked; the emulator's 200 is its own choice). 200 is the
chunk Salesforce itself uses when it runs triggers and flows over many
records, so a call of 200 inputs is one chunk of work on the server. We send
at most ``action_batch_size`` inputs (200 by default) and halve that if
Salesforce refuses a call for its size (``LIMIT_EXCEEDED``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from engage import InputError, MappingError, UnavailableError, VendorError

from . import _wire as wire
from ._api import SalesforceSession
from ._protocol import item_error
from ._wire import VENDOR, action_results
from ._write import ACTION_NAME, request_body


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


class _CallFailed(Exception):
    """The whole call failed after the transport's own retries; not retried again here."""

    def __init__(self, error: VendorError) -> None:
        super().__init__(str(error))
        self.error = error


class ActionRunner:
    def __init__(self, session: SalesforceSession, batch_size: int) -> None:
        self.session = session
        self.batch_size = batch_size

    def invoke(self, name: str, inputs: Sequence[Mapping[str, Any]]) -> list[Outcome]:
        """Run ``name`` for every input, in as few calls as the batch size allows."""
        if not ACTION_NAME.match(name):
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
                )
            except VendorError as exc:
                if exc.code == "LIMIT_EXCEEDED" and exc.status == 400 and len(pending) > 1:
                    raise _TooManyInputs from exc
                # The transport has retried what it safely could; only inputs are retried here.
                raise _CallFailed(exc) from exc
            status = response.status_code
            results = action_results(self.session.http.read_json(response), name)
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
        except (VendorError, _CallFailed) as exc:
            # Inputs that never got a result of their own share the call's error.
            error = exc.error if isinstance(exc, _CallFailed) else exc
            found = [f if f is not None else Outcome(None, error) for f in found]
        return [f if f is not None else Outcome() for f in found]

    def one(self, name: str, values: Mapping[str, Any]) -> wire.ActionResult:
        """Run one input; its failure is raised."""
        outcome = self.invoke(name, [values])[0]
        if outcome.error is not None:
            raise outcome.error
        assert outcome.result is not None
        return outcome.result
