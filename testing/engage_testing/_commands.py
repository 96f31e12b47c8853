"""The test kit's ``engage`` command: ``engage cassettes record``.

Registered on the core CLI through the ``register_commands`` hook (this module
is the ``testing`` plugin of the ``engage`` entry-point group).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

import engage

err = Console(stderr=True)


def _record(
    paths: Annotated[list[str] | None, typer.Argument(help="test paths (default: tests)")] = None,
    live: Annotated[
        list[str] | None,
        typer.Option(help="VENDOR=TENANT: record VENDOR against that real tenant of the config"),
    ] = None,
    config: Annotated[
        Path | None, typer.Option("--config", "-c", help="engage config file (TOML)")
    ] = None,
) -> None:
    """Re-record cassettes by running the tests with --record-mode=rewrite (scrubbed).

    Against the sandboxes by default; with --live, against real accounts whose
    credentials are in the config (personal data is pseudonymised).
    """
    env = dict(os.environ)
    for item in live or []:
        vendor, sep, tenant = item.partition("=")
        if not sep or not vendor or not tenant:
            err.print(f"error: --live takes VENDOR=TENANT, not {item!r}")
            raise typer.Exit(2)
        env[f"ENGAGE_LIVE_TENANT_{vendor.upper()}"] = tenant
    if config is not None:
        env["ENGAGE_CONFIG"] = str(config)
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:xdist", "--record-mode=rewrite"]
    completed = subprocess.run([*command, *(paths or ["tests"])], env=env, check=False)
    raise typer.Exit(completed.returncode)


@engage.hookimpl
def register_commands(cli: typer.Typer) -> None:
    group = typer.Typer(help="Recorded vendor traffic for offline tests.", no_args_is_help=True)
    group.command("record")(_record)
    cli.add_typer(group, name="cassettes")
