"""What every ``/api/v2`` request goes through, in Outreach's order: maintenance
window, bearer token, the per-user hourly budget (with ``X-RateLimit-*`` headers on
the answer), the OAuth scope, the media type, then the handler.

The media type: Outreach documents that every request must carry
``Content-Type: application/vnd.api+json`` or be answered 415. The emulator holds
every write to it (POST, PATCH, DELETE, with a body or without one, as the task and
sequence-state actions are), but not reads: GET and HEAD are answered without it,
as public clients that never send it on reads (singer-io/tap-outreach, Airbyte's
source-outreach) show the real API does.
"""

from __future__ import annotations

import json
import math
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from .._ratelimit import Charge
from ._auth import authenticate, check_scope
from ._errors import (
    READ_METHODS,
    ApiError,
    json_api_response,
    lacks_media_type,
    maintenance_error,
    rate_limit_hints,
    rate_limited_detail,
    unsupported_media_type,
)
from ._state import Runtime
from ._state_store import Store


def rate_headers(charge: Charge) -> dict[str, str]:
    # X-RateLimit-Reset is the epoch second the hourly window restarts, matching
    # the absolute "try again at <time>" Outreach writes in its 429 detail.
    return {
        "X-RateLimit-Limit": str(charge.limit),
        "X-RateLimit-Remaining": str(max(0, charge.remaining)),
        "X-RateLimit-Reset": str(math.ceil(charge.reset_at)),
    }


@dataclass
class Ctx:
    request: Request
    rt: Runtime
    user_id: int
    params: list[tuple[str, str]]
    body: Any

    @property
    def base(self) -> str:
        return str(self.request.base_url).rstrip("/")

    @property
    def store(self) -> Store:
        return self.rt.store

    def now(self) -> datetime:
        return self.rt.kit.clock.now()


Handler = Callable[[Ctx], Awaitable[tuple[int, Any]]]


def api(
    handler: Handler, plural: str | None, *, write: bool = False
) -> Callable[[Request], Awaitable[Response]]:
    """Wrap ``handler`` with Outreach's request pipeline."""

    async def endpoint(request: Request) -> Response:
        rt: Runtime = request.app.state.outreach
        headers: dict[str, str] = {}
        try:
            until = rt.maintenance_until()
            if until is not None:
                raise maintenance_error(until)
            user_id, granted = authenticate(rt, request)
            charge = rt.limiter.charge(f"user:{user_id}")
            headers = rate_headers(charge)
            if not charge.allowed:
                hints = rate_limit_hints(rt)
                if "x-ratelimit" not in hints:
                    headers = {}
                retry = {"Retry-After": str(charge.retry_after(rt.kit.clock.timestamp()))}
                raise ApiError(
                    429,
                    rate_limited_detail(charge.limit, charge.reset_at),
                    headers=retry if "retry-after" in hints else {},
                )
            rt.kit.stats.add_cost(1)
            check_scope(granted, plural, write or request.method not in READ_METHODS)
            if lacks_media_type(request):
                raise unsupported_media_type()  # body or no body
            raw = await request.body()
            body: Any = _parse_json(raw) if raw else None
            params = list(request.query_params.multi_items())
            status, payload = await handler(Ctx(request, rt, user_id, params, body))
            if status == 204:
                return Response(status_code=204, headers=headers)  # a delete: no body
            return json_api_response(payload, status, headers)
        except ApiError as error:
            return json_api_response(error.body, error.status, {**headers, **error.headers})

    return endpoint


def _parse_json(raw: bytes) -> Any:
    try:
        return json.loads(raw)
    except ValueError as exc:
        raise ApiError(400, "The request body is not valid JSON.") from exc
