"""Enrollment operations: Outreach's SequenceState resource and its member actions."""

from __future__ import annotations

import threading

from engage import (
    ConflictError,
    Enrollment,
    EnrollmentInput,
    EnrollmentQuery,
    EnrollmentState,
    InputError,
    Page,
    Pager,
    ValidationError,
)

from . import _read as r
from . import _write as w
from ._api import API, Session

# The statuses a refused enrolment may mean "already enrolled" by: Outreach's wording
# for that refusal is in no public sample, so the status, not the text, decides.
REFUSED_ENROLL_STATUSES = frozenset({409, 422})


class EnrollmentOperations:
    def __init__(self, session: Session) -> None:
        self.session = session
        self._mailboxes: dict[str, str] = {}
        # Batch enrolls run in worker threads: a user's mailbox is looked up once.
        self._mailbox_lock = threading.Lock()

    def _mailbox_of(self, user_id: str) -> str:
        with self._mailbox_lock:
            if user_id not in self._mailboxes:
                params = w.mailbox_params(user_id, first_only=True)
                rows = self.session.get(f"{API}/mailboxes", params).rows()
                if not rows:
                    raise InputError(
                        f"Outreach user {user_id} has no mailbox to send a sequence from"
                    )
                self._mailboxes[user_id] = str(rows[0]["id"])
            return self._mailboxes[user_id]

    def enroll(self, data: EnrollmentInput) -> Enrollment:
        w.check_ids(data)  # before the owner's mailbox or the token's user is looked up
        mailbox = w.enrollment_mailbox(data)
        owner = data.owner_id or (None if mailbox else self.session.me_id())
        mailbox_id = mailbox or self._mailbox_of(owner or "")
        body = w.enrollment_body(data.target_id, data.sequence_id, mailbox_id)

        def lookup() -> Enrollment | None:
            return self._live(data.target_id, data.sequence_id)

        def write() -> Enrollment:
            doc = self.session.send("POST", f"{API}/sequenceStates", body)
            return r.to_enrollment(self.session.one(doc), fallback_owner=owner)

        try:
            return self.session.write_once(lookup, write)
        except (ConflictError, ValidationError) as refused:
            # Enrolling is idempotent: a 409/422, whatever it says, may be Outreach
            # refusing a second live sequence state, so the prospect's live one in this
            # sequence is looked up (one filtered GET) and is the answer. Found none:
            # the refusal stands, typed as before ("already in this sequence" in the
            # text still makes it a ConflictError; any other wording a ValidationError).
            if refused.status not in REFUSED_ENROLL_STATUSES:
                raise
            found = lookup()
            if found is None:
                raise
            return found

    def _live(self, target_id: str, sequence_id: str) -> Enrollment | None:
        """The prospect's live (active, paused or pending) sequence state in the sequence.

        The answer's rows are checked, not trusted: only a row of this prospect, this
        sequence and a live state counts, whatever the server made of the filters."""
        params = w.live_enrollment_params(target_id, sequence_id)
        doc = self.session.get(f"{API}/sequenceStates", params)
        index = doc.index()
        for row in doc.rows():
            found = r.to_enrollment(row, index)
            if (
                found.target_id == target_id
                and found.sequence_id == sequence_id
                and found.vendor_state in w.LIVE_STATE_NAMES
            ):
                return found
        return None

    def get(self, enrollment_id: str) -> Enrollment:
        checked = w.vendor_id(enrollment_id, "enrollment_id")
        doc = self.session.get(f"{API}/sequenceStates/{checked}", {"include": "mailbox"})
        return r.to_enrollment(self.session.one(doc), doc.index())

    def pager(self, query: EnrollmentQuery) -> Pager[Enrollment]:
        w.check_ids(query)  # before the owner's mailboxes are looked up
        params = w.enrollment_params(query)
        if query.owner_id:
            # A sequence state has no owner filter; its sender's mailbox stands in.
            doc = self.session.get(f"{API}/mailboxes", w.mailbox_params(query.owner_id))
            boxes = [str(row["id"]) for row in doc.rows()]
            if not boxes:
                return Pager(lambda _cursor: Page([]))
            params["filter[mailbox][id]"] = ",".join(boxes)
        return self.session.pager(f"{API}/sequenceStates", params, r.to_enrollment, query.page_size)

    def action(self, enrollment_id: str, action: str) -> Enrollment:
        """A sequence-state action as asked for: sent once, answered as Outreach answers."""
        checked = w.vendor_id(enrollment_id, "enrollment_id")
        doc = self.session.send("POST", f"{API}/sequenceStates/{checked}/actions/{action}")
        return r.to_enrollment(self.session.one(doc))

    def _state_action(self, enrollment_id: str, action: str, done: set[str]) -> Enrollment:
        enrollment_id = w.vendor_id(enrollment_id, "enrollment_id")

        def lookup() -> Enrollment | None:
            current = self.get(enrollment_id)
            return current if current.vendor_state in done else None

        def write() -> Enrollment:
            doc = self.session.send(
                "POST", f"{API}/sequenceStates/{enrollment_id}/actions/{action}"
            )
            return self.get(str(self.session.one(doc)["id"]))

        return self.session.write_once(lookup, write)

    def remove(self, enrollment_id: str) -> Enrollment:
        # Outreach's "finish" is how a prospect is taken out; its state then reads
        # "finished" (kept in vendor_state) but the neutral answer to remove is REMOVED.
        finished = self._state_action(enrollment_id, "finish", {"finished"})
        return finished.model_copy(update={"state": EnrollmentState.REMOVED})

    def pause(self, enrollment_id: str) -> Enrollment:
        return self._state_action(enrollment_id, "pause", {"paused"})

    def resume(self, enrollment_id: str) -> Enrollment:
        return self._state_action(enrollment_id, "resume", {"active"})
