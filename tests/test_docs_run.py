"""Every Python and console block of README.md and docs/ runs, as shown, against the emulators.

Conventions (the harness is tests/docs_support):

- ```python blocks run as written, in page order, in one namespace per page.
  Each page runs in a fresh temporary directory holding an ``engage.toml`` whose
  tenants ``acme`` (Salesloft), ``globex`` (Outreach) and ``initech``
  (Salesforce) point at emulators served for that page (docs/connect.md:
  ``acme`` on Outreach with only its OAuth client), with ``ENGAGE_CONFIG`` set
  and the token store a file in that directory; the variables the docs keep
  credentials in (``ACME_SALESLOFT_KEY``, ``OUTREACH_CLIENT_ID``, ...) hold the
  emulators' demo credentials. That is the only hidden setup.
- A ```text title="Output" block right after a Python block is what that
  block prints; ``...`` stands for any text.
- ```console blocks: ``$ engage ...`` lines run the CLI in-process (typer's
  CliRunner) in that directory and must exit 0; the lines under one, up to
  the next ``$``, are its output and must match (``...`` as above).
  ``$ export NAME=value`` sets a variable for the rest of the block; any other
  command fails the page (mark the block skipped, with a reason, instead).
- Python blocks of pymdownx snippet markers (docs/adapters.md) run the code
  they include: it is compiled and its module imported.
- ``<!-- skip: next "reason" -->`` before a block that cannot run offline;
  every skip is listed in SKIPPED below, so adding one is a visible decision.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.docs_support import run_page, variables

ROOT = Path(__file__).resolve().parents[1]

PAGES = sorted(
    path.relative_to(ROOT).as_posix() for path in [ROOT / "README.md", *ROOT.glob("docs/**/*.md")]
)
# page -> the reasons of its skipped blocks, in order.
SKIPPED: dict[str, list[str]] = {
    "README.md": ["make test runs the suite that checks this page, and both build .venv"],
    "docs/index.md": ["make test runs the suite that checks this page, and all three build .venv"],
    "docs/cli.md": ["serves until Ctrl-C"],
    "docs/testing.md": ["records against a real account"],
}


@pytest.mark.parametrize("page", PAGES)
def test_the_page_runs_as_shown(page: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    for name in [n for n in os.environ if n.startswith("ENGAGE_")]:
        monkeypatch.delenv(name)
    for name, value in variables(tmp_path).items():
        monkeypatch.setenv(name, value)
    skipped = run_page(ROOT / page, page, tmp_path)
    assert [reason for _, reason in skipped] == SKIPPED.get(page, [])


# Pages that lie, each in one way; the harness must fail every one of them.
LYING = {
    "a Python block that raises": "```python\nassert 1 + 1 == 3\n```\n",
    "an Output block that is not what was printed": (
        '```python\nprint("two")\n```\n\n```text title="Output"\nthree\n```\n'
    ),
    "an Output block after no Python block": '```text title="Output"\nthree\n```\n',
    "a command whose output differs": "```console\n$ engage adapters\nhubspot\n```\n",
    "a command that fails": "```console\n$ engage tenants --config missing.toml\n```\n",
    "a console block without $": "```console\nengage adapters\n```\n",
    "a command that is not engage": "```console\n$ rm -rf build\n```\n",
    "a skip without a reason": "<!-- skip: next -->\n```python\nraise SystemExit\n```\n",
}
TRUTHFUL = (
    '```python\nprint("two")\n```\n\n```text title="Output"\ntwo\n```\n\n'
    "```console\n$ export ENGAGE_PLUGINS=outreach\n$ engage adapters\n...outreach...\n```\n\n"
    '<!-- skip: next "needs a real account" -->\n```python\nraise SystemExit\n```\n'
)


def _run_text(text: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    page = tmp_path / "page.md"
    page.write_text(text)
    monkeypatch.chdir(tmp_path)
    return [reason for _, reason in run_page(page, "page.md", tmp_path, layout={})]


@pytest.mark.parametrize("text", LYING.values(), ids=LYING.keys())
def test_a_page_that_lies_fails(text: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises((AssertionError, ValueError)):  # SybilFailure is an AssertionError
        _run_text(text, tmp_path, monkeypatch)


def test_a_truthful_page_passes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert _run_text(TRUTHFUL, tmp_path, monkeypatch) == ["needs a real account"]


# Fences the harness does not run: data and pictures, never something to type.
NOT_RUN = {"", "toml", "text"}
RUN = {"python", "console", 'text title="Output"'}


@pytest.mark.parametrize("page", PAGES)
def test_every_block_is_run_or_is_data(page: str) -> None:
    """A ```bash or ```sh block would be shown to readers without ever being run."""
    infos = re.findall(r"^[ \t]*```([^\n`]*)$", (ROOT / page).read_text(), re.M)
    # Fences alternate opening / closing; the openings carry the language.
    for info in infos[0::2]:
        assert info.strip() in RUN | NOT_RUN, f"{page}: a ```{info} block is neither run nor data"
