"""``engage targets|sequences|enrollments|tasks|activities``: common reads and writes.

Errors are not caught here: the root group (:mod:`engage._cli_errors`) turns
whatever a command raises, while it runs or while its output is printed
(pagers fetch lazily), into one line and an exit code. Commands that take
several ids report each of them (:mod:`engage._cli_batch`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any, cast

import typer
from pydantic import BaseModel

from . import _cli_config
from ._cli_batch import run_batch
from ._cli_output import print_json, show_records
from ._client import TenantClient
from .errors import InputError
from .models import Record, TaskStatusName

TenantOption = Annotated[str, typer.Option("--tenant", "-t", help="the tenant to act for")]
ConfigOption = Annotated[
    Path | None, typer.Option("--config", "-c", help="engage.toml (default: $ENGAGE_CONFIG)")
]
JsonOption = Annotated[bool, typer.Option("--json", help="print JSON instead of a table")]
LimitOption = Annotated[int, typer.Option(help="at most this many records")]


def _tenant(config: Path | None, name: str) -> TenantClient:
    return _cli_config.open_tenant(config, name)


def run(action: Callable[[], Any], *, as_json: bool = False) -> None:
    """Run a command body and print what it answers (records, a model, or nothing)."""
    result = action()
    if result is None:
        return
    if isinstance(result, Record):
        show_records([result], as_json=as_json)
    elif isinstance(result, BaseModel):
        print_json(result.model_dump(mode="json"))
    else:
        show_records(result, as_json=as_json)


def _when(text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise InputError(f"{text!r} is not an ISO-8601 date-time") from None
    if value.tzinfo is None:
        raise InputError(f"{text!r} needs a timezone, e.g. {text}Z")
    return value


targets = typer.Typer(help="People a sequence runs against.", no_args_is_help=True)
sequences = typer.Typer(help="Sequences (cadences) and their steps.", no_args_is_help=True)
enrollments = typer.Typer(help="Targets in sequences.", no_args_is_help=True)
tasks = typer.Typer(help="Reps' tasks: manual and sequence steps.", no_args_is_help=True)
activities = typer.Typer(help="Emails, calls, notes, ...", no_args_is_help=True)


def _list_command(group: typer.Typer, namespace: str, what: str) -> None:
    @group.command("list", help=f"List {what}.")
    def command(
        tenant: TenantOption,
        config: ConfigOption = None,
        limit: LimitOption = 20,
        as_json: JsonOption = False,
    ) -> None:
        run(lambda: getattr(_tenant(config, tenant), namespace).list(limit=limit), as_json=as_json)


def _by_id_command(group: typer.Typer, name: str, namespace: str, what: str) -> None:
    @group.command(name, help=f"{what} (by id).")
    def command(
        record_id: str,
        tenant: TenantOption,
        config: ConfigOption = None,
        as_json: JsonOption = False,
    ) -> None:
        run(
            lambda: getattr(getattr(_tenant(config, tenant), namespace), name)(record_id),
            as_json=as_json,
        )


_list_command(targets, "targets", "targets")
_by_id_command(targets, "get", "targets", "One target")
_list_command(sequences, "sequences", "sequences")
_by_id_command(sequences, "steps", "sequences", "A sequence's steps")


@targets.command("find")
def targets_find(
    email: str, tenant: TenantOption, config: ConfigOption = None, as_json: JsonOption = False
) -> None:
    """Find a target by e-mail address."""

    def find() -> Any:
        found = _tenant(config, tenant).targets.find_by_email(email)
        return [] if found is None else [found]

    run(find, as_json=as_json)


@enrollments.command("list")
def enrollments_list(
    tenant: TenantOption,
    config: ConfigOption = None,
    target: Annotated[str | None, typer.Option(help="target id")] = None,
    sequence: Annotated[str | None, typer.Option(help="sequence id")] = None,
    limit: LimitOption = 20,
    as_json: JsonOption = False,
) -> None:
    """List enrollments, by target or sequence."""
    run(
        lambda: _tenant(config, tenant).enrollments.list(
            target_id=target, sequence_id=sequence, limit=limit
        ),
        as_json=as_json,
    )


@enrollments.command("enroll")
def enrollments_enroll(
    tenant: TenantOption,
    target: Annotated[str, typer.Option(help="target id")],
    sequence: Annotated[str, typer.Option(help="sequence id")],
    config: ConfigOption = None,
    as_json: JsonOption = False,
) -> None:
    """Put a target in a sequence (enrolling twice returns the existing enrollment)."""
    run(
        lambda: _tenant(config, tenant).enrollments.enroll(target_id=target, sequence_id=sequence),
        as_json=as_json,
    )


def _enrollment_action(name: str, help_text: str) -> None:
    @enrollments.command(name, help=help_text)
    def command(
        enrollment_ids: list[str],
        tenant: TenantOption,
        config: ConfigOption = None,
        as_json: JsonOption = False,
    ) -> None:
        client = _tenant(config, tenant)
        run_batch(enrollment_ids, "enrollments", getattr(client.enrollments, name), as_json)


_enrollment_action("remove", "Take targets out of their sequence (a line per id).")
_enrollment_action("pause", "Pause enrollments where the vendor can (a line per id).")
_enrollment_action("resume", "Resume paused enrollments where the vendor can (a line per id).")


@tasks.command("list")
def tasks_list(
    tenant: TenantOption,
    config: ConfigOption = None,
    target: Annotated[str | None, typer.Option(help="target id")] = None,
    status: Annotated[str | None, typer.Option(help="open, completed, skipped")] = None,
    limit: LimitOption = 20,
    as_json: JsonOption = False,
) -> None:
    """List tasks, by target or status."""
    run(
        lambda: _tenant(config, tenant).tasks.list(
            # typer gives a str; the facade checks it against TaskStatusName at run time
            target_id=target,
            status=cast("TaskStatusName | None", status),
            limit=limit,
        ),
        as_json=as_json,
    )


@tasks.command("complete")
def tasks_complete(
    task_ids: list[str],
    tenant: TenantOption,
    config: ConfigOption = None,
    as_json: JsonOption = False,
) -> None:
    """Complete tasks (a line per id)."""
    run_batch(task_ids, "tasks", _tenant(config, tenant).tasks.complete, as_json)


@tasks.command("snooze")
def tasks_snooze(
    task_id: str,
    tenant: TenantOption,
    until: Annotated[str, typer.Option(help="ISO-8601 date-time with a timezone")],
    config: ConfigOption = None,
    as_json: JsonOption = False,
) -> None:
    """Snooze a task until a date-time."""
    run(lambda: _tenant(config, tenant).tasks.snooze(task_id, until=_when(until)), as_json=as_json)


@activities.command("list")
def activities_list(
    tenant: TenantOption,
    config: ConfigOption = None,
    target: Annotated[str | None, typer.Option(help="target id")] = None,
    since: Annotated[str | None, typer.Option(help="ISO-8601 date-time with a timezone")] = None,
    limit: LimitOption = 20,
    as_json: JsonOption = False,
) -> None:
    """List a target's activities, oldest first."""
    run(
        lambda: _tenant(config, tenant).activities.list(
            target_id=target, since=_when(since) if since else None, limit=limit
        ),
        as_json=as_json,
    )


@activities.command("log-call")
def activities_log_call(
    tenant: TenantOption,
    target: Annotated[str, typer.Option(help="target id")],
    duration: Annotated[int | None, typer.Option(help="seconds")] = None,
    outcome: Annotated[str | None, typer.Option(help="the call's disposition")] = None,
    notes: Annotated[str | None, typer.Option()] = None,
    config: ConfigOption = None,
    as_json: JsonOption = False,
) -> None:
    """Log a call with a target."""
    run(
        lambda: _tenant(config, tenant).activities.log_call(
            target_id=target, duration_seconds=duration, outcome=outcome, notes=notes
        ),
        as_json=as_json,
    )


RESOURCES = {
    "targets": targets,
    "sequences": sequences,
    "enrollments": enrollments,
    "tasks": tasks,
    "activities": activities,
}
