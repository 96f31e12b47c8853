"""The Salesloft v2 adapter: what engage's neutral operations mean in Salesloft's API.

Targets, sequences and enrollments are here; tasks and activities are composed
from ``_ops_tasks`` and ``_ops_activities``. Requests are built by ``_write``,
answers read by ``_read``, sent through the tenant's session (``_api``).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import httpx

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
    NoteInput,
    NotFoundError,
    Page,
    Pager,
    Sequence,
    SequenceQuery,
    Step,
    Target,
    TargetInput,
    TargetQuery,
    Task,
    TaskInput,
    TaskQuery,
    TenantContext,
    ValidationError,
)
from engage.transport import OAuthApp, write_once

from . import _read as r
from . import _write as w
from ._api import MAX_PER_PAGE, Fetch, SalesloftApi, per_page
from ._ops_activities import ActivityOperations
from ._ops_tasks import TaskOperations
from ._protocol import connect_app, open_transport
from ._settings import SalesloftSettings
from ._wire import Row

# What a refused enrollment may mean "already on this cadence" with (see ``enroll``).
CONFLICT_STATUSES = frozenset({409, 422})

ALTERNATIVES: dict[Capability, str] = {
    Capability.ENROLLMENTS_PAUSE: "enrollments.remove, then enrollments.enroll again later",
    Capability.ENROLLMENTS_RESUME: "enrollments.enroll again (start_step_id picks the step)",
    Capability.ENROLLMENTS_REASSIGN: "enrollments.remove, then enrollments.enroll with owner_id",
    Capability.ENROLLMENTS_SET_OUTCOME: "activities.log_call with outcome, or activities.log_note",
    Capability.TASKS_SKIP: "tasks.complete (Salesloft tasks have no skipped state)",
    Capability.TASKS_REASSIGN: "tasks.create with the new owner_id, then tasks.complete the old one",
    Capability.TASKS_ADVANCE: "tasks.complete on a call step (logging the call moves the cadence on)",
}


class MissingIdsError(NotFoundError):
    """Some ids asked for by ``targets.list(ids=...)`` do not exist; ``missing`` lists them."""

    def __init__(self, missing: list[str], **kw: Any) -> None:
        self.missing = tuple(missing)
        super().__init__(f"no such people: {', '.join(missing)}", code="missing_ids", **kw)


def _target_matches(target: Target, query: TargetQuery) -> bool:
    if query.owner_id and target.owner_id != query.owner_id:
        return False
    since = query.updated_since
    return not (since and (target.updated_at is None or target.updated_at < since))


def _enrollment_matches(enrollment: Enrollment, query: EnrollmentQuery) -> bool:
    # Memberships have no owner or exact-state filter: both are applied here.
    return (query.owner_id is None or enrollment.owner_id == query.owner_id) and (
        query.state is None or enrollment.state is query.state
    )


class SalesloftAdapter(Adapter):
    vendor = "salesloft"
    settings_model = SalesloftSettings
    alternatives = ALTERNATIVES

    def __init__(self, context: TenantContext) -> None:
        super().__init__(context)
        settings = context.settings
        assert isinstance(settings, SalesloftSettings)
        self.http = open_transport(settings, context)
        self.api = SalesloftApi(self.http)
        self._tasks = TaskOperations(self.api)
        self._activities = ActivityOperations(self.api)

    def close(self) -> None:
        # Closes the auth too, and with OAuth2 its token client.
        self.http.close()

    def oauth_app(self) -> OAuthApp:
        settings = self.context.settings
        assert isinstance(settings, SalesloftSettings)
        return connect_app(settings, self.context)

    # --- targets -------------------------------------------------------------
    def get_target(self, target_id: str) -> Target:
        person_id = w.vendor_id(target_id, "target_id")
        return r.target(self.api.get(f"/v2/people/{person_id}"))

    def list_targets(self, query: TargetQuery) -> Pager[Target]:
        w.check_ids(query)
        if query.ids:
            return Pager(self._targets_by_ids(query))
        return Pager(
            self.api.keyset(
                "/v2/people",
                w.people_params(query),
                field="updated_at",
                size=per_page(query.page_size),
                start=query.updated_since,
                transform=lambda rows: [r.target(row) for row in rows],
            )
        )

    def _targets_by_ids(self, query: TargetQuery) -> Fetch[Target]:
        """One page per 100 ids. Salesloft drops unknown ids silently; engage raises
        ``MissingIdsError`` (a ``NotFoundError``) naming them, before that page is returned."""
        ids = list(dict.fromkeys(query.ids))

        def fetch(cursor: str | None) -> Page[Target]:
            start = int(cursor or 0)
            chunk = ids[start : start + MAX_PER_PAGE]
            found = self.api.by_ids("/v2/people", chunk)
            missing = [i for i in chunk if i not in found]
            if missing:
                raise MissingIdsError(missing, vendor=self.vendor, tenant=self.context.tenant)
            targets = [r.target(found[i]) for i in chunk]
            targets = [t for t in targets if _target_matches(t, query)]
            nxt = start + MAX_PER_PAGE
            return Page(targets, str(nxt) if nxt < len(ids) else None)

        return fetch

    def find_target_by_email(self, email: str) -> Target | None:
        rows, _ = self.api.page("/v2/people", w.person_by_email_params(email))
        return r.target(rows[0]) if rows else None

    def create_target(self, data: TargetInput) -> Target:
        w.check_ids(data)
        payload = w.person_payload(data)
        # An e-mail address is unique within a Salesloft team: it recognises a person
        # whose creation may have landed.
        return write_once(
            self.http,
            lambda: r.target(self.api.write("POST", "/v2/people", payload)),
            lambda: self.find_target_by_email(data.email) if data.email else None,
        )

    def upsert_target(self, data: TargetInput) -> Target:
        w.check_ids(data)
        payload = w.person_upsert_payload(data)
        body = self.api.write("POST", "/v2/person_upserts", payload, idempotent=True)
        return r.target(body["person"])

    # --- sequences -----------------------------------------------------------
    def get_sequence(self, sequence_id: str) -> Sequence:
        cadence_id = w.vendor_id(sequence_id, "sequence_id")
        return r.sequence(self.api.get(f"/v2/cadences/{cadence_id}"))

    def list_sequences(self, query: SequenceQuery) -> Pager[Sequence]:
        w.check_ids(query)  # before the owner's guid is looked up
        params = w.cadence_params(query, self.api.guid_or_none(query.owner_id))
        return Pager(
            self.api.keyset(
                "/v2/cadences",
                params,
                field="updated_at",
                size=per_page(query.page_size),
                start=query.updated_since,
                transform=lambda rows: [r.sequence(row) for row in rows],
            )
        )

    def list_steps(self, sequence_id: str) -> Pager[Step]:
        """All steps of the cadence in cadence order (day, then step number): /v2/steps sorts
        only by timestamps, so the few pages are read first and ordered here."""
        cadence_id = w.vendor_id(sequence_id, "sequence_id")

        def fetch(cursor: str | None) -> Page[Step]:
            rows: list[Row] = []
            inner = self.api.numbered(
                "/v2/steps",
                w.step_params(cadence_id),
                size=MAX_PER_PAGE,
                transform=lambda page: page,
            )
            page = inner(None)
            rows.extend(page.items)
            while page.next_cursor is not None:
                page = inner(page.next_cursor)
                rows.extend(page.items)
            rows.sort(key=lambda row: (row.get("day") or 0, row.get("step_number") or 0, row["id"]))
            return Page([r.step(row, position=i) for i, row in enumerate(rows, 1)], None)

        return Pager(fetch)

    # --- enrollments ---------------------------------------------------------
    def enroll(self, data: EnrollmentInput) -> Enrollment:
        w.check_ids(data)
        payload = w.membership_payload(data)
        try:
            # Safe to retry after an ambiguous failure: a repeat is refused, and a refusal
            # is answered below with the membership the first attempt made.
            body = self.api.write("POST", "/v2/cadence_memberships", payload, idempotent=True)
        except (ValidationError, ConflictError) as exc:
            # Salesloft does not document how it refuses a person already on the cadence,
            # so the refusal's status and wording decide nothing: the membership does (one
            # per person and cadence). A live one is the enrollment asked for; otherwise
            # the refusal had another reason and is raised as it came.
            if exc.status not in CONFLICT_STATUSES:
                raise
            existing = self._membership_of(data.target_id, data.sequence_id)
            if existing is None or not r.is_live(existing.raw):
                raise
            return existing
        return r.enrollment(body)

    def _membership_of(self, person_id: str, cadence_id: str) -> Enrollment | None:
        params = w.membership_of_params(person_id, cadence_id)
        rows, _ = self.api.page("/v2/cadence_memberships", params)
        return r.enrollment(rows[0]) if rows else None

    def get_enrollment(self, enrollment_id: str) -> Enrollment:
        membership_id = w.vendor_id(enrollment_id, "enrollment_id")
        return r.enrollment(self.api.get(f"/v2/cadence_memberships/{membership_id}"))

    def list_enrollments(self, query: EnrollmentQuery) -> Pager[Enrollment]:
        w.check_ids(query)

        def transform(rows: list[Row]) -> list[Enrollment]:
            enrollments = [r.enrollment(row) for row in rows]
            return [e for e in enrollments if _enrollment_matches(e, query)]

        return Pager(
            self.api.keyset(
                "/v2/cadence_memberships",
                w.membership_params(query),
                field="updated_at",
                size=per_page(query.page_size),
                start=query.updated_since,
                transform=transform,
            )
        )

    def remove_enrollment(self, enrollment_id: str) -> Enrollment:
        membership_id = w.vendor_id(enrollment_id, "enrollment_id")
        self.api.write("DELETE", f"/v2/cadence_memberships/{membership_id}", {})
        return self.get_enrollment(membership_id)

    # --- tasks (_ops_tasks) ----------------------------------------------------
    def get_task(self, task_id: str) -> Task:
        return self._tasks.get(task_id)

    def list_tasks(self, query: TaskQuery) -> Pager[Task]:
        return Pager(self._tasks.fetch(query))

    def create_task(self, data: TaskInput) -> Task:
        return self._tasks.create(data)

    def complete_task(self, task_id: str, note: str | None = None) -> Task:
        return self._tasks.complete(task_id, note)

    def snooze_task(self, task_id: str, until: datetime) -> Task:
        return self._tasks.snooze(task_id, until)

    def reschedule_task(self, task_id: str, due_at: datetime) -> Task:
        return self._tasks.reschedule(task_id, due_at)

    def update_task_note(self, task_id: str, note: str) -> Task:
        return self._tasks.update_note(task_id, note)

    # --- activities (_ops_activities) --------------------------------------------
    def list_activities(self, query: ActivityQuery) -> Pager[Activity]:
        return Pager(self._activities.fetch(query))

    def log_call(self, data: CallInput) -> Activity:
        return self._activities.log_call(data)

    def log_note(self, data: NoteInput) -> Activity:
        return self._activities.log_note(data)

    # --- escape hatches ------------------------------------------------------
    def vendor_action(self, name: str, params: Mapping[str, Any]) -> Any:
        """Any v2 endpoint: ``name`` is ``"<METHOD> /v2/<path>"``; ``params`` is the query
        of a GET or DELETE and the JSON body of a POST or PUT. Returns the decoded body."""
        method, path = w.vendor_action_request(name)
        if method in {"GET", "DELETE"}:
            response = self.http.request(method, path, params=dict(params))
        else:
            response = self.http.request(method, path, json=dict(params))
        return self.http.read_json(response) if response.content else None

    def raw_client(self) -> httpx.Client:
        return self.http.client
