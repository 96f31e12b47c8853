"""Local, stateful emulators of the vendor APIs, built from the vendor documents.

Each emulator is a Starlette app made by its registered :class:`SandboxVendor`
(the ``engage.sandbox`` entry-point group, see :mod:`engage_sandbox._registry`)
and served on 127.0.0.1 by :class:`SandboxServer`. They share a fixed clock,
deterministic demo data, fault injection (``/_sandbox/faults``) and a
cost-based rate limiter, so recordings made against them are byte-identical.
Each also answers the OAuth 2.0 authorization-code flow, approving at once for
its demo user (:class:`AuthorizationCodes`, ``SandboxKit.codes``).
"""

from __future__ import annotations

from typing import Any

from starlette.applications import Starlette

from ._app import SandboxKit, SandboxOptions, SandboxStats, build_sandbox_app
from ._authcodes import (
    CODE_TTL,
    AuthorizationCodes,
    AuthorizationGrant,
    CodeProblem,
    CodeRefusedError,
)
from ._clock import DEFAULT_EPOCH, SandboxClock
from ._faults import FaultInjector, FaultRule
from ._ratelimit import Charge, CostWindowLimiter
from ._registry import SandboxNotFoundError, SandboxVendor, installed_sandboxes, sandbox_for
from ._runner import SandboxServer
from ._tokens import TokenRegistry, TokenStatus


def create_app(vendor: str, options: SandboxOptions | None = None, **kwargs: Any) -> Starlette:
    """Build the emulator app registered for ``vendor``."""
    return sandbox_for(vendor).create_app(options or SandboxOptions(**kwargs))


def serve(vendor: str, *, port: int = 0, options: SandboxOptions | None = None) -> SandboxServer:
    """Start the ``vendor`` emulator on a loopback port (0: any free one)."""
    return SandboxServer(create_app(vendor, options), port=port).start()


__all__ = [
    "CODE_TTL",
    "DEFAULT_EPOCH",
    "AuthorizationCodes",
    "AuthorizationGrant",
    "Charge",
    "CodeProblem",
    "CodeRefusedError",
    "CostWindowLimiter",
    "FaultInjector",
    "FaultRule",
    "SandboxClock",
    "SandboxKit",
    "SandboxNotFoundError",
    "SandboxOptions",
    "SandboxServer",
    "SandboxStats",
    "SandboxVendor",
    "TokenRegistry",
    "TokenStatus",
    "build_sandbox_app",
    "create_app",
    "installed_sandboxes",
    "sandbox_for",
    "serve",
]
