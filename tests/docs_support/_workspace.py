"""The hidden setup of a documentation page: emulators, an engage.toml, a clean environment.

Every page runs in a fresh temporary directory that holds an ``engage.toml``
naming the tenants the docs use (``acme``, ``globex``, ``initech``), each
pointed at its own emulator served on a loopback port for the page's
duration. A page that shows a different layout (docs/connect.md configures
``acme`` with only an OAuth client) gets that layout instead. The same
tenants are rows of ``product.db`` (sqlite, ``crm_links(tenant, vendor,
settings)``), the product database docs/configuration.md reads.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

from engage_sandbox import SandboxOptions, SandboxServer, sandbox_for

# tenant -> (vendor, settings keys kept from the emulator's tenant settings, or None for all)
Layout = Mapping[str, tuple[str, frozenset[str] | None]]

DEFAULT_LAYOUT: Layout = {
    "acme": ("salesloft", None),
    "globex": ("outreach", None),
    "initech": ("salesforce", None),
}
# A tenant that holds only its OAuth app's client: it gets its tokens by being connected.
CONNECT_LAYOUT: Layout = {
    "acme": ("outreach", frozenset({"base_url", "client_id", "client_secret"})),
}
LAYOUTS: Mapping[str, Layout] = {
    "docs/configuration.md": {"acme": ("salesloft", None)},
    "docs/connect.md": CONNECT_LAYOUT,
}
# variable -> (vendor, key of the emulator's tenant settings) it holds
SECRET_VARIABLES = {
    "ACME_SALESLOFT_KEY": ("salesloft", "api_key"),
    "OUTREACH_CLIENT_ID": ("outreach", "client_id"),
    "OUTREACH_CLIENT_SECRET": ("outreach", "client_secret"),
    "GLOBEX_OUTREACH_REFRESH": ("outreach", "refresh_token"),
}


def _tenants(layout: Layout, servers: Mapping[str, SandboxServer]) -> dict[str, dict[str, Any]]:
    tenants = {}
    for name, (vendor, keep) in layout.items():
        settings: dict[str, Any] = sandbox_for(vendor).tenant_settings(servers[name].url)
        if keep is not None:
            settings = {k: v for k, v in settings.items() if k in keep}
        tenants[name] = {"vendor": vendor, **settings}
    return tenants


def _toml(tenants: Mapping[str, Mapping[str, Any]]) -> str:
    lines: list[str] = []
    for name, settings in tenants.items():
        lines.append(f"[tenants.{name}]")
        lines += [f"{key} = {json.dumps(value)}" for key, value in settings.items()]
    return "\n".join(lines) + "\n"


def _database(path: Path, tenants: Mapping[str, Mapping[str, Any]]) -> None:
    """A product's own table of tenants (docs/configuration.md reads it)."""
    with contextlib.closing(sqlite3.connect(path)) as db, db:
        db.execute("create table crm_links (tenant text primary key, vendor text, settings text)")
        for name, settings in tenants.items():
            rest = {k: v for k, v in settings.items() if k != "vendor"}
            db.execute(
                "insert into crm_links values (?, ?, ?)",
                (name, settings["vendor"], json.dumps(rest)),
            )


def variables(path: Path) -> dict[str, str]:
    """What a reader's shell would hold: the config's path, the secrets the docs name."""
    found = {
        "ENGAGE_CONFIG": str(path / "engage.toml"),
        # The default token store is a file; keep it (and its lock) in the workspace.
        "ENGAGE_TOKEN_STORE": f"file:{path / 'tokens.json'}",
        "XDG_DATA_HOME": str(path / "data"),
        "COLUMNS": "120",
    }
    # The docs keep credentials in these variables (`api_key = "env:ACME_SALESLOFT_KEY"`);
    # an emulator's credentials do not depend on where it is served.
    for variable, (vendor, key) in SECRET_VARIABLES.items():
        found[variable] = str(sandbox_for(vendor).tenant_settings("http://127.0.0.1")[key])
    return found


@contextmanager
def serve(
    document: str, path: Path, layout: Layout | None = None
) -> Iterator[dict[str, SandboxServer]]:
    """Serve the page's emulators; write its ``engage.toml`` and ``product.db`` under ``path``."""
    if layout is None:
        layout = LAYOUTS.get(document, DEFAULT_LAYOUT)
    with ExitStack() as stack:
        servers = {
            name: stack.enter_context(
                SandboxServer(sandbox_for(vendor).create_app(SandboxOptions()))
            )
            for name, (vendor, _) in layout.items()
        }
        tenants = _tenants(layout, servers)
        (path / "engage.toml").write_text(_toml(tenants))
        _database(path / "product.db", tenants)
        yield servers
