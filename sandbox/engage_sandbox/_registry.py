"""Which emulators are installed: the ``engage.sandbox`` entry-point group.

Each emulator, first- or third-party, registers one :class:`SandboxVendor`::

    [project.entry-points."engage.sandbox"]
    hubspot = "engage_hubspot_sandbox:SANDBOX"

``engage sandbox serve``, ``engage demo`` and the recorder find emulators here,
so a new vendor needs no edit to engage itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import entry_points
from typing import Any

from starlette.applications import Starlette

from ._app import SandboxOptions

ENTRY_POINT_GROUP = "engage.sandbox"


class SandboxNotFoundError(LookupError):
    """No emulator is registered for that vendor."""

    def __init__(self, vendor: str, known: list[str]) -> None:
        hint = ", ".join(known) or "none (install engage-sandbox or a vendor's sandbox package)"
        super().__init__(f"no sandbox for {vendor!r}; installed sandboxes: {hint}")
        self.vendor = vendor
        self.known = known


@dataclass(frozen=True)
class SandboxVendor:
    """One emulator: how to build it and how a tenant signs in to it.

    ``tenant_settings(base_url)`` answers the vendor settings of a tenant on
    the emulator served at ``base_url``: the emulator owns its demo
    credentials, so the adapter does not need to know them.
    """

    vendor: str
    create_app: Callable[[SandboxOptions], Starlette]
    tenant_settings: Callable[[str], dict[str, Any]]
    description: str = ""


def _load(name: str, value: Any) -> SandboxVendor:
    if not isinstance(value, SandboxVendor):
        raise TypeError(f"entry point {ENTRY_POINT_GROUP}:{name} is {value!r}, not a SandboxVendor")
    return value


def installed_sandboxes() -> dict[str, SandboxVendor]:
    """Every registered emulator, by vendor name."""
    found: dict[str, SandboxVendor] = {}
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        sandbox = _load(ep.name, ep.load())
        found.setdefault(sandbox.vendor, sandbox)
    return dict(sorted(found.items()))


def sandbox_for(vendor: str) -> SandboxVendor:
    """The registered emulator of ``vendor`` (only that entry point is imported)."""
    for ep in entry_points(group=ENTRY_POINT_GROUP, name=vendor):
        return _load(ep.name, ep.load())
    # An entry point may be named differently from the vendor it serves.
    found = installed_sandboxes()
    if vendor in found:
        return found[vendor]
    raise SandboxNotFoundError(vendor, sorted(found))
