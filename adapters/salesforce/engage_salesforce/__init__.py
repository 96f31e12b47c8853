"""engage adapter plugin for Salesforce Sales Engagement.

Registered through the ``engage`` entry-point group, as any third-party
adapter would be. Built on simple-salesforce (logins and the ``raw`` client);
every request goes through the tenant's timeouts, pacing and retries.
"""

from __future__ import annotations

from collections.abc import Callable

import engage
from engage import Adapter

from ._adapter import SalesforceAdapter
from ._settings import SalesforceSettings

__all__ = ["SalesforceAdapter", "SalesforceSettings", "register_adapters"]


@engage.hookimpl
def register_adapters(register: Callable[[type[Adapter]], None]) -> None:
    register(SalesforceAdapter)
