"""Server-side rate limiting for the emulators: a cost-weighted fixed window per scope."""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass

from ._clock import SandboxClock


@dataclass(frozen=True)
class Charge:
    """The outcome of charging one request against its scope's window."""

    allowed: bool
    limit: int
    remaining: int
    cost: int
    reset_at: float  # epoch seconds when the window restarts

    def retry_after(self, now: float) -> int:
        return max(1, math.ceil(self.reset_at - now))


class CostWindowLimiter:
    """A budget of ``limit`` cost units per ``window`` seconds for each scope.

    A scope is whatever the vendor counts against (a Salesloft team, an Outreach
    user, a Salesforce org). A request that does not fit is refused and charges
    nothing, as the vendors do.
    """

    def __init__(self, limit: int, window: float, clock: SandboxClock) -> None:
        if limit <= 0 or window <= 0:
            raise ValueError("limit and window must be positive")
        self.limit = limit
        self.window = window
        self._clock = clock
        self._used: dict[str, tuple[int, float]] = {}
        self._lock = threading.Lock()

    def _window_start(self, now: float) -> float:
        return math.floor(now / self.window) * self.window

    def charge(self, scope: str, cost: int = 1) -> Charge:
        now = self._clock.timestamp()
        start = self._window_start(now)
        with self._lock:
            used, window_start = self._used.get(scope, (0, start))
            if window_start != start:
                used = 0
            allowed = used + cost <= self.limit
            if allowed:
                used += cost
            self._used[scope] = (used, start)
        return Charge(allowed, self.limit, self.limit - used, cost, start + self.window)

    def peek(self, scope: str) -> int:
        """Units left in the scope's current window."""
        now = self._clock.timestamp()
        with self._lock:
            used, window_start = self._used.get(scope, (0, self._window_start(now)))
            if window_start != self._window_start(now):
                used = 0
        return self.limit - used

    def reset(self) -> None:
        with self._lock:
            self._used.clear()
