"""The sandbox's ``engage`` commands: ``engage sandbox serve|list`` and ``engage demo``.

Registered on the core CLI through the ``register_commands`` hook (this module
is the ``sandbox`` plugin of the ``engage`` entry-point group). Server code is
imported only when a command runs, so listing commands stays cheap. Errors
are left to the core CLI, which prints them as one line with an exit code.
"""

from __future__ import annotations

import errno
import io
import json
import re
import signal
import socket
import sys
import threading
from contextlib import ExitStack, suppress
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape

import engage

if TYPE_CHECKING:
    from . import SandboxVendor

JsonOption = Annotated[bool, typer.Option("--json", help="print JSON")]
_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


def _stderr() -> Console:
    return Console(stderr=True, highlight=False, soft_wrap=True)


def _toml_key(key: str) -> str:
    return key if _BARE_KEY.match(key) else json.dumps(key)


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        # A JSON string with non-ASCII kept as is is a TOML basic string.
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        items = (f"{_toml_key(k)} = {_toml_value(v)}" for k, v in value.items() if v is not None)
        return "{ " + ", ".join(items) + " }"
    raise TypeError(f"no TOML form for {type(value).__name__}")


def tenant_block(name: str, vendor: str, settings: dict[str, Any]) -> str:
    """The ``[tenants.<name>]`` table of a config file for a tenant on a sandbox."""
    lines = [f"[tenants.{_toml_key(name)}]", f"vendor = {_toml_value(vendor)}"]
    lines += [f"{_toml_key(k)} = {_toml_value(v)}" for k, v in settings.items() if v is not None]
    return "\n".join(lines) + "\n"


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def wait_for_interrupt() -> None:
    """Block until Ctrl-C or SIGTERM (tests replace this to return at once).

    Both handlers are set here: a process started in the background by a
    non-interactive shell inherits SIGINT *ignored*, and Python then never
    raises KeyboardInterrupt, so the sandbox would outlive its Ctrl-C.
    """
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, _interrupt)
        signal.signal(signal.SIGTERM, _interrupt)
    with suppress(KeyboardInterrupt):
        threading.Event().wait()


def _check_port(vendor: str, port: int) -> None:
    """Fail with one clear line when ``port`` cannot be listened on.

    Tried here, on a socket of our own, before any server of the command starts:
    a busy second port must not leave the first server running.
    """
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError as exc:
            reason = (
                "is in use" if exc.errno == errno.EADDRINUSE else f"cannot be used ({exc.strerror})"
            )
            raise OSError(
                exc.errno,
                f"cannot serve the {vendor} sandbox: 127.0.0.1:{port} {reason};"
                " pick another --port, or --port 0 for free ones",
            ) from None


def _serve(
    vendor: Annotated[
        list[str] | None,
        typer.Option(help="an installed sandbox (repeat for several; default: all of them)"),
    ] = None,
    port: Annotated[
        int,
        typer.Option(
            min=0, max=65535, help="0 picks free ports; with several vendors, the next ones follow"
        ),
    ] = 0,
    seed: Annotated[int, typer.Option(help="demo data seed")] = 7,
    size: Annotated[float, typer.Option(help="demo data size (1.0 = default)")] = 1.0,
    as_json: JsonOption = False,
) -> None:
    """Serve vendor emulators on 127.0.0.1 until interrupted.

    Once they listen, prints a [tenants.sandbox-<vendor>] block per vendor, with
    the emulator's own demo credentials, ready to paste into (or redirect to) a
    config file.
    """
    from . import SandboxNotFoundError, SandboxOptions, SandboxServer, installed_sandboxes

    installed = installed_sandboxes()
    chosen = vendor or list(installed)
    if not chosen:
        raise engage.ConfigurationError(
            "no sandbox is installed: pip install engage-sandbox (or a vendor's sandbox package)"
        )
    sandboxes: dict[str, SandboxVendor] = {}
    for name in chosen:
        if name not in installed:  # an InputError: the core CLI exits 2, as for bad input
            raise engage.InputError(str(SandboxNotFoundError(name, sorted(installed))))
        sandboxes[name] = installed[name]
    if port and port + len(sandboxes) - 1 > 65535:
        raise engage.InputError(f"--port {port} leaves no room for {len(sandboxes)} sandboxes")
    options = SandboxOptions(seed=seed, size=size)
    with ExitStack() as stack:
        tenants: dict[str, dict[str, Any]] = {}
        urls: dict[str, str] = {}
        for offset, (name, sandbox) in enumerate(sandboxes.items()):
            wanted = port + offset if port else 0
            if wanted:
                _check_port(name, wanted)
            server = SandboxServer(sandbox.create_app(options), port=wanted)
            stack.enter_context(server)
            urls[name] = server.url
            tenants[f"sandbox-{name}"] = {"vendor": name, **sandbox.tenant_settings(server.url)}
        err = _stderr()
        for name, url in urls.items():
            err.print(f"{escape(name)} sandbox on {url}")
        if as_json:
            typer.echo(json.dumps({"tenants": tenants}))
        else:
            # The first line names the URLs (scripts read it); all of it is TOML.
            where = ", ".join(f"{name} on {url}" for name, url in urls.items())
            typer.echo(
                f"# engage sandbox: {where}\n"
                "# Paste the tables below into your engage.toml (or save this output as a file\n"
                "# and pass --config). The credentials are the emulators' demo ones, not\n"
                "# secrets; they work only against these sandboxes, while they run.\n"
            )
            for name, data in tenants.items():
                settings = {k: v for k, v in data.items() if k != "vendor"}
                typer.echo(tenant_block(name, data["vendor"], settings))
        sys.stdout.flush()  # a redirected stdout gets the block now, not on exit
        err.print("Ctrl-C to stop")
        wait_for_interrupt()


def _list(as_json: JsonOption = False) -> None:
    """List the installed sandboxes."""
    from rich.table import Table

    from . import installed_sandboxes

    found = installed_sandboxes()
    if as_json:
        typer.echo(
            json.dumps(
                [
                    {
                        "vendor": vendor,
                        "emulates": sandbox.description,
                        "registered_by": sandbox.create_app.__module__,
                    }
                    for vendor, sandbox in found.items()
                ],
                indent=2,
            )
        )
        return
    table = Table("vendor", "emulates", "registered by")
    for vendor, sandbox in found.items():
        table.add_row(vendor, sandbox.description, sandbox.create_app.__module__)
    Console().print(table)


def _demo(as_json: JsonOption = False) -> None:
    """Start every installed sandbox and run the same workflow on each vendor, side by side."""
    from ._demo import run_demo

    # With --json, the progress and the table go nowhere: stdout is for the JSON.
    console = Console(file=io.StringIO()) if as_json else Console()
    results = run_demo(console)
    eng = engage.Engage(tenants={})
    broken = {
        r.vendor: problems
        for r in results
        if (problems := r.problems(eng.adapter_class(r.vendor).capabilities))
    }
    if as_json:
        payload = [
            {
                "vendor": r.vendor,
                "tenant": r.tenant,
                "steps": [
                    {"step": s.step, "outcome": s.outcome, "detail": s.detail} for s in r.steps
                ],
                "problems": broken.get(r.vendor, []),
            }
            for r in results
        ]
        typer.echo(json.dumps(payload, indent=2))
    for vendor, problems in broken.items():
        _stderr().print(f"[red]{vendor} broke the contract:[/red] " + escape("; ".join(problems)))
    if broken:
        raise typer.Exit(1)


@engage.hookimpl
def register_commands(cli: typer.Typer) -> None:
    group = typer.Typer(help="Local emulators of the vendor APIs.", no_args_is_help=True)
    group.command("serve")(_serve)
    group.command("list")(_list)
    cli.add_typer(group, name="sandbox")
    cli.command("demo")(_demo)
