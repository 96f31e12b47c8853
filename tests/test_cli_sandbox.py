"""``engage sandbox serve``: a config block to paste, and clean failures."""

from __future__ import annotations

import json
import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from engage_sandbox import _commands as sandbox_commands

from engage import Engage, MemoryTokenStore
from engage.config import EngageSettings
from tests.test_cli_kit import VENDORS, app, busy_port, lines, one_error_line, runner


@pytest.fixture
def no_wait(monkeypatch: pytest.MonkeyPatch) -> None:
    """``serve`` returns once it has printed, instead of waiting for Ctrl-C."""
    monkeypatch.setattr(sandbox_commands, "wait_for_interrupt", lambda: None)


@pytest.mark.parametrize("vendor", VENDORS)
def test_serve_prints_a_block_the_config_loader_reads(
    no_wait: None, tmp_path: Path, vendor: str
) -> None:
    result = runner.invoke(app, ["sandbox", "serve", "--vendor", vendor])
    assert result.exit_code == 0, result.output
    config = tmp_path / "engage.toml"
    config.write_text(result.stdout)
    tenants = EngageSettings.load(config).tenants
    assert list(tenants) == [f"sandbox-{vendor}"]
    assert tenants[f"sandbox-{vendor}"]["vendor"] == vendor
    url = next(v for k, v in tenants[f"sandbox-{vendor}"].items() if k.endswith("_url"))
    assert f"{vendor} sandbox on {url}" in result.stderr
    # The first line names the URL (tests/test_distributions.py reads it from there).
    assert result.stdout.splitlines()[0] == f"# engage sandbox: {vendor} on {url}"
    # Every setting the adapter needs is there: the tenant builds without an error.
    Engage.from_config(config, token_store=MemoryTokenStore()).tenant(f"sandbox-{vendor}")


def test_serve_as_json(no_wait: None) -> None:
    result = runner.invoke(app, ["sandbox", "serve", "--vendor", "salesloft", "--json"])
    assert result.exit_code == 0, result.output
    found = json.loads(result.stdout)
    assert found["tenants"]["sandbox-salesloft"]["vendor"] == "salesloft"


def _read_lines(stream: queue.Queue[str], until: float, blocks: int) -> str:
    """Read stdout lines until ``blocks`` tenant tables, each closed by a blank line."""
    text, seen = [], 0
    while seen < blocks or (text and text[-1].strip()):
        line = stream.get(timeout=max(0.1, until - time.monotonic()))
        text.append(line)
        seen += line.startswith("[tenants.")
    return "".join(text)


def _ignore_sigint() -> None:
    # What a non-interactive shell does to a command it starts in the background
    # (`cmd &`): the sandbox must still stop on Ctrl-C.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def test_the_printed_block_reaches_the_running_sandboxes(tmp_path: Path) -> None:
    engage_cli = Path(sys.executable).with_name("engage")
    process = subprocess.Popen(
        [str(engage_cli), "sandbox", "serve"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "COLUMNS": "200"},
        preexec_fn=_ignore_sigint,
    )
    out: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [out.put(line) for line in process.stdout or ()]).start()
    try:
        text = _read_lines(out, time.monotonic() + 60, len(VENDORS))
        config = tmp_path / "engage.toml"
        config.write_text(text)
        with Engage.from_config(config, token_store=MemoryTokenStore()) as eng:
            for vendor in VENDORS:
                assert eng.tenant(f"sandbox-{vendor}").targets.list(limit=1).to_list()
    finally:
        process.send_signal(signal.SIGINT)
        # A liveness bound for a loaded machine: each server stops within a few seconds.
        _, err = process.communicate(timeout=90)
    assert process.returncode == 0, err
    assert "Traceback" not in err


def test_a_busy_port_is_one_line() -> None:
    with busy_port() as port:
        result = runner.invoke(
            app, ["sandbox", "serve", "--vendor", "outreach", "--port", str(port)]
        )
    line = one_error_line(result)
    assert result.exit_code == 5
    assert f"127.0.0.1:{port}" in line and "--port" in line
    assert result.stdout == ""


@contextmanager
def free_then_busy() -> Iterator[int]:
    """A free port whose next port is busy."""
    for _ in range(50):
        with busy_port() as port, socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port - 1))
            except OSError:
                continue
            probe.close()
            yield port - 1
            return
    raise AssertionError("found no free port below a busy one")


def test_a_busy_second_port_stops_the_first_server() -> None:
    with free_then_busy() as first:
        args = ["sandbox", "serve", "--vendor", "salesloft", "--vendor", "outreach"]
        result = runner.invoke(app, [*args, "--port", str(first)])
        line = one_error_line(result)
        assert f"127.0.0.1:{first + 1}" in line and result.exit_code == 5
        with socket.socket() as probe:  # the salesloft sandbox let its port go
            probe.bind(("127.0.0.1", first))


def test_an_unknown_vendor_is_one_line() -> None:
    result = runner.invoke(app, ["sandbox", "serve", "--vendor", "hubspot"])
    assert result.exit_code == 2 and "no sandbox for 'hubspot'" in one_error_line(result)


def test_sandbox_list_as_json() -> None:
    result = runner.invoke(app, ["sandbox", "list", "--json"])
    assert {s["vendor"] for s in json.loads(result.stdout)} >= set(VENDORS)
    assert lines(result.stderr) == []
