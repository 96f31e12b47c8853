"""Client-side pacing: spend the vendor's budget at the vendor's pace, not faster.

Budgets are counted per *scope*, the thing the vendor counts against (a
Salesloft team, an Outreach user, a Salesforce org), weighted by each request's
cost. The window accounting is the ``limits`` library's moving window, so the
same pacer works in one process (``memory://``) or across many (``redis://``).
What the vendor says in its headers wins over our own count: it also sees the
other integrations that share the budget.
"""

from __future__ import annotations

import contextvars
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol, runtime_checkable

from limits import RateLimitItemPerSecond, storage, strategies

from ..errors import QuotaExhaustedError, RateLimitError
from ._budget import RateObservation, budget_state_for
from ._scope import current_scope

# The last spend's ticket in this thread or task, for the answer that follows it.
_last_ticket: contextvars.ContextVar[tuple[str, int] | None] = contextvars.ContextVar(
    "engage_budget_ticket", default=None
)


@dataclass(frozen=True)
class PacingRule:
    """``limit`` cost units per ``window`` seconds."""

    limit: int
    window: int

    def __post_init__(self) -> None:
        if self.limit < 1 or self.window < 1:
            raise ValueError("a pacing rule needs a positive limit and a window of 1 s or more")


@runtime_checkable
class Pacer(Protocol):
    def acquire(self, scope: str, rule: PacingRule, cost: int = 1) -> float:
        """Block until ``cost`` units may be spent; return the seconds waited."""
        ...

    def observe(self, scope: str, observation: RateObservation) -> None:
        """Take in what the vendor said about the budget."""
        ...


class NullPacer:
    """No client-side pacing (the vendor's 429s and their hints still apply)."""

    def acquire(self, scope: str, rule: PacingRule, cost: int = 1) -> float:
        return 0.0

    def observe(self, scope: str, observation: RateObservation) -> None:
        return None


class BudgetPacer:
    """A cost-weighted moving window per scope, corrected by the vendor's headers."""

    def __init__(
        self,
        storage_uri: str = "memory://",
        *,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._limiter = strategies.MovingWindowRateLimiter(storage.storage_from_string(storage_uri))
        # What the vendor last said, shared on the same storage: processes on one
        # budget spend from one count instead of each trusting its own copy.
        self._vendor_count = budget_state_for(storage_uri)
        self._sleep = sleep
        self._clock = clock
        self.waited = 0.0

    def observe(self, scope: str, observation: RateObservation) -> None:
        last = _last_ticket.get()
        ticket = last[1] if last is not None and last[0] == scope else None
        self._vendor_count.record(scope, observation, self._clock(), ticket)

    def _server_says(self, scope: str, cost: int, now: float) -> float | None:
        """What the vendor's own count says: ``None`` when it said nothing usable (our
        count decides), ``0.0`` to go now (spent from its count), else seconds to wait.
        A spent quota is not waited for: it raises at once, before any request."""
        spend = self._vendor_count.spend(scope, cost, now)
        if spend.ticket is not None:
            _last_ticket.set((scope, spend.ticket))
        if spend.quota and spend.wait:
            op = current_scope()
            raise QuotaExhaustedError(
                f"the {scope} quota is spent; engage sends nothing until it is checked again",
                vendor=op.vendor if op else scope.split(":", 1)[0],
                tenant=op.tenant if op else None,
                operation=op.operation if op else None,
                code="quota_spent",
                retry_at=datetime.fromtimestamp(now + spend.wait, tz=UTC),
            )
        return spend.wait

    def acquire(self, scope: str, rule: PacingRule, cost: int = 1) -> float:
        cost = max(1, min(cost, rule.limit))
        item = RateLimitItemPerSecond(rule.limit, rule.window)
        waited = 0.0
        while True:
            now = self._clock()
            wait = self._server_says(scope, cost, now)
            if wait is not None and wait <= 0:
                # The vendor's count wins over ours: it sees every integration on the
                # budget, and the budget may differ from the documented default. Ours
                # is still kept (without blocking) for the times the vendor says nothing.
                self._limiter.hit(item, scope, cost=cost)
                self.waited += waited
                return waited
            if wait is None:
                if self._limiter.hit(item, scope, cost=cost):
                    self.waited += waited
                    return waited
                reset_time, _ = self._limiter.get_window_stats(item, scope)
                wait = max(0.01, reset_time - now)
            self._check_deadline(scope, wait, now)
            self._sleep(wait)
            waited += wait

    def _check_deadline(self, scope: str, wait: float, now: float) -> None:
        op = current_scope()
        if op is not None and wait > op.remaining():
            raise RateLimitError(
                f"the {scope} budget has no room before the operation's deadline",
                vendor=op.vendor,
                tenant=op.tenant,
                operation=op.operation,
                retry_at=datetime.fromtimestamp(now + wait, tz=UTC),
            )


class TenantPacer:
    """One tenant's view of a shared pacer; remembers what the vendor last said."""

    def __init__(self, shared: Pacer) -> None:
        self.shared = shared
        self.last_scope: str | None = None
        self.last_observation: RateObservation | None = None

    def acquire(self, scope: str, rule: PacingRule, cost: int = 1) -> float:
        return self.shared.acquire(scope, rule, cost)

    def observe(self, scope: str, observation: RateObservation) -> None:
        self.last_scope, self.last_observation = scope, observation
        self.shared.observe(scope, observation)
