"""The hooks an engage plugin can implement.

A plugin is any module or object with functions marked ``@engage.hookimpl``,
registered through the ``engage`` entry-point group::

    [project.entry-points.engage]
    hubspot = "engage_hubspot"

The first-party adapters register exactly this way; the core has no list of
vendors. A plugin may also add ``engage`` commands (the sandbox and the test
kit add theirs this way).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    import typer

    from .adapter import Adapter

hookspec = pluggy.HookspecMarker("engage")
hookimpl = pluggy.HookimplMarker("engage")


@hookspec
def register_adapters(register: Callable[[type[Adapter]], None]) -> None:
    """Register adapter classes: call ``register(MyAdapter)`` once for each."""


@hookspec
def register_commands(cli: typer.Typer) -> None:
    """Add commands or command groups to the ``engage`` CLI (``cli.command()``, ``cli.add_typer()``)."""
