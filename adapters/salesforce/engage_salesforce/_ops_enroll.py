"""Enrolling targets: ``assignTargetToSalesCadence`` in batches, decided by the trackers it left.

The action answers no id, and when a target is already in a cadence it fails
with a message whose wording nobody has a real sample of. So the outcome of
each input is settled by the data, not by the text: after the call, the live
ActionCadenceTracker of every target that succeeded, failed for its own
reason (any ``isSuccess: false`` result, whatever its code or message) or may
have been assigned although the answer was lost, is read in one query.

- a live tracker (Running, Processing, Initializing or Paused) in the
  requested cadence: the enrollment, whether the call said yes or no;
- a live tracker in another cadence, after a failure: ``ConflictError``
  naming it (a target runs one cadence at a time);
- nothing live: the input's own error, typed as ``_protocol.item_error``
  classifies it (its wording is only a hint there), or ``NotFoundError``
  if the action said yes and no tracker can be found.
"""

from __future__ import annotations

from collections.abc import Sequence

from engage import (
    BatchResult,
    ConflictError,
    Enrollment,
    EnrollmentInput,
    EnrollmentState,
    InputError,
    ItemResult,
    NotFoundError,
    UnavailableError,
    VendorError,
)
from engage.transport import build_error

from . import _protocol_soql as soql
from . import _read as read
from . import _write as write
from ._api import SalesforceSession
from ._ops_actions import ActionRunner, Outcome
from ._ops_reads import Reader

LIVE_STATES = (*write.STATE_FILTER[EnrollmentState.ACTIVE], "Paused")


def same_id(a: str | None, b: str | None) -> bool:
    # 15- and 18-character forms of one id share their first 15 characters.
    return bool(a and b) and a[:15] == b[:15]  # type: ignore[index]


def _looked_up(outcome: Outcome) -> bool:
    """Whether the target's trackers can tell this input's real outcome."""
    if outcome.ok or outcome.result is not None:  # a yes, or a no about this input
        return True
    return isinstance(outcome.error, UnavailableError) and outcome.error.ambiguous


class Enrollments:
    def __init__(self, session: SalesforceSession, reader: Reader, actions: ActionRunner) -> None:
        self.session = session
        self.reader = reader
        self.actions = actions

    def enroll_many(self, items: Sequence[EnrollmentInput]) -> BatchResult[Enrollment]:
        """One ``assignTargetToSalesCadence`` call per batch, then one query for the trackers.

        An input whose ids are not Salesforce ids fails alone, before anything is sent.
        """
        results: dict[int, ItemResult[Enrollment]] = {}
        valid: list[tuple[int, EnrollmentInput]] = []
        for index, item in enumerate(items):
            try:
                write.check_ids(item)
            except InputError as exc:
                results[index] = ItemResult(index, error=exc)
            else:
                valid.append((index, item))
        inputs = [
            write.assign_input(
                item.sequence_id,
                item.target_id,
                user_id=item.owner_id,
                start_step=item.start_step_id,
            )
            | dict(item.vendor_fields)
            for _, item in valid
        ]
        outcomes = self.actions.invoke(write.ASSIGN, inputs)
        lookup = [
            item.target_id
            for (_, item), outcome in zip(valid, outcomes, strict=True)
            if _looked_up(outcome)
        ]
        trackers = self.live_trackers(lookup)
        for (index, item), outcome in zip(valid, outcomes, strict=True):
            results[index] = self._settle(index, item, outcome, trackers)
        return BatchResult(tuple(results[i] for i in range(len(items))))

    def _settle(
        self, index: int, item: EnrollmentInput, outcome: Outcome, trackers: list[Enrollment]
    ) -> ItemResult[Enrollment]:
        mine = [t for t in trackers if same_id(t.target_id, item.target_id)]
        here = next((t for t in mine if same_id(t.sequence_id, item.sequence_id)), None)
        if here is not None:
            return ItemResult(index, value=here)
        if outcome.ok:
            return ItemResult(index, error=self._missing())
        assert outcome.error is not None
        if mine and outcome.result is not None:
            return ItemResult(index, error=self._elsewhere(mine[0], outcome.error))
        return ItemResult(index, error=outcome.error)

    def live_trackers(self, target_ids: Sequence[str]) -> list[Enrollment]:
        """The live trackers of ``target_ids``, oldest first."""
        found: list[Enrollment] = []
        for start in range(0, len(target_ids), 200):  # keeps the query string short
            chunk = target_ids[start : start + 200]
            select = soql.Select("ActionCadenceTracker", soql.TRACKER_FIELDS, order="CreatedDate")
            select.and_where(f"TargetId IN {soql.id_list(chunk, 'target_id')}")
            select.and_where(f"State IN {soql.strings(LIVE_STATES)}")
            found.extend(read.PARSE_TRACKER(row) for row in self.reader.rows(select))
        return found

    def _elsewhere(self, tracker: Enrollment, error: VendorError) -> VendorError:
        return build_error(
            ConflictError,
            f"the target is already in cadence {tracker.sequence_id} (enrollment {tracker.id},"
            f" {tracker.vendor_state}); Salesforce said: {error.message}",
            code=error.code,
            status=error.status,
            **self.session.error_context(),
        )

    def _missing(self) -> VendorError:
        # The action said yes but no live tracker can be found (deleted meanwhile?).
        return build_error(
            NotFoundError,
            "the cadence tracker for this target could not be found after assigning it",
            **self.session.error_context(),
        )
