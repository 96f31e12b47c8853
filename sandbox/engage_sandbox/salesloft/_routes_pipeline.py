"""The request pipeline every Salesloft endpoint shares: auth, cost, parameters, errors.

Order matters and follows the vendor: an unauthenticated request is refused
before it is charged (there is no team to charge), an over-budget request is
refused before it runs, and every charged response carries the rate-limit
headers, errors included.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ._auth import authenticate
from ._errors import ApiError, error_body_for, not_found
from ._routes_costs import request_cost
from ._routes_params import Params, parse_body, parse_query
from ._routes_render import Renderer
from ._state import Emulator
from ._state_store import Record, State


@dataclass
class Ctx:
    """What a handler sees: the caller, its parameters, and the state it may change."""

    emu: Emulator
    request: Request
    params: Params
    user: Record
    path_id: str | None

    @property
    def state(self) -> State:
        return self.emu.state

    @property
    def now(self) -> datetime:
        return self.emu.options.clock.now()

    @property
    def admin(self) -> bool:
        return bool(self.user["team_admin"])

    @property
    def render(self) -> Renderer:
        return Renderer(self.state, str(self.request.base_url), self.now)

    def record_id(self) -> int:
        """The ``{id}`` path segment; ``/v2/people/5.json`` and ``/v2/people/5`` are the same."""
        raw = (self.path_id or "").removesuffix(".json")
        if not raw.isdigit():
            raise not_found()
        return int(raw)


Handler = Callable[[Ctx], Any]


def _json(body: Any, status: int, headers: dict[str, str]) -> Response:
    return JSONResponse(body, status_code=status, headers=headers)


def endpoint(emu: Emulator, handler: Handler, *, reads_body: bool = False) -> Callable[..., Any]:
    async def run(request: Request) -> Response:
        user = authenticate(emu, request)
        if user is None:
            return _json({"error": "Unauthorized"}, 401, {})
        cost = request_cost(request.url.query)
        charge = emu.limiter.charge(emu.scope, cost)
        headers = {
            "x-ratelimit-endpoint-cost": str(cost),
            "x-ratelimit-remaining-minute": str(charge.remaining),
        }
        if not charge.allowed:
            headers["retry-after"] = str(charge.retry_after(emu.options.clock.timestamp()))
            return _json(error_body_for(429), 429, headers)
        emu.kit.stats.add_cost(cost)
        try:
            data = parse_query(request.url.query)
            if reads_body:
                body = await request.body()
                data.update(parse_body(body, request.headers.get("content-type", "")))
            ctx = Ctx(emu, request, Params(data), user, request.path_params.get("id"))
            with emu.lock:
                result = handler(ctx)
        except ApiError as exc:
            return _json(exc.body, exc.status, {**headers, **exc.headers})
        if result is None:
            return Response(status_code=204, headers=headers)
        return _json(result, 200, headers)

    return run


def routes_for(
    emu: Emulator, path: str, handlers: dict[str, Handler], *, item: bool = False
) -> list[Route]:
    """Routes for ``path`` and, for collections, its legacy ``.json`` form too."""
    out: list[Route] = []
    for method, handler in handlers.items():
        fn = endpoint(emu, handler, reads_body=method in ("POST", "PUT"))
        out.append(Route(path, fn, methods=[method]))
        if not item:
            out.append(Route(f"{path}.json", fn, methods=[method]))
    return out


def single(data: dict[str, Any]) -> dict[str, Any]:
    return {"data": data}
