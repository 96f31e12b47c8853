"""Calls a type checker must accept: the same operations as wrong_calls.py, done right.

Never run or imported: ``tests/test_typing.py`` checks mypy --strict and pyright
(strict) report nothing here. Enum members and their literal strings are both
accepted wherever a state, status, kind or direction is passed.
"""
# pyright: strict

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import httpx

from engage import (
    Activity,
    ActivityKind,
    AsyncEngage,
    AsyncPager,
    CallDirection,
    CallInput,
    Engage,
    Enrollment,
    EnrollmentInput,
    EnrollmentState,
    NoteInput,
    Pager,
    Record,
    Target,
    TargetInput,
    TargetKind,
    Task,
    TaskInput,
    TaskKind,
    TaskOrigin,
    TaskStatus,
    TenantClient,
    TenantConfig,
)

WHEN = datetime(2030, 1, 1, tzinfo=UTC)


def statuses_states_kinds(tenant: TenantClient) -> None:
    tenant.tasks.list(status="open", origin="sequence_step", expand=["target", "step"])
    tenant.tasks.list(status=TaskStatus.COMPLETED, origin=TaskOrigin.MANUAL)
    tenant.enrollments.list(state="paused")
    tenant.enrollments.list(state=EnrollmentState.ACTIVE, sequence_id="7")
    tenant.activities.list(kinds=["call", ActivityKind.NOTE], since=WHEN)
    tenant.activities.list(kinds=(ActivityKind.EMAIL,))
    tenant.tasks.create(target_id="1", subject="Call", due_at=WHEN, kind="call")
    tenant.tasks.create(target_id="1", subject="Call", due_at=WHEN, kind=TaskKind.LINKEDIN)
    tenant.activities.log_call(target_id="1", direction="inbound", duration_seconds=60)
    tenant.activities.log_call(target_id="1", direction=CallDirection.OUTBOUND)


def input_fields(tenant: TenantClient) -> None:
    tenant.targets.create(email="ada@example.com", first_name="Ada", kind="lead")
    tenant.targets.create(TargetInput(email="ada@example.com", kind=TargetKind.CONTACT))
    tenant.targets.create({"email": "ada@example.com"})
    tenant.targets.upsert(email="ada@example.com", phone="555 1234")
    tenant.targets.upsert(data={"email": "ada@example.com", "company": "Analytical"})
    tenant.enrollments.enroll(target_id="1", sequence_id="2", vendor_fields={"mailbox": 3})
    tenant.enrollments.enroll(EnrollmentInput(target_id="1", sequence_id="2"))
    tenant.enrollments.enroll_many([{"target_id": "1", "sequence_id": "2"}])
    tenant.activities.log_call(CallInput(target_id="1", occurred_at=WHEN))
    tenant.activities.log_note(target_id="1", body="hello")
    tenant.activities.log_note(NoteInput(target_id="1", body="hello"))
    tenant.tasks.create(TaskInput(target_id="1", subject="Call", due_at=WHEN))
    tenant.tasks.snooze("1", until=WHEN)
    rows: dict[str, str] = {"email": "ada@example.com"}
    tenant.targets.create(rows)


def paths_and_clients(tenants: dict[str, dict[str, str]], where: os.PathLike[str]) -> None:
    Engage.from_config("engage.toml")
    Engage.from_config(Path("engage.toml"), load_entrypoints=False, sleep=lambda _: None)
    Engage.from_config(where)
    Engage.from_config()
    Engage.from_env(token_store=None)
    AsyncEngage.from_config(Path("engage.toml"), plugins=[], max_threads=4)
    AsyncEngage.from_env(max_threads=2)
    AsyncEngage(tenants, max_threads=4, load_entrypoints=False)
    AsyncEngage({"acme": TenantConfig(name="acme", vendor="toy")})
    AsyncEngage(
        lambda name: None, http_transport=httpx.MockTransport(lambda r: httpx.Response(200))
    )
    AsyncEngage.wrap(Engage(tenants), max_threads=8)


def results(tenant: TenantClient) -> None:
    first: Task | None = tenant.tasks.list().first()
    for task in tenant.tasks.list(limit=5):
        print(task.subject, task.status is TaskStatus.OPEN)
    pager: Pager[Target] = tenant.targets.list(page_size=50)
    again: Pager[Target] = pager.resume(pager.cursor)
    outcome = tenant.vendor_action("GET /v2/me", include=["email"], depth=2)
    if isinstance(outcome, dict):
        print(outcome.get("email"))
    elif isinstance(outcome, Record):
        print(outcome.id)
    tenant.vendor_action("submit", inputs=[{"targetId": "1"}, {"targetId": "2"}])
    rows: list[dict[str, str]] = [{"targetId": "1"}]
    tenant.vendor_action("submit", inputs=rows)
    print(first, again)


async def async_results(client: AsyncEngage) -> None:
    tenant = client.tenant("acme")
    done: list[Task] = await tenant.tasks.list(status="completed").to_list()
    pager: AsyncPager[Target] = tenant.targets.list(page_size=10)
    head: list[Target] = await pager.limit(3).to_list()
    rest: AsyncPager[Target] = pager.resume(pager.cursor)
    async for target in rest:
        print(target.email)
    call: Activity = await tenant.activities.log_call(target_id="1", direction="outbound")
    enrollment: Enrollment = await tenant.enrollments.enroll(target_id="1", sequence_id="2")
    created: Target = await tenant.targets.create(email="ada@example.com")
    again: Target = await tenant.targets.create(TargetInput(email="ada@example.com"))
    print(done, head, call, enrollment, created, again, await tenant.vendor_action("x", a=1))
