"""What every ``/api/v2`` request goes through, in Outreach's order: maintenance
window, bearer token, the per-user hourly budget (with ``X-RateLimit-*`` headers on
the answer), the OAuth scope, then the handler.
"""

from __future__ import annotations

import math
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from .._app import SandboxKit
from .._ratelimit import Charge, CostWindowLimiter
from .._tokens import IssuedToken, TokenStatus
from ._errors import MEDIA_TYPE, ApiError, json_api_response
from ._store import Store, parse_time

RATE_LIMIT = 10_000
RATE_WINDOW = 3600.0
ACCESS_TTL = 7200.0
REFRESH_TTL = 14 * 86400.0


def retry_stamp(moment: datetime) -> str:
    """The ISO-8601 form Outreach puts in maintenance ``Retry-After`` headers."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def all_scopes() -> str:
    from ._resources import RESOURCES

    return " ".join(sorted(f"{d.plural}.all" for d in RESOURCES.values()))


@dataclass
class Runtime:
    """The mutable state of one emulator instance (``app.state.outreach``)."""

    kit: SandboxKit
    store: Store
    start: datetime
    limiter: CostWindowLimiter
    scopes: dict[str, str] = field(default_factory=dict)
    refresh_born: dict[str, float] = field(default_factory=dict)

    def issue(self, subject: str, scope: str) -> IssuedToken:
        token = self.kit.tokens.issue(subject, scope)
        self.scopes[token.access_token] = scope
        self.refresh_born[token.refresh_token] = self.kit.clock.timestamp()
        return token

    def refresh(self, refresh_token: str) -> IssuedToken | None:
        born = self.refresh_born.pop(refresh_token, None)
        if born is None:
            return None
        if self.kit.clock.timestamp() - born >= REFRESH_TTL:
            self.kit.tokens.refresh(refresh_token)  # spend it all the same
            return None
        token = self.kit.tokens.refresh(refresh_token)
        if token is not None:
            self.scopes[token.access_token] = token.scope
            self.refresh_born[token.refresh_token] = self.kit.clock.timestamp()
        return token

    def maintenance_until(self) -> datetime | None:
        raw = self.kit.options.extras.get("maintenance_until")
        if raw is None:
            return None
        until = raw if isinstance(raw, datetime) else parse_time(str(raw))
        return until if self.kit.clock.now() < until else None


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


def _authenticate(rt: Runtime, request: Request) -> tuple[int, str]:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise ApiError(401, "Missing OAuth access token in the Authorization header.")
    status, subject = rt.kit.tokens.check(token.strip())
    if status is TokenStatus.EXPIRED:
        raise ApiError(401, "The access token expired.", error_id="unauthorized")
    if status is not TokenStatus.VALID or subject is None:
        raise ApiError(401, "The access token is invalid.")
    return int(subject), rt.scopes.get(token.strip(), all_scopes())


def _check_scope(granted: str, plural: str | None, write: bool) -> None:
    if plural is None:
        return
    scopes = set(granted.split())
    needed = f"{plural}.{'write' if write else 'read'}"
    if needed not in scopes and f"{plural}.all" not in scopes:
        raise ApiError(
            403,
            f"Your authorization does not include the required scope '{needed}'.",
            error_id="unauthorizedOauthScope",
            title="Unauthorized OAuth Scope",
        )


def maintenance_error(until: datetime) -> ApiError:
    stamp = retry_stamp(until)
    return ApiError(
        503,
        f"Scheduled server maintenance is under way; please try again at {stamp}.",
        headers={"Retry-After": stamp},
    )


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
            user_id, granted = _authenticate(rt, request)
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
            _check_scope(granted, plural, write or request.method != "GET")
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
    import json

    try:
        return json.loads(raw)
    except ValueError as exc:
        raise ApiError(400, "The request body is not valid JSON.") from exc


def fault_retry_after(rt: Runtime, status: int) -> dict[str, str]:
    """``Retry-After`` for injected 429/503 faults, in the form Outreach uses for each."""
    if status == 503:
        until = rt.maintenance_until() or rt.kit.clock.now() + timedelta(minutes=5)
        return {"Retry-After": retry_stamp(until)}
    if status == 429:
        now = rt.kit.clock.timestamp()
        window = rt.limiter.window
        return {"Retry-After": str(max(1, math.ceil((now // window + 1) * window - now)))}
    return {}
