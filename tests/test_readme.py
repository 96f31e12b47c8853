"""The README's example runs as written, against the three sandboxes."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest
from engage_sandbox import SandboxOptions, SandboxServer, sandbox_for

from engage import Engage

ROOT = Path(__file__).resolve().parents[1]
TENANTS = {"acme": "salesloft", "globex": "outreach", "initech": "salesforce"}


def _example() -> str:
    readme = (ROOT / "README.md").read_text()
    blocks = re.findall(r"```python\n(.*?)```", readme, re.S)
    assert blocks, "the README has no Python example"
    return blocks[0]


@pytest.fixture
def sandboxed_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """engage.toml for the README's three tenants, pointed at local emulators."""
    with ExitStack() as stack:
        lines = []
        for name, vendor in TENANTS.items():
            sandbox = sandbox_for(vendor)
            server = stack.enter_context(SandboxServer(sandbox.create_app(SandboxOptions())))
            lines += [f"[tenants.{name}]", f'vendor = "{vendor}"']
            lines += [
                f"{k} = {json.dumps(v)}" for k, v in sandbox.tenant_settings(server.url).items()
            ]
        (tmp_path / "engage.toml").write_text("\n".join(lines) + "\n")
        monkeypatch.chdir(tmp_path)
        yield tmp_path / "engage.toml"


def test_readme_example_runs(sandboxed_config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    namespace: dict[str, object] = {}
    try:
        exec(compile(_example(), "README.md", "exec"), namespace)
    finally:
        eng = namespace.get("eng")
        if isinstance(eng, Engage):
            eng.close()
    out = capsys.readouterr().out
    for name, vendor in TENANTS.items():
        assert f"{name} {vendor} " in out
        line = next(line for line in out.splitlines() if line.startswith(f"{name} {vendor} "))
        assert "'call'" in line, line  # the call just logged is among the target's activities
    assert "salesloft does not support enrollments.pause" in out
