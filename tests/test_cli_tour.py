"""A scripted tour of every ``engage`` command, as a new user would meet them.

Each command of the app (core and plugins, listed from the app itself) runs
with bad input, with a bad config, against a stopped server (a loopback port
that refuses connections) and, for ``sandbox serve``, on a busy port. Every
run must end with no traceback, exactly one ``error:`` line on stderr and the
exit code of its error family; against a stopped server, in well under a
second. A command added to the app without an entry below fails
``test_the_tour_covers_every_command``.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import typer

from tests.test_cli_kit import (
    app,
    busy_port,
    closed_port,
    one_error_line,
    runner,
    stopped_settings,
    write_config,
)
from tests.test_cli_output import leaf_commands

USAGE, CONFIG, FAILED, UNAVAILABLE = 2, 3, 1, 5


@dataclass(frozen=True)
class Run:
    """How to run one command in one situation, and the exit code it must end with."""

    args: tuple[str, ...]
    code: int
    tenant: str | None = "sl"  # None: the command takes no --tenant
    config: bool = True  # whether the command takes --config
    tenant_argument: bool = False  # the tenant is an argument, not --tenant


def tenant_command(
    bad: tuple[str, ...], good: tuple[str, ...], tenant: str = "sl"
) -> dict[str, Run]:
    """A command on one tenant: bad input fails before any request (exit 2); with a
    stopped server the request fails (exit 5); a bad tenant or file is exit 3."""
    return {
        "bad input": Run(bad, USAGE, tenant),
        "bad tenant": Run(good, CONFIG, "broken"),
        "bad file": Run(good, CONFIG, tenant),
        "stopped server": Run(good, UNAVAILABLE, tenant),
    }


# Takes no input and reads no config: a broken $ENGAGE_CONFIG leaves it alone.
UNCONCERNED = {"bad file": Run((), 0, None, config=False)}

TOUR: dict[tuple[str, ...], dict[str, Run]] = {
    ("doctor",): {
        "bad input": Run((), CONFIG, "nobody"),
        "bad tenant": Run((), CONFIG, "broken"),
        "bad file": Run((), CONFIG),
        "stopped server": Run((), UNAVAILABLE),
    },
    ("adapters",): UNCONCERNED,
    ("tenants",): {
        "bad tenant": Run((), CONFIG, None),
        "bad file": Run((), CONFIG, None),
    },
    ("capabilities",): UNCONCERNED,
    ("targets", "list"): tenant_command(("--limit", "0"), ()),
    ("targets", "get"): tenant_command(("abc",), ("1001",)),
    ("targets", "find"): tenant_command(("not-an-email",), ("ada@example.com",)),
    ("sequences", "list"): tenant_command(("--limit", "0"), ()),
    ("sequences", "steps"): tenant_command(("abc",), ("1",)),
    ("enrollments", "list"): tenant_command(("--target", "abc"), ("--target", "1001")),
    ("enrollments", "enroll"): tenant_command(
        ("--target", "abc", "--sequence", "1"), ("--target", "1001", "--sequence", "1")
    ),
    ("enrollments", "remove"): tenant_command(("abc",), ("5001", "5002")),
    ("enrollments", "pause"): tenant_command(("abc",), ("1", "2"), "or"),
    ("enrollments", "resume"): tenant_command(("abc",), ("1",), "or"),
    ("tasks", "list"): tenant_command(("--status", "bogus"), ()),
    ("tasks", "complete"): tenant_command(("abc", "9000016"), ("9000016", "9000021")),
    ("tasks", "snooze"): tenant_command(
        ("9000016", "--until", "tomorrow"), ("9000016", "--until", "2030-01-01T09:00:00Z")
    ),
    ("activities", "list"): tenant_command(("--since", "yesterday"), ("--target", "1001")),
    ("activities", "log-call"): tenant_command(
        ("--target", "1001", "--duration", "-5"), ("--target", "1001")
    ),
    ("sandbox", "serve"): {
        "bad input": Run(("--vendor", "hubspot"), USAGE, None, config=False),
        "busy port": Run(("--vendor", "salesloft", "--port", "{busy}"), UNAVAILABLE, None, False),
    },
    ("sandbox", "list"): UNCONCERNED,
    ("cassettes", "record"): {
        "bad input": Run(("--live", "salesloft"), USAGE, None, config=False),
    },
    ("cassettes", "verify"): {
        "bad input": Run((), CONFIG, "nobody", tenant_argument=True),
        "bad tenant": Run((), CONFIG, "broken", tenant_argument=True),
        "bad file": Run((), CONFIG, "sl", tenant_argument=True),
        "stopped server": Run((), UNAVAILABLE, "sl", tenant_argument=True),
    },
}
# Commands the tour does not run, and where they are tested instead.
ELSEWHERE = {
    ("demo",): "takes no input or config and starts its own sandboxes: "
    "tests/test_cli.py::test_demo_runs_the_contract_on_the_three_sandboxes",
}
SITUATIONS = ("bad input", "bad tenant", "bad file", "stopped server", "busy port")


@dataclass(frozen=True)
class Setting:
    good: Path  # tenants "sl" (Salesloft) and "or" (Outreach) on a stopped server, "broken"
    bad_file: Path  # not TOML
    busy: int


@pytest.fixture(scope="module")
def setting(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Setting]:
    root = tmp_path_factory.mktemp("tour")
    with closed_port() as port, busy_port() as busy:
        good = write_config(
            root / "engage.toml",
            {
                "sl": {"vendor": "salesloft", **stopped_settings("salesloft", port)},
                "or": {"vendor": "outreach", **stopped_settings("outreach", port)},
                "broken": {"vendor": "hubspot"},
            },
        )
        bad_file = root / "broken.toml"
        bad_file.write_text("[tenants.sl\nvendor = 'salesloft'\n")
        yield Setting(good, bad_file, busy)


def test_the_tour_covers_every_command() -> None:
    commands = set(leaf_commands(typer.main.get_command(app)))
    assert commands == set(TOUR) | set(ELSEWHERE)


def _invocation(path: tuple[str, ...], situation: str, run: Run, setting: Setting) -> list[str]:
    args = [*path, *(a.format(busy=setting.busy) for a in run.args)]
    if run.tenant is not None:
        args += [run.tenant] if run.tenant_argument else ["--tenant", run.tenant]
    if run.config:
        args += ["--config", str(setting.bad_file if situation == "bad file" else setting.good)]
    return args


CASES = [
    pytest.param(
        path,
        situation,
        id=f"{' '.join(path)}: {situation}",
    )
    for path, runs in TOUR.items()
    for situation in SITUATIONS
    if situation in runs
]


@pytest.mark.parametrize(("path", "situation"), CASES)
def test_tour(path: tuple[str, ...], situation: str, setting: Setting) -> None:
    run = TOUR[path][situation]
    args = _invocation(path, situation, run, setting)
    env = {"COLUMNS": "80"}
    if situation == "bad file" and not run.config:
        env["ENGAGE_CONFIG"] = str(setting.bad_file)
    takes_json = any(
        p.opts == ["--json"] for p in leaf_commands(typer.main.get_command(app))[path].params
    )
    for extra in ([], ["--json"]) if takes_json else ([],):
        started = time.monotonic()
        result = runner.invoke(app, [*args, *extra], env=env)
        elapsed = time.monotonic() - started
        if run.code == 0:
            assert "Traceback" not in result.output
            assert (result.exit_code, result.stderr) == (0, ""), result.output
            continue
        line = one_error_line(result)
        assert result.exit_code == run.code, (args, result.output)
        assert len(line) < 400, line
        if situation == "stopped server":
            assert elapsed < 1.0, f"{' '.join(args)}: {elapsed:.2f} s"
