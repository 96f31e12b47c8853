"""Client-side pacing by the vendor's scope and cost."""

from __future__ import annotations

import time

import pytest

from engage import RateLimitError
from engage._transport import BudgetPacer, PacingRule, RateObservation
from engage._transport._scope import operation_scope


class FakeTime:
    def __init__(self) -> None:
        self.now = 1_000_000.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def test_costs_are_weighted_within_the_window() -> None:
    pacer = BudgetPacer()
    rule = PacingRule(limit=10, window=60)
    assert pacer.acquire("team-1", rule, cost=8) == 0.0
    assert pacer.acquire("team-2", rule, cost=8) == 0.0  # scopes are separate budgets
    slept: list[float] = []
    pacer._sleep = slept.append  # type: ignore[method-assign]
    with (
        operation_scope(vendor="v", tenant="t", operation="op", deadline_seconds=5),
        pytest.raises(RateLimitError, match="team-1"),
    ):
        pacer.acquire("team-1", rule, cost=3)  # 8 + 3 > 10 and the window is 60 s away
    assert slept == []


def test_waits_for_the_window_when_over_budget() -> None:
    pacer = BudgetPacer()
    rule = PacingRule(limit=2, window=1)
    started = time.monotonic()
    for _ in range(3):
        pacer.acquire("s", rule)
    assert 0.5 < time.monotonic() - started < 3.0
    assert pacer.waited > 0


def test_the_vendors_own_count_wins() -> None:
    fake = FakeTime()
    pacer = BudgetPacer(clock=fake.clock, sleep=fake.sleep)
    rule = PacingRule(limit=600, window=60)
    # The vendor says only 3 units are left this minute (others share the budget).
    pacer.observe("team", RateObservation(remaining=3, reset_at=fake.now + 40))
    assert pacer.acquire("team", rule) == 0.0
    assert pacer.acquire("team", rule, cost=2) == 0.0
    waited = pacer.acquire("team", rule)
    assert waited == pytest.approx(40.0)
    assert fake.slept == [pytest.approx(40.0)]


def test_observations_without_a_count_are_ignored() -> None:
    fake = FakeTime()
    pacer = BudgetPacer(clock=fake.clock, sleep=fake.sleep)
    pacer.observe("team", RateObservation(remaining=None, reset_at=fake.now + 40))
    assert pacer.acquire("team", PacingRule(limit=5, window=60)) == 0.0


def test_pacing_rule_validation() -> None:
    with pytest.raises(ValueError, match="positive"):
        PacingRule(limit=0, window=60)


def test_budget_shared_across_processes_through_redis(redis_url: str) -> None:
    one, two = BudgetPacer(redis_url), BudgetPacer(redis_url)
    rule = PacingRule(limit=3, window=60)
    scope = f"org-{time.monotonic_ns()}"
    one.acquire(scope, rule, cost=2)
    two.acquire(scope, rule, cost=1)
    with (
        operation_scope(vendor="v", tenant="t", operation="op", deadline_seconds=1),
        pytest.raises(RateLimitError),
    ):
        two.acquire(scope, rule)
