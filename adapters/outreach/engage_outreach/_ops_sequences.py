"""Sequence operations: Outreach's Sequence and SequenceStep resources."""

from __future__ import annotations

from engage import Pager, Sequence, SequenceQuery, Step

from . import _read as r
from . import _write as w
from ._api import API, Session, rows_only


class SequenceOperations:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, sequence_id: str) -> Sequence:
        checked = w.vendor_id(sequence_id, "sequence_id")
        doc = self.session.get(f"{API}/sequences/{checked}")
        return r.to_sequence(self.session.one(doc))

    def pager(self, query: SequenceQuery) -> Pager[Sequence]:
        w.check_ids(query)
        pager = self.session.pager(
            f"{API}/sequences", w.sequence_params(query), rows_only(r.to_sequence), query.page_size
        )
        if query.active is None:
            return pager
        return pager.filter(lambda sequence: sequence.active is query.active)

    def steps(self, sequence_id: str) -> Pager[Step]:
        checked = w.vendor_id(sequence_id, "sequence_id")
        return self.session.pager(
            f"{API}/sequenceSteps", w.step_params(checked), rows_only(r.to_step), None
        )
