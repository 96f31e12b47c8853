"""engage adapter plugin for Salesloft (API v2).

Registered through the ``engage`` entry-point group, as any third-party
adapter would be; see ``docs/vendors/salesloft.md`` for what each neutral
operation means here.
"""

from __future__ import annotations

from collections.abc import Callable

import engage
from engage import Adapter

from ._adapter import ALTERNATIVES, MissingIdsError, SalesloftAdapter
from ._settings import SalesloftSettings

__all__ = ["ALTERNATIVES", "MissingIdsError", "SalesloftAdapter", "SalesloftSettings"]


@engage.hookimpl
def register_adapters(register: Callable[[type[Adapter]], None]) -> None:
    register(SalesloftAdapter)
