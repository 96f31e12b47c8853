"""Calls a type checker must refuse: each ends in ``# expect-error``.

Never run or imported: ``tests/test_typing.py`` hands this file to mypy --strict and
pyright and checks that both report exactly the tagged lines. One mistake per
tagged line, each one a user could plausibly make.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from engage import AsyncEngage, Engage, Target, Task, TaskInput, TenantClient

WHEN = datetime(2030, 1, 1, tzinfo=UTC)


def statuses_states_kinds(tenant: TenantClient) -> None:
    tenant.tasks.list(status="done")  # expect-error
    tenant.tasks.list(origin="automatic")  # expect-error
    tenant.enrollments.list(state="running")  # expect-error
    tenant.activities.list(kinds=["phone"])  # expect-error
    tenant.activities.list(kinds="call")  # expect-error
    tenant.tasks.list(expand=["owner"])  # expect-error
    tenant.tasks.create(target_id="1", subject="Call", due_at=WHEN, kind="meeting")  # expect-error
    tenant.activities.log_call(target_id="1", direction="sideways")  # expect-error


def input_fields(tenant: TenantClient, task: TaskInput) -> None:
    tenant.targets.create(emial="ada@example.com")  # expect-error
    tenant.targets.upsert(email="ada@example.com", phone=5551234)  # expect-error
    tenant.enrollments.enroll(target_id=1, sequence_id="2")  # expect-error
    tenant.activities.log_call(target_id="1", duration_seconds="60")  # expect-error
    tenant.activities.log_note(target_id="1", text="hello")  # expect-error
    tenant.tasks.create(task, note="x")  # expect-error
    tenant.tasks.snooze("1", until="tomorrow")  # expect-error
    tenant.targets.list(cursor=5)  # expect-error
    tenant.targets.create(first_name="Ada")  # expect-error
    tenant.tasks.create(target_id="1", subject="Call")  # expect-error


def paths_and_clients() -> None:
    Engage.from_config(42)  # expect-error
    Engage.from_config(b"engage.toml")  # expect-error
    Engage.from_config(Path("engage.toml"), max_threads=4)  # expect-error
    AsyncEngage.from_config(Path("engage.toml"), plugin=[])  # expect-error
    AsyncEngage({"acme": {"vendor": "toy"}}, max_thread=4)  # expect-error
    AsyncEngage({"acme": {"vendor": "toy"}}, load_entrypoints="no")  # expect-error
    AsyncEngage(http_transport="https://proxy.example")  # expect-error
    AsyncEngage.from_env(max_threads="4")  # expect-error
    Engage({"acme": {"vendor": "toy"}}, max_threads=4)  # expect-error
    Engage(["acme"])  # expect-error


def results(tenant: TenantClient) -> None:
    first: Target | None = tenant.tasks.list().first()  # expect-error
    for task in tenant.tasks.list():
        print(task.email)  # expect-error
    me: str = tenant.vendor_action("GET /v2/me")  # expect-error
    tenant.vendor_action("deliver", when=WHEN)  # expect-error
    print(first, me)


async def async_results(client: AsyncEngage, task: TaskInput) -> None:
    tenant = client.tenant("acme")
    tenant.tasks.list(status="closed")  # expect-error
    targets: list[Task] = await tenant.targets.list().to_list()  # expect-error
    tenant.targets.list().limit("3")  # expect-error
    tenant.targets.list().resume(7)  # expect-error
    await tenant.targets.create(emial="ada@example.com")  # expect-error
    await tenant.tasks.create(task, note="x")  # expect-error
    await tenant.activities.log_call(target_id="1", direction="sideways")  # expect-error
    await tenant.vendor_action("deliver", task=Task)  # expect-error
    print(targets)
