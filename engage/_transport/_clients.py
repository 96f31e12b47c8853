"""httpx clients built cheaply: one TLS context for every tenant of the process.

Building an ``ssl.SSLContext`` loads the CA bundle, about 40 ms of CPU; a
product with hundreds of tenants paid that per tenant, twice with OAuth (the
API client and the token client). Every client here verifies with the same
context, made once, on first use. Nothing tenant-specific lives in it (no
client certificates), so sharing it cannot cross tenants; cookies and
connection pools stay per client.
"""

from __future__ import annotations

import ssl
import threading
from collections.abc import Mapping

import httpx

from ._options import TransportOptions

_lock = threading.Lock()
_context: ssl.SSLContext | None = None


def shared_ssl_context() -> ssl.SSLContext:
    """The process's verifying TLS context (system CAs via httpx's defaults), made once."""
    global _context
    if _context is None:
        with _lock:
            if _context is None:
                _context = httpx.create_ssl_context()
    return _context


def new_client(
    options: TransportOptions,
    *,
    base_url: str = "",
    auth: httpx.Auth | None = None,
    transport: httpx.BaseTransport | None = None,
    headers: Mapping[str, str] | None = None,
) -> httpx.Client:
    """An httpx client with the tenant's timeouts, no redirects and the shared TLS context.

    With ``transport`` (an in-process emulator, a mock) no TLS context is made at all.
    """
    return httpx.Client(
        base_url=base_url,
        auth=auth,
        transport=transport,
        verify=True if transport is not None else shared_ssl_context(),
        timeout=httpx.Timeout(options.timeout, connect=options.connect_timeout),
        headers=dict(headers or {}),
        follow_redirects=False,
    )
