"""Backoff bounds, hint parsing, and which failures are retried (injected clock and RNG)."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from engage import (
    AuthError,
    Engage,
    RateLimitError,
    TransportOptions,
    UnavailableError,
    ValidationError,
)
from engage._transport import Backoff, RetryBudget, RetryPolicy, parse_retry_after
from engage._transport._scope import operation_scope
from tests.support import toyvendor

NOW = datetime(2026, 3, 1, 12, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("30", 30.0),
        ("0", 0.0),
        ("-5", 0.0),
        ("1.5", 1.5),
        ("Sun, 01 Mar 2026 12:00:45 GMT", 45.0),
        ("2026-03-01T12:02:00Z", 120.0),
        ("2026-03-01T13:02:00+01:00", 120.0),
        ("2026-03-01T11:00:00Z", 0.0),  # in the past: go now
        ("soon", None),
        ("", None),
        (None, None),
        ("nan", None),
    ],
)
def test_retry_after_forms(value: str | None, expected: float | None) -> None:
    assert parse_retry_after(value, NOW) == expected


def test_backoff_is_full_jitter_within_exponential_bounds() -> None:
    backoff = Backoff(base=0.5, cap=8.0, rng=random.Random(1))
    for retry in range(1, 12):
        ceiling = min(8.0, 0.5 * 2 ** (retry - 1))
        delays = [backoff.delay(retry) for _ in range(200)]
        assert all(0 <= d <= ceiling for d in delays)
        assert max(delays) > ceiling * 0.8  # it does use the whole range
    again = Backoff(base=0.5, cap=8.0, rng=random.Random(1))
    assert Backoff(base=0.5, cap=8.0, rng=random.Random(1)).delay(3) == again.delay(3)


def _policy(**options: float) -> tuple[RetryPolicy, list[float]]:
    sleeps: list[float] = []
    policy = RetryPolicy(
        TransportOptions(**options),  # type: ignore[arg-type]
        rng=random.Random(7),
        sleep=sleeps.append,
        clock=lambda: NOW,
    )
    return policy, sleeps


def test_server_hint_wins_over_backoff_but_is_capped() -> None:
    policy, _ = _policy(backoff_base=0.1, hint_cap=60)
    hinted = RateLimitError("slow", vendor="v", retry_at=NOW + timedelta(seconds=20))
    assert policy.wait_for(hinted, 1) == 20.0
    far = RateLimitError("slow", vendor="v", retry_at=NOW + timedelta(hours=3))
    assert policy.wait_for(far, 1) == 60.0


def test_retries_retryable_errors_then_succeeds() -> None:
    policy, sleeps = _policy(max_attempts=5)
    calls = iter([UnavailableError("x", vendor="v"), RateLimitError("y", vendor="v"), "ok"])

    def fn() -> str:
        item = next(calls)
        if isinstance(item, Exception):
            raise item
        return item

    assert policy.call(fn) == "ok"
    assert len(sleeps) == 2


def test_non_retryable_errors_surface_at_once() -> None:
    policy, sleeps = _policy()
    attempts = []

    def fn() -> None:
        attempts.append(1)
        raise ValidationError("bad", vendor="v")

    with pytest.raises(ValidationError):
        policy.call(fn)
    assert attempts == [1] and sleeps == []


def test_attempts_are_bounded() -> None:
    policy, sleeps = _policy(max_attempts=3)
    attempts = []

    def fn() -> None:
        attempts.append(1)
        raise UnavailableError("down", vendor="v")

    with pytest.raises(UnavailableError):
        policy.call(fn)
    assert len(attempts) == 3 and len(sleeps) == 2


def test_no_retry_that_would_outlive_the_deadline() -> None:
    policy, sleeps = _policy()
    attempts = []

    def fn() -> None:
        attempts.append(1)
        raise RateLimitError("later", vendor="v", retry_at=NOW + timedelta(seconds=30))

    with (
        operation_scope(vendor="v", tenant="t", operation="op", deadline_seconds=5),
        pytest.raises(RateLimitError),
    ):
        policy.call(fn)
    assert attempts == [1] and sleeps == []


def test_retry_budget_limits_retries_across_calls() -> None:
    budget = RetryBudget(ratio=0.0, floor=2)
    policy = RetryPolicy(TransportOptions(max_attempts=10), sleep=lambda _: None, budget=budget)
    attempts = []

    def fn() -> None:
        attempts.append(1)
        raise UnavailableError("down", vendor="v")

    with pytest.raises(UnavailableError):
        policy.call(fn)
    assert len(attempts) == 3  # the first try and the two retries the budget allowed
    attempts.clear()
    with pytest.raises(UnavailableError):
        policy.call(fn)
    assert len(attempts) == 1


def _toy(handler, sleeps: list[float]) -> Engage:
    return Engage(
        {"acme": {"vendor": "toy", "api_key": toyvendor.API_KEY}},
        plugins=[toyvendor],
        http_transport=httpx.MockTransport(handler),
        sleep=sleeps.append,
    )


def _person(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, json={"id": 1, "email": "a@example.com"})


def test_429_with_hint_is_retried_after_the_hint() -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.method)
        if len(seen) == 1:
            return httpx.Response(429, json={"error": "slow down"}, headers={"retry-after": "7"})
        return _person(request)

    sleeps: list[float] = []
    person = _toy(handler, sleeps).tenant("acme").targets.get("1")
    assert person.id == "1" and len(seen) == 2
    assert 6.0 <= sleeps[0] <= 7.0


def test_a_post_that_may_have_been_applied_is_not_blindly_retried() -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.method)
        return httpx.Response(502, json={"error": "bad gateway"})

    sleeps: list[float] = []
    with pytest.raises(UnavailableError) as info:
        _toy(handler, sleeps).tenant("acme").targets.create(email="a@example.com")
    assert seen == ["POST"] and info.value.ambiguous and not info.value.retryable


def test_a_get_is_retried_after_a_dropped_connection() -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.method)
        if len(seen) == 1:
            raise httpx.RemoteProtocolError("peer closed connection", request=request)
        return _person(request)

    assert _toy(handler, []).tenant("acme").targets.get("1").id == "1"
    assert seen == ["GET", "GET"]


def test_a_post_is_retried_when_the_connection_never_opened() -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.method)
        if len(seen) == 1:
            raise httpx.ConnectError("refused", request=request)
        return httpx.Response(201, json={"id": 2, "email": "a@example.com"})

    assert _toy(handler, []).tenant("acme").targets.create(email="a@example.com").id == "2"
    assert seen == ["POST", "POST"]


def test_auth_errors_are_not_retried() -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.method)
        return httpx.Response(401, json={"error": "bad token", "code": "unauthorized"})

    with pytest.raises(AuthError):
        _toy(handler, []).tenant("acme").targets.get("1")
    assert seen == ["GET"]
