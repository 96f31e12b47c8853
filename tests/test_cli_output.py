"""What the CLI prints: --version, --json everywhere (with ids), tables that keep ids whole."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any

import pydantic
import pytest
import typer

from engage import Engage, Target, Task, VendorRef
from engage import _cli_config as cli_config
from engage._cli_output import COLUMNS
from tests.test_cli_kit import app, lines, runner, sandbox_config, write_config

# Commands other distributions own and that print no records (reported, not fixed here).
NO_JSON = {("cassettes", "record"): "testing/engage_testing/_commands.py: runs pytest"}


def leaf_commands(group: Any, path: tuple[str, ...] = ()) -> dict[tuple[str, ...], Any]:
    commands = getattr(group, "commands", None)  # a group (typer's own click has no click.Group)
    if isinstance(commands, dict):
        found: dict[tuple[str, ...], Any] = {}
        for name, command in commands.items():
            found |= leaf_commands(command, (*path, name))
        return found
    return {path: group}


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout == f"engage {version('engage-core')}\n"


def test_every_command_takes_json() -> None:
    commands = leaf_commands(typer.main.get_command(app))
    assert ("doctor",) in commands and ("sandbox", "serve") in commands
    missing = [
        " ".join(path)
        for path, command in commands.items()
        if path not in NO_JSON and not any("--json" in p.opts for p in command.params)
    ]
    assert missing == []


def test_model_dump_has_id_and_vendor_and_round_trips() -> None:
    ref = VendorRef(vendor="salesforce", object_type="Lead", id="00Q5e000000000GEAQ")
    target = Target(ref=ref, email="ada@example.com")
    task = Task(
        ref=VendorRef(vendor="salesforce", object_type="Task", id="00T5e000000006aEAA"),
        due_at=datetime(2024, 5, 1, tzinfo=UTC),
        target=target,
    )
    dumped = task.model_dump()
    assert dumped["id"] == "00T5e000000006aEAA" and dumped["vendor"] == "salesforce"
    assert dumped["target"]["id"] == "00Q5e000000000GEAQ"
    assert Task.model_validate(dumped) == task
    assert Task.model_validate_json(task.model_dump_json()) == task
    assert json.loads(task.model_dump_json())["id"] == "00T5e000000006aEAA"
    assert Target.model_validate(target.model_dump(mode="json")) == target


@pytest.mark.parametrize(
    "wrong", [{"id": "00Q-other"}, {"vendor": "outreach"}, {"id": 5}], ids=["id", "vendor", "type"]
)
def test_an_id_that_disagrees_with_ref_is_refused(wrong: dict[str, object]) -> None:
    ref = VendorRef(vendor="salesforce", object_type="Lead", id="00Q5e000000000GEAQ")
    dumped = {**Target(ref=ref).model_dump(), **wrong}
    with pytest.raises(pydantic.ValidationError, match="ref"):
        Target.model_validate(dumped)


def test_records_json_carries_id_and_vendor(
    monkeypatch: pytest.MonkeyPatch, toy_engage: Engage
) -> None:
    monkeypatch.setattr(cli_config, "open_engage", lambda config, retries=0: toy_engage)
    result = runner.invoke(app, ["targets", "get", "7", "--tenant", "acme", "--json"])
    assert result.exit_code == 0, result.output
    [record] = json.loads(result.stdout)
    assert record["id"] == "7" and record["vendor"] == "toy" and "raw" not in record


def test_ids_are_whole_in_an_80_column_table(tmp_path: Path) -> None:
    type_of = {"tasks": "Task", "enrollments": "Enrollment"}
    with sandbox_config(tmp_path / "engage.toml", ("salesforce", "salesloft")) as config:
        for tenant, command in [
            ("salesforce", ["tasks", "list"]),
            ("salesforce", ["enrollments", "list"]),
            ("salesloft", ["tasks", "list", "--status", "completed"]),
        ]:
            args = [*command, "-t", tenant, "-c", str(config), "--limit", "8"]
            table = runner.invoke(app, args, env={"COLUMNS": "80"})
            as_json = runner.invoke(app, [*args, "--json"])
            assert table.exit_code == 0 == as_json.exit_code, table.output
            records = json.loads(as_json.stdout)
            assert records
            for line in lines(table.stdout):
                assert len(line) <= 80, line
            header = next(line for line in lines(table.stdout) if "┃" in line)
            shown = [c.strip() for c in header.split("┃") if c.strip()]
            ids = [c for c in shown if c == "id" or c.endswith("_id")]
            assert "id" in ids and len(ids) >= 2, header
            hidden = [c for c in COLUMNS[type_of[command[0]]] if c not in shown]
            if hidden:
                assert f"not shown at this width: {', '.join(hidden)}" in table.stdout
            for record in records:
                for key in ids:
                    if record[key]:
                        assert record[key] in table.stdout, (key, record[key], table.stdout)


def test_json_of_adapters_capabilities_tenants_and_doctor(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, toy_engage: Engage
) -> None:
    adapters = json.loads(runner.invoke(app, ["adapters", "--json"]).stdout)
    by_vendor = {a["vendor"]: a for a in adapters}
    assert set(by_vendor) >= {"salesloft", "outreach", "salesforce"}
    assert by_vendor["salesloft"]["operations"] == len(by_vendor["salesloft"]["capabilities"])
    assert "targets.list" in by_vendor["salesloft"]["capabilities"]

    matrix = json.loads(runner.invoke(app, ["capabilities", "--json"]).stdout)
    assert matrix["enrollments.pause"]["salesloft"] is False
    assert matrix["enrollments.pause"]["outreach"] is True

    config = write_config(
        tmp_path / "engage.toml", {"acme": {"vendor": "outreach", "access_token": "t-1234567890"}}
    )
    tenants = runner.invoke(app, ["tenants", "-c", str(config), "--json"])
    assert tenants.exit_code == 0, tenants.output
    [acme] = json.loads(tenants.stdout)
    assert acme["name"] == "acme" and acme["vendor"] == "outreach" and acme["error"] is None
    assert "t-1234567890" not in tenants.output

    monkeypatch.setattr(cli_config, "open_engage", lambda config, retries=0: toy_engage)
    doctor = runner.invoke(app, ["doctor", "-t", "acme", "--json"])
    assert doctor.exit_code == 0, doctor.output
    report = json.loads(doctor.stdout)
    assert report["tenant"] == "acme" and report["ok"] is True
    assert report["checks"][0]["name"] == "configuration"
