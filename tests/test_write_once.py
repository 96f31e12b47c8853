"""Writes a vendor cannot key land at most once, even when they commit late.

A late commit: the emulator holds the request past the client's timeout and
only then handles it, so the look-up right after the failure finds nothing.
``engage.transport.write_once`` looks again over an ambiguity window before it
sends the write a second time.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from engage_sandbox import SandboxClock, SandboxOptions, SandboxServer, sandbox_for

from engage import Engage, UnavailableError
from engage._transport._scope import operation_scope
from engage.transport import write_once

PROSPECT = "1"


@pytest.fixture
def outreach() -> Iterator[tuple[Engage, SandboxServer]]:
    sandbox = sandbox_for("outreach")
    options = SandboxOptions(clock=SandboxClock(datetime.now(UTC), real=True))
    with SandboxServer(sandbox.create_app(options)) as server:
        tenant = {
            "vendor": "outreach",
            **sandbox.tenant_settings(server.url),
            "transport": {"timeout": 1.5, "max_attempts": 2, "deadline": 30, "commit_window": 5},
        }
        eng = Engage({"acme": tenant})
        yield eng, server
        eng.close()


def _tasks_with(eng: Engage, note: str) -> int:
    tasks = eng.tenant("acme").tasks.list(target_id=PROSPECT, limit=500)
    return sum(1 for t in tasks if t.note == note)


def test_a_task_that_commits_after_the_client_gave_up_is_not_created_twice(
    outreach: tuple[Engage, SandboxServer],
) -> None:
    eng, server = outreach
    # The request lands 3 s late; the client's timeout is 1.5 s (room for a busy machine).
    server.kit.faults.add(kind="timeout", delay=3.0, method="POST", path="/api/v2/tasks")
    due = datetime.now(UTC) + timedelta(days=2)
    task = eng.tenant("acme").tasks.create(target_id=PROSPECT, subject="late-commit-1", due_at=due)
    assert task.note == "late-commit-1"  # Outreach keeps the subject as the task's note
    time.sleep(2.0)  # until the held request has surely landed
    assert _tasks_with(eng, "late-commit-1") == 1


def test_a_write_that_never_landed_is_sent_once_more(
    outreach: tuple[Engage, SandboxServer],
) -> None:
    eng, server = outreach
    server.kit.faults.add(kind="drop", method="POST", path="/api/v2/tasks")  # before commit
    due = datetime.now(UTC) + timedelta(days=2)
    eng.tenant("acme").tasks.create(target_id=PROSPECT, subject="dropped-1", due_at=due)
    assert _tasks_with(eng, "dropped-1") == 1


class _Context:
    """The two things write_once reads from a tenant's context."""

    def __init__(self) -> None:
        self.slept: list[float] = []
        self.options = type("O", (), {"timeout": 10.0, "commit_window": 30.0})()
        self.retry = type("R", (), {"sleep": self.slept.append})()


def _ambiguous() -> Any:
    raise UnavailableError("reset after sending", vendor="v", ambiguous=True)


def test_the_looks_follow_the_window_and_stop_at_the_first_find() -> None:
    context = _Context()
    answers = iter([None, None, "found"])
    assert write_once(context, _ambiguous, lambda: next(answers)) == "found"  # type: ignore[arg-type]
    assert context.slept == [1.0, 2.0]  # looked at 0, 1 and 3 s after the failure


def test_no_time_to_look_leaves_the_outcome_ambiguous() -> None:
    context = _Context()
    sent: list[int] = []

    def write() -> Any:
        sent.append(1)
        return _ambiguous()

    with (
        operation_scope(vendor="v", tenant="t", operation="op", deadline_seconds=2),
        pytest.raises(UnavailableError) as caught,
    ):
        write_once(context, write, lambda: None)  # type: ignore[arg-type]
    assert caught.value.ambiguous and sent == [1]  # never sent twice without looking


@pytest.fixture
def salesloft() -> Iterator[tuple[Engage, SandboxServer]]:
    sandbox = sandbox_for("salesloft")
    # The emulator's clock follows ours, as a vendor's does: look-ups compare times.
    options = SandboxOptions(clock=SandboxClock(datetime.now(UTC), real=True))
    with SandboxServer(sandbox.create_app(options)) as server:
        tenant = {
            "vendor": "salesloft",
            **sandbox.tenant_settings(server.url),
            "transport": {"timeout": 1.5, "max_attempts": 2, "deadline": 30, "commit_window": 5},
        }
        eng = Engage({"acme": tenant})
        yield eng, server
        eng.close()


@pytest.mark.parametrize(
    "fault",
    [
        {"status": 502, "after_commit": True},
        {"kind": "drop", "after_commit": True},
        {"kind": "timeout", "delay": 3.0},  # a late commit
        {"kind": "drop"},  # before commit: sent once more
    ],
    ids=["502-after-commit", "reset-after-commit", "late-commit", "dropped-before"],
)
def test_salesloft_calls_and_notes_are_logged_once(
    salesloft: tuple[Engage, SandboxServer], fault: dict[str, Any]
) -> None:
    eng, server = salesloft
    acme = eng.tenant("acme")
    person = acme.targets.list(limit=1).first()
    assert person is not None
    server.kit.faults.add(method="POST", path="/v2/activities/calls", **fault)
    call = acme.activities.log_call(
        target_id=person.id, direction="outbound", duration_seconds=4242, notes="once"
    )
    server.kit.faults.add(method="POST", path="/v2/notes", **fault)
    note = acme.activities.log_note(target_id=person.id, body="noted exactly once")
    time.sleep(2.0)  # until a held request has surely landed
    raw_calls = acme.raw.get("/v2/activities/calls", params={"person_id[]": person.id}).json()
    assert sum(1 for c in raw_calls["data"] if c.get("duration") == 4242) == 1
    raw_notes = acme.raw.get(
        "/v2/notes", params={"associated_with_type": "person", "associated_with_id": person.id}
    ).json()
    assert sum(1 for n in raw_notes["data"] if n.get("content") == "noted exactly once") == 1
    assert call.id and note.id


def test_an_earlier_call_like_ours_is_not_taken_for_it(
    salesloft: tuple[Engage, SandboxServer],
) -> None:
    """Call A, then call B on the same person with the same fields but other notes,
    dropped before it committed: the look-up must not answer with call A."""
    eng, server = salesloft
    acme = eng.tenant("acme")
    person = acme.targets.list(limit=1).first()
    assert person is not None
    first = acme.activities.log_call(target_id=person.id, duration_seconds=77, notes="call A")
    server.kit.faults.add(kind="drop", method="POST", path="/v2/activities/calls")
    second = acme.activities.log_call(target_id=person.id, duration_seconds=77, notes="call B")
    assert second.id != first.id
    raw = acme.raw.get("/v2/activities/calls", params={"person_id[]": person.id}).json()
    assert sum(1 for c in raw["data"] if c.get("duration") == 77) == 2


def test_a_very_late_commit_is_waited_for_within_the_commit_window(
    outreach: tuple[Engage, SandboxServer],
) -> None:
    eng, server = outreach
    server.kit.faults.add(kind="timeout", delay=4.0, method="POST", path="/api/v2/tasks")
    due = datetime.now(UTC) + timedelta(days=2)
    eng.tenant("acme").tasks.create(target_id=PROSPECT, subject="very-late-1", due_at=due)
    time.sleep(1.0)
    assert _tasks_with(eng, "very-late-1") == 1


@pytest.mark.parametrize(
    "fault",
    [{"kind": "drop", "after_commit": True}, {"kind": "drop"}],
    ids=["reset-after-commit", "dropped-before"],
)
def test_outreach_calls_and_notes_are_logged_once(
    outreach: tuple[Engage, SandboxServer], fault: dict[str, Any]
) -> None:
    eng, server = outreach
    acme = eng.tenant("acme")
    server.kit.faults.add(method="POST", path="/api/v2/calls", **fault)
    acme.activities.log_call(target_id=PROSPECT, direction="outbound", notes="outreach once")
    server.kit.faults.add(method="POST", path="/api/v2/prospectNotes", **fault)
    acme.activities.log_note(target_id=PROSPECT, body="outreach note once")
    params = {"filter[prospect][id]": PROSPECT, "page[size]": "100"}
    calls = acme.raw.get("/api/v2/calls", params=params).json()["data"]
    notes = acme.raw.get("/api/v2/prospectNotes", params=params).json()["data"]
    assert sum(1 for c in calls if c["attributes"].get("note") == "outreach once") == 1
    assert sum(1 for n in notes if n["attributes"].get("message") == "outreach note once") == 1
