"""The sandbox's ``engage`` commands: ``engage sandbox serve`` and ``engage demo``.

Registered on the core CLI through the ``register_commands`` hook (this module
is the ``sandbox`` plugin of the ``engage`` entry-point group). Server code is
imported only when a command runs, so listing commands stays cheap.
"""

from __future__ import annotations

import contextlib
import threading
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

import engage

console = Console()
err = Console(stderr=True)


def _serve(
    vendor: Annotated[str, typer.Option(help="an installed sandbox (see engage sandbox list)")],
    port: Annotated[int, typer.Option(help="0 picks a free port")] = 0,
    seed: Annotated[int, typer.Option(help="demo data seed")] = 7,
    size: Annotated[float, typer.Option(help="demo data size (1.0 = default)")] = 1.0,
) -> None:
    """Serve one vendor emulator on 127.0.0.1 until interrupted."""
    from . import SandboxNotFoundError, SandboxOptions, SandboxServer, sandbox_for

    try:
        sandbox = sandbox_for(vendor)
    except SandboxNotFoundError as exc:
        err.print(f"error: {escape(str(exc))}")
        raise typer.Exit(2) from None
    server = SandboxServer(sandbox.create_app(SandboxOptions(seed=seed, size=size)), port=port)
    with server:
        console.print(f"{vendor} sandbox on {server.url} (Ctrl-C to stop)")
        with contextlib.suppress(KeyboardInterrupt):
            threading.Event().wait()


def _list() -> None:
    """List the installed sandboxes."""
    from rich.table import Table

    from . import installed_sandboxes

    table = Table("vendor", "emulates", "registered by")
    for vendor, sandbox in installed_sandboxes().items():
        table.add_row(vendor, sandbox.description, sandbox.create_app.__module__)
    console.print(table)


def _demo() -> None:
    """Start every installed sandbox and run the same workflow on each vendor, side by side."""
    from ._demo import run_demo

    try:
        results = run_demo(console)
    except engage.EngageError as exc:
        err.print(f"error: {escape(str(exc))}")
        raise typer.Exit(1) from None
    eng = engage.Engage(tenants={})
    broken = {
        r.vendor: problems
        for r in results
        if (problems := r.problems(eng.adapter_class(r.vendor).capabilities))
    }
    for vendor, problems in broken.items():
        err.print(f"[red]{vendor} broke the contract:[/red] " + escape("; ".join(problems)))
    if broken:
        raise typer.Exit(1)


@engage.hookimpl
def register_commands(cli: typer.Typer) -> None:
    group = typer.Typer(help="Local emulators of the vendor APIs.", no_args_is_help=True)
    group.command("serve")(_serve)
    group.command("list")(_list)
    cli.add_typer(group, name="sandbox")
    cli.command("demo")(_demo)
