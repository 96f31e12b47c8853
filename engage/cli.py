"""The ``engage`` command."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import threading
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from ._cli_resources import RESOURCES, ConfigOption, console, err, fail
from ._client import Engage
from ._matrix import capability_markdown, capability_rows
from .errors import EngageError

app = typer.Typer(
    help="One vendor-neutral API over sales-engagement platforms.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
sandbox_app = typer.Typer(help="Local emulators of the vendor APIs.", no_args_is_help=True)
app.add_typer(sandbox_app, name="sandbox")
cassettes_app = typer.Typer(help="Recorded vendor traffic for offline tests.", no_args_is_help=True)
app.add_typer(cassettes_app, name="cassettes")

for _name, _group in RESOURCES.items():
    app.add_typer(_group, name=_name)


@app.command()
def demo() -> None:
    """Start the three sandboxes and run the same workflow on each vendor, side by side."""
    from ._demo import run_demo

    try:
        results = run_demo(console)
    except EngageError as exc:
        raise fail(exc) from None
    eng = Engage()
    broken = {
        r.vendor: problems
        for r in results
        if (problems := r.problems(eng.adapter_class(r.vendor).capabilities))
    }
    for vendor, problems in broken.items():
        err.print(f"[red]{vendor} broke the contract:[/red] " + escape("; ".join(problems)))
    if broken:
        raise typer.Exit(1)


@app.command()
def doctor(
    tenant: Annotated[str, typer.Option("--tenant", "-t", help="the tenant to check")],
    config: ConfigOption = None,
) -> None:
    """Check a tenant's config, credentials, connectivity and rate-limit headroom."""
    from ._doctor import diagnose

    checks = diagnose(config, tenant)
    table = Table("check", "", "detail")
    for check in checks:
        table.add_row(
            check.name, "[green]ok[/green]" if check.ok else "[red]failed[/red]", check.detail
        )
    console.print(table)
    if not all(check.ok for check in checks):
        raise typer.Exit(1)


@app.command()
def adapters() -> None:
    """List the installed adapters and how many operations each supports."""
    try:
        eng = Engage()
    except EngageError as exc:
        raise fail(exc) from None
    table = Table("vendor", "adapter", "operations")
    for vendor in eng.vendors:
        cls = eng.adapter_class(vendor)
        table.add_row(vendor, f"{cls.__module__}.{cls.__qualname__}", str(len(cls.capabilities)))
    console.print(table)


@app.command()
def tenants(config: ConfigOption = None) -> None:
    """List the configured tenants with their vendor and capability summary."""
    try:
        eng = Engage.from_config(config)
        table = Table("tenant", "vendor", "operations")
        for name in eng.tenant_names():
            tenant = eng.tenant(name)
            table.add_row(name, tenant.vendor, str(len(tenant.capabilities)))
    except EngageError as exc:
        raise fail(exc) from None
    console.print(table)


@app.command()
def capabilities(
    markdown: Annotated[bool, typer.Option(help="print the docs page")] = False,
) -> None:
    """The capability matrix of the installed adapters."""
    eng = Engage()
    found = {vendor: eng.adapter_class(vendor) for vendor in eng.vendors}
    if markdown:
        typer.echo(capability_markdown(found), nl=False)
        return
    table = Table("operation", *sorted(found))
    for row in capability_rows(found):
        table.add_row(*(cell.strip("`") for cell in row))
    console.print(table)


@sandbox_app.command("serve")
def sandbox_serve(
    vendor: Annotated[str, typer.Option(help="salesloft, outreach or salesforce")],
    port: Annotated[int, typer.Option(help="0 picks a free port")] = 0,
    seed: Annotated[int, typer.Option(help="demo data seed")] = 7,
    size: Annotated[float, typer.Option(help="demo data size (1.0 = default)")] = 1.0,
) -> None:
    """Serve one vendor emulator on 127.0.0.1 until interrupted."""
    from .sandbox import EMULATORS, SandboxOptions, SandboxServer, create_app

    if vendor not in EMULATORS:
        err.print(f"error: no sandbox for {vendor!r}; there are: {', '.join(EMULATORS)}")
        raise typer.Exit(2)
    server = SandboxServer(create_app(vendor, SandboxOptions(seed=seed, size=size)), port=port)
    with server:
        console.print(f"{vendor} sandbox on {server.url} (Ctrl-C to stop)")
        with contextlib.suppress(KeyboardInterrupt):
            threading.Event().wait()


@cassettes_app.command("record")
def cassettes_record(
    paths: Annotated[list[str] | None, typer.Argument(help="test paths (default: tests)")] = None,
    live: Annotated[
        list[str] | None,
        typer.Option(help="VENDOR=TENANT: record VENDOR against that real tenant of the config"),
    ] = None,
    config: ConfigOption = None,
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


def main() -> None:
    app()
