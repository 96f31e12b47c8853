"""engage adapter plugin for Salesforce Sales Engagement.

Registered through the ``engage`` entry-point group, as any third-party
adapter would be. Built on simple-salesforce (logins and the ``raw`` client);
every request, the adapter's and simple-salesforce's, is sent by the tenant's
``engage.transport.HttpTransport`` (simple-salesforce's through
``engage.transport.requests_session``): the same transport policy as the HTTP
adapters'.

Modules: ``_settings`` (tenant settings), ``_wire`` (tolerant payload models),
``_read`` / ``_write`` (pure mapping), ``_protocol`` (errors, the limit header,
pacing, auth) and ``_protocol_soql`` (SOQL), ``_api`` (the tenant's session),
``_adapter`` (the operations) with ``_ops_reads``, ``_ops_actions`` and
``_ops_tasks`` composed into it.
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
