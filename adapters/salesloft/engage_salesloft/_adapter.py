"""The Salesloft v2 adapter: what engage's neutral operations mean in Salesloft's API."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import httpx

from engage import (
    Activity,
    ActivityQuery,
    Adapter,
    CallInput,
    Capability,
    Enrollment,
    EnrollmentInput,
    EnrollmentQuery,
    EnrollmentState,
    InputError,
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
from engage._transport import HttpTransport

from . import _mapping as m
from ._activities import ActivityOperations
from ._api import MAX_PER_PAGE, Params, Row, SalesloftApi, per_page
from ._http import SALESLOFT_HTTP, make_auth, pacing_scope
from ._paging import keyset_fetch, numbered_fetch
from ._settings import SalesloftSettings
from ._tasks import TaskOperations

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


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


class SalesloftAdapter(Adapter):
    vendor = "salesloft"
    settings_model = SalesloftSettings
    alternatives = ALTERNATIVES

    def __init__(self, context: TenantContext) -> None:
        super().__init__(context)
        settings = context.settings
        assert isinstance(settings, SalesloftSettings)
        auth, self._token_client = make_auth(settings, context)
        self.http = HttpTransport(
            protocol=SALESLOFT_HTTP,
            tenant=context.tenant,
            base_url=settings.base_url,
            options=context.options,
            retry=context.retry,
            pacer=context.pacer,
            pacing_scope=pacing_scope(settings, context.tenant),
            auth=auth,
            transport=context.http_transport,
        )
        self.api = SalesloftApi(self.http)
        self.tasks = TaskOperations(self.api)
        self.activities = ActivityOperations(self.api)

    def close(self) -> None:
        self.http.close()
        if self._token_client is not None:
            self._token_client.close()

    # --- targets -------------------------------------------------------------
    def get_target(self, target_id: str) -> Target:
        return m.target(self.api.get(f"/v2/people/{target_id}"))

    def list_targets(self, query: TargetQuery) -> Pager[Target]:
        if query.ids:
            return Pager(self._targets_by_ids(query))
        params: Params = [("owner_id[]", query.owner_id)] if query.owner_id else []
        return Pager(
            self._keyset("/v2/people", params, query.page_size, query.updated_since, m.target)
        )

    def _targets_by_ids(self, query: TargetQuery) -> Any:
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
            targets = [m.target(found[i]) for i in chunk]
            targets = [t for t in targets if self._target_matches(t, query)]
            nxt = start + MAX_PER_PAGE
            return Page(targets, str(nxt) if nxt < len(ids) else None)

        return fetch

    @staticmethod
    def _target_matches(target: Target, query: TargetQuery) -> bool:
        if query.owner_id and target.owner_id != query.owner_id:
            return False
        since = query.updated_since
        return not (since and (target.updated_at is None or target.updated_at < since))

    def find_target_by_email(self, email: str) -> Target | None:
        rows, _ = self.api.page("/v2/people", [("email_addresses[]", email), ("per_page", "1")])
        return m.target(rows[0]) if rows else None

    def _person_payload(self, data: TargetInput) -> dict[str, Any]:
        if data.kind is not None and data.kind.value != "person":
            raise InputError(f"Salesloft targets are people, not {data.kind.value}")
        payload: dict[str, Any] = {"email_address": data.email}
        for name, wire in (
            ("first_name", "first_name"),
            ("last_name", "last_name"),
            ("title", "title"),
            ("company", "person_company_name"),
            ("phone", "phone"),
            ("owner_id", "owner_id"),
        ):
            value = getattr(data, name)
            if value is not None:
                payload[wire] = value
        payload.update(data.vendor_fields)
        return payload

    def create_target(self, data: TargetInput) -> Target:
        return m.target(self.api.write("POST", "/v2/people", self._person_payload(data)))

    def upsert_target(self, data: TargetInput) -> Target:
        payload = {"upsert_key": "email_address", **self._person_payload(data)}
        # Matching on the e-mail address makes a repeat an update, never a duplicate.
        body = self.api.write("POST", "/v2/person_upserts", payload, idempotent=True)
        return m.target(body["person"])

    # --- sequences -----------------------------------------------------------
    def get_sequence(self, sequence_id: str) -> Sequence:
        return m.sequence(self.api.get(f"/v2/cadences/{sequence_id}"))

    def list_sequences(self, query: SequenceQuery) -> Pager[Sequence]:
        params: Params = []
        if query.owner_id:
            params.append(("owned_by_guid[]", self._guid(query.owner_id)))
        if query.active is not None:
            params.append(("people_addable", "true" if query.active else "false"))
        return Pager(
            self._keyset("/v2/cadences", params, query.page_size, query.updated_since, m.sequence)
        )

    def list_steps(self, sequence_id: str) -> Pager[Step]:
        """All steps of the cadence in cadence order (day, then step number): /v2/steps sorts
        only by timestamps, so the few pages are read first and ordered here."""

        def fetch(cursor: str | None) -> Page[Step]:
            rows: list[Row] = []
            inner = numbered_fetch(
                self.api,
                "/v2/steps",
                [("cadence_id", sequence_id)],
                size=MAX_PER_PAGE,
                transform=lambda page: page,
            )
            page = inner(None)
            rows.extend(page.items)
            while page.next_cursor is not None:
                page = inner(page.next_cursor)
                rows.extend(page.items)
            rows.sort(key=lambda r: (r.get("day") or 0, r.get("step_number") or 0, r["id"]))
            return Page([m.step(row, position=i) for i, row in enumerate(rows, 1)], None)

        return Pager(fetch)

    # --- enrollments ---------------------------------------------------------
    def enroll(self, data: EnrollmentInput) -> Enrollment:
        payload: dict[str, Any] = {"person_id": data.target_id, "cadence_id": data.sequence_id}
        if data.owner_id:
            payload["user_id"] = data.owner_id
        if data.start_step_id:
            payload["step_id"] = data.start_step_id
        payload.update(data.vendor_fields)
        try:
            # A repeat is refused with "already on this cadence" and answered below with
            # the existing membership, so an ambiguous failure is safe to retry.
            body = self.api.write("POST", "/v2/cadence_memberships", payload, idempotent=True)
        except ValidationError as exc:
            if not any("already" in msg for msg in exc.fields.get("person_id", [])):
                raise
            existing = self._membership_of(data.target_id, data.sequence_id)
            if existing is None:
                raise
            return existing
        return m.enrollment(body)

    def _membership_of(self, person_id: str, cadence_id: str) -> Enrollment | None:
        rows, _ = self.api.page(
            "/v2/cadence_memberships",
            [("person_id", person_id), ("cadence_id", cadence_id), ("per_page", "1")],
        )
        return m.enrollment(rows[0]) if rows else None

    def get_enrollment(self, enrollment_id: str) -> Enrollment:
        return m.enrollment(self.api.get(f"/v2/cadence_memberships/{enrollment_id}"))

    def list_enrollments(self, query: EnrollmentQuery) -> Pager[Enrollment]:
        params: Params = []
        if query.target_id:
            params.append(("person_id", query.target_id))
        if query.sequence_id:
            params.append(("cadence_id", query.sequence_id))
        if query.state is not None:
            on = query.state is EnrollmentState.ACTIVE
            params.append(("currently_on_cadence", "true" if on else "false"))

        def transform(rows: list[Row]) -> list[Enrollment]:
            # Memberships have no owner or exact-state filter: both are applied here.
            out = [m.enrollment(row) for row in rows]
            return [
                e
                for e in out
                if (query.owner_id is None or e.owner_id == query.owner_id)
                and (query.state is None or e.state is query.state)
            ]

        fetch = keyset_fetch(
            self.api,
            "/v2/cadence_memberships",
            params,
            field="updated_at",
            size=per_page(query.page_size),
            start=query.updated_since,
            transform=transform,
        )
        return Pager(fetch)

    def remove_enrollment(self, enrollment_id: str) -> Enrollment:
        self.api.write("DELETE", f"/v2/cadence_memberships/{enrollment_id}", {})
        return self.get_enrollment(enrollment_id)

    # --- tasks ---------------------------------------------------------------
    def get_task(self, task_id: str) -> Task:
        return self.tasks.get(task_id)

    def list_tasks(self, query: TaskQuery) -> Pager[Task]:
        return Pager(self.tasks.fetch(query))

    def create_task(self, data: TaskInput) -> Task:
        return self.tasks.create(data)

    def complete_task(self, task_id: str, note: str | None = None) -> Task:
        return self.tasks.complete(task_id, note)

    def snooze_task(self, task_id: str, until: datetime) -> Task:
        # Salesloft's snooze is a reminder: the task stays due when it was.
        return self.tasks.update(task_id, Capability.TASKS_SNOOZE, {"remind_at": _iso(until)})

    def reschedule_task(self, task_id: str, due_at: datetime) -> Task:
        return self.tasks.update(task_id, Capability.TASKS_RESCHEDULE, {"due_date": _iso(due_at)})

    def update_task_note(self, task_id: str, note: str) -> Task:
        return self.tasks.update(task_id, Capability.TASKS_UPDATE_NOTE, {"description": note})

    # --- activities ----------------------------------------------------------
    def list_activities(self, query: ActivityQuery) -> Pager[Activity]:
        return Pager(self.activities.fetch(query))

    def log_call(self, data: CallInput) -> Activity:
        return self.activities.log_call(data)

    def log_note(self, data: NoteInput) -> Activity:
        return self.activities.log_note(data)

    # --- escape hatches ------------------------------------------------------
    def vendor_action(self, name: str, params: Mapping[str, Any]) -> Any:
        """Any v2 endpoint: ``name`` is ``"<METHOD> /v2/<path>"``; ``params`` is the query
        of a GET or DELETE and the JSON body of a POST or PUT. Returns the decoded body."""
        method, _, path = name.strip().partition(" ")
        method = method.upper()
        if method not in {"GET", "POST", "PUT", "DELETE"} or not path.startswith("/v2/"):
            raise InputError(f"vendor_action name must be '<METHOD> /v2/<path>', got {name!r}")
        if method in {"GET", "DELETE"}:
            response = self.http.request(method, path, params=dict(params))
        else:
            response = self.http.request(method, path, json=dict(params))
        return response.json() if response.content else None

    def raw_client(self) -> httpx.Client:
        return self.http.client

    # --- helpers -------------------------------------------------------------
    def _guid(self, user_id: str) -> str:
        return self.api.require_guid(user_id)

    def _keyset(
        self,
        path: str,
        params: Params,
        size: int | None,
        since: datetime | None,
        mapper: Any,
    ) -> Any:
        return keyset_fetch(
            self.api,
            path,
            params,
            field="updated_at",
            size=per_page(size),
            start=since,
            transform=lambda rows: [mapper(row) for row in rows],
        )
