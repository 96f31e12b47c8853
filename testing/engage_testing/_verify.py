"""The live-verification scenario: settle, against a real account, what no public sample confirms.

The adapters rest on a few vendor behaviours that only the vendor documents (or
only the emulators) show: the answer to enrolling a target twice, the error
bodies of 401/404/422, the rate-limit headers, the date format of a task's due
date, whether an org accepts the steps query and the Task fields it is asked
for, how a step task is completed. :func:`verify_tenant` exercises exactly
those calls through the neutral API, watches every exchange on the wire, cleans
up what it created and returns one :class:`Finding` per check.

It creates one scratch target (``engage-verify+<random>@example.com``), and
enrolls it only in the sequence it is given: enrolling a real person's account
in a real sequence can send mail, so nothing is enrolled unless the caller
names a sequence made for the test.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from typing import Any, Literal

import httpx

from engage._client import Engage, TenantClient
from engage._transport import MemoryTokenStore, NullPacer
from engage.config import TenantConfig, _secret_key
from engage.errors import (
    AuthError,
    EngageError,
    NotFoundError,
    UnsupportedOperationError,
    VendorError,
)
from engage.models import Enrollment, Target, Task

Outcome = Literal["confirmed", "differs", "observed", "skipped", "failed"]
# Outcomes that mean the adapter's assumption does not hold for this account.
BAD_OUTCOMES: frozenset[Outcome] = frozenset({"differs", "failed"})

# Response headers worth reporting: the vendors' budget and back-off headers.
RATE_HEADER_PREFIXES = ("x-ratelimit", "ratelimit", "retry-after", "sforce-limit-info")
EXCERPT = 300  # characters of an error body kept in a finding


@dataclass(frozen=True)
class Exchange:
    """One request and its answer, as the scenario saw it (no bodies of 2xx answers)."""

    method: str
    path: str
    status: int
    rate_headers: dict[str, str]
    error_excerpt: str | None = None

    def describe(self) -> str:
        text = f"{self.method} {self.path} -> {self.status}"
        return f"{text}: {self.error_excerpt}" if self.error_excerpt else text


@dataclass(frozen=True)
class Finding:
    """What one check saw: ``confirmed`` (as the adapter assumes), ``differs``,
    ``observed`` (recorded for the docs, nothing assumed), ``skipped`` or ``failed``."""

    check: str
    outcome: Outcome
    detail: str


class ObservingTransport(httpx.BaseTransport):
    """Sends through ``inner`` and keeps a short account of every exchange."""

    def __init__(self, inner: httpx.BaseTransport | None = None) -> None:
        self.inner = inner or httpx.HTTPTransport()
        self.exchanges: list[Exchange] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        excerpt = None
        if response.status_code >= 400:
            # Error bodies are small; reading one here leaves it cached for the client.
            excerpt = response.read()[:EXCERPT].decode("utf-8", "replace")
        rates = {
            name.lower(): value
            for name, value in response.headers.items()
            if name.lower().startswith(RATE_HEADER_PREFIXES)
        }
        self.exchanges.append(
            Exchange(request.method, request.url.path, response.status_code, rates, excerpt)
        )
        return response

    def close(self) -> None:
        # Every client of the run shares this transport: the run shuts it once, at the end.
        pass

    def shutdown(self) -> None:
        self.inner.close()

    def since(self, mark: int) -> list[Exchange]:
        return self.exchanges[mark:]


def _wrong_credentials(config: TenantConfig) -> TenantConfig:
    """``config`` with every secret setting replaced by a wrong one (to provoke a 401)."""
    settings = config.vendor_settings
    replaced = {key: "engage-verify-wrong-credential" for key in settings if _secret_key(key)}
    return config.model_copy(update=replaced)


def _error_detail(exc: BaseException, seen: list[Exchange]) -> str:
    parts = [f"{type(exc).__name__}: {exc}"]
    if isinstance(exc, VendorError):
        parts.append(f"status={exc.status} code={exc.code}")
    failures = [e for e in seen if e.status >= 400]
    if failures:
        parts.append(failures[-1].describe())
    return "; ".join(parts)


def _absent_id(existing: str) -> str:
    """An id shaped like ``existing`` that no record has."""
    if existing.isdigit():
        return "9" * max(len(existing) + 2, 9)
    return existing[:3] + "0" * 12  # a Salesforce-style 15-character id: key prefix + zeros


class Scenario:
    """The checks, run in order against one tenant; each records one finding."""

    def __init__(
        self,
        tenant: TenantClient,
        observer: ObservingTransport,
        *,
        sequence_id: str | None,
        wrong_tenant: Callable[[], TenantClient] | None,
        now: Callable[[], datetime],
    ) -> None:
        self.tenant = tenant
        self.observer = observer
        self.sequence_id = sequence_id
        self.wrong_tenant = wrong_tenant
        self.now = now
        self.findings: list[Finding] = []
        self.target: Target | None = None
        self.enrollment: Enrollment | None = None
        self.task: Task | None = None

    def add(self, check: str, outcome: Outcome, detail: str) -> None:
        self.findings.append(Finding(check, outcome, detail))

    @contextmanager
    def check(self, name: str) -> Iterator[int]:
        """Run one check; an unexpected error is its finding, and the next check runs."""
        mark = len(self.observer.exchanges)
        try:
            yield mark
        except EngageError as exc:
            self.add(name, "failed", _error_detail(exc, self.observer.since(mark)))

    def run(self) -> list[Finding]:
        for step in (
            self.credentials_refused,
            self.missing_record,
            self.scratch_target,
            self.duplicate_target,
            self.enroll_twice,
            self.sequence_steps,
            self.task_reads,
            self.task_due_date,
            self.step_task_completion,
            self.rate_headers,
        ):
            step()
        self.cleanup()
        return self.findings

    def credentials_refused(self) -> None:
        name = "401: a wrong credential is an AuthError"
        if self.wrong_tenant is None:
            self.add(name, "skipped", "no credential to replace")
            return
        with self.check(name) as mark:
            try:
                self.wrong_tenant().sequences.list(limit=1).first()
            except AuthError as exc:
                self.add(name, "confirmed", _error_detail(exc, self.observer.since(mark)))
            except EngageError as exc:
                self.add(name, "differs", _error_detail(exc, self.observer.since(mark)))
            else:
                self.add(name, "differs", "the vendor accepted a wrong credential")

    def missing_record(self) -> None:
        name = "404: a missing record is a NotFoundError"
        with self.check(name) as mark:
            sample = self.tenant.targets.list(limit=1).first()
            if sample is None:
                self.add(name, "skipped", "the account has no target to shape an id on")
                return
            try:
                self.tenant.targets.get(_absent_id(sample.id))
            except NotFoundError as exc:
                self.add(name, "confirmed", _error_detail(exc, self.observer.since(mark)))
            except EngageError as exc:
                self.add(name, "differs", _error_detail(exc, self.observer.since(mark)))
            else:
                self.add(name, "differs", "a made-up id was found")

    def scratch_target(self) -> None:
        name = "create a scratch target"
        with self.check(name):
            email = f"engage-verify+{uuid.uuid4().hex[:12]}@example.com"
            self.target = self.tenant.targets.create(
                email=email, first_name="Engage", last_name="Verify"
            )
            self.add(name, "confirmed", f"{self.target.ref.object_type} {self.target.id}")

    def duplicate_target(self) -> None:
        name = "422: creating a target with a taken email"
        if self.target is None or self.target.email is None:
            self.add(name, "skipped", "no scratch target")
            return
        with self.check(name) as mark:
            try:
                twin = self.tenant.targets.create(email=self.target.email)
            except VendorError as exc:
                self.add(name, "observed", _error_detail(exc, self.observer.since(mark)))
            else:
                self.add(name, "observed", f"accepted: a second record {twin.id}")
                self._delete_target(twin)

    def enroll_twice(self) -> None:
        name = "enroll twice returns the existing enrollment"
        if self.target is None or self.sequence_id is None:
            reason = "no scratch target" if self.target is None else "pass a test sequence id"
            self.add(name, "skipped", reason)
            return
        with self.check(name):
            first = self.tenant.enrollments.enroll(
                target_id=self.target.id, sequence_id=self.sequence_id
            )
            self.enrollment = first
            mark = len(self.observer.exchanges)
            second = self.tenant.enrollments.enroll(
                target_id=self.target.id, sequence_id=self.sequence_id
            )
            refusals = [e for e in self.observer.since(mark) if e.status >= 400]
            wording = refusals[0].describe() if refusals else "no refusal on the wire"
            outcome: Outcome = "confirmed" if second.id == first.id else "differs"
            self.add(name, outcome, f"{first.id} then {second.id}; the vendor said: {wording}")

    def sequence_steps(self) -> None:
        name = "steps of a sequence (the org accepts the query and its order)"
        with self.check(name):
            sequence_id = self.sequence_id
            if sequence_id is None:
                sequence = self.tenant.sequences.list(limit=1).first()
                if sequence is None:
                    self.add(name, "skipped", "the account has no sequence")
                    return
                sequence_id = sequence.id
            steps = list(self.tenant.sequences.steps(sequence_id))
            # The order a rep sees: by day, then position (unknowns last).
            keys = [(s.day if s.day is not None else 1 << 30, s.position or 0) for s in steps]
            outcome: Outcome = "confirmed" if keys == sorted(keys) else "differs"
            days = [s.day for s in steps]
            self.add(name, outcome, f"{len(steps)} steps, days in the order read: {days}")

    def task_reads(self) -> None:
        name = "task reads (the fields asked for exist in this account)"
        with self.check(name):
            tasks = list(self.tenant.tasks.list(limit=5))
            activities = list(self.tenant.activities.list(kinds=["call"], limit=5))
            self.add(name, "confirmed", f"{len(tasks)} tasks, {len(activities)} calls read")

    def task_due_date(self) -> None:
        name = "a task's due date is kept as sent"
        if self.target is None:
            self.add(name, "skipped", "no scratch target")
            return
        with self.check(name):
            due = datetime.combine(self.now().date() + timedelta(days=2), time(15, 0), UTC)
            self.task = self.tenant.tasks.create(
                target_id=self.target.id, subject="engage verification", due_at=due
            )
            back = self.tenant.tasks.get(self.task.id)
            seen = back.due_at
            if seen is None:
                self.add(name, "differs", f"sent {due.isoformat()}, read back no due date")
                return
            outcome: Outcome = "confirmed" if seen.date() == due.date() else "differs"
            self.add(name, outcome, f"sent {due.isoformat()}, read back {seen.isoformat()}")

    def step_task_completion(self) -> None:
        name = "completing a sequence step's task"
        if self.target is None or self.enrollment is None:
            self.add(name, "skipped", "nothing enrolled")
            return
        with self.check(name) as mark:
            open_steps = self.tenant.tasks.list(
                target_id=self.target.id, origin="sequence_step", status="open", limit=1
            ).first()
            if open_steps is None:
                self.add(name, "skipped", "the enrollment has no open step task yet")
                return
            try:
                done = self.tenant.tasks.complete(open_steps.id)
            except UnsupportedOperationError as exc:
                # The adapter declares this kind of step not completable: nothing to settle.
                self.add(name, "skipped", f"{open_steps.kind} step: {exc}")
                return
            calls = [e.describe() for e in self.observer.since(mark) if e.method != "GET"]
            outcome: Outcome = "confirmed" if done.status == "completed" else "differs"
            self.add(name, outcome, f"status {done.status}; writes: {calls}")

    def rate_headers(self) -> None:
        seen: dict[str, str] = {}
        for exchange in self.observer.exchanges:
            seen.update(exchange.rate_headers)
        detail = ", ".join(f"{k}: {v}" for k, v in sorted(seen.items())) or "none seen"
        self.add("rate-limit headers", "observed", detail)

    def _delete_target(self, target: Target) -> bool:
        deleter = TARGET_DELETERS.get(self.tenant.vendor)
        if deleter is None:
            return False
        try:
            deleter(self.tenant, target)
        except (EngageError, httpx.HTTPError):
            return False
        return True

    def cleanup(self) -> None:
        left: list[str] = []
        if self.task is not None and self.task.status == "open":
            try:
                self.tenant.tasks.complete(self.task.id)
            except EngageError:
                left.append(f"task {self.task.id}")
        if self.enrollment is not None:
            try:
                self.tenant.enrollments.remove(self.enrollment.id)
            except EngageError:
                left.append(f"enrollment {self.enrollment.id}")
        if self.target is not None and not self._delete_target(self.target):
            left.append(f"target {self.target.id}")
        if left:
            self.add("clean-up", "failed", "left behind, delete by hand: " + ", ".join(left))
        else:
            self.add("clean-up", "confirmed", "everything created was removed")


def _delete_salesloft(tenant: TenantClient, target: Target) -> None:
    tenant.vendor_action(f"DELETE /v2/people/{target.id}")


def _delete_outreach(tenant: TenantClient, target: Target) -> None:
    client: Any = tenant.raw  # rooted at the host; every write carries the JSON:API type
    headers = {"Content-Type": "application/vnd.api+json"}
    client.delete(f"api/v2/prospects/{target.id}", headers=headers).raise_for_status()


def _delete_salesforce(tenant: TenantClient, target: Target) -> None:
    client: Any = tenant.raw
    getattr(client, target.ref.object_type).delete(target.id)


# The neutral API has no target deletion (yet); the scenario removes its scratch
# record through each vendor's own call.
TARGET_DELETERS: dict[str, Callable[[TenantClient, Target], None]] = {
    "salesloft": _delete_salesloft,
    "outreach": _delete_outreach,
    "salesforce": _delete_salesforce,
}


@dataclass
class Verification:
    """A scenario run's findings, with what makes a report of them."""

    tenant: str
    vendor: str
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(f.outcome in BAD_OUTCOMES for f in self.findings)


def verify_tenant(
    config: TenantConfig,
    *,
    sequence_id: str | None = None,
    engage_options: dict[str, Any] | None = None,
    inner_transport: httpx.BaseTransport | None = None,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> Verification:
    """Run the scenario against tenant ``config``; ``sequence_id`` names a test sequence
    to enroll the scratch target in (without one, the enrollment checks are skipped)."""
    options = dict(engage_options or {})
    observer = ObservingTransport(inner_transport)
    wrong_config = _wrong_credentials(config)
    has_secret = wrong_config.vendor_settings != config.vendor_settings
    spares: list[Engage] = []

    def wrong_tenant() -> TenantClient:
        # Its own token store: a refused credential must never touch the real tokens.
        spare = Engage(
            {config.name: wrong_config},
            token_store=MemoryTokenStore(),
            pacer=NullPacer(),
            http_transport=observer,
            **{k: v for k, v in options.items() if k not in {"token_store", "pacer"}},
        )
        spares.append(spare)
        return spare.tenant(config.name)

    engage = Engage({config.name: config}, http_transport=observer, **options)
    try:
        # Nothing can be verified on a tenant that cannot be reached or signed in to:
        # that is the caller's error to see, not a report of failed checks.
        engage.tenant(config.name).sequences.list(limit=1).first()
        scenario = Scenario(
            engage.tenant(config.name),
            observer,
            sequence_id=sequence_id,
            wrong_tenant=wrong_tenant if has_secret else None,
            now=now,
        )
        findings = scenario.run()
    finally:
        for spare in spares:
            spare.close()
        engage.close()
        observer.shutdown()
    return Verification(config.name, config.vendor, findings)
