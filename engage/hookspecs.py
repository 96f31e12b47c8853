"""The hooks an engage plugin can implement.

A plugin is any module or object with functions marked ``@engage.hookimpl``,
registered through the ``engage`` entry-point group::

    [project.entry-points.engage]
    hubspot = "engage_hubspot"

The first-party adapters register exactly this way; the core has no list of
vendors.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    from .adapter import Adapter

hookspec = pluggy.HookspecMarker("engage")
hookimpl = pluggy.HookimplMarker("engage")


@hookspec
def register_adapters(register: Callable[[type[Adapter]], None]) -> None:
    """Register adapter classes: call ``register(MyAdapter)`` once for each."""
