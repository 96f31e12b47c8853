"""engage adapter plugin for Salesforce.

Registered through the ``engage`` entry-point group, as any third-party
adapter would be. The operations arrive with the Salesforce issue; until then the
adapter declares no capabilities, so every call raises
UnsupportedOperationError before any request.
"""

from __future__ import annotations

from collections.abc import Callable

import engage
from engage import Adapter


class SalesforceAdapter(Adapter):
    vendor = "salesforce"


@engage.hookimpl
def register_adapters(register: Callable[[type[Adapter]], None]) -> None:
    register(SalesforceAdapter)
