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
from rich.table import Table

import engage

from ._verify import Verification, verify_tenant

err = Console(stderr=True)
out = Console()
OUTCOME_STYLES = {
    "confirmed": "green",
    "observed": "cyan",
    "skipped": "dim",
    "differs": "bold red",
    "failed": "bold red",
}


def _pairs(items: list[str] | None, option: str) -> dict[str, str]:
    pairs: dict[str, str] = {}
    for item in items or []:
        key, sep, value = item.partition("=")
        if not sep or not key or not value:
            err.print(f"error: {option} takes NAME=VALUE, not {item!r}")
            raise typer.Exit(2)
        pairs[key.lower()] = value
    return pairs


def _report(verifications: list[Verification], *, as_json: bool) -> None:
    if as_json:
        reports = [
            {
                "tenant": v.tenant,
                "vendor": v.vendor,
                "ok": v.ok,
                "findings": [vars(f) for f in v.findings],
            }
            for v in verifications
        ]
        out.print_json(data=reports[0] if len(reports) == 1 else reports)
        return
    for verification in verifications:
        table = Table(title=f"{verification.vendor} tenant {verification.tenant!r}", expand=True)
        table.add_column("outcome", no_wrap=True)
        table.add_column("check", ratio=1)
        table.add_column("what was seen", ratio=2, overflow="fold")
        for finding in verification.findings:
            style = OUTCOME_STYLES[finding.outcome]
            table.add_row(f"[{style}]{finding.outcome}[/]", finding.check, finding.detail)
        out.print(table)


def _verify(tenant: str, sequence: str | None, config: Path | None) -> Verification:
    # The CLI's own tenant loading: one try per request unless `engage --retries N`,
    # and a missing or broken tenant is the CLI's one-line configuration error.
    from engage._cli_config import open_engage

    engage_ = open_engage(config)
    tenant_config = engage_.tenant(tenant).config
    return verify_tenant(
        tenant_config, sequence_id=sequence, engage_options={"settings": engage_.settings}
    )


def _verify_command(
    tenant: Annotated[str, typer.Argument(help="a tenant of the config, on a real account")],
    sequence: Annotated[
        str | None,
        typer.Option(help="id of a test sequence to enroll a scratch target in (else skipped)"),
    ] = None,
    config: Annotated[
        Path | None, typer.Option("--config", "-c", help="engage config file (TOML)")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print the findings as JSON")] = False,
) -> None:
    """Check, against a real account, the vendor behaviours no public sample confirms.

    Creates one scratch target (engage-verify+...@example.com), provokes a 401,
    a 404 and a 422, enrolls the target twice in --sequence, reads steps and
    tasks, creates a task with a due date, completes a step task, reports the
    rate-limit headers, then removes what it created. Exit 1 if any check
    differs from what the adapter assumes.
    """
    verification = _verify(tenant, sequence, config)
    _report([verification], as_json=as_json)
    if not verification.ok:
        raise typer.Exit(1)


def _record(
    paths: Annotated[list[str] | None, typer.Argument(help="test paths (default: tests)")] = None,
    live: Annotated[
        list[str] | None,
        typer.Option(help="VENDOR=TENANT: record VENDOR against that real tenant of the config"),
    ] = None,
    config: Annotated[
        Path | None, typer.Option("--config", "-c", help="engage config file (TOML)")
    ] = None,
    sequence: Annotated[
        list[str] | None,
        typer.Option(
            help="VENDOR=SEQUENCE_ID: a test sequence for the live scenario's enrollments"
        ),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="print the live scenario's findings as JSON")
    ] = False,
) -> None:
    """Re-record cassettes by running the tests with --record-mode=rewrite (scrubbed).

    Against the sandboxes by default; with --live, against real accounts whose
    credentials are in the config (personal data is pseudonymised), followed by
    the live-verification scenario on each of those tenants (see ``verify``).
    """
    env = dict(os.environ)
    tenants = _pairs(live, "--live")
    sequences = _pairs(sequence, "--sequence")
    for vendor, tenant in tenants.items():
        env[f"ENGAGE_LIVE_TENANT_{vendor.upper()}"] = tenant
    if config is not None:
        env["ENGAGE_CONFIG"] = str(config)
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:xdist", "--record-mode=rewrite"]
    # With --json, stdout is the findings alone: pytest's progress goes to stderr.
    completed = subprocess.run(
        [*command, *(paths or ["tests"])], env=env, check=False, stdout=2 if as_json else None
    )
    verified = [
        _verify(tenant, sequences.get(vendor), config) for vendor, tenant in tenants.items()
    ]
    if verified or as_json:
        _report(verified, as_json=as_json)
    ok = all(v.ok for v in verified)
    raise typer.Exit(completed.returncode or (0 if ok else 1))


@engage.hookimpl
def register_commands(cli: typer.Typer) -> None:
    group = typer.Typer(help="Recorded vendor traffic for offline tests.", no_args_is_help=True)
    group.command("record")(_record)
    group.command("verify")(_verify_command)
    cli.add_typer(group, name="cassettes")
