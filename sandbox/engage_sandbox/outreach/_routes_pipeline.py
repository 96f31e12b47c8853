"""What every ``/api/v2`` request goes through, in Outreach's order: maintenance
window, bearer token, the per-user hourly budget (with ``X-RateLimit-*`` headers on
the answer), the OAuth scope, then the handler.
"""

from __future__ import annotations

import json
import math
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from .._ratelimit import Charge
from ._auth import authenticate, check_scope
from ._errors import MEDIA_TYPE, ApiError, json_api_response, maintenance_error
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
                reset = datetime.fromtimestamp(charge.reset_at, UTC)
                raise ApiError(
                    429,
                    f"You have exceeded your permitted rate limit of {charge.limit:,}; "
                    f"please try again at {reset.strftime('%Y-%m-%dT%H:%M:%S')}.",
                    headers={"Retry-After": str(charge.retry_after(rt.kit.clock.timestamp()))},
                )
            rt.kit.stats.add_cost(1)
            check_scope(granted, plural, write or request.method != "GET")
            raw = await request.body()
            body: Any = None
            if raw:
                content_type = request.headers.get("content-type", "").split(";")[0].strip()
                if content_type != MEDIA_TYPE:
                    raise ApiError(415, f"Expected Content-Type header to be '{MEDIA_TYPE}'.")
                body = _parse_json(raw)
            params = list(request.query_params.multi_items())
            status, payload = await handler(Ctx(request, rt, user_id, params, body))
            return json_api_response(payload, status, headers)
        except ApiError as error:
            return json_api_response(error.body, error.status, {**headers, **error.headers})

    return endpoint


def _parse_json(raw: bytes) -> Any:
    try:
        return json.loads(raw)
    except ValueError as exc:
        raise ApiError(400, "The request body is not valid JSON.") from exc
