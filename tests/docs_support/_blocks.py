"""How each kind of fenced block in the docs is run (sybil parsers and evaluators).

- ```python: executed as written; a page's blocks share one namespace, in order.
  A block that only holds pymdownx snippet markers (``--8<-- "path:start:end"``)
  runs the code the marker includes: the lines are read as the site build reads
  them, compiled, and the module they come from is imported.
- ```text title="Output": what the Python block just above printed (doctest's
  ``...`` stands for any text).
- ```console: ``$ command`` lines. ``$ engage ...`` runs the CLI in-process (typer's
  CliRunner) in the page's workspace and must exit 0; the lines under it, up to
  the next ``$``, are its output (``...`` as above). ``$ export NAME=value``
  sets a variable for the rest of the block. Any other command, or a console
  block without a ``$`` line, is an error: nothing is shown unrun.
- ``<!-- skip: next "reason" -->`` before a block: not run, with that reason.
"""

from __future__ import annotations

import contextlib
import doctest
import importlib
import io
import os
import re
import shlex
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sybil import Document, Example, Sybil
from sybil.parsers.markdown import CodeBlockParser, SkipParser

from ._workspace import Layout, serve

ROOT = Path(__file__).resolve().parents[2]
OUTPUT_INFO = 'text title="Output"'
SNIPPET = re.compile(r'^--8<-- "(?P<path>[^":]+)(?::(?P<start>\d*))?(?::(?P<end>\d*))?"$')


@dataclass
class PageState:
    """What the blocks of one page share besides the namespace."""

    page: str
    path: Path  # the page's working directory
    stack: contextlib.ExitStack
    layout: Layout | None = None
    served: bool = False
    last_output: str | None = None
    skipped: list[tuple[int, str]] = field(default_factory=list)

    def serve(self) -> None:
        """Start the page's emulators before its first block that may use them."""
        if not self.served:
            self.stack.enter_context(serve(self.page, self.path, self.layout))
            self.served = True


def _state(example: Example) -> PageState:
    state = getattr(example.document, "engage_docs_state", None)
    if not isinstance(state, PageState):
        raise RuntimeError("run pages through tests.docs_support.run_page")
    return state


def _matches(want: str, got: str) -> bool:
    checker = doctest.OutputChecker()
    return checker.check_output(want.strip() + "\n", got.strip() + "\n", doctest.ELLIPSIS)


def _snippet_source(lines: list[str]) -> str | None:
    """The code a block of snippet markers includes, or None when it is plain code."""
    markers = [SNIPPET.match(line.strip()) for line in lines if line.strip()]
    if not markers or not all(markers):
        return None
    parts = []
    for marker in markers:
        assert marker is not None
        path = ROOT / marker["path"]
        text = path.read_text().splitlines()
        # pymdownx.snippets: 1-based, inclusive, an empty end means "to the end".
        start = int(marker["start"]) if marker["start"] else 1
        end = int(marker["end"]) if marker["end"] else len(text)
        parts.append("\n".join(text[start - 1 : end]))
        _import_module_of(path)
    return "\n".join(parts) + "\n"


def _import_module_of(path: Path) -> None:
    """Import the module a snippet comes from: the shown code is live code."""
    package_dir = path.parent
    names = [] if path.stem == "__init__" else [path.stem]
    while (package_dir / "__init__.py").is_file():
        names.insert(0, package_dir.name)
        package_dir = package_dir.parent
    if str(package_dir) not in sys.path:
        sys.path.insert(0, str(package_dir))
    importlib.import_module(".".join(names))


def evaluate_python(example: Example) -> str | None:
    state = _state(example)
    source = str(example.parsed)
    included = _snippet_source(source.splitlines())
    if included is not None:
        compile(included, f"{example.path} (included at line {example.line})", "exec")
        state.last_output = None
        return None
    state.serve()
    # Pad so that a traceback names the page's own line numbers.
    code = compile("\n" * example.line + source, example.path, "exec", dont_inherit=True)
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(code, example.namespace)
    state.last_output = printed.getvalue()
    return None


def evaluate_output(example: Example) -> str | None:
    state = _state(example)
    got, state.last_output = state.last_output, None
    if got is None:
        return "an Output block must follow the Python block whose output it shows"
    if not _matches(str(example.parsed), got):
        return f"the page shows:\n{example.parsed}\nthe block printed:\n{got}"
    return None


def _commands(source: str) -> list[tuple[str, str]]:
    commands: list[tuple[str, list[str]]] = []
    for line in source.splitlines():
        if line.startswith("$ "):
            commands.append((line[2:], []))
        elif commands:
            commands[-1][1].append(line)
        elif line.strip():
            raise ValueError(f"console output before any $ command: {line!r}")
    return [(command, "\n".join(shown)) for command, shown in commands]


def _export(command: str, env: dict[str, str]) -> bool:
    """Apply ``export NAME=value`` to the block's environment; False if it is not one."""
    words = shlex.split(command, comments=True)
    if not words or words[0] != "export":
        return False
    for word in words[1:]:
        name, _, value = word.partition("=")
        env[name] = os.path.expandvars(value)
    return True


def _run_engage(words: list[str], env: dict[str, str]) -> tuple[int, str]:
    """Run ``engage`` in-process (a subprocess costs seconds of imports per command)."""
    from typer.testing import CliRunner

    from engage.cli import build_cli

    result = CliRunner().invoke(build_cli(), words[1:], env=env, catch_exceptions=True)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.output


def evaluate_console(example: Example) -> str | None:
    state = _state(example)
    try:
        commands = _commands(str(example.parsed))
    except ValueError as exc:
        return str(exc)
    if not commands:
        return "a console block must show `$ command` lines (or be marked skip with a reason)"
    state.serve()
    env: dict[str, str] = {}
    for command, shown in commands:
        if _export(command, env):
            continue
        words = shlex.split(command, comments=True)
        if not words or words[0] != "engage":
            return f"`{command}`: console blocks run `engage` and `export` only (or skip it)"
        code, got = _run_engage(words, env)
        if code != 0:
            return f"`{command}` exited {code}:\n{got}"
        if shown.strip() and not _matches(shown, got):
            return f"`{command}`: the page shows:\n{shown}\nit printed:\n{got}"
    return None


def _sybil() -> Sybil:
    return Sybil(
        parsers=[
            CodeBlockParser("python", evaluate_python),
            CodeBlockParser(OUTPUT_INFO, evaluate_output),
            CodeBlockParser("console", evaluate_console),
            SkipParser(),
        ]
    )


def skip_reasons(text: str) -> list[str]:
    """The reasons of a page's skip markers (each must have one)."""
    return re.findall(r"<!--\s*skip:\s*(?:next|start)\s*(.*?)\s*-->", text)


def run_page(
    path: Path, page: str, workdir: Path, layout: Layout | None = None
) -> list[tuple[int, str]]:
    """Run every block of the page in order, in ``workdir`` (the current directory, with
    :func:`variables` set); answer the (line, reason) of the blocks skipped. ``layout``
    replaces the page's tenants (see ``_workspace``)."""
    from unittest import SkipTest

    for reason in skip_reasons(path.read_text()):
        if not reason.strip('"'):
            raise ValueError(f"{path}: a skip marker without a reason")
    document: Document = _sybil().parse(path)
    with contextlib.ExitStack() as stack:
        state = PageState(page, workdir, stack, layout)
        document.engage_docs_state = state  # type: ignore[attr-defined]
        stack.callback(_close, document.namespace)
        for example in document.examples():
            try:
                example.evaluate()
            except SkipTest as exc:
                state.skipped.append((example.line, str(exc)))
    return state.skipped


def _close(namespace: dict[str, Any]) -> None:
    """Close what a page opened (clients hold connection pools and threads)."""
    from engage import Engage

    for value in namespace.values():
        if isinstance(value, Engage):
            value.close()
