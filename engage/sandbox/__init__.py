"""Local, stateful emulators of the vendor APIs, built from the vendor documents.

Each emulator is a Starlette app made by ``engage.sandbox.<vendor>.create_app``
and served on 127.0.0.1 by :class:`SandboxServer`. They share a fixed clock,
deterministic demo data, fault injection (``/_sandbox/faults``) and a
cost-based rate limiter, so recordings made against them are byte-identical.
"""

from __future__ import annotations

import importlib
from typing import Any

from starlette.applications import Starlette

from ._app import SandboxKit, SandboxOptions, SandboxStats, build_sandbox_app
from ._clock import DEFAULT_EPOCH, SandboxClock
from ._faults import FaultInjector, FaultRule
from ._ratelimit import Charge, CostWindowLimiter
from ._runner import SandboxServer
from ._tokens import TokenRegistry, TokenStatus

# The emulators this package ships; each module exposes ``create_app(options)``.
EMULATORS = ("salesloft", "outreach", "salesforce")


def create_app(vendor: str, options: SandboxOptions | None = None, **kwargs: Any) -> Starlette:
    """Build the emulator app for ``vendor``."""
    if vendor not in EMULATORS:
        raise ValueError(f"no sandbox for {vendor!r}; there are: {', '.join(EMULATORS)}")
    module = importlib.import_module(f"engage.sandbox.{vendor}")
    app: Starlette = module.create_app(options or SandboxOptions(**kwargs))
    return app


def serve(vendor: str, *, port: int = 0, options: SandboxOptions | None = None) -> SandboxServer:
    """Start the ``vendor`` emulator on a loopback port (0: any free one)."""
    return SandboxServer(create_app(vendor, options), port=port).start()


__all__ = [
    "DEFAULT_EPOCH",
    "EMULATORS",
    "Charge",
    "CostWindowLimiter",
    "FaultInjector",
    "FaultRule",
    "SandboxClock",
    "SandboxKit",
    "SandboxOptions",
    "SandboxServer",
    "SandboxStats",
    "TokenRegistry",
    "TokenStatus",
    "build_sandbox_app",
    "create_app",
    "serve",
]
