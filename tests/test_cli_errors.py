"""The CLI's top-level error handling: one line, an exit code per family, --debug."""

from __future__ import annotations

import json
import time
from pathlib import Path

import httpx
import pytest

from engage import Engage, TenantClient, errors
from engage import _cli_config as cli_config
from tests.support import toyvendor
from tests.test_cli_kit import (
    VENDORS,
    app,
    closed_port,
    lines,
    one_error_line,
    runner,
    sandbox_config,
    stopped_settings,
    write_config,
)


@pytest.mark.parametrize("vendor", VENDORS)
def test_a_stopped_server_fails_fast_in_one_line(tmp_path: Path, vendor: str) -> None:
    with closed_port() as port:
        config = write_config(
            tmp_path / "engage.toml", {"acme": {"vendor": vendor, **stopped_settings(vendor, port)}}
        )
        started = time.monotonic()
        result = runner.invoke(app, ["targets", "list", "-t", "acme", "-c", str(config)])
        elapsed = time.monotonic() - started
    line = one_error_line(result)
    assert result.exit_code == 5, result.output
    assert "ConnectError" in line and "tenant=acme" in line
    assert elapsed < 1.0, f"{elapsed:.2f} s: retried a refused connection"


def test_debug_shows_the_traceback(tmp_path: Path) -> None:
    with closed_port() as port:
        config = write_config(
            tmp_path / "engage.toml",
            {"acme": {"vendor": "salesloft", **stopped_settings("salesloft", port)}},
        )
        quiet = runner.invoke(app, ["targets", "list", "-t", "acme", "-c", str(config)])
        loud = runner.invoke(app, ["--debug", "targets", "list", "-t", "acme", "-c", str(config)])
    assert "Traceback" not in quiet.output
    assert "Traceback" in loud.stderr and "httpx.ConnectError" in loud.stderr
    assert loud.exit_code == quiet.exit_code == 5
    assert lines(loud.stderr)[-1] == lines(quiet.stderr)[0]


def test_retries_are_off_unless_asked_for(tmp_path: Path) -> None:
    config = write_config(
        tmp_path / "engage.toml",
        {"acme": {"vendor": "salesloft", **stopped_settings("salesloft", 9), "transport": {}}},
    )
    assert cli_config.open_engage(config).tenant("acme").config.transport.max_attempts == 1
    asked = cli_config.open_engage(config, retries=3).tenant("acme")
    assert asked.config.transport.max_attempts == 4


def test_wrong_credentials_are_one_line(tmp_path: Path) -> None:
    with sandbox_config(tmp_path / "engage.toml", ("salesloft",)) as config:
        text = config.read_text().replace("sandbox-salesloft-admin-api-key", "wrong-key-12345")
        config.write_text(text)
        result = runner.invoke(app, ["sequences", "list", "-t", "salesloft", "-c", str(config)])
    line = one_error_line(result)
    assert result.exit_code == 4 and "status=401" in line
    assert "wrong-key-12345" not in result.output


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (errors.ConfigurationError("x"), 3),
        (errors.TenantNotFoundError("a", []), 3),
        (errors.PluginError("x"), 3),
        (errors.InputError("x"), 2),
        (errors.UnsupportedOperationError("toy", "enrollments.pause"), 1),
        (errors.NotFoundError("x", vendor="toy"), 1),
        (errors.ValidationError("x", vendor="toy"), 1),
        (errors.AuthError("x", vendor="toy"), 4),
        (errors.PermissionDeniedError("x", vendor="toy"), 4),
        (errors.UnavailableError("x", vendor="toy"), 5),
        (httpx.ConnectError("refused"), 5),
        (OSError(98, "Address already in use"), 5),
        (errors.RateLimitError("x", vendor="toy"), 6),
        (errors.QuotaExhaustedError("x", vendor="toy"), 6),
        (RuntimeError("a bug"), 70),
    ],
)
def test_exit_codes_by_error_family(error: BaseException, code: int) -> None:
    from engage._cli_errors import exit_code_for

    assert exit_code_for(error) == code


def test_an_auth_error_caused_by_a_dead_connection_counts_as_unavailable() -> None:
    from engage._cli_errors import exit_code_for

    error = errors.AuthError("token refresh got no answer (ConnectError)", vendor="outreach")
    error.__cause__ = errors.UnavailableError("ConnectError talking to outreach", vendor="outreach")
    assert exit_code_for(error) == 5
    # As the OAuth refresh raises it today: no status, retryable, no chained cause.
    lost = errors.AuthError(
        "token refresh got no answer (ConnectError)", vendor="outreach", retryable=True
    )
    assert exit_code_for(lost) == 5
    refused = errors.AuthError("token refresh refused (invalid_client)", vendor="x", status=401)
    assert exit_code_for(refused) == 4


def test_config_errors_do_not_repeat_their_prefix(tmp_path: Path) -> None:
    config = write_config(tmp_path / "engage.toml", {"acme": {"vendor": "salesloft"}})
    result = runner.invoke(app, ["targets", "list", "-t", "acme", "-c", str(config)])
    line = one_error_line(result)
    assert result.exit_code == 3
    assert line.count("tenant 'acme'") == 1, line
    assert "set api_key" in line


def test_a_bug_is_one_line_that_points_to_debug(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    def broken(config: Path | None, retries: int = 0) -> Engage:
        raise RuntimeError("something unexpected")

    monkeypatch.setattr(cli_config, "open_engage", broken)
    result = runner.invoke(app, ["targets", "list", "-t", "acme"])
    line = one_error_line(result)
    assert result.exit_code == 70
    assert "RuntimeError: something unexpected" in line and "--debug" in line


@pytest.fixture
def toy_cli(monkeypatch: pytest.MonkeyPatch, toy_engage: Engage) -> Engage:
    monkeypatch.setattr(cli_config, "open_engage", lambda config, retries=0: toy_engage)
    return toy_engage


def test_a_batch_reports_every_id(toy_cli: Engage) -> None:
    result = runner.invoke(app, ["tasks", "complete", "1", "999", "2", "-t", "acme"])
    assert "Traceback" not in result.output
    assert result.exit_code == 1, result.output
    out = lines(result.stdout)
    assert len(out) == 3, result.stdout
    assert out[0].split()[:2] == ["ok", "1"] and out[2].split()[:2] == ["ok", "2"]
    assert out[1].split()[:2] == ["failed", "999"] and "no such task" in out[1]
    summary = lines(result.stderr)
    assert len(summary) == 1
    assert summary[0].startswith("error: 1 of 3 tasks failed: 999; first error: no such task")


def test_a_batch_reports_every_id_as_json(toy_cli: Engage) -> None:
    result = runner.invoke(app, ["tasks", "complete", "1", "999", "--json", "-t", "acme"])
    assert result.exit_code == 1
    items = json.loads(result.stdout)
    assert [(i["id"], i["ok"]) for i in items] == [("1", True), ("999", False)]
    assert items[0]["record"]["status"] == "completed" and items[0]["record"]["id"] == "1"
    assert "no such task" in items[1]["error"] and items[1]["exit_code"] == 1


def test_a_batch_stops_calling_a_server_that_is_down(tmp_path: Path) -> None:
    with closed_port() as port:
        config = write_config(
            tmp_path / "engage.toml",
            {"acme": {"vendor": "salesloft", **stopped_settings("salesloft", port)}},
        )
        result = runner.invoke(
            app, ["enrollments", "remove", "5001", "5002", "5003", "-t", "acme", "-c", str(config)]
        )
    assert "Traceback" not in result.output
    assert result.exit_code == 5
    out = lines(result.stdout)
    assert [line.split()[:2] for line in out] == [
        ["failed", "5001"],
        ["skipped", "5002"],
        ["skipped", "5003"],
    ]
    assert "ConnectError" in out[0] and "not attempted" in out[1]
    summary = one_error_line(result)
    assert summary.startswith(
        "error: 1 of 3 enrollments failed: 5001; 2 not attempted: 5002, 5003; first error: "
        "ConnectError talking to salesloft"
    ), summary


def test_unsupported_and_bad_input_in_a_batch(toy_cli: Engage) -> None:
    paused = runner.invoke(app, ["enrollments", "pause", "1", "2", "-t", "acme"])
    assert paused.exit_code == 1
    assert "does not support enrollments.pause" in one_error_line(paused)
    assert [line.split()[:2] for line in lines(paused.stdout)] == [
        ["failed", "1"],
        ["skipped", "2"],
    ]
    bad_time = runner.invoke(app, ["tasks", "snooze", "1", "-t", "acme", "--until", "tomorrow"])
    assert bad_time.exit_code == 2 and "ISO-8601" in one_error_line(bad_time)


def test_toy_tenant_client_is_reused(toy_cli: Engage) -> None:
    # The seam the CLI tests patch is the one every command opens tenants through.
    assert isinstance(cli_config.open_tenant(None, "acme"), TenantClient)
    assert toyvendor.API_KEY not in repr(cli_config.open_tenant(None, "acme"))


def test_a_command_left_out_by_engage_plugins_says_how_to_get_it() -> None:
    """The install hint keeps its extras ("[sandbox]" is not rich markup) and names
    ENGAGE_PLUGINS, which hides an installed plugin's commands too."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "ENGAGE_PLUGINS": "salesloft"}
    done = subprocess.run(
        [sys.executable, "-m", "engage", "sandbox", "serve"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2, done.stderr
    assert 'pip install "engage-core[sandbox]"' in done.stderr
    assert "ENGAGE_PLUGINS='salesloft'" in done.stderr
    assert "Traceback" not in done.stderr
