"""Every resource method refuses bad arguments with ``InputError``, before any request.

Each case below was, before these checks, either an untyped exception
(``TypeError``, ``KeyError``, ``ValueError``, ``httpx.InvalidURL``) or, worse,
silently reinterpreted (``direction="inbund"`` logged an outbound call,
``kind="meeting"`` made a general task, ``state="actve"`` listed "other"
enrollments, ``ids="123"`` meant ids 1, 2 and 3). The toy vendor supports only
some operations: validation comes before the capability check, so every
method is exercised here.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from typing import Any, get_args

import pytest
from engage_testing import AppTransport

from engage import (
    ActivityKind,
    CallDirection,
    CallInput,
    EnrollmentInput,
    EnrollmentState,
    InputError,
    NoteInput,
    Page,
    Pager,
    TargetInput,
    TargetKind,
    TaskInput,
    TaskKind,
    TaskOrigin,
    TaskQuery,
    TaskStatus,
    TenantClient,
)
from engage import models as m
from engage.transport import encode_cursor

NOW = datetime(2026, 3, 1, 12, tzinfo=UTC)
NAIVE = datetime(2026, 3, 1, 12)
HUGE = "x" * 70_000
TASK = {"target_id": "1", "subject": "Call back", "due_at": NOW}

Call = Callable[[TenantClient], object]

CASES: dict[str, Call] = {
    # --- wrong types where a list of ids or items is needed --------------------
    "complete_many(None)": lambda t: t.tasks.complete_many(None),  # type: ignore[arg-type]
    "complete_many('123')": lambda t: t.tasks.complete_many("123"),
    "complete_many([1])": lambda t: t.tasks.complete_many([1]),  # type: ignore[list-item]
    "complete_many([''])": lambda t: t.tasks.complete_many([""]),
    "complete_many(dict)": lambda t: t.tasks.complete_many({"1": "a"}),
    "enroll_many(['a'])": lambda t: t.enrollments.enroll_many(["a"]),  # type: ignore[list-item]
    "enroll_many(None)": lambda t: t.enrollments.enroll_many(None),  # type: ignore[arg-type]
    "enroll_many(one dict)": lambda t: t.enrollments.enroll_many(
        {"target_id": "1", "sequence_id": "2"}  # type: ignore[arg-type]
    ),
    "enroll_many([missing field])": lambda t: t.enrollments.enroll_many([{"target_id": "1"}]),
    "targets.list(ids='123')": lambda t: t.targets.list(ids="123"),
    "targets.list(ids=[1])": lambda t: t.targets.list(ids=[1]),  # type: ignore[list-item]
    "targets.list(ids=[''])": lambda t: t.targets.list(ids=[""]),
    "targets.list(ids=None)": lambda t: t.targets.list(ids=None),  # type: ignore[arg-type]
    "targets.list(ids=dict)": lambda t: t.targets.list(ids={"1": 1}),  # type: ignore[arg-type]
    "activities.list(kinds='call')": lambda t: t.activities.list(kinds="call"),  # type: ignore[arg-type]
    "tasks.list(expand='target')": lambda t: t.tasks.list(expand="target"),  # type: ignore[arg-type]
    # --- a model or mapping where one is needed ----------------------------------
    "tasks.create('x')": lambda t: t.tasks.create("x"),  # type: ignore[arg-type]
    "tasks.create(TargetInput)": lambda t: t.tasks.create(
        TargetInput(email="a@example.com")  # type: ignore[arg-type]
    ),
    "targets.create(list)": lambda t: t.targets.create([("email", "a@example.com")]),  # type: ignore[arg-type]
    "enroll(bypassed model)": lambda t: t.enrollments.enroll(
        EnrollmentInput.model_construct(target_id="", sequence_id="2")
    ),
    "tasks.create(model_copy kind)": lambda t: t.tasks.create(
        TaskInput(**TASK).model_copy(update={"kind": "meeting"})
    ),
    # --- unknown or OTHER enum values --------------------------------------------
    "log_call(direction='inbund')": lambda t: t.activities.log_call(
        target_id="1",
        direction="inbund",  # type: ignore[arg-type]
    ),
    "log_call(direction=OTHER)": lambda t: t.activities.log_call(
        target_id="1", direction=CallDirection.OTHER
    ),
    "tasks.create(kind='meeting')": lambda t: t.tasks.create(**TASK, kind="meeting"),
    "tasks.create(kind='other')": lambda t: t.tasks.create(**TASK, kind="other"),
    "targets.create(kind='persn')": lambda t: t.targets.create(email="a@example.com", kind="persn"),
    "targets.create(kind=OTHER)": lambda t: t.targets.create(
        email="a@example.com", kind=TargetKind.OTHER
    ),
    "enrollments.list(state='actve')": lambda t: t.enrollments.list(state="actve"),  # type: ignore[arg-type]
    "enrollments.list(state='other')": lambda t: t.enrollments.list(state="other"),  # type: ignore[arg-type]
    "enrollments.list(state=OTHER)": lambda t: t.enrollments.list(state=EnrollmentState.OTHER),
    "tasks.list(status='other')": lambda t: t.tasks.list(status="other"),  # type: ignore[arg-type]
    "tasks.list(status='opne')": lambda t: t.tasks.list(status="opne"),  # type: ignore[arg-type]
    "tasks.list(origin='manul')": lambda t: t.tasks.list(origin="manul"),  # type: ignore[arg-type]
    "tasks.list(origin=OTHER)": lambda t: t.tasks.list(origin=TaskOrigin.OTHER),
    "tasks.list(expand=['targets'])": lambda t: t.tasks.list(expand=["targets"]),  # type: ignore[list-item]
    "activities.list(kinds=['cal'])": lambda t: t.activities.list(kinds=["cal"]),  # type: ignore[list-item]
    "activities.list(kinds=[OTHER])": lambda t: t.activities.list(kinds=[ActivityKind.OTHER]),
    "tasks.list(status=1)": lambda t: t.tasks.list(status=1),  # type: ignore[arg-type]
    # --- strings over the limits ---------------------------------------------------
    "tasks.complete(huge note)": lambda t: t.tasks.complete("1", note=HUGE),
    "tasks.update_note(huge)": lambda t: t.tasks.update_note("1", note=HUGE),
    "tasks.skip(huge reason)": lambda t: t.tasks.skip("1", reason=HUGE),
    "tasks.create(huge subject)": lambda t: t.tasks.create(**{**TASK, "subject": HUGE}),
    "tasks.create(huge note)": lambda t: t.tasks.create(**TASK, note=HUGE),
    "log_note(huge body)": lambda t: t.activities.log_note(target_id="1", body=HUGE),
    "log_call(huge notes)": lambda t: t.activities.log_call(target_id="1", notes=HUGE),
    "targets.create(huge first_name)": lambda t: t.targets.create(
        email="a@example.com", first_name=HUGE
    ),
    "targets.find_by_email(huge)": lambda t: t.targets.find_by_email("a" * 300 + "@example.com"),
    "targets.get(huge id)": lambda t: t.targets.get("1" * 300),
    "enrollments.set_outcome(huge)": lambda t: t.enrollments.set_outcome("1", outcome=HUGE),
    "targets.list(huge cursor)": lambda t: t.targets.list(cursor="A" * 70_000),
    # --- empty and malformed ids -----------------------------------------------------
    "targets.get('')": lambda t: t.targets.get(""),
    "sequences.get('  ')": lambda t: t.sequences.get("  "),
    "sequences.steps('')": lambda t: t.sequences.steps(""),
    "enrollments.get(None)": lambda t: t.enrollments.get(None),  # type: ignore[arg-type]
    "enrollments.remove(True)": lambda t: t.enrollments.remove(True),  # type: ignore[arg-type]
    "enrollments.pause(['1'])": lambda t: t.enrollments.pause(["1"]),  # type: ignore[arg-type]
    "enrollments.resume(1.5)": lambda t: t.enrollments.resume(1.5),  # type: ignore[arg-type]
    "enrollments.reassign(owner '')": lambda t: t.enrollments.reassign("1", owner_id=""),
    "tasks.get('1\\n2')": lambda t: t.tasks.get("1\n2"),
    "tasks.advance('')": lambda t: t.tasks.advance(""),
    "tasks.reassign(owner None)": lambda t: t.tasks.reassign("1", owner_id=None),  # type: ignore[arg-type]
    "tasks.list(target_id='')": lambda t: t.tasks.list(target_id=""),
    "enrollments.list(owner_id=5)": lambda t: t.enrollments.list(owner_id=5),  # type: ignore[arg-type]
    "enroll(sequence_id='')": lambda t: t.enrollments.enroll(target_id="1", sequence_id=""),
    "log_note(target_id='')": lambda t: t.activities.log_note(target_id="", body="hi"),
    "enrollments.set_outcome('')": lambda t: t.enrollments.set_outcome("1", outcome=""),
    "enrollments.set_outcome(5)": lambda t: t.enrollments.set_outcome("1", outcome=5),  # type: ignore[arg-type]
    "tasks.update_note(None)": lambda t: t.tasks.update_note("1", note=None),  # type: ignore[arg-type]
    "tasks.complete(note=5)": lambda t: t.tasks.complete("1", note=5),  # type: ignore[arg-type]
    "tasks.skip(reason=[])": lambda t: t.tasks.skip("1", reason=[]),  # type: ignore[arg-type]
    "targets.find_by_email(None)": lambda t: t.targets.find_by_email(None),  # type: ignore[arg-type]
    # --- page sizes, limits and cursors -------------------------------------------------
    "targets.list(limit=-1)": lambda t: t.targets.list(limit=-1),
    "targets.list(limit=0)": lambda t: t.targets.list(limit=0),
    "targets.list(limit='5')": lambda t: t.targets.list(limit="5"),  # type: ignore[arg-type]
    "targets.list(limit=True)": lambda t: t.targets.list(limit=True),
    "targets.list(page_size=0)": lambda t: t.targets.list(page_size=0),
    "targets.list(page_size=-3)": lambda t: t.targets.list(page_size=-3),
    "targets.list(page_size=1001)": lambda t: t.targets.list(page_size=1001),
    "targets.list(page_size=True)": lambda t: t.targets.list(page_size=True),
    "targets.list(page_size='10')": lambda t: t.targets.list(page_size="10"),  # type: ignore[arg-type]
    "sequences.list(page_size=2.0)": lambda t: t.sequences.list(page_size=2.0),  # type: ignore[arg-type]
    "targets.list(cursor='')": lambda t: t.targets.list(cursor=""),
    "targets.list(cursor=5)": lambda t: t.targets.list(cursor=5),  # type: ignore[arg-type]
    "targets.list(garbled cursor)": lambda t: list(t.targets.list(cursor="%%%not-a-cursor")),
    "targets.list(cursor of a numbered list)": lambda t: list(
        t.targets.list(cursor=encode_cursor({"page": 2}))
    ),
    # --- booleans, numbers, datetimes ------------------------------------------------------
    "sequences.list(active='yes')": lambda t: t.sequences.list(active="yes"),  # type: ignore[arg-type]
    "sequences.list(active=1)": lambda t: t.sequences.list(active=1),  # type: ignore[arg-type]
    "log_call(duration=-1)": lambda t: t.activities.log_call(target_id="1", duration_seconds=-1),
    "log_call(duration='95')": lambda t: t.activities.log_call(
        target_id="1", duration_seconds="95"
    ),
    "log_call(duration=True)": lambda t: t.activities.log_call(
        target_id="1", duration_seconds=True
    ),
    "log_call(duration=1e9)": lambda t: t.activities.log_call(
        target_id="1", duration_seconds=10**9
    ),
    "log_call(occurred_at naive)": lambda t: t.activities.log_call(
        target_id="1", occurred_at=NAIVE
    ),
    "tasks.create(due_at naive)": lambda t: t.tasks.create(**{**TASK, "due_at": NAIVE}),
    "tasks.create(due_at epoch)": lambda t: t.tasks.create(**{**TASK, "due_at": 1_767_225_600}),
    "tasks.create(due_at digits)": lambda t: t.tasks.create(**{**TASK, "due_at": "1767225600"}),
    "tasks.create(due_at year 1)": lambda t: t.tasks.create(
        **{**TASK, "due_at": datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=5)))}
    ),
    "tasks.snooze(naive)": lambda t: t.tasks.snooze("1", until=NAIVE),
    "tasks.snooze(str)": lambda t: t.tasks.snooze("1", until="tomorrow"),  # type: ignore[arg-type]
    "tasks.reschedule(naive)": lambda t: t.tasks.reschedule("1", due_at=NAIVE),
    "tasks.reschedule(max)": lambda t: t.tasks.reschedule(
        "1", due_at=datetime.max.replace(tzinfo=UTC)
    ),
    "targets.list(updated_since naive)": lambda t: t.targets.list(updated_since=NAIVE),
    "tasks.list(due_after naive)": lambda t: t.tasks.list(due_after=NAIVE),
    "tasks.list(window reversed)": lambda t: t.tasks.list(
        due_after=NOW, due_before=NOW - timedelta(days=1)
    ),
    "activities.list(since 'yesterday')": lambda t: t.activities.list(since="yesterday"),  # type: ignore[arg-type]
    "enrollments.list(updated_since=0)": lambda t: t.enrollments.list(updated_since=0),  # type: ignore[arg-type]
    # --- fields that do not exist, and both forms at once -----------------------------------
    "log_call(disposition=)": lambda t: t.activities.log_call(target_id="1", disposition="x"),
    "tasks.create(model and fields)": lambda t: t.tasks.create(TaskInput(**TASK), note="x"),
    "targets.upsert(email='bad')": lambda t: t.targets.upsert(email="bad"),
    "targets.create(vendor_fields=list)": lambda t: t.targets.create(
        email="a@example.com", vendor_fields=[1]
    ),
}


@pytest.mark.parametrize("call", CASES.values(), ids=CASES.keys())
def test_bad_arguments_raise_input_error_before_any_request(
    toy: TenantClient, toy_transport: AppTransport, call: Call
) -> None:
    with pytest.raises(InputError):
        call(toy)
    assert toy_transport.requests == []


@pytest.mark.parametrize(
    ("call", "allowed"),
    [
        (
            lambda t: t.activities.log_call(target_id="1", direction="inbund"),
            "'outbound', 'inbound'",
        ),
        (
            lambda t: t.tasks.create(**TASK, kind="meeting"),
            "'call', 'email', 'linkedin', 'general'",
        ),
        (
            lambda t: t.enrollments.list(state="actve"),
            "'active', 'paused', 'finished', 'removed', 'bounced'",
        ),
        (lambda t: t.tasks.list(status="other"), "'open', 'completed', 'skipped'"),
        (lambda t: t.tasks.list(origin="manul"), "'manual', 'sequence_step'"),
    ],
)
def test_an_unknown_value_is_refused_naming_the_allowed_ones(
    toy: TenantClient, call: Call, allowed: str
) -> None:
    with pytest.raises(InputError, match=allowed):
        call(toy)


def test_messages_are_readable_and_short(toy: TenantClient) -> None:
    with pytest.raises(InputError) as info:
        toy.tasks.complete(HUGE)
    assert len(str(info.value)) < 300 and "task_id" in str(info.value)
    with pytest.raises(InputError, match=r"ids must be a list of ids, not one string"):
        toy.targets.list(ids="123")
    with pytest.raises(InputError, match=r"task_ids must be a list of ids, not None"):
        toy.tasks.complete_many(None)  # type: ignore[arg-type]
    with pytest.raises(InputError, match=r"items\[0\] must be an EnrollmentInput or a mapping"):
        toy.enrollments.enroll_many(["a"])  # type: ignore[list-item]
    with pytest.raises(InputError, match=r"task_ids\[1\]"):
        toy.tasks.complete_many(["1", 2])  # type: ignore[list-item]
    with pytest.raises(InputError, match=r"invalid TaskInput: kind: must be one of") as caught:
        toy.tasks.create(**TASK, kind="meeting")
    assert "Value error" not in str(caught.value)
    with pytest.raises(InputError, match="at most 65535 characters"):
        toy.tasks.update_note("1", note=HUGE)


def test_a_cursor_of_another_list_is_an_input_error(
    toy: TenantClient, toy_transport: AppTransport
) -> None:
    people = toy.targets.list(page_size=10)
    next(people.iter_pages())
    assert people.cursor is not None
    sent = len(toy_transport.requests)
    with pytest.raises(InputError, match="cursor"):
        toy.tasks.list(cursor=people.cursor).to_list()
    with pytest.raises(InputError, match="cursor"):
        toy.targets.list(cursor=encode_cursor({"s": {"calls": None}})).first()
    assert len(toy_transport.requests) == sent


def test_whatever_an_adapter_raises_on_a_cursor_is_an_input_error(toy: TenantClient) -> None:
    """An adapter that trips over a page state it cannot use (``KeyError`` and the like):
    the facade reports the caller's cursor, not the adapter's exception."""
    foreign = encode_cursor({"a": 1})

    def fetch(cursor: str | None) -> Page[Any]:
        if cursor is None:
            return Page([], foreign)
        state: dict[str, Any] = json.loads(base64.urlsafe_b64decode(cursor + "=="))
        return Page([], state["page"])  # KeyError: not a state this list gave

    adapter = toy.adapter
    original = adapter.list_targets
    adapter.list_targets = lambda query: Pager(fetch)  # type: ignore[method-assign]
    try:
        pager = toy.targets.list()
        next(pager.iter_pages())
        with pytest.raises(InputError, match="not a cursor of this list") as info:
            toy.targets.list(cursor=pager.cursor).to_list()
        assert isinstance(info.value.__cause__, KeyError)
        # Following its own next cursor, an adapter's bug is not dressed up as bad input.
        with pytest.raises(KeyError):
            toy.targets.list().to_list()
    finally:
        adapter.list_targets = original  # type: ignore[method-assign]


# --- what is still accepted ----------------------------------------------------------


def test_valid_values_pass_and_become_enum_members() -> None:
    call = CallInput(target_id="1", direction="inbound", duration_seconds=95)
    assert call.direction is CallDirection.INBOUND
    task = TaskInput(**TASK, kind=TaskKind.CALL)
    assert task.kind is TaskKind.CALL
    assert TaskInput(**TASK, kind="email").kind is TaskKind.EMAIL
    assert TargetInput(email="a@example.com", kind="lead").kind is TargetKind.LEAD
    query = TaskQuery(status="open", origin=TaskOrigin.SEQUENCE_STEP, expand=["target"])
    assert query.status is TaskStatus.OPEN and query.origin is TaskOrigin.SEQUENCE_STEP
    # Aware datetimes, also as ISO-8601 text with an offset (inputs given as JSON dicts).
    parsed = TaskInput(**{**TASK, "due_at": "2026-03-01T12:00:00Z"})
    assert parsed.due_at == NOW
    assert NoteInput(target_id="1", body="x" * 65_535).body


def test_records_still_map_a_vendors_new_value_to_other() -> None:
    assert TaskKind("hologram") is TaskKind.OTHER
    assert CallDirection("sideways") is CallDirection.OTHER


def test_valid_calls_still_reach_the_vendor(toy: TenantClient, toy_transport: AppTransport) -> None:
    assert [p.id for p in toy.targets.list(page_size=10, limit=12)] == [
        str(i) for i in range(1, 13)
    ]
    pager = toy.targets.list(page_size=10)
    next(pager.iter_pages())
    assert toy.targets.list(page_size=10, cursor=pager.cursor).first().id == "11"  # type: ignore[union-attr]
    assert toy.targets.get(26 - 23).id == "3"  # type: ignore[arg-type]  # an int id is unambiguous
    assert toy.targets.find_by_email("person7@example.com").id == "7"  # type: ignore[union-attr]
    assert toy_transport.requests


@pytest.mark.parametrize(
    ("literal", "enum"),
    [
        (m.TargetKindName, TargetKind),
        (m.EnrollmentStateName, EnrollmentState),
        (m.TaskOriginName, TaskOrigin),
        (m.TaskKindName, TaskKind),
        (m.TaskStatusName, TaskStatus),
        (m.ActivityKindName, ActivityKind),
        (m.CallDirectionName, CallDirection),
    ],
)
def test_the_literal_names_are_the_enum_values_but_other(literal: Any, enum: Any) -> None:
    assert set(get_args(literal)) == {member.value for member in enum} - {"other"}


@pytest.mark.parametrize(
    ("fields", "model"),
    [
        (m.TargetFields, TargetInput),
        (m.EnrollmentFields, EnrollmentInput),
        (m.TaskFields, TaskInput),
        (m.CallFields, CallInput),
        (m.NoteFields, NoteInput),
    ],
)
def test_the_keyword_field_types_name_every_input_field(fields: Any, model: Any) -> None:
    assert set(fields.__annotations__) == set(model.model_fields)


@pytest.mark.parametrize("padded", [" 1", "1 ", "1\n", "\t1"])
def test_padded_ids_are_refused_not_trimmed(
    toy: TenantClient, toy_transport: AppTransport, padded: str
) -> None:
    with pytest.raises(InputError, match="whitespace"):
        toy.targets.get(padded)
    assert toy_transport.requests == []
