"""Ids from a product's UI never address anything but the record they name.

Every id an operation takes (as an argument, inside an input, in a list
filter, in a batch) is checked against its vendor's id format before any
request: Salesloft, Outreach and the toy vendor take positive decimal integers,
Salesforce 15 or 18 letters and digits. A hostile id (``../people/1``,
``1?per_page=100``, a SOQL quote, a full-width digit, 70,000 characters) is an
``InputError`` naming the argument, with the value shown cut short, and the
tenant's transport records no request at all for the call.

Each vendor runs against its in-process emulator through a transport that
records what is sent. The facade strips surrounding whitespace from ids before
the adapter sees them, so padded ids and values that are not strings are also
handed to each adapter's methods directly.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from engage_sandbox import SandboxOptions, create_app, sandbox_for
from engage_testing import AppTransport, canonical_origin

import engage
from engage import (
    ActivityQuery,
    Adapter,
    BatchResult,
    CallInput,
    Capability,
    EngageError,
    EnrollmentInput,
    EnrollmentQuery,
    InputError,
    NoteInput,
    SequenceQuery,
    TargetInput,
    TargetQuery,
    TaskInput,
    TaskQuery,
    TenantClient,
    UnsupportedOperationError,
)
from tests.support import toyvendor

VENDORS = ("salesloft", "outreach", "salesforce", "toy")
WHEN = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)

# Hostile for every vendor: none is a Salesloft/Outreach/toy integer or a Salesforce id.
HOSTILE = (
    "../people/1000006",
    "../users/1001",
    "1?per_page=100",
    "1#x",
    "1/2",
    "%2e%2e%2f1",
    "",
    "-1",
    "+1",
    "0",
    "1e3",
    "1.0",
    "\uff11",  # FULLWIDTH DIGIT ONE: str.isdigit() and int() both accept it
    "\u0661",  # ARABIC-INDIC DIGIT ONE
    "1\x00",
    "1" * 70_000,
    "003000000000001' OR Id!=''",
    "00Q0000000000aa/../x",
    "00Q0000000000aa%2F..",
    "00Q5e0000000001EAA' OR Name != '",
)
# Whitespace around an id: the facade strips it, so these go to the adapter directly.
PADDED = (" 1", "1 ", "1\n", "\t1", " 00Q5e0000000001EAA", "00Q5e0000000001EAA\n")
NOT_STRINGS: tuple[Any, ...] = (None, 1001, 1.0, ["1001"], b"1001", True)


@dataclass(frozen=True)
class Ids:
    """Well-formed ids of the vendor, for the other arguments of a call."""

    target: str
    sequence: str
    enrollment: str
    task: str
    owner: str


WELL_FORMED = {
    "salesloft": Ids("1000006", "1", "1", "1", "1001"),
    "outreach": Ids("1", "1", "1", "1", "1"),
    "salesforce": Ids(
        "00Q5e0000000001EAA",
        "77C5e0000000001EAA",
        "0qB5e0000000001EAA",
        "00T5e000000006aEAA",
        "0055e0000000002AAA",
    ),
    "toy": Ids("1", "1", "1", "1", "1"),
}


class Recording(httpx.BaseTransport):
    """The emulator in-process; every request that reaches the wire is kept."""

    def __init__(self, app: Any) -> None:
        self.emulator = AppTransport(app)
        self.sent: list[httpx.Request] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.sent.append(request)
        return self.emulator.handle_request(request)


@dataclass
class Bench:
    vendor: str
    tenant: TenantClient
    wire: Recording
    ids: Ids

    @property
    def adapter(self) -> Adapter:
        return self.tenant.adapter

    def supports(self, name: str) -> bool:
        return Capability(name) in self.tenant.capabilities


def _bench(vendor: str) -> tuple[engage.Engage, Bench]:
    if vendor == "toy":
        wire = Recording(toyvendor.create_app(SandboxOptions()))
        settings: dict[str, Any] = {"api_key": toyvendor.API_KEY}
        plugins: list[object] = [toyvendor]
    else:
        wire = Recording(create_app(vendor, SandboxOptions()))
        settings = sandbox_for(vendor).tenant_settings(canonical_origin(vendor))
        plugins = []
    eng = engage.Engage(
        {"acme": {"vendor": vendor, **settings, "transport": {"batch_concurrency": 1}}},
        plugins=plugins,
        http_transport=wire,
        sleep=lambda _: None,
    )
    return eng, Bench(vendor, eng.tenant("acme"), wire, WELL_FORMED[vendor])


@pytest.fixture(scope="module", params=VENDORS)
def bench(request: pytest.FixtureRequest) -> Iterator[Bench]:
    eng, made = _bench(request.param)
    yield made
    eng.close()


@pytest.fixture
def fresh(request: pytest.FixtureRequest) -> Iterator[Callable[[str], Bench]]:
    """A bench of its own (for tests that write), closed after the test."""
    opened: list[engage.Engage] = []

    def make(vendor: str) -> Bench:
        eng, made = _bench(vendor)
        opened.append(eng)
        return made

    yield make
    for eng in opened:
        eng.close()


def _error_of(call: Callable[[Any], Any], value: Any) -> EngageError | None:
    """The error ``call(value)`` raised, or the error of every item of the batch it answered."""
    try:
        result = call(value)
    except EngageError as exc:
        return exc
    if isinstance(result, BatchResult) and result.items and not any(i.ok for i in result.items):
        errors = {type(i.error) for i in result.items}
        assert len(errors) == 1, errors
        return result.items[0].error
    return None


def _check(bench: Bench, capability: str, arg: str, value: Any, call: Callable[[Any], Any]) -> str:
    """What is wrong with how ``call(value)`` went ("" when nothing is)."""
    before = len(bench.wire.sent)
    error = _error_of(call, value)
    sent = bench.wire.sent[before:]
    shown = repr(value)[:30]
    if sent:
        return f"{shown}: sent {[f'{r.method} {r.url}'[:120] for r in sent]}"
    if bench.supports(capability):
        if not isinstance(error, InputError):
            return f"{shown}: expected InputError, got {error!r}"[:300]
        if arg not in str(error):
            return f"{shown}: the message does not name {arg}: {str(error)[:200]!r}"
    elif not isinstance(error, InputError | UnsupportedOperationError):
        return f"{shown}: expected InputError or UnsupportedOperationError, got {error!r}"[:300]
    if error is not None and len(str(error)) > 300:
        return f"{shown}: the message is {len(str(error))} characters long"
    return ""


# --- through the facade ------------------------------------------------------------


@dataclass(frozen=True)
class Op:
    capability: str
    arg: str
    call: Callable[[TenantClient, Any, Ids], Any]
    variant: str = ""

    @property
    def name(self) -> str:
        return f"{self.capability}[{self.arg}{self.variant}]"


def _task(**fields: Any) -> dict[str, Any]:
    return {"subject": "Hostile", "due_at": WHEN, **fields}


OPS = (
    Op("targets.get", "target_id", lambda t, bad, ok: t.targets.get(bad)),
    Op("targets.list", "ids", lambda t, bad, ok: t.targets.list(ids=[ok.target, bad]).to_list()),
    Op("targets.list", "owner_id", lambda t, bad, ok: t.targets.list(owner_id=bad).to_list()),
    Op(
        "targets.create",
        "owner_id",
        lambda t, bad, ok: t.targets.create(email="hostile@example.com", owner_id=bad),
    ),
    Op(
        "targets.upsert",
        "owner_id",
        lambda t, bad, ok: t.targets.upsert(email="hostile@example.com", owner_id=bad),
    ),
    Op("sequences.get", "sequence_id", lambda t, bad, ok: t.sequences.get(bad)),
    Op("sequences.steps", "sequence_id", lambda t, bad, ok: t.sequences.steps(bad).to_list()),
    Op("sequences.list", "owner_id", lambda t, bad, ok: t.sequences.list(owner_id=bad).to_list()),
    Op(
        "enrollments.enroll",
        "target_id",
        lambda t, bad, ok: t.enrollments.enroll(target_id=bad, sequence_id=ok.sequence),
    ),
    Op(
        "enrollments.enroll",
        "sequence_id",
        lambda t, bad, ok: t.enrollments.enroll(target_id=ok.target, sequence_id=bad),
    ),
    Op(
        "enrollments.enroll",
        "owner_id",
        lambda t, bad, ok: t.enrollments.enroll(
            target_id=ok.target, sequence_id=ok.sequence, owner_id=bad
        ),
    ),
    Op(
        "enrollments.enroll",
        "start_step_id",
        lambda t, bad, ok: t.enrollments.enroll(
            target_id=ok.target, sequence_id=ok.sequence, start_step_id=bad
        ),
    ),
    Op(
        "enrollments.enroll_many",
        "target_id",
        lambda t, bad, ok: t.enrollments.enroll_many(
            [{"target_id": bad, "sequence_id": ok.sequence}]
        ),
    ),
    Op(
        "enrollments.enroll_many",
        "sequence_id",
        lambda t, bad, ok: t.enrollments.enroll_many(
            [{"target_id": ok.target, "sequence_id": bad}]
        ),
    ),
    Op("enrollments.get", "enrollment_id", lambda t, bad, ok: t.enrollments.get(bad)),
    Op("enrollments.remove", "enrollment_id", lambda t, bad, ok: t.enrollments.remove(bad)),
    Op("enrollments.pause", "enrollment_id", lambda t, bad, ok: t.enrollments.pause(bad)),
    Op("enrollments.resume", "enrollment_id", lambda t, bad, ok: t.enrollments.resume(bad)),
    Op(
        "enrollments.reassign",
        "enrollment_id",
        lambda t, bad, ok: t.enrollments.reassign(bad, owner_id=ok.owner),
    ),
    Op(
        "enrollments.reassign",
        "owner_id",
        lambda t, bad, ok: t.enrollments.reassign(ok.enrollment, owner_id=bad),
    ),
    Op(
        "enrollments.set_outcome",
        "enrollment_id",
        lambda t, bad, ok: t.enrollments.set_outcome(bad, outcome="Success"),
    ),
    Op(
        "enrollments.list",
        "target_id",
        lambda t, bad, ok: t.enrollments.list(target_id=bad).to_list(),
    ),
    Op(
        "enrollments.list",
        "sequence_id",
        lambda t, bad, ok: t.enrollments.list(sequence_id=bad).to_list(),
    ),
    Op(
        "enrollments.list",
        "owner_id",
        lambda t, bad, ok: t.enrollments.list(owner_id=bad).to_list(),
    ),
    Op("tasks.get", "task_id", lambda t, bad, ok: t.tasks.get(bad)),
    Op("tasks.complete", "task_id", lambda t, bad, ok: t.tasks.complete(bad)),
    Op(
        "tasks.complete",
        "task_id",
        lambda t, bad, ok: t.tasks.complete(bad, note="Done"),
        variant=",note",
    ),
    Op("tasks.complete_many", "task_id", lambda t, bad, ok: t.tasks.complete_many([bad])),
    Op("tasks.skip", "task_id", lambda t, bad, ok: t.tasks.skip(bad)),
    Op("tasks.snooze", "task_id", lambda t, bad, ok: t.tasks.snooze(bad, until=WHEN)),
    Op("tasks.reschedule", "task_id", lambda t, bad, ok: t.tasks.reschedule(bad, due_at=WHEN)),
    Op(
        "tasks.reassign",
        "task_id",
        lambda t, bad, ok: t.tasks.reassign(bad, owner_id=ok.owner),
    ),
    Op(
        "tasks.reassign",
        "owner_id",
        lambda t, bad, ok: t.tasks.reassign(ok.task, owner_id=bad),
    ),
    Op("tasks.update_note", "task_id", lambda t, bad, ok: t.tasks.update_note(bad, note="x")),
    Op("tasks.advance", "task_id", lambda t, bad, ok: t.tasks.advance(bad)),
    Op("tasks.create", "target_id", lambda t, bad, ok: t.tasks.create(**_task(target_id=bad))),
    Op(
        "tasks.create",
        "owner_id",
        lambda t, bad, ok: t.tasks.create(**_task(target_id=ok.target, owner_id=bad)),
    ),
    Op("tasks.list", "target_id", lambda t, bad, ok: t.tasks.list(target_id=bad).to_list()),
    Op("tasks.list", "sequence_id", lambda t, bad, ok: t.tasks.list(sequence_id=bad).to_list()),
    Op("tasks.list", "owner_id", lambda t, bad, ok: t.tasks.list(owner_id=bad).to_list()),
    Op(
        "activities.list",
        "target_id",
        lambda t, bad, ok: t.activities.list(target_id=bad).to_list(),
    ),
    Op(
        "activities.list",
        "owner_id",
        lambda t, bad, ok: t.activities.list(owner_id=bad, kinds=["call"]).to_list(),
    ),
    Op(
        "activities.log_call",
        "target_id",
        lambda t, bad, ok: t.activities.log_call(target_id=bad, notes="Hostile"),
    ),
    Op(
        "activities.log_call",
        "owner_id",
        lambda t, bad, ok: t.activities.log_call(target_id=ok.target, owner_id=bad),
    ),
    Op(
        "activities.log_note",
        "target_id",
        lambda t, bad, ok: t.activities.log_note(target_id=bad, body="Hostile"),
    ),
    Op(
        "activities.log_note",
        "owner_id",
        lambda t, bad, ok: t.activities.log_note(target_id=ok.target, body="x", owner_id=bad),
    ),
)


def test_every_operation_that_takes_an_id_is_listed() -> None:
    """A capability whose operation takes an id and is missing here would go unchecked."""
    without_ids = {"targets.find_by_email", "vendor_action", "raw"}
    covered = {op.capability for op in OPS}
    assert {c.value for c in Capability} - covered - without_ids == set()


@pytest.mark.parametrize("op", OPS, ids=lambda op: op.name)
def test_a_hostile_id_is_refused_before_any_request(bench: Bench, op: Op) -> None:
    problems = [
        _check(bench, op.capability, op.arg, bad, lambda bad: op.call(bench.tenant, bad, bench.ids))
        for bad in HOSTILE
    ]
    problems = [p for p in problems if p]
    assert not problems, f"{bench.vendor} {op.name}:\n" + "\n".join(problems)


def test_the_message_shows_a_long_id_cut_short(bench: Bench) -> None:
    with pytest.raises(InputError) as caught:
        bench.tenant.targets.get("../" * 30_000)
    message = str(caught.value)
    assert "target_id" in message and len(message) < 200
    assert "\n" not in message


def test_padded_ids_reach_the_wire_stripped_or_not_at_all(bench: Bench) -> None:
    """The facade strips whitespace around an id (engage/_resources.py ``_id``); no
    whitespace, raw or escaped, ever reaches a request."""
    before = len(bench.wire.sent)
    for padded in (" 1", "1 ", "1\n", "\t1\r\n"):
        with contextlib.suppress(EngageError):
            bench.tenant.targets.get(padded)
    for request in bench.wire.sent[before:]:
        raw = request.url.raw_path.decode("ascii")
        assert not re.search(r"\s|%20|%09|%0[AD]", raw, re.IGNORECASE), raw


# --- the adapter's own methods, as a third-party caller could reach them -------------------


def _inp(model: type[Any], **fields: Any) -> Any:
    """An input or query as a caller bypassing the facade could build it (not validated)."""
    return model.model_construct(**fields)


AdapterCall = Callable[[Adapter, Any, Ids], Any]


@dataclass(frozen=True)
class AdapterOp:
    capability: str
    arg: str
    call: AdapterCall
    in_model: bool = False  # the id is a field of an input or query (where None is "not given")


ADAPTER_OPS = (
    AdapterOp("targets.get", "target_id", lambda a, bad, ok: a.get_target(bad)),
    AdapterOp("sequences.get", "sequence_id", lambda a, bad, ok: a.get_sequence(bad)),
    AdapterOp("sequences.steps", "sequence_id", lambda a, bad, ok: a.list_steps(bad).to_list()),
    AdapterOp("enrollments.get", "enrollment_id", lambda a, bad, ok: a.get_enrollment(bad)),
    AdapterOp("enrollments.remove", "enrollment_id", lambda a, bad, ok: a.remove_enrollment(bad)),
    AdapterOp("enrollments.pause", "enrollment_id", lambda a, bad, ok: a.pause_enrollment(bad)),
    AdapterOp("enrollments.resume", "enrollment_id", lambda a, bad, ok: a.resume_enrollment(bad)),
    AdapterOp(
        "enrollments.reassign",
        "enrollment_id",
        lambda a, bad, ok: a.reassign_enrollment(bad, ok.owner),
    ),
    AdapterOp(
        "enrollments.reassign",
        "owner_id",
        lambda a, bad, ok: a.reassign_enrollment(ok.enrollment, bad),
    ),
    AdapterOp(
        "enrollments.set_outcome",
        "enrollment_id",
        lambda a, bad, ok: a.set_enrollment_outcome(bad, "Success"),
    ),
    AdapterOp("tasks.get", "task_id", lambda a, bad, ok: a.get_task(bad)),
    AdapterOp("tasks.complete", "task_id", lambda a, bad, ok: a.complete_task(bad)),
    AdapterOp("tasks.complete_many", "task_id", lambda a, bad, ok: a.complete_tasks([bad])),
    AdapterOp("tasks.skip", "task_id", lambda a, bad, ok: a.skip_task(bad)),
    AdapterOp("tasks.snooze", "task_id", lambda a, bad, ok: a.snooze_task(bad, WHEN)),
    AdapterOp("tasks.reschedule", "task_id", lambda a, bad, ok: a.reschedule_task(bad, WHEN)),
    AdapterOp("tasks.reassign", "task_id", lambda a, bad, ok: a.reassign_task(bad, ok.owner)),
    AdapterOp("tasks.reassign", "owner_id", lambda a, bad, ok: a.reassign_task(ok.task, bad)),
    AdapterOp("tasks.update_note", "task_id", lambda a, bad, ok: a.update_task_note(bad, "x")),
    AdapterOp("tasks.advance", "task_id", lambda a, bad, ok: a.advance_task(bad)),
    AdapterOp(
        "targets.list",
        "ids",
        lambda a, bad, ok: a.list_targets(_inp(TargetQuery, ids=(bad,))).to_list(),
        in_model=True,
    ),
    AdapterOp(
        "targets.create",
        "owner_id",
        lambda a, bad, ok: a.create_target(
            _inp(TargetInput, email="hostile@example.com", owner_id=bad)
        ),
        in_model=True,
    ),
    AdapterOp(
        "sequences.list",
        "owner_id",
        lambda a, bad, ok: a.list_sequences(_inp(SequenceQuery, owner_id=bad)).to_list(),
        in_model=True,
    ),
    AdapterOp(
        "enrollments.enroll",
        "target_id",
        lambda a, bad, ok: a.enroll(_inp(EnrollmentInput, target_id=bad, sequence_id=ok.sequence)),
        in_model=True,
    ),
    AdapterOp(
        "enrollments.enroll_many",
        "sequence_id",
        lambda a, bad, ok: a.enroll_many(
            [_inp(EnrollmentInput, target_id=ok.target, sequence_id=bad)]
        ),
        in_model=True,
    ),
    AdapterOp(
        "enrollments.list",
        "target_id",
        lambda a, bad, ok: a.list_enrollments(_inp(EnrollmentQuery, target_id=bad)).to_list(),
        in_model=True,
    ),
    AdapterOp(
        "tasks.create",
        "target_id",
        lambda a, bad, ok: a.create_task(_inp(TaskInput, target_id=bad, **_task())),
        in_model=True,
    ),
    AdapterOp(
        "tasks.list",
        "owner_id",
        lambda a, bad, ok: a.list_tasks(_inp(TaskQuery, owner_id=bad)).to_list(),
        in_model=True,
    ),
    AdapterOp(
        "activities.list",
        "target_id",
        lambda a, bad, ok: a.list_activities(_inp(ActivityQuery, target_id=bad)).to_list(),
        in_model=True,
    ),
    AdapterOp(
        "activities.log_call",
        "target_id",
        lambda a, bad, ok: a.log_call(_inp(CallInput, target_id=bad)),
        in_model=True,
    ),
    AdapterOp(
        "activities.log_note",
        "target_id",
        lambda a, bad, ok: a.log_note(_inp(NoteInput, target_id=bad, body="Hostile")),
        in_model=True,
    ),
)


@pytest.mark.parametrize("op", ADAPTER_OPS, ids=lambda op: f"{op.capability}[{op.arg}]")
def test_the_adapter_refuses_padded_and_non_string_ids(bench: Bench, op: AdapterOp) -> None:
    # Inputs and queries are validated models: only strings get into their id fields.
    values = [*PADDED, *HOSTILE[:4], *([] if op.in_model else NOT_STRINGS)]
    problems = [
        _check(
            bench,
            op.capability,
            op.arg,
            bad,
            lambda bad: op.call(bench.adapter, bad, bench.ids),
        )
        for bad in values
    ]
    problems = [p for p in problems if p]
    assert not problems, f"{bench.vendor} {op.capability}[{op.arg}]:\n" + "\n".join(problems)


# --- well-formed ids still work ---------------------------------------------------------


def test_ids_the_vendor_hands_out_are_accepted(bench: Bench) -> None:
    t = bench.tenant
    target = t.targets.list(limit=1).to_list()[0]
    assert t.targets.get(target.id).id == target.id
    if bench.vendor != "toy":
        assert t.targets.list(ids=[target.id]).to_list()[0].id == target.id
        sequence = t.sequences.list(limit=1).to_list()[0]
        assert t.sequences.get(sequence.id).id == sequence.id
        assert all(s.sequence_id[:15] == sequence.id[:15] for s in t.sequences.steps(sequence.id))
        enrollment = t.enrollments.list(limit=1).to_list()[0]
        assert t.enrollments.get(enrollment.id).id == enrollment.id
        assert t.enrollments.list(target_id=enrollment.target_id).to_list()
    tasks = t.tasks.list(limit=30).to_list()
    assert tasks
    if t.supports(Capability.TASKS_GET):
        # Salesloft: manual tasks and cadence actions ("action-<id>"); Salesforce: 00T and 8HF.
        for kind in {task.ref.object_type: task for task in tasks}.values():
            assert t.tasks.get(kind.id).id == kind.id
    if bench.vendor in ("salesloft", "outreach", "toy"):
        # The facade takes a whole number as an int, too.
        assert t.targets.get(int(target.id)).id == target.id  # type: ignore[arg-type]


@pytest.mark.parametrize("vendor", VENDORS)
def test_a_hostile_id_in_a_batch_fails_alone(fresh: Callable[[str], Bench], vendor: str) -> None:
    bench = fresh(vendor)
    t = bench.tenant
    if vendor == "toy":
        task = t.tasks.list().to_list()[0]
    else:
        task = t.tasks.list(origin="manual", status="open", limit=1).to_list()[0]
    hostile = "../people/1000006"
    before = len(bench.wire.sent)
    result = t.tasks.complete_many([task.id, hostile])
    assert result.items[0].ok and result.items[0].value is not None
    assert isinstance(result.items[1].error, InputError)
    assert "task_id" in str(result.items[1].error)
    for request in bench.wire.sent[before:]:
        assert "people" not in str(request.url) and b"people" not in request.content


def test_salesforce_enroll_many_sends_only_the_well_formed_inputs(
    fresh: Callable[[str], Bench],
) -> None:
    bench = fresh("salesforce")
    free_lead, cadence = WELL_FORMED["salesforce"].target, WELL_FORMED["salesforce"].sequence
    hostile = "003000000000001' OR Id!=''"
    before = len(bench.wire.sent)
    result = bench.tenant.enrollments.enroll_many(
        [
            {"target_id": hostile, "sequence_id": cadence},
            {"target_id": free_lead, "sequence_id": cadence},
            {"target_id": free_lead, "sequence_id": "77C5e000000000/../x"},
        ]
    )
    first, second, third = result.items
    assert isinstance(first.error, InputError) and "target_id" in str(first.error)
    assert second.ok and second.value is not None and second.value.target_id[:15] == free_lead[:15]
    assert isinstance(third.error, InputError) and "sequence_id" in str(third.error)
    sent = bench.wire.sent[before:]
    assert sent
    for request in sent:
        assert b"OR Id" not in request.content and "OR%20Id" not in str(request.url)
        assert b"/../" not in request.content


def test_outreach_vendor_actions_check_their_ids(fresh: Callable[[str], Bench]) -> None:
    bench = fresh("outreach")
    t = bench.tenant
    calls: list[tuple[str, Callable[[Any], Any]]] = [
        ("task_id", lambda bad: t.vendor_action("markComplete", task_id=bad)),
        ("enrollment_id", lambda bad: t.vendor_action("sequenceState.pause", enrollment_id=bad)),
    ]
    problems = [
        _check(bench, "vendor_action", arg, bad, call)
        for arg, call in calls
        for bad in (*HOSTILE, *PADDED, None, ["1"])
    ]
    problems = [p for p in problems if p]
    assert not problems, "\n".join(problems)


def test_outreach_vendor_fields_ids_are_checked(fresh: Callable[[str], Bench]) -> None:
    """Outreach reads a mailbox id and a task id from ``vendor_fields``."""
    bench = fresh("outreach")
    t, ok = bench.tenant, bench.ids
    calls: list[tuple[str, Callable[[Any], Any]]] = [
        (
            "mailbox_id",
            lambda bad: t.enrollments.enroll(
                target_id=ok.target, sequence_id=ok.sequence, vendor_fields={"mailbox_id": bad}
            ),
        ),
        (
            "task_id",
            lambda bad: t.activities.log_call(target_id=ok.target, vendor_fields={"task_id": bad}),
        ),
    ]
    problems = [
        _check(bench, cap, arg, bad, c)
        for (arg, c), cap in zip(calls, ("enrollments.enroll", "activities.log_call"), strict=True)
        for bad in (*HOSTILE[:6], " 1", ["1"], 1.5)
    ]
    problems = [p for p in problems if p]
    assert not problems, "\n".join(problems)


def test_ids_of_the_right_shape_are_left_alone() -> None:
    """Whole numbers up to 19 digits for the integer vendors; 15/18 characters for Salesforce."""
    from engage_outreach import _write as outreach
    from engage_salesforce import _write as salesforce
    from engage_salesloft import _write as salesloft

    for check in (salesloft.vendor_id, outreach.vendor_id):
        assert check("1", "x") == "1"
        assert check("9" * 19, "x") == "9" * 19
        for bad in ("9" * 20, "01", "0", "1_000", "1,000", "0x1"):
            with pytest.raises(InputError):
                check(bad, "x")
    assert salesloft.split_task_id("action-12") == ("action", "12")
    assert salesloft.split_task_id("12") == ("task", "12")
    for bad in ("action-", "action-../1", "action-1 ", "Action-1", "action-action-1"):
        with pytest.raises(InputError, match="task_id"):
            salesloft.split_task_id(bad)
    assert salesforce.vendor_id("00Q5e0000000001", "x") == "00Q5e0000000001"
    assert salesforce.vendor_id("00Q5e0000000001EAA", "x") == "00Q5e0000000001EAA"
    for bad in ("00Q5e000000001", "00Q5e0000000001E", "00Q5e0000000001EAAB", "00Q5e000000000é"):
        with pytest.raises(InputError, match="x "):
            salesforce.vendor_id(bad, "x")


def test_recording_transport_sees_every_request(bench: Bench) -> None:
    """The bench's wire is where the requests go (so "nothing sent" means nothing)."""
    before = len(bench.wire.sent)
    bench.tenant.targets.list(limit=1).to_list()
    assert len(bench.wire.sent) > before


def test_salesloft_vendor_action_paths_stay_under_v2(fresh: Callable[[str], Bench]) -> None:
    bench = fresh("salesloft")
    before = len(bench.wire.sent)
    for name in (
        "GET /v2/../people/1000006",
        "DELETE /v2/cadence_memberships/../people/1000006",
        "GET /v2/people?per_page=100",
        "GET /v2/people#x",
        "GET /v2/%2e%2e/users",
        "GET /v2/people 1",
    ):
        with pytest.raises(InputError, match="vendor_action"):
            bench.tenant.vendor_action(name)
    assert len(bench.wire.sent) == before
    assert bench.tenant.vendor_action("GET /v2/me") is not None  # a plain path still works
