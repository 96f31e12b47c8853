"""Helpers the CLI tests share: ports that refuse or are taken, config files,
live sandboxes, and the "one clear line" check. No tests here."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

from click.testing import Result
from engage_sandbox import SandboxOptions, SandboxServer, sandbox_for
from typer.testing import CliRunner

from engage.cli import build_cli

runner = CliRunner()
app = build_cli()
VENDORS = ("salesloft", "outreach", "salesforce")


@contextmanager
def closed_port() -> Iterator[int]:
    """A loopback port that refuses connections: bound (nobody else can take it
    while the test runs) but not listening."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield int(sock.getsockname()[1])


@contextmanager
def busy_port() -> Iterator[int]:
    """A loopback port another program is listening on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield int(sock.getsockname()[1])


def stopped_settings(vendor: str, port: int) -> dict[str, Any]:
    """Well-formed settings of a tenant whose server at ``port`` is down (made-up
    credentials: the request never gets an answer)."""
    url = f"http://127.0.0.1:{port}"
    oauth = {"client_id": "cli-test", "client_secret": "cli-test-x", "refresh_token": "cli-test-y"}
    return {
        "salesloft": {"base_url": url, "api_key": "cli-test-key"},
        "outreach": {"base_url": url, **oauth},
        "salesforce": {"instance_url": url, "login_url": url, **oauth},
    }[vendor]


def toml_value(value: Any) -> str:
    # json.dumps writes strings and numbers in forms TOML also reads.
    return json.dumps(value)


def write_config(path: Path, tenants: Mapping[str, Mapping[str, Any]]) -> Path:
    lines = []
    for name, settings in tenants.items():
        lines.append(f"[tenants.{name}]")
        lines += [f"{key} = {toml_value(value)}" for key, value in settings.items()]
        lines.append("")
    path.write_text("\n".join(lines))
    return path


@contextmanager
def sandbox_config(path: Path, vendors: tuple[str, ...] = VENDORS) -> Iterator[Path]:
    """A config file with a tenant named after each vendor, on its running sandbox."""
    with ExitStack() as stack:
        tenants: dict[str, dict[str, Any]] = {}
        for vendor in vendors:
            sandbox = sandbox_for(vendor)
            server = stack.enter_context(SandboxServer(sandbox.create_app(SandboxOptions())))
            tenants[vendor] = {"vendor": vendor, **sandbox.tenant_settings(server.url)}
        yield write_config(path, tenants)


def lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


def one_error_line(result: Result) -> str:
    """The run failed cleanly: no traceback anywhere, exactly one line on stderr
    (starting ``error:``), and a non-zero exit. Answers that line."""
    assert "Traceback" not in result.output, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    assert result.exit_code != 0, result.output
    found = lines(result.stderr)
    assert len(found) == 1, result.stderr
    assert found[0].startswith("error: "), found[0]
    return found[0]
