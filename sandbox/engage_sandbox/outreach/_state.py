"""The emulated org: its records, the scopes and ages of its tokens, its hourly budget.

One :class:`Runtime` backs one app (``app.state.outreach``). The records are the
:class:`~._state_store.Store` it holds; ``reset`` seeds them again from the same
seed, so a reset emulator answers as a fresh one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from .._app import SandboxKit
from .._ratelimit import CostWindowLimiter
from .._tokens import IssuedToken
from ._auth import REFRESH_TTL
from ._data import seed_store
from ._state_store import Store, parse_time

RATE_LIMIT = 10_000
RATE_WINDOW = 3600.0


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

    def reset(self) -> None:
        """Seed the records again and forget every budget, scope and refresh token."""
        self.store = seed_store(self.kit.options.seed, self.kit.options.size, self.start)
        self.limiter.reset()
        self.scopes.clear()
        self.refresh_born.clear()

    def maintenance_until(self) -> datetime | None:
        raw = self.kit.options.extras.get("maintenance_until")
        if raw is None:
            return None
        until = raw if isinstance(raw, datetime) else parse_time(str(raw))
        return until if self.kit.clock.now() < until else None
