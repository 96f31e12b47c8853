"""The tenants the ``engage`` command works with.

The CLI reads the same config as the library (``--config`` or
``$ENGAGE_CONFIG``, overlaid by ``ENGAGE_*`` variables) with two differences
made for a person at a terminal:

* each tenant is checked when it is used, so one broken tenant does not make
  the others unusable (``engage tenants`` lists it beside them, with its error);
* requests are tried once unless ``--retries N`` asks for more: the library's
  default (up to five tries with backoff) suits unattended code, but leaves a
  person waiting seconds in silence for a server that is down.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ._cli_errors import (
    CliError,
    ExitCode,
    close_when_done,
    exit_code_for,
    one_line,
    root_option,
)
from ._client import Engage, TenantClient
from .config import CallableTenantSource, EngageSettings
from .errors import EngageError

__all__ = ["TenantRow", "open_engage", "open_tenant", "tenant_rows"]

EXAMPLE = (
    "[tenants.acme]",
    'vendor = "salesloft"',
    'api_key = "env:ACME_SALESLOFT_KEY"',
)


def _retries() -> int:
    """``--retries`` of the running command (0 outside one)."""
    value = root_option("retries", 0)
    return value if isinstance(value, int) else 0


def _with_attempts(data: dict[str, Any], attempts: int) -> dict[str, Any]:
    transport = data.get("transport", {})
    if not isinstance(transport, dict):
        return data  # not a table: the tenant's validation names the problem
    return {**data, "transport": {**transport, "max_attempts": attempts}}


def _no_tenants(config: Path | None) -> CliError:
    source = config or os.environ.get("ENGAGE_CONFIG")
    if source:
        where = f"no tenants configured in {str(source)!r}"
    else:
        where = (
            "no tenants configured: no --config given, $ENGAGE_CONFIG is not set"
            " and no ENGAGE_TENANTS__<NAME>__<KEY> variables are set"
        )
    hints = [
        "Describe each tenant in a TOML file and pass it with --config FILE"
        " (or export ENGAGE_CONFIG=FILE), e.g.:",
        *(f"    {line}" for line in EXAMPLE),
        "or set variables: ENGAGE_TENANTS__ACME__VENDOR=salesloft"
        " ENGAGE_TENANTS__ACME__API_KEY=...",
        "To try engage without an account, `engage sandbox serve` runs local emulators"
        " and prints a block to paste into the file (docs: configuration.md, cli.md).",
    ]
    return CliError(where, ExitCode.CONFIG, hints)


def open_engage(config: Path | None, retries: int | None = None) -> Engage:
    """An :class:`Engage` over the config's tenants, each checked on first use."""
    settings = EngageSettings.load(config)
    if not settings.tenants:
        raise _no_tenants(config)
    attempts = 1 + (_retries() if retries is None else retries)
    tenants = {name: _with_attempts(data, attempts) for name, data in settings.tenants.items()}
    source = CallableTenantSource(tenants.get, names=lambda: list(tenants))
    eng = Engage(source, settings=settings)
    close_when_done(eng.close)
    return eng


def open_tenant(config: Path | None, name: str) -> TenantClient:
    return open_engage(config).tenant(name)


@dataclass(frozen=True)
class TenantRow:
    name: str
    vendor: str
    capabilities: tuple[str, ...] = ()
    error: str | None = None
    code: ExitCode = ExitCode.OK


def tenant_rows(config: Path | None) -> list[TenantRow]:
    """Every configured tenant, usable or not (then with its error)."""
    eng = open_engage(config)
    rows = []
    for name in eng.tenant_names():
        try:
            tenant = eng.tenant(name)
        except EngageError as exc:
            vendor = eng.settings.tenants.get(name, {}).get("vendor")
            rows.append(
                TenantRow(
                    name,
                    vendor if isinstance(vendor, str) else "?",
                    error=one_line(exc),
                    code=exit_code_for(exc),
                )
            )
            continue
        capabilities = tuple(sorted(c.value for c in tenant.capabilities))
        rows.append(TenantRow(name, tenant.vendor, capabilities))
    eng.close()
    return rows
