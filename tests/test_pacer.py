"""Client-side pacing by the vendor's scope and cost."""

from __future__ import annotations

import time

import pytest

from engage import QuotaExhaustedError, RateLimitError
from engage._transport import BudgetPacer, PacingRule, RateObservation
from engage._transport._budget import BudgetState, MemoryBudgetState, RedisBudgetState
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
    # It waited for the window (the upper bound only catches a hang on a busy machine).
    assert 0.5 < time.monotonic() - started < 30
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


# The vendor-count rules, run on both stores side by side (the Lua scripts mirror
# the Python): in-flight spends, late answers, a new window.


@pytest.fixture(params=["memory", "redis"])
def vendor_count(request: pytest.FixtureRequest) -> BudgetState:
    if request.param == "memory":
        return MemoryBudgetState()
    return RedisBudgetState.from_url(request.getfixturevalue("redis_url"))


def _scope() -> str:
    return f"scope-{time.monotonic_ns()}"


def test_nothing_known_leaves_pacing_to_our_own_count(vendor_count: BudgetState) -> None:
    assert vendor_count.spend(_scope(), 1, 100.0).wait is None


def test_an_answer_is_lowered_by_the_spends_it_cannot_have_seen(vendor_count: BudgetState) -> None:
    scope, now = _scope(), 1000.0
    tickets = [vendor_count.spend(scope, 1, now).ticket for _ in range(3)]  # nothing known yet
    assert None not in tickets
    # The first request's answer: the vendor had seen it alone (10 - 1), but two
    # more were already on their way, so 7 are left, not 9.
    vendor_count.record(scope, RateObservation(remaining=9, reset_at=now + 60), now, tickets[0])
    spends = [vendor_count.spend(scope, 1, now).wait for _ in range(8)]
    assert spends == [0.0] * 7 + [pytest.approx(60.0)]


def test_another_integration_spending_lowers_the_count(vendor_count: BudgetState) -> None:
    scope, now = _scope(), 1000.0
    vendor_count.record(scope, RateObservation(remaining=10, reset_at=now + 60), now)
    ticket = vendor_count.spend(scope, 1, now).ticket
    vendor_count.record(scope, RateObservation(remaining=2, reset_at=now + 60), now, ticket)
    assert [vendor_count.spend(scope, 1, now).wait for _ in range(3)] == [0.0, 0.0, 60.0]


def test_late_answers_do_not_reset_the_count(vendor_count: BudgetState) -> None:
    scope, now = _scope(), 1000.0
    vendor_count.record(scope, RateObservation(remaining=1, reset_at=now + 60), now)
    # From a window already over, and from an older window than the kept one.
    vendor_count.record(scope, RateObservation(remaining=50, reset_at=now - 1), now)
    vendor_count.record(scope, RateObservation(remaining=50, reset_at=now + 30), now)
    assert [vendor_count.spend(scope, 1, now).wait for _ in range(2)] == [0.0, 60.0]


def test_a_new_window_answer_replaces_the_count(vendor_count: BudgetState) -> None:
    scope, now = _scope(), 1000.0
    vendor_count.record(scope, RateObservation(remaining=0, reset_at=now + 60), now)
    vendor_count.record(scope, RateObservation(remaining=5, reset_at=now + 120), now)
    assert [vendor_count.spend(scope, 1, now).wait for _ in range(6)][-2:] == [0.0, 60.0 * 2]


def test_a_new_window_starts_from_the_vendors_limit(vendor_count: BudgetState) -> None:
    scope, now = _scope(), 1000.0
    vendor_count.record(scope, RateObservation(remaining=0, limit=3, reset_at=now + 2), now)
    assert vendor_count.spend(scope, 1, now).wait == pytest.approx(2.0)
    later = now + 2.5  # the window is over; the new one's first answer is not in yet
    assert [vendor_count.spend(scope, 1, later).wait for _ in range(3)] == [0.0, 0.0, 0.0]
    # Spent before any answer came: one request a second asks, the rest wait.
    assert vendor_count.spend(scope, 1, later).wait == 0.0
    assert vendor_count.spend(scope, 1, later + 0.25).wait == pytest.approx(0.75)


def test_a_spent_quota_is_reported_not_waited_for(vendor_count: BudgetState) -> None:
    scope, now = _scope(), 1000.0
    vendor_count.record(scope, RateObservation(remaining=0, reset_at=now + 300, quota=True), now)
    spent = vendor_count.spend(scope, 1, now)
    assert spent.quota and spent.wait == pytest.approx(300.0)


def test_the_pacer_fails_fast_on_a_spent_quota() -> None:
    fake = FakeTime()
    pacer = BudgetPacer(clock=fake.clock, sleep=fake.sleep)
    pacer.observe("org", RateObservation(remaining=0, reset_at=fake.now + 300, quota=True))
    with (
        operation_scope(vendor="salesforce", tenant="t", operation="op", deadline_seconds=900),
        pytest.raises(QuotaExhaustedError, match="quota") as caught,
    ):
        pacer.acquire("org", PacingRule(limit=15000, window=86400))
    assert fake.slept == [] and caught.value.retry_at is not None
    assert caught.value.tenant == "t" and caught.value.operation == "op"
    fake.now += 301  # the re-check time: one request may go and see
    assert pacer.acquire("org", PacingRule(limit=15000, window=86400)) == 0.0
