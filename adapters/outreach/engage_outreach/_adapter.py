"""The Outreach adapter: engage's neutral operations over Outreach's REST API v2."""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from datetime import timedelta
from typing import Any, ClassVar, TypeVar

from engage import (
    Activity,
    ActivityQuery,
    Adapter,
    CallInput,
    Capability,
    ConflictError,
    Enrollment,
    EnrollmentInput,
    EnrollmentQuery,
    EnrollmentState,
    InputError,
    NoteInput,
    Pager,
    Sequence,
    SequenceQuery,
    Step,
    Target,
    TargetInput,
    TargetQuery,
    TenantContext,
    UnavailableError,
)
from engage.pagination import Page

from . import _mapping as m
from ._activities import Merger, streams_for
from ._client import Session
from ._queries import enrollment_params, sequence_params, target_params
from ._settings import OutreachSettings
from ._tasks import TaskOperations
from ._wire import Document, resource

T = TypeVar("T")
API = "/api/v2"
MAX_PAGE_SIZE = 1000  # Outreach's largest page[size]
LIVE_STATES = "active,paused,pending"
# Task actions the neutral operations use; vendor_action reaches these and any other.
TASK_ACTIONS = (
    "advance",
    "deliver",
    "logMeetInPerson",
    "markComplete",
    "reassignOwner",
    "reschedule",
    "snooze",
    "updateNote",
    "updateOpportunityAssociation",
)
STATE_ACTIONS = ("finish", "pause", "resume")


CALL_OUTCOMES = {"answered": "Answered", "not answered": "Not Answered"}


def _call_outcome(outcome: str) -> str:
    """Outreach's call outcome is one of two words (dispositions are a separate resource)."""
    try:
        return CALL_OUTCOMES[outcome.strip().lower()]
    except KeyError:
        raise InputError(
            f"Outreach call outcomes are 'Answered' or 'Not Answered', not {outcome!r}; "
            "set a disposition with vendor_fields"
        ) from None


def _mapped(fn: Callable[[dict[str, Any]], T]) -> Callable[[dict[str, Any], Any], T]:
    return lambda row, _index: fn(row)


class OutreachAdapter(TaskOperations, Adapter):
    """Outreach v2 (JSON:API). See docs/vendors/outreach.md for every mapping."""

    vendor = "outreach"
    settings_model = OutreachSettings
    alternatives: ClassVar[Mapping[Capability, str]] = {
        Capability.ENROLLMENTS_REASSIGN: (
            "enrollments.remove, then enrollments.enroll with the new owner "
            "(owner_id or vendor_fields mailbox_id): a sequence state's mailbox cannot change"
        ),
        Capability.ENROLLMENTS_SET_OUTCOME: (
            "tasks.complete on the step's task with vendor_action('markComplete', "
            "completionAction='finish_replied' or 'finish_no_reply')"
        ),
        Capability.TASKS_SKIP: (
            "tasks.advance (sequence-step tasks) or tasks.complete; Outreach has no skip action"
        ),
    }

    def __init__(self, context: TenantContext) -> None:
        super().__init__(context)
        assert isinstance(context.settings, OutreachSettings)
        self.session = Session(context.settings, context)
        self._me: str | None = context.settings.user_id
        self._mailboxes: dict[str, str] = {}
        # Batch writes run in worker threads: the lookups below are made once, not per thread.
        self._lookup_lock = threading.Lock()

    def close(self) -> None:
        self.session.close()

    def raw_client(self) -> Any:
        return self.session.http.client

    # --- helpers ---
    def _row(self, doc: Document) -> dict[str, Any]:
        return self.session.one(doc)

    def _me_id(self) -> str:
        """The user the token acts for (``GET /api/v2``), asked once."""
        with self._lookup_lock:
            if self._me is None:
                user = self.session.get(API).meta.get("user") or {}
                self._me = str(user["id"])
            return self._me

    def _mailbox_of(self, user_id: str) -> str:
        with self._lookup_lock:
            return self._mailbox_lookup(user_id)

    def _mailbox_lookup(self, user_id: str) -> str:
        if user_id not in self._mailboxes:
            doc = self.session.get(
                f"{API}/mailboxes", {"filter[userId]": user_id, "page[size]": "1"}
            )
            rows = doc.rows()
            if not rows:
                raise InputError(f"Outreach user {user_id} has no mailbox to send a sequence from")
            self._mailboxes[user_id] = str(rows[0]["id"])
        return self._mailboxes[user_id]

    def _lookup_then(self, lookup: Callable[[], T | None], write: Callable[[], T]) -> T:
        """Run a non-idempotent write; after an ambiguous failure, look before writing again."""
        try:
            return write()
        except UnavailableError as exc:
            if not exc.ambiguous:
                raise
            found = lookup()
            if found is not None:
                return found
            return write()

    # --- targets ---
    def get_target(self, target_id: str) -> Target:
        return m.to_target(self._row(self.session.get(f"{API}/prospects/{target_id}")))

    def list_targets(self, query: TargetQuery) -> Pager[Target]:
        size = query.page_size
        if size is None and query.ids:
            # One page for the ids asked for (page[size] goes up to 1,000), not one per 100.
            size = min(len(set(query.ids)), MAX_PAGE_SIZE)
        return self.session.pager(
            f"{API}/prospects", target_params(query), _mapped(m.to_target), size
        )

    def find_target_by_email(self, email: str) -> Target | None:
        doc = self.session.get(f"{API}/prospects", {"filter[emails]": email, "page[size]": "1"})
        rows = doc.rows()
        return m.to_target(rows[0]) if rows else None

    def create_target(self, data: TargetInput) -> Target:
        body = self._prospect_body(data)
        return self._lookup_then(
            lambda: self.find_target_by_email(data.email),
            lambda: m.to_target(self._row(self.session.send("POST", f"{API}/prospects", body))),
        )

    def upsert_target(self, data: TargetInput) -> Target:
        existing = self.find_target_by_email(data.email)
        if existing is None:
            return self.create_target(data)
        body = self._prospect_body(data, existing.id)
        doc = self.session.send("PATCH", f"{API}/prospects/{existing.id}", body, idempotent=True)
        return m.to_target(self._row(doc))

    def _prospect_body(self, data: TargetInput, id_: str | None = None) -> dict[str, Any]:
        fields = data.model_dump(exclude={"email", "owner_id", "kind", "vendor_fields"})
        attrs = m.prospect_attributes(data.email, fields, data.vendor_fields)
        owner = ("user", data.owner_id) if data.owner_id else None
        body = resource("prospect", attrs, owner=owner)
        if id_ is not None:
            body["data"]["id"] = int(id_) if id_.isdigit() else id_
        return body

    # --- sequences ---
    def get_sequence(self, sequence_id: str) -> Sequence:
        return m.to_sequence(self._row(self.session.get(f"{API}/sequences/{sequence_id}")))

    def list_sequences(self, query: SequenceQuery) -> Pager[Sequence]:
        params = sequence_params(query)
        pager = self.session.pager(
            f"{API}/sequences", params, _mapped(m.to_sequence), query.page_size
        )
        if query.active is None:
            return pager
        return pager.filter(lambda sequence: sequence.active is query.active)

    def list_steps(self, sequence_id: str) -> Pager[Step]:
        params = {"filter[sequence][id]": sequence_id, "sort": "order"}
        return self.session.pager(f"{API}/sequenceSteps", params, _mapped(m.to_step), None)

    # --- enrollments ---
    def enroll(self, data: EnrollmentInput) -> Enrollment:
        if data.start_step_id is not None:
            raise InputError("Outreach enrolls at the sequence's first step; omit start_step_id")
        extra = dict(data.vendor_fields)
        mailbox = extra.pop("mailbox_id", None)
        if extra:
            raise InputError(f"unknown vendor_fields {sorted(extra)}; Outreach takes mailbox_id")
        owner = data.owner_id or (None if mailbox else self._me_id())
        mailbox_id = str(mailbox) if mailbox else self._mailbox_of(owner or "")
        body = resource(
            "sequenceState",
            {},
            prospect=("prospect", data.target_id),
            sequence=("sequence", data.sequence_id),
            mailbox=("mailbox", mailbox_id),
        )

        def lookup() -> Enrollment | None:
            return self._live_enrollment(data.target_id, data.sequence_id)

        def write() -> Enrollment:
            doc = self.session.send("POST", f"{API}/sequenceStates", body)
            return m.to_enrollment(self._row(doc), fallback_owner=owner)

        try:
            return self._lookup_then(lookup, write)
        except ConflictError:
            # 422 "already in this sequence": enrolling is idempotent, so hand back that one.
            found = lookup()
            if found is None:
                raise
            return found

    def _live_enrollment(self, target_id: str, sequence_id: str) -> Enrollment | None:
        params = {
            "filter[prospect][id]": target_id,
            "filter[sequence][id]": sequence_id,
            "filter[state]": LIVE_STATES,
            "include": "mailbox",
            "page[size]": "1",
        }
        doc = self.session.get(f"{API}/sequenceStates", params)
        rows = doc.rows()
        return m.to_enrollment(rows[0], doc.index()) if rows else None

    def get_enrollment(self, enrollment_id: str) -> Enrollment:
        doc = self.session.get(f"{API}/sequenceStates/{enrollment_id}", {"include": "mailbox"})
        return m.to_enrollment(self._row(doc), doc.index())

    def list_enrollments(self, query: EnrollmentQuery) -> Pager[Enrollment]:
        params = enrollment_params(query)
        if query.owner_id:
            # A sequence state has no owner filter; its sender's mailbox stands in.
            doc = self.session.get(f"{API}/mailboxes", {"filter[userId]": query.owner_id})
            boxes = [str(row["id"]) for row in doc.rows()]
            if not boxes:
                return Pager(lambda _cursor: Page([]))
            params["filter[mailbox][id]"] = ",".join(boxes)
        return self.session.pager(f"{API}/sequenceStates", params, m.to_enrollment, query.page_size)

    def _state_action(self, enrollment_id: str, action: str, done: set[str]) -> Enrollment:
        def lookup() -> Enrollment | None:
            current = self.get_enrollment(enrollment_id)
            return current if current.vendor_state in done else None

        def write() -> Enrollment:
            doc = self.session.send(
                "POST", f"{API}/sequenceStates/{enrollment_id}/actions/{action}"
            )
            return self.get_enrollment(self._row(doc)["id"])

        return self._lookup_then(lookup, write)

    def remove_enrollment(self, enrollment_id: str) -> Enrollment:
        # Outreach's "finish" is how a prospect is taken out; its state then reads
        # "finished" (kept in vendor_state) but the neutral answer to remove is REMOVED.
        finished = self._state_action(enrollment_id, "finish", {"finished"})
        return finished.model_copy(update={"state": EnrollmentState.REMOVED})

    def pause_enrollment(self, enrollment_id: str) -> Enrollment:
        return self._state_action(enrollment_id, "pause", {"paused"})

    def resume_enrollment(self, enrollment_id: str) -> Enrollment:
        return self._state_action(enrollment_id, "resume", {"active"})

    # --- activities ---
    def list_activities(self, query: ActivityQuery) -> Pager[Activity]:
        streams = streams_for(query)
        size = query.page_size or self.session.settings.page_size
        return Pager(Merger(streams, query, size, self.session.get))

    def log_call(self, data: CallInput) -> Activity:
        attrs: dict[str, Any] = {"direction": data.direction.value}
        if data.outcome is not None:
            attrs["outcome"] = _call_outcome(data.outcome)
        if data.notes is not None:
            attrs["note"] = data.notes
        if data.occurred_at is not None:
            attrs["dialedAt"] = m.iso(data.occurred_at)
            if data.duration_seconds is not None:
                end = data.occurred_at + timedelta(seconds=data.duration_seconds)
                attrs["completedAt"] = m.iso(end)
        extra = dict(data.vendor_fields)
        task = extra.pop("task_id", None)
        attrs.update(extra)
        body = resource(
            "call",
            attrs,
            prospect=("prospect", data.target_id),
            user=("user", data.owner_id) if data.owner_id else None,
            task=("task", str(task)) if task else None,
        )
        # No lookup can tell our call from another: an ambiguous failure surfaces.
        return m.to_call_activity(self._row(self.session.send("POST", f"{API}/calls", body)))

    def log_note(self, data: NoteInput) -> Activity:
        if data.owner_id is not None:
            raise InputError("Outreach notes are always by the token's user; omit owner_id")
        attrs = {"message": data.body, **data.vendor_fields}
        body = resource("prospectNote", attrs, prospect=("prospect", data.target_id))
        doc = self.session.send("POST", f"{API}/prospectNotes", body)
        return m.to_note_activity(self._row(doc))

    # --- escape hatch ---
    def vendor_action(self, name: str, params: Mapping[str, Any]) -> Any:
        """Any task action by its Outreach name (``task_id`` plus its ``actionParams``),
        or a sequence-state action (``sequenceState.finish|pause|resume`` with
        ``enrollment_id``). Returns the neutral record the action answers with."""
        args = dict(params)
        if name.startswith("sequenceState."):
            action = name.split(".", 1)[1]
            if action not in STATE_ACTIONS or set(args) != {"enrollment_id"}:
                raise InputError(
                    "sequence-state actions are sequenceState.finish|pause|resume "
                    "and take only enrollment_id"
                )
            doc = self.session.send(
                "POST", f"{API}/sequenceStates/{args['enrollment_id']}/actions/{action}"
            )
            return m.to_enrollment(self._row(doc))
        if name not in TASK_ACTIONS:
            raise InputError(
                f"Outreach has no action {name!r}; task actions: {', '.join(TASK_ACTIONS)}; "
                "sequence-state actions: sequenceState.finish|pause|resume"
            )
        task_id = args.pop("task_id", None)
        if task_id is None:
            raise InputError(f"vendor_action {name!r} needs task_id")
        return self._task_action(str(task_id), name, args)
