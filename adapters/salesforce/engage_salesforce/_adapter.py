"""The Salesforce adapter: targets, cadences and enrollments here; tasks and activities composed.

One class, :class:`SalesforceAdapter`, subclassing ``engage.Adapter`` alone.
Its parts: the tenant's session (``_api``), the org's describe (``_ops_describe``),
SOQL reads (``_ops_reads``), the invocable-action batch runner (``_ops_actions``),
enrolling (``_ops_enroll``) and the task and activity operations (``_ops_tasks``),
to which the enrollment batch and the task and activity methods delegate.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import engage
from engage import (
    Activity,
    ActivityQuery,
    BatchResult,
    CallInput,
    ConflictError,
    Enrollment,
    EnrollmentInput,
    EnrollmentQuery,
    EnrollmentState,
    InputError,
    NoteInput,
    SequenceQuery,
    Step,
    Target,
    TargetInput,
    TargetKind,
    TargetQuery,
    Task,
    TaskInput,
    TaskQuery,
)
from engage import Sequence as SequenceRecord
from engage.pagination import Page, Pager
from engage.transport import OAuthApp, oauth_app, shown_value

from . import _protocol_soql as soql
from . import _read as read
from . import _write as write
from ._api import SalesforceSession
from ._ops_actions import ActionRunner
from ._ops_describe import OrgSchema
from ._ops_enroll import Enrollments
from ._ops_reads import Phase, Reader
from ._ops_tasks import Tasks
from ._settings import SalesforceSettings

_PARSE_LEAD = read.PARSE_LEAD
_PARSE_CADENCE = read.PARSE_CADENCE
_PARSE_TRACKER = read.PARSE_TRACKER


class SalesforceAdapter(engage.Adapter):
    """Salesforce Sales Engagement through the REST API, SOQL and the invocable actions."""

    vendor = "salesforce"
    settings_model = SalesforceSettings

    def __init__(self, context: engage.TenantContext) -> None:
        super().__init__(context)
        settings = context.settings
        assert isinstance(settings, SalesforceSettings)
        self.session = SalesforceSession(settings, context)
        self.reader = Reader(self.session)
        self.actions = ActionRunner(self.session, settings.action_batch_size)
        self.schema = OrgSchema(self.session)
        self.enrollments = Enrollments(self.session, self.reader, self.actions)
        self.tasks = Tasks(self.session, self.reader, self.actions, self.run_batch, self.schema)

    def close(self) -> None:
        self.session.close()

    def oauth_app(self) -> OAuthApp:
        settings = self.session.settings
        if settings.login_method != "refresh_token":
            raise engage.ConfigurationError(
                f"tenant {self.context.tenant!r} logs in by {settings.login_method}; give"
                " client_id and client_secret (the product's connected app) to connect it"
            )
        assert settings.client_id
        assert settings.client_secret
        return oauth_app(
            self.context,
            vendor=self.vendor,
            authorize_url=settings.authorize_url,
            token_url=settings.token_url,
            client_id=settings.client_id,
            client_secret=settings.client_secret,
            refresh_token=settings.refresh_token,
            scopes=("api", "refresh_token"),
        )

    def raw_client(self) -> Any:
        return self.session.client

    # --- targets -----------------------------------------------------------------
    def _target_select(self, sobject: str) -> soql.Select:
        fields = soql.LEAD_FIELDS if sobject == "Lead" else soql.CONTACT_FIELDS
        return soql.Select(sobject, fields)

    def get_target(self, target_id: str) -> Target:
        target_id = write.vendor_id(target_id, "target_id")
        sobject = read.sobject_of(target_id)
        if sobject not in ("Lead", "Contact"):
            raise InputError(
                f"target_id {shown_value(target_id)} is not a Lead (00Q...) or Contact (003...) id"
            )
        select = self._target_select(sobject).and_where(f"Id = {soql.sf_id(target_id)}")
        return self.reader.one(select, _PARSE_LEAD, sobject)

    def list_targets(self, query: TargetQuery) -> Pager[Target]:
        write.check_ids(query)
        phases = []
        for sobject in ("Lead", "Contact"):
            select = self._target_select(sobject)
            if sobject == "Lead":
                select.and_where("IsConverted = false")  # the Contact stands for it
            if query.ids:
                wanted = [i for i in query.ids if read.sobject_of(i) == sobject]
                if not wanted:
                    continue
                select.and_where(f"Id IN {soql.id_list(wanted)}")
            if query.owner_id:
                select.and_where(f"OwnerId = {soql.sf_id(query.owner_id, 'owner_id')}")
            select.order = "Id"
            if query.updated_since:
                select.and_where(f"SystemModstamp >= {soql.datetime_literal(query.updated_since)}")
                select.order = "SystemModstamp, Id"
            phases.append(Phase(str(select), _PARSE_LEAD))
        if query.ids and not phases:
            raise InputError("none of ids is a Lead (00Q...) or Contact (003...) id")
        return self.reader.pager(phases, query.page_size)

    def find_target_by_email(self, email: str) -> Target | None:
        # A converted Lead lives on as its Contact, so Contacts are asked first.
        for sobject in ("Contact", "Lead"):
            select = self._target_select(sobject).and_where(f"Email = {soql.quote(email)}")
            if sobject == "Lead":
                select.and_where("IsConverted = false")
            select.order, select.limit = "CreatedDate, Id", 1
            rows = self.reader.query(select).records
            if rows:
                return _PARSE_LEAD(rows[0])
        return None

    def create_target(self, data: TargetInput) -> Target:
        if data.kind is TargetKind.PERSON_ACCOUNT:
            raise InputError("create person accounts through raw (Account with a PersonRecordType)")
        write.check_ids(data)
        sobject = "Contact" if data.kind is TargetKind.CONTACT else "Lead"
        body = write.target_fields(data, sobject, creating=True)
        return self.get_target(self.tasks.create_once(sobject, body, ("Email", "LastName")))

    def upsert_target(self, data: TargetInput) -> Target:
        write.check_ids(data)  # before the e-mail address is looked up
        found = self.find_target_by_email(data.email)
        if found is None:
            return self.create_target(data)
        sobject = found.ref.object_type
        body = write.target_fields(data, sobject, creating=False)
        self.session.send("PATCH", f"sobjects/{sobject}/{found.id}", json=body, idempotent=True)
        return self.get_target(found.id)

    # --- sequences ---------------------------------------------------------------
    def get_sequence(self, sequence_id: str) -> SequenceRecord:
        sequence_id = write.vendor_id(sequence_id, "sequence_id")
        select = soql.Select("ActionCadence", soql.CADENCE_FIELDS)
        select.and_where(f"Id = {soql.sf_id(sequence_id, 'sequence_id')}")
        return self.reader.one(select, _PARSE_CADENCE, "cadence")

    def list_sequences(self, query: SequenceQuery) -> Pager[SequenceRecord]:
        write.check_ids(query)
        select = soql.Select("ActionCadence", soql.CADENCE_FIELDS, order="Id")
        if query.owner_id:
            select.and_where(f"OwnerId = {soql.sf_id(query.owner_id, 'owner_id')}")
        if query.active is not None:
            select.and_where("State = 'Active'" if query.active else "State != 'Active'")
        if query.updated_since:
            select.and_where(f"SystemModstamp >= {soql.datetime_literal(query.updated_since)}")
            select.order = "SystemModstamp, Id"
        return self.reader.pager([Phase(str(select), _PARSE_CADENCE)], query.page_size)

    def _steps_select(self, sequence_id: str) -> soql.Select:
        """The steps a cadence runs, sorted in SOQL only by what the describe says sorts.

        The Object Reference says to filter ``IsOrphan = false`` for a cadence's
        executable steps (left out where the org has no such field). DayGroup and
        MinuteGroup have no documented Sort property, so unless the describe says
        they are sortable the order comes from :func:`_read.in_cadence_order`.
        """
        schema, sobject = self.schema, "ActionCadenceStep"
        select = soql.Select(sobject, schema.present(sobject, soql.STEP_FIELDS))
        select.and_where(f"ActionCadenceId = {soql.sf_id(sequence_id, 'sequence_id')}")
        if schema.filterable(sobject, "IsOrphan"):
            select.and_where("IsOrphan = false")
        order = [f"{n} ASC NULLS LAST" for n in soql.STEP_ORDER if schema.sortable(sobject, n)]
        order += ["Id"] if schema.sortable(sobject, "Id") else []
        select.order = ", ".join(order) or None
        return select

    def list_steps(self, sequence_id: str) -> Pager[Step]:
        sequence_id = write.vendor_id(sequence_id, "sequence_id")

        def fetch(cursor: str | None) -> Page[Step]:
            # A cadence has few steps: read them all, order them here, number them.
            rows = read.in_cadence_order(self.reader.rows(self._steps_select(sequence_id)))
            return Page([read.PARSE_STEP(row, n) for n, row in enumerate(rows, 1)])

        return Pager(fetch)

    # --- enrollments -------------------------------------------------------------
    def _tracker(self, enrollment_id: str) -> Enrollment:
        enrollment_id = write.vendor_id(enrollment_id, "enrollment_id")
        select = soql.Select("ActionCadenceTracker", soql.TRACKER_FIELDS)
        select.and_where(f"Id = {soql.sf_id(enrollment_id, 'enrollment_id')}")
        return self.reader.one(select, _PARSE_TRACKER, "cadence tracker")

    def get_enrollment(self, enrollment_id: str) -> Enrollment:
        return self._tracker(enrollment_id)

    def list_enrollments(self, query: EnrollmentQuery) -> Pager[Enrollment]:
        write.check_ids(query)
        select = soql.Select("ActionCadenceTracker", soql.TRACKER_FIELDS, order="Id")
        if query.target_id:
            select.and_where(f"TargetId = {soql.sf_id(query.target_id, 'target_id')}")
        if query.sequence_id:
            select.and_where(f"ActionCadenceId = {soql.sf_id(query.sequence_id, 'sequence_id')}")
        if query.owner_id:
            select.and_where(f"OwnerId = {soql.sf_id(query.owner_id, 'owner_id')}")
        if query.state is not None:
            if query.state not in write.STATE_FILTER:
                raise InputError(f"Salesforce cadence trackers have no state {query.state.value!r}")
            select.and_where(f"State IN {soql.strings(write.STATE_FILTER[query.state])}")
            removed = soql.strings(read.REMOVED_REASONS)
            if query.state is EnrollmentState.REMOVED:
                select.and_where(f"CompletionReason IN {removed}")
            elif query.state is EnrollmentState.FINISHED:
                select.and_where(f"(CompletionReason = null OR CompletionReason NOT IN {removed})")
        if query.updated_since:
            select.and_where(f"SystemModstamp >= {soql.datetime_literal(query.updated_since)}")
            select.order = "SystemModstamp, Id"
        return self.reader.pager([Phase(str(select), _PARSE_TRACKER)], query.page_size)

    def enroll(self, data: EnrollmentInput) -> Enrollment:
        result = self.enroll_many([data]).items[0]
        if result.error is not None:
            raise result.error
        assert result.value is not None
        return result.value

    def enroll_many(self, items: Sequence[EnrollmentInput]) -> BatchResult[Enrollment]:
        """Already in the same cadence counts as enrolled (that tracker is returned),
        whatever Salesforce's wording; see ``_ops_enroll``."""
        return self.enrollments.enroll_many(items)

    def _live_target_of(
        self, enrollment_id: str, verb: str, states: tuple[str, ...] = ("Running", "Paused")
    ) -> str:
        """The target whose live tracker is ``enrollment_id``.

        Salesforce's pause, resume and reassign actions take the *target* and act
        on whatever tracker is live for it; a tracker that has ended must not
        lead them to the target's newer tracker in another cadence.
        """
        tracker = self._tracker(enrollment_id)
        if tracker.vendor_state not in ("Running", "Paused", "Processing", "Initializing"):
            raise ConflictError(
                f"cannot {verb} enrollment {enrollment_id}: it is no longer running"
                f" (state {tracker.vendor_state!r}); the target may be in another cadence now",
                vendor=self.vendor,
                code="TRACKER_NOT_LIVE",
            )
        if tracker.vendor_state not in states:
            raise ConflictError(
                f"cannot {verb} enrollment {enrollment_id}: it is not"
                f" {'paused' if states == ('Paused',) else 'running'}"
                f" (state {tracker.vendor_state!r})",
                vendor=self.vendor,
                code="TRACKER_STATE",
            )
        return tracker.target_id

    def remove_enrollment(self, enrollment_id: str) -> Enrollment:
        enrollment_id = write.vendor_id(enrollment_id, "enrollment_id")
        self.actions.one(write.REMOVE, write.remove_input(tracker_id=enrollment_id))
        return self._tracker(enrollment_id)

    def pause_enrollment(self, enrollment_id: str) -> Enrollment:
        target = self._live_target_of(enrollment_id, "pause", ("Running",))
        self.actions.one(write.PAUSE, write.pause_input(target))
        return self._tracker(enrollment_id)

    def resume_enrollment(self, enrollment_id: str) -> Enrollment:
        target = self._live_target_of(enrollment_id, "resume", ("Paused",))
        self.actions.one(write.RESUME, write.resume_input(target))
        return self._tracker(enrollment_id)

    def reassign_enrollment(self, enrollment_id: str, owner_id: str) -> Enrollment:
        enrollment_id = write.vendor_id(enrollment_id, "enrollment_id")
        owner_id = write.vendor_id(owner_id, "owner_id")
        target = self._live_target_of(enrollment_id, "reassign")
        self.actions.one(write.CHANGE_ASSIGNEE, write.change_assignee_input(target, owner_id))
        return self._tracker(enrollment_id)

    def set_enrollment_outcome(self, enrollment_id: str, outcome: str) -> Enrollment:
        enrollment_id = write.vendor_id(enrollment_id, "enrollment_id")
        value = write.disposition_of(outcome)
        self.actions.one(write.MODIFY, write.modify_input(enrollment_id, disposition=value))
        return self._tracker(enrollment_id)

    # --- tasks and activities (composed: ``_ops_tasks``) ----------------------------
    def get_task(self, task_id: str) -> Task:
        return self.tasks.get_task(task_id)

    def list_tasks(self, query: TaskQuery) -> Pager[Task]:
        return self.tasks.list_tasks(query)

    def create_task(self, data: TaskInput) -> Task:
        return self.tasks.create_task(data)

    def complete_task(self, task_id: str, note: str | None = None) -> Task:
        return self.tasks.complete_task(task_id, note)

    def complete_tasks(self, task_ids: Sequence[str]) -> BatchResult[Task]:
        return self.tasks.complete_tasks(task_ids)

    def skip_task(self, task_id: str, reason: str | None = None) -> Task:
        return self.tasks.skip_task(task_id, reason)

    def advance_task(self, task_id: str) -> Task:
        return self.tasks.advance_task(task_id)

    def snooze_task(self, task_id: str, until: datetime) -> Task:
        return self.tasks.snooze_task(task_id, until)

    def reschedule_task(self, task_id: str, due_at: datetime) -> Task:
        return self.tasks.reschedule_task(task_id, due_at)

    def reassign_task(self, task_id: str, owner_id: str) -> Task:
        return self.tasks.reassign_task(task_id, owner_id)

    def update_task_note(self, task_id: str, note: str) -> Task:
        return self.tasks.update_task_note(task_id, note)

    def list_activities(self, query: ActivityQuery) -> Pager[Activity]:
        return self.tasks.list_activities(query)

    def log_call(self, data: CallInput) -> Activity:
        return self.tasks.log_call(data)

    def log_note(self, data: NoteInput) -> Activity:
        return self.tasks.log_note(data)

    # --- escape hatch ------------------------------------------------------------
    def vendor_action(self, name: str, params: Mapping[str, Any]) -> Any:
        """Invoke a standard action by its Salesforce name; answers its per-input results.

        ``params`` is one input's fields, or ``inputs=[{...}, ...]`` for many.
        """
        raw = params.get("inputs") if set(params) == {"inputs"} else [dict(params)]
        if not isinstance(raw, list) or not all(isinstance(i, dict) for i in raw) or not raw:
            raise InputError("inputs must be a non-empty list of objects")
        outcomes = self.actions.invoke(name, raw)
        results = []
        for outcome in outcomes:
            if outcome.result is None:
                assert outcome.error is not None
                raise outcome.error  # the call itself failed (not one input)
            results.append(outcome.result.model_dump(mode="json", exclude_unset=True))
        return results
