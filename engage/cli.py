"""The ``engage`` command."""

from __future__ import annotations

import functools
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

for _name, _group in RESOURCES.items():
    app.add_typer(_group, name=_name)


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


# Commands that other distributions add, and what to install when they are missing.
_PLUGIN_COMMANDS = {
    "demo": "engage-core[all,sandbox]",
    "sandbox": "engage-core[sandbox]",
    "cassettes": "engage-core[testing]",
}


def _install_hint(name: str, requirement: str) -> typer.Typer:
    hint = typer.Typer(add_completion=False)

    @hint.callback(invoke_without_command=True, context_settings={"ignore_unknown_options": True})
    def missing(extra: Annotated[list[str] | None, typer.Argument(hidden=True)] = None) -> None:
        # escape: rich would read "[all,sandbox]" as markup and drop it
        err.print(
            escape(
                f'error: "engage {name}" comes with another package: pip install "{requirement}"'
            )
        )
        raise typer.Exit(2)

    return hint


def _registered_names(cli: typer.Typer) -> set[str]:
    names = {group.name for group in cli.registered_groups}
    names |= {
        command.name or (command.callback.__name__ if command.callback else None)
        for command in cli.registered_commands
    }
    return {name for name in names if name}


@functools.cache
def build_cli() -> typer.Typer:
    """The ``engage`` app with every installed plugin's commands added."""
    from ._plugins import load_entry_point, make_plugin_manager, plugin_entry_points

    pm = make_plugin_manager(load_entrypoints=False)
    for ep in plugin_entry_points().values():
        try:
            load_entry_point(pm, ep)
        except EngageError as exc:  # one broken plugin must not take the whole CLI down
            err.print(f"warning: {escape(str(exc))}")
    pm.hook.register_commands(cli=app)
    present = _registered_names(app)
    for name, requirement in _PLUGIN_COMMANDS.items():
        if name not in present:
            app.add_typer(
                _install_hint(name, requirement),
                name=name,
                help=f"(not installed: pip install {requirement!r})",
            )
    return app


def main() -> None:
    build_cli()()
