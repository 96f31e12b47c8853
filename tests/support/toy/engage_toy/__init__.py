"""The toy vendor's adapter: an engage plugin, found through the ``engage`` entry points.

    [project.entry-points.engage]
    toy = "engage_toy"

It imports only the public API, :mod:`engage` and :mod:`engage.transport`,
as any third-party adapter does.
"""

from __future__ import annotations

from collections.abc import Callable

import engage

from ._adapter import ToyAdapter
from ._settings import ToySettings


@engage.hookimpl
def register_adapters(register: Callable[[type[engage.Adapter]], None]) -> None:
    register(ToyAdapter)


__all__ = ["ToyAdapter", "ToySettings", "register_adapters"]
