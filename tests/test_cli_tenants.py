"""``engage tenants``: explains a missing config, lists good tenants beside bad ones."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.test_cli_kit import app, closed_port, lines, one_error_line, runner, write_config


@pytest.fixture
def no_config(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in list(os.environ):
        if name == "ENGAGE_CONFIG" or name.startswith("ENGAGE_TENANTS"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)


def test_no_config_explains_how_to_make_one(no_config: None) -> None:
    result = runner.invoke(app, ["tenants"])
    assert "Traceback" not in result.output
    assert result.exit_code == 3
    err = lines(result.stderr)
    assert err[0].startswith("error: no tenants configured")
    assert sum(line.startswith("error:") for line in err) == 1
    text = result.stderr
    for needed in ("--config", "ENGAGE_CONFIG", "ENGAGE_TENANTS__", "[tenants.", "sandbox serve"):
        assert needed in text, needed
    assert result.stdout == ""


def test_a_command_with_no_config_says_so(no_config: None) -> None:
    result = runner.invoke(app, ["targets", "list", "-t", "acme"])
    assert result.exit_code == 3
    assert lines(result.stderr)[0].startswith("error: no tenants configured")


def test_an_empty_config_file_is_named(no_config: None, tmp_path: Path) -> None:
    config = tmp_path / "empty.toml"
    config.write_text("# nothing yet\n")
    result = runner.invoke(app, ["tenants", "-c", str(config)])
    assert result.exit_code == 3
    assert str(config) in lines(result.stderr)[0]


def test_one_bad_tenant_does_not_hide_the_others(tmp_path: Path) -> None:
    config = write_config(
        tmp_path / "engage.toml",
        {
            "acme": {"vendor": "outreach", "access_token": "t-1234567890"},
            "broken": {"vendor": "hubspot"},
            "nokey": {"vendor": "salesloft"},
            "zeta": {"vendor": "salesloft", "api_key": "k-1234567890"},
        },
    )
    result = runner.invoke(app, ["tenants", "-c", str(config)], env={"COLUMNS": "200"})
    line = one_error_line(result)
    assert result.exit_code == 3
    assert line.startswith("error: 2 of 4 tenants cannot be used: broken, nokey")
    rows = {row.split("│")[1].strip(): row for row in lines(result.stdout) if "│" in row}
    assert "ok" in rows["acme"] and "ok" in rows["zeta"] and "outreach" in rows["acme"]
    assert "no adapter for vendor 'hubspot'" in rows["broken"]
    assert "set api_key" in rows["nokey"]
    assert "t-1234567890" not in result.output and "k-1234567890" not in result.output

    as_json = runner.invoke(app, ["tenants", "-c", str(config), "--json"])
    assert as_json.exit_code == 3
    found = {t["name"]: t for t in json.loads(as_json.stdout)}
    assert found["acme"]["error"] is None and found["zeta"]["operations"] > 0
    assert "hubspot" in found["broken"]["error"] and found["broken"]["vendor"] == "hubspot"


def test_a_good_tenant_works_beside_a_bad_one(tmp_path: Path) -> None:
    with closed_port() as port:
        good = {"vendor": "outreach", "base_url": f"http://127.0.0.1:{port}", "access_token": "t-1"}
        config = write_config(tmp_path / "engage.toml", {"good": good, "bad": {"vendor": 3}})
        result = runner.invoke(app, ["doctor", "-t", "good", "-c", str(config), "--json"])
    checks = {c["name"]: c for c in json.loads(result.stdout)["checks"]}
    assert checks["configuration"]["ok"] is True
    assert checks["connectivity"]["ok"] is False and result.exit_code == 5
