"""Talk to an emulator in-process, without a socket."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
from engage_sandbox import SandboxOptions, sandbox_for

from engage._client import Engage
from engage._transport import MemoryTokenStore, NullPacer

from ._recorder import canonical_origin


class AppTransport(httpx.BaseTransport):
    """A sync httpx transport that calls an ASGI app directly (and counts requests).

    Faster than serving the sandbox on a port, and handy for unit tests:
    ``Engage(..., http_transport=AppTransport(create_app("salesloft")))``.
    """

    def __init__(self, app: Any) -> None:
        self._asgi = httpx.ASGITransport(app=app)
        self.requests: list[httpx.Request] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return asyncio.run(self._send(request))

    async def _send(self, request: httpx.Request) -> httpx.Response:
        response = await self._asgi.handle_async_request(request)
        body = await response.aread()
        return httpx.Response(
            response.status_code, headers=response.headers, content=body, request=request
        )


def inprocess_engage(
    vendor: str,
    *,
    tenant: str = "test",
    options: SandboxOptions | None = None,
    origin: str | None = None,
    **engage_options: Any,
) -> tuple[Engage, AppTransport]:
    """An :class:`~engage.Engage` whose tenant ``tenant`` talks to a fresh emulator of
    ``vendor`` in this process: no socket, no server, for every vendor alike.

    The tenant's settings point at ``origin`` (the vendor's canonical sandbox origin
    by default); the transport answers every request, logins included, from the
    emulator, so nothing reaches the network whatever host a request names. The
    returned transport counts the requests. Waits pass on the emulator's clock.
    """
    sandbox = sandbox_for(vendor)
    sandbox_options = options or SandboxOptions()
    transport = AppTransport(sandbox.create_app(sandbox_options))
    settings = sandbox.tenant_settings(origin or canonical_origin(vendor))
    clock = sandbox_options.clock
    engage_options.setdefault("token_store", MemoryTokenStore())
    engage_options.setdefault("pacer", NullPacer())
    engage_options.setdefault("sleep", clock.advance)
    engage_options.setdefault("clock", clock.now)
    engage = Engage(
        {tenant: {"vendor": vendor, **settings}}, http_transport=transport, **engage_options
    )
    return engage, transport
