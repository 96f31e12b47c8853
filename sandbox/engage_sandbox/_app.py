"""What every emulator shares: options, per-request clock ticks, stats, admin routes."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.types import ASGIApp, Receive, Scope, Send

from ._authcodes import AuthorizationCodes
from ._clock import SandboxClock
from ._faults import ErrorBody, FaultInjector, FaultMiddleware, FaultRule
from ._tokens import TokenRegistry


@dataclass
class SandboxOptions:
    """Knobs every emulator understands.

    ``seed`` fixes the demo data; ``size`` scales how many records it holds
    (1.0 is the default demo size); ``rate_limit`` / ``rate_window`` override
    the vendor's real budget (benchmarks scale it down); ``access_token_ttl``
    overrides the vendor's token lifetime. ``extras`` holds vendor-specific
    settings documented by each emulator.
    """

    seed: int = 7
    size: float = 1.0
    clock: SandboxClock = field(default_factory=SandboxClock)
    rate_limit: int | None = None
    rate_window: float | None = None
    access_token_ttl: float | None = None
    extras: dict[str, Any] = field(default_factory=dict)


class SandboxStats:
    """What the emulator served, for tests and benchmarks (read via ``/_sandbox/stats``)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.requests = 0
        self.by_route: Counter[str] = Counter()
        self.by_status: Counter[int] = Counter()
        self.cost = 0
        self.rate_limited = 0

    def record(self, method: str, path: str, status: int) -> None:
        with self._lock:
            self.requests += 1
            self.by_route[f"{method} {path}"] += 1
            self.by_status[status] += 1
            if status == 429:
                self.rate_limited += 1

    def add_cost(self, cost: int) -> None:
        with self._lock:
            self.cost += cost

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            return {
                "requests": self.requests,
                "cost": self.cost,
                "rate_limited": self.rate_limited,
                "by_status": {str(k): v for k, v in sorted(self.by_status.items())},
                "by_route": dict(sorted(self.by_route.items())),
            }

    def reset(self) -> None:
        with self._lock:
            self.__init__()  # type: ignore[misc]


@dataclass
class SandboxKit:
    """The shared machinery one emulator instance runs with (``app.state.kit``).

    ``codes`` holds the OAuth authorization codes of the emulator's authorize
    endpoint, on the same clock and seed as the rest.
    """

    vendor: str
    options: SandboxOptions
    tokens: TokenRegistry
    faults: FaultInjector = field(default_factory=FaultInjector)
    stats: SandboxStats = field(default_factory=SandboxStats)
    codes: AuthorizationCodes = field(init=False)

    def __post_init__(self) -> None:
        self.codes = AuthorizationCodes(
            self.options.clock, seed=f"{self.vendor}:{self.options.seed}"
        )

    @property
    def clock(self) -> SandboxClock:
        return self.options.clock

    def reset(self, reseed: Callable[[], None]) -> None:
        """Back to the state of a fresh emulator: clock, tokens, codes, data, faults, stats."""
        self.clock.reset()
        self.tokens.reset()
        self.codes.reset()
        reseed()
        self.faults.clear()
        self.stats.reset()


class _TickAndCount:
    """Moves a fixed clock one tick per request and counts what was answered."""

    def __init__(self, app: ASGIApp, kit: SandboxKit) -> None:
        self.app = app
        self.kit = kit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith("/_sandbox"):
            await self.app(scope, receive, send)
            return
        self.kit.clock.on_request()
        recorded = False

        async def counting_send(message: Any) -> None:
            nonlocal recorded
            if message["type"] == "http.response.start" and not recorded:
                # Counted before the client can see the response, so that a client
                # reading the stats right after its request always finds it there.
                recorded = True
                self.kit.stats.record(scope["method"], scope["path"], message["status"])
            await send(message)

        try:
            await self.app(scope, receive, counting_send)
        finally:
            if not recorded:
                self.kit.stats.record(scope["method"], scope["path"], 500)


def _admin_routes(kit: SandboxKit, reset: Callable[[], None]) -> list[BaseRoute]:
    async def faults(request: Request) -> Response:
        if request.method == "DELETE":
            kit.faults.clear()
            return JSONResponse({"faults": 0})
        payload = await request.json()
        rules = payload if isinstance(payload, list) else [payload]
        for rule in rules:
            kit.faults.add(FaultRule.from_dict(rule))
        return JSONResponse({"added": len(rules)})

    async def clock(request: Request) -> Response:
        if request.method == "POST":
            payload = await request.json()
            kit.clock.advance(timedelta(seconds=float(payload.get("advance", 0))))
        return JSONResponse({"now": kit.clock.now().isoformat()})

    async def stats(request: Request) -> Response:
        if request.method == "DELETE":
            kit.stats.reset()
        return JSONResponse(kit.stats.snapshot())

    async def do_reset(request: Request) -> Response:
        kit.reset(reset)
        return JSONResponse({"reset": True})

    async def expire(request: Request) -> Response:
        kit.tokens.expire_all()
        return JSONResponse({"expired": True})

    return [
        Route("/faults", faults, methods=["POST", "DELETE"]),
        Route("/clock", clock, methods=["GET", "POST"]),
        Route("/stats", stats, methods=["GET", "DELETE"]),
        Route("/reset", do_reset, methods=["POST"]),
        Route("/expire-tokens", expire, methods=["POST"]),
    ]


def build_sandbox_app(
    kit: SandboxKit,
    routes: Sequence[BaseRoute],
    *,
    error_body: ErrorBody,
    reset: Callable[[], None],
    exception_handlers: dict[Any, Any] | None = None,
) -> Starlette:
    """Assemble an emulator: vendor routes, admin routes under ``/_sandbox``, faults.

    ``error_body`` renders the vendor's error body for an injected status;
    ``reset`` re-seeds the vendor's demo data.
    """
    app = Starlette(
        routes=[*routes, Mount("/_sandbox", routes=_admin_routes(kit, reset))],
        exception_handlers=exception_handlers,
    )
    app.state.kit = kit
    app.state.reset = lambda: kit.reset(reset)
    app.add_middleware(
        FaultMiddleware,
        injector=kit.faults,
        error_body=error_body,
        expire_tokens=kit.tokens.expire_all,
    )
    app.add_middleware(_TickAndCount, kit=kit)
    return app
