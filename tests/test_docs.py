"""The docs build cleanly, and the adapter guide teaches only the public API."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GUIDE = ROOT / "docs" / "adapters.md"


def test_the_docs_build_strictly(tmp_path: Path) -> None:
    # --strict turns a broken link, nav entry or snippet path into a failure.
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(tmp_path / "site")],
        cwd=ROOT,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr


def test_the_adapter_guide_shows_the_tested_toy_vendor() -> None:
    """Its code is included from the toy distribution that test_distributions installs."""
    text = GUIDE.read_text()
    included = re.findall(r'--8<-- "([^":]+)', text)
    assert {Path(p).parent.name for p in included} >= {"engage_toy", "engage_toy_sandbox"}
    for path in included:
        assert path.startswith("tests/support/toy/"), path
        assert (ROOT / path).is_file(), path


def test_the_adapter_guide_never_sends_authors_to_private_modules() -> None:
    code = "\n".join(re.findall(r"```\w*\n(.*?)```", GUIDE.read_text(), re.S))
    assert not re.search(r"\bengage\._", code)
    prose = re.sub(r"```.*?```", "", GUIDE.read_text(), flags=re.S)
    for mention in re.findall(r"`(engage\._[\w.*]*)`", prose):
        assert mention == "engage._*", f"docs/adapters.md points authors at {mention}"
