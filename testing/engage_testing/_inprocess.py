"""Talk to an emulator in-process, without a socket."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx


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
