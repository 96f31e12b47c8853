"""The toy vendor's emulator, registered in the ``engage.sandbox`` entry-point group.

``engage sandbox serve --vendor toy``, ``engage demo`` and the cassette
recorder find it through that entry point::

    [project.entry-points."engage.sandbox"]
    toy = "engage_toy_sandbox:SANDBOX"

The emulator owns its demo credentials (``tenant_settings``), so the adapter
never needs to know them, and it never imports the adapter.
"""

from __future__ import annotations

from typing import Any

from engage_sandbox import SandboxVendor

from ._app import API_KEY, CLIENT_ID, CLIENT_SECRET, FIRST_REFRESH_TOKEN, create_app


def tenant_settings(base_url: str) -> dict[str, Any]:
    """The settings of a toy tenant on the emulator served at ``base_url``."""
    return {"base_url": base_url, "api_key": API_KEY}


SANDBOX = SandboxVendor(
    vendor="toy",
    create_app=create_app,
    tenant_settings=tenant_settings,
    description="the toy vendor of engage's tests",
)

__all__ = [
    "API_KEY",
    "CLIENT_ID",
    "CLIENT_SECRET",
    "FIRST_REFRESH_TOKEN",
    "SANDBOX",
    "create_app",
    "tenant_settings",
]
