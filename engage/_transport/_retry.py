"""Retries: which failures to try again, how long to wait, and how many in all.

The loop itself is tenacity's; engage supplies the policy: exponential backoff
with full jitter (from an injectable RNG), server hints honoured but capped,
the operation's deadline respected, and a per-tenant retry budget so that a
struggling vendor is not hammered by every caller at once.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TypeVar

import tenacity

from ..errors import VendorError
from ._options import TransportOptions
from ._scope import current_scope

T = TypeVar("T")


class Backoff:
    """Exponential backoff with full jitter: ``uniform(0, min(cap, base * 2**n))``."""

    def __init__(self, base: float, cap: float, rng: random.Random | None = None) -> None:
        self.base = base
        self.cap = cap
        self._rng = rng or random.Random()

    def delay(self, retry_number: int) -> float:
        """The wait before retry ``retry_number`` (1 for the first retry)."""
        ceiling = min(self.cap, self.base * (2 ** max(0, retry_number - 1)))
        return self._rng.uniform(0, ceiling)


class RetryBudget:
    """Retries may be at most ``ratio`` of recent requests, plus a small floor.

    Every first attempt deposits ``ratio`` of a token (up to a ceiling), every
    retry withdraws one; with the bucket empty, failures surface instead.
    """

    def __init__(self, ratio: float = 0.2, floor: int = 10) -> None:
        self.ratio = ratio
        self.capacity = float(max(floor, 1))
        self._tokens = float(floor)
        self._lock = threading.Lock()

    def on_request(self) -> None:
        with self._lock:
            self._tokens = min(self.capacity, self._tokens + self.ratio)

    def try_spend(self) -> bool:
        with self._lock:
            if self._tokens >= 1:
                self._tokens -= 1
                return True
            return False


class RetryPolicy:
    """Runs a call, retrying the failures that are safe to retry."""

    def __init__(
        self,
        options: TransportOptions,
        *,
        rng: random.Random | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        budget: RetryBudget | None = None,
    ) -> None:
        self.options = options
        self.backoff = Backoff(options.backoff_base, options.backoff_cap, rng)
        self.budget = budget or RetryBudget(options.retry_budget_ratio, options.retry_budget_floor)
        self._sleep = sleep
        self._clock = clock

    def now(self) -> datetime:
        """The current time as this policy sees it (the sandbox's clock when recording)."""
        return self._clock()

    def sleep(self, seconds: float) -> None:
        """Wait as this policy waits (instant when a test or a replay says so)."""
        self._sleep(seconds)

    def wait_for(self, error: BaseException, retry_number: int) -> float:
        """How long to wait before the next try after ``error``."""
        delay = self.backoff.delay(retry_number)
        retry_at = getattr(error, "retry_at", None)
        if isinstance(retry_at, datetime):
            hinted = (retry_at - self._clock()).total_seconds()
            delay = max(delay, min(self.options.hint_cap, max(0.0, hinted)))
        return delay

    def _retry_delay(self, state: tenacity.RetryCallState) -> float | None:
        """The wait before the next try, or ``None`` when this failure must surface."""
        outcome = state.outcome
        if outcome is None or not outcome.failed:
            return None
        error = outcome.exception()
        if not isinstance(error, VendorError) or not error.retryable:
            return None
        if state.attempt_number >= self.options.max_attempts:
            return None
        delay = self.wait_for(error, state.attempt_number)
        scope = current_scope()
        if scope is not None and delay >= scope.remaining():
            return None
        return delay if self.budget.try_spend() else None

    def call(self, fn: Callable[[], T]) -> T:
        """Call ``fn``; retry on retryable :class:`VendorError` within bounds."""
        self.budget.on_request()
        planned: dict[int, float] = {}

        def should_retry(state: tenacity.RetryCallState) -> bool:
            delay = self._retry_delay(state)
            if delay is None:
                return False
            planned[state.attempt_number] = delay
            return True

        retrying = tenacity.Retrying(
            retry=should_retry,
            wait=lambda state: planned.pop(state.attempt_number, 0.0),
            sleep=self._sleep,
            stop=tenacity.stop_never,  # should_retry applies every bound
            reraise=True,
        )
        return retrying(fn)
