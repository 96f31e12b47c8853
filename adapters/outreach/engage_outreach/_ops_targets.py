"""Target operations: Outreach's Prospect resource."""

from __future__ import annotations

from engage import Pager, Target, TargetInput, TargetQuery

from . import _read as r
from . import _write as w
from ._api import API, Session, rows_only


class TargetOperations:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, target_id: str) -> Target:
        prospect_id = w.vendor_id(target_id, "target_id")
        return r.to_target(self.session.one(self.session.get(f"{API}/prospects/{prospect_id}")))

    def pager(self, query: TargetQuery) -> Pager[Target]:
        w.check_ids(query)
        return self.session.pager(
            f"{API}/prospects",
            w.target_params(query),
            rows_only(r.to_target),
            query.page_size,
            most=len(set(query.ids)) or None,  # one page for the ids asked for
        )

    def find_by_email(self, email: str) -> Target | None:
        rows = self.session.get(f"{API}/prospects", w.email_params(email)).rows()
        return r.to_target(rows[0]) if rows else None

    def create(self, data: TargetInput) -> Target:
        w.check_ids(data)
        body = w.prospect_body(data)
        return self.session.write_once(
            lambda: self.find_by_email(data.email),
            lambda: r.to_target(
                self.session.one(self.session.send("POST", f"{API}/prospects", body))
            ),
        )

    def upsert(self, data: TargetInput) -> Target:
        w.check_ids(data)  # before the e-mail address is looked up
        existing = self.find_by_email(data.email)
        if existing is None:
            return self.create(data)
        body = w.prospect_body(data, existing.id)
        doc = self.session.send("PATCH", f"{API}/prospects/{existing.id}", body, idempotent=True)
        return r.to_target(self.session.one(doc))
