"""``engage targets|sequences|enrollments|tasks|activities``: common reads and writes."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any, cast

import typer
from pydantic import BaseModel
from rich.console import Console
from rich.markup import escape
from rich.progress import track
from rich.table import Table

from ._client import Engage, TenantClient
from .errors import EngageError, InputError
from .models import Record, TaskStatusName

console = Console()
err = Console(stderr=True)

TenantOption = Annotated[str, typer.Option("--tenant", "-t", help="the tenant to act for")]
ConfigOption = Annotated[
    Path | None, typer.Option("--config", "-c", help="engage.toml (default: $ENGAGE_CONFIG)")
]
JsonOption = Annotated[bool, typer.Option("--json", help="print JSON instead of a table")]
LimitOption = Annotated[int, typer.Option(help="at most this many records")]

COLUMNS: dict[str, tuple[str, ...]] = {
    "Target": ("id", "email", "first_name", "last_name", "company", "owner_id"),
    "Sequence": ("id", "name", "active", "owner_id", "step_count"),
    "Step": ("id", "position", "day", "kind", "name"),
    "Enrollment": ("id", "target_id", "sequence_id", "state", "current_step_id"),
    "Task": ("id", "origin", "kind", "status", "due_at", "target_id", "subject"),
    "Activity": ("id", "kind", "occurred_at", "target_id", "subject", "outcome"),
}


def fail(exc: EngageError) -> typer.Exit:
    """One clear line on stderr (with the vendor code), and a non-zero exit."""
    code = getattr(exc, "code", None)
    suffix = f" (vendor code {code})" if code else ""
    # The message has a "[vendor tenant=... operation=...]" tail: not rich markup.
    err.print(f"[red]error:[/red] {escape(str(exc))}{suffix}", highlight=False)
    return typer.Exit(1)


def _tenant(config: Path | None, name: str) -> TenantClient:
    return Engage.from_config(config).tenant(name)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat()
    return str(getattr(value, "value", value))


def show(records: Iterable[Record], *, as_json: bool) -> None:
    items = list(records)
    if as_json:
        payload = [item.model_dump(mode="json", exclude={"raw"}) for item in items]
        typer.echo(json.dumps(payload, indent=2))
        return
    if not items:
        console.print("(none)")
        return
    columns = COLUMNS.get(type(items[0]).__name__, ("id",))
    table = Table(*columns)
    for item in items:
        table.add_row(*(_cell(getattr(item, column, None)) for column in columns))
    console.print(table)


def run(action: Callable[[], Any], *, as_json: bool = False) -> None:
    """Run a command body, turning engage errors into one line and exit 1."""
    try:
        result = action()
    except EngageError as exc:
        raise fail(exc) from None
    if result is None:
        return
    if isinstance(result, Record):
        show([result], as_json=as_json)
    elif isinstance(result, BaseModel):
        typer.echo(result.model_dump_json(indent=2))
    else:
        show(result, as_json=as_json)


def _when(text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise InputError(f"{text!r} is not an ISO-8601 date-time") from None
    if value.tzinfo is None:
        raise InputError(f"{text!r} needs a timezone, e.g. {text}Z")
    return value


def _each(ids: Sequence[str], what: str, fn: Callable[[str], Any]) -> list[Any]:
    """Apply ``fn`` to every id with a progress bar when there are several."""
    if len(ids) < 2:
        return [fn(i) for i in ids]
    return [fn(i) for i in track(ids, description=what, console=err, transient=True)]


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
        def act() -> list[Any]:
            client = _tenant(config, tenant)
            return _each(enrollment_ids, name, getattr(client.enrollments, name))

        run(act, as_json=as_json)


_enrollment_action("remove", "Take targets out of their sequence.")
_enrollment_action("pause", "Pause enrollments (where the vendor can).")
_enrollment_action("resume", "Resume paused enrollments (where the vendor can).")


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
    """Complete tasks (a progress bar shows for several)."""

    def act() -> list[Any]:
        client = _tenant(config, tenant)
        return _each(task_ids, "completing", client.tasks.complete)

    run(act, as_json=as_json)


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
