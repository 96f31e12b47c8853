"""Every committed cassette is scanned for credentials."""

from __future__ import annotations

from pathlib import Path

from engage_testing import find_secrets

ROOT = Path(__file__).resolve().parents[1] / "cassettes"


def test_no_cassette_holds_a_secret() -> None:
    leaks = {
        str(path.relative_to(ROOT)): found
        for path in sorted(ROOT.rglob("*.yaml"))
        if (found := find_secrets(path.read_text()))
    }
    assert leaks == {}


def test_scanner_would_catch_a_leak(tmp_path: Path) -> None:
    leaked = tmp_path / "leak.yaml"
    leaked.write_text("headers:\n  Authorization:\n  - Bearer live-token-0123456789abcdef\n")
    assert find_secrets(leaked.read_text())
