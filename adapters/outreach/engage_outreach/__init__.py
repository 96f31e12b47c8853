"""engage adapter plugin for Outreach (REST API v2, JSON:API).

Registered through the ``engage`` entry-point group, as any third-party adapter
would be. What each neutral operation becomes at Outreach, and which field comes
from which attribute, is in docs/vendors/outreach.md.
"""

from __future__ import annotations

from collections.abc import Callable

import engage
from engage import Adapter

from ._adapter import OutreachAdapter
from ._settings import OutreachSettings

__all__ = ["OutreachAdapter", "OutreachSettings", "register_adapters"]


@engage.hookimpl
def register_adapters(register: Callable[[type[Adapter]], None]) -> None:
    register(OutreachAdapter)
