"""The ``engage`` command."""

from __future__ import annotations

import functools
import os
from typing import Annotated

import typer
from rich.markup import escape

from ._cli_config import tenant_rows
from ._cli_errors import CliError, EngageGroup, ExitCode
from ._cli_output import print_json, stderr, stdout, table
from ._cli_resources import RESOURCES, ConfigOption, JsonOption
from ._client import Engage
from ._matrix import capability_markdown, capability_rows
from .errors import EngageError

HELP = """One vendor-neutral API over sales-engagement platforms.

Errors print one line on stderr and exit non-zero: 1 the vendor refused,
2 bad input, 3 configuration, 4 credentials, 5 cannot reach the vendor,
6 rate limited, 70 a bug (see --debug)."""

app = typer.Typer(
    cls=EngageGroup,
    help=HELP,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        # The installed distribution's version, which a bug report needs.
        typer.echo(f"engage {version('engage-core')}")
        raise typer.Exit()


@app.callback()
def main_options(
    debug: Annotated[
        bool,
        typer.Option("--debug", envvar="ENGAGE_DEBUG", help="show the traceback of an error"),
    ] = False,
    retries: Annotated[
        int,
        typer.Option(
            min=0,
            max=19,
            help="retry a failed request up to N times (with backoff); the CLI fails fast by default",
        ),
    ] = 0,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="print the version"),
    ] = False,
) -> None:
    """One vendor-neutral API over sales-engagement platforms."""


for _name, _group in RESOURCES.items():
    app.add_typer(_group, name=_name)


@app.command()
def doctor(
    tenant: Annotated[str, typer.Option("--tenant", "-t", help="the tenant to check")],
    config: ConfigOption = None,
    as_json: JsonOption = False,
) -> None:
    """Check a tenant's config, credentials, connectivity and rate-limit headroom."""
    from ._doctor import diagnose

    checks = diagnose(config, tenant)
    failed = next((check for check in checks if not check.ok), None)
    if as_json:
        print_json(
            {"tenant": tenant, "ok": failed is None, "checks": [c.as_json() for c in checks]}
        )
    else:
        console = stdout()
        rows = [[c.name, "ok" if c.ok else "failed", c.detail] for c in checks]
        console.print(table(("check", "", "detail"), rows, width=console.width))
    if failed is not None:
        raise CliError(f"tenant {tenant!r}: {failed.name} failed: {failed.detail}", failed.code)


@app.command()
def adapters(as_json: JsonOption = False) -> None:
    """List the installed adapters and how many operations each supports."""
    eng = Engage()
    found = {vendor: eng.adapter_class(vendor) for vendor in eng.vendors}
    if as_json:
        print_json(
            [
                {
                    "vendor": vendor,
                    "adapter": f"{cls.__module__}.{cls.__qualname__}",
                    "operations": len(cls.capabilities),
                    "capabilities": sorted(c.value for c in cls.capabilities),
                }
                for vendor, cls in found.items()
            ]
        )
        return
    rows = [
        [vendor, f"{cls.__module__}.{cls.__qualname__}", str(len(cls.capabilities))]
        for vendor, cls in found.items()
    ]
    console = stdout()
    console.print(table(("vendor", "adapter", "operations"), rows, width=console.width))


@app.command()
def tenants(config: ConfigOption = None, as_json: JsonOption = False) -> None:
    """List the configured tenants with their vendor and capability summary."""
    rows = tenant_rows(config)
    if as_json:
        print_json(
            [
                {
                    "name": row.name,
                    "vendor": row.vendor,
                    "operations": len(row.capabilities),
                    "capabilities": list(row.capabilities),
                    "error": row.error,
                }
                for row in rows
            ]
        )
    else:
        cells = [
            [
                row.name,
                row.vendor,
                str(len(row.capabilities)) if row.error is None else "",
                "ok" if row.error is None else f"error: {row.error}",
            ]
            for row in rows
        ]
        console = stdout()
        console.print(
            table(("tenant", "vendor", "operations", "status"), cells, width=console.width)
        )
    bad = [row for row in rows if row.error is not None]
    if bad:
        raise CliError(
            f"{len(bad)} of {len(rows)} tenants cannot be used: {', '.join(r.name for r in bad)}",
            bad[0].code,
        )


@app.command()
def capabilities(
    markdown: Annotated[bool, typer.Option(help="print the docs page")] = False,
    as_json: JsonOption = False,
) -> None:
    """The capability matrix of the installed adapters."""
    eng = Engage()
    found = {vendor: eng.adapter_class(vendor) for vendor in eng.vendors}
    if markdown:
        typer.echo(capability_markdown(found), nl=False)
        return
    if as_json:
        print_json(
            {
                row[0].strip("`"): {
                    vendor: row[i] == "✅" for i, vendor in enumerate(sorted(found), 1)
                }
                for row in capability_rows(found)
            }
        )
        return
    rows = [[cell.strip("`") for cell in row] for row in capability_rows(found)]
    console = stdout()
    console.print(table(("operation", *sorted(found)), rows, width=console.width))


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
        raise CliError(
            _missing_reason(name, requirement),
            ExitCode.USAGE,
        )

    return hint


def _missing_reason(name: str, requirement: str) -> str:
    reason = f'"engage {name}" comes with another package: pip install "{requirement}"'
    selected = os.environ.get("ENGAGE_PLUGINS")
    if selected:
        # Installed or not, an allow-list that leaves its plugin out hides the command.
        reason += f" (or, if it is installed, add its plugin to ENGAGE_PLUGINS={selected!r})"
    return reason


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
            stderr().print(f"warning: {escape(str(exc))}")
    pm.hook.register_commands(cli=app)
    present = _registered_names(app)
    for name, requirement in _PLUGIN_COMMANDS.items():
        if name not in present:
            app.add_typer(
                _install_hint(name, requirement),
                name=name,
                # escaped: rich would read "[sandbox]" as markup and drop it
                help=escape(f"(not installed: pip install {requirement!r})"),
            )
    return app


def main() -> None:
    build_cli()()
