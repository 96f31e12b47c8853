"""What the vendor last said about a budget, kept where every process can see it.

The vendor's own count (``remaining`` until ``reset_at``) is the truth: it
also counts the other integrations on the budget. Each request spends from
that count *before* it is sent, atomically, so processes sharing a budget never
overspend it together; each answer brings a fresh count, and within one window
the lower of the kept and the reported count wins (an answer can be older than
requests already spent). ``memory://`` keeps it in this process; ``redis://``
in Redis, shared by every process and machine on the same URL.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any, Protocol


@dataclass(frozen=True)
class RateObservation:
    """What a response said about the budget left (any part may be unknown)."""

    remaining: int | None = None
    limit: int | None = None
    reset_at: float | None = None  # epoch seconds


# How far apart two reset times may be and still name the same window.
SAME_WINDOW = 1.0


class BudgetState(Protocol):
    def record(self, scope: str, observation: RateObservation, now: float) -> None: ...

    def spend(self, scope: str, cost: int, now: float) -> float | None:
        """``None``: no usable count (our own count decides); ``0.0``: spent, go now;
        a positive number: seconds until the vendor's window resets."""
        ...


def _merge(
    kept: tuple[int, float | None] | None, seen: RateObservation, now: float
) -> tuple[int, float | None]:
    assert seen.remaining is not None
    if kept is None:
        return seen.remaining, seen.reset_at
    remaining, reset_at = kept
    if reset_at is None or seen.reset_at is None:
        return seen.remaining, seen.reset_at  # no window to compare: the newest count wins
    if now >= reset_at or seen.reset_at > reset_at + SAME_WINDOW:
        return seen.remaining, seen.reset_at  # the kept window is over, a new one began
    # The same window: requests spent here may not be in the answer's count yet.
    return min(remaining, seen.remaining), reset_at


class MemoryBudgetState:
    def __init__(self) -> None:
        self._kept: dict[str, tuple[int, float | None]] = {}
        self._lock = threading.Lock()

    def record(self, scope: str, observation: RateObservation, now: float) -> None:
        if observation.remaining is None:
            return
        with self._lock:
            self._kept[scope] = _merge(self._kept.get(scope), observation, now)

    def spend(self, scope: str, cost: int, now: float) -> float | None:
        with self._lock:
            kept = self._kept.get(scope)
            if kept is None:
                return None
            remaining, reset_at = kept
            if reset_at is not None and now >= reset_at:
                del self._kept[scope]
                return None
            if remaining >= cost:
                self._kept[scope] = (remaining - cost, reset_at)
                return 0.0
            # Spent, and the vendor did not say until when: one request asks. A
            # refusal costs nothing and its Retry-After is honoured by the retry.
            return 0.0 if reset_at is None else reset_at - now


# KEYS[1]: the scope's hash. ARGV: now, cost. Same rules as MemoryBudgetState.spend.
_SPEND = """
local remaining = redis.call('HGET', KEYS[1], 'remaining')
if not remaining then return nil end
local reset_at = redis.call('HGET', KEYS[1], 'reset_at')
local now = tonumber(ARGV[1])
local cost = tonumber(ARGV[2])
if reset_at and now >= tonumber(reset_at) then
  redis.call('DEL', KEYS[1])
  return nil
end
if tonumber(remaining) >= cost then
  redis.call('HINCRBY', KEYS[1], 'remaining', -cost)
  return '0'
end
if not reset_at then return '0' end
return tostring(tonumber(reset_at) - now)
"""

# KEYS[1]: the scope's hash. ARGV: now, remaining, reset_at ('' if unknown), same-window slack.
_RECORD = """
local now = tonumber(ARGV[1])
local seen = tonumber(ARGV[2])
local seen_reset = tonumber(ARGV[3])
local kept = redis.call('HGET', KEYS[1], 'remaining')
local kept_reset = tonumber(redis.call('HGET', KEYS[1], 'reset_at'))
local replace = (not kept) or (not kept_reset) or (not seen_reset)
  or now >= kept_reset or seen_reset > kept_reset + tonumber(ARGV[4])
if replace then
  redis.call('DEL', KEYS[1])
  redis.call('HSET', KEYS[1], 'remaining', seen)
  if seen_reset then redis.call('HSET', KEYS[1], 'reset_at', ARGV[3]) end
elseif seen < tonumber(kept) then
  redis.call('HSET', KEYS[1], 'remaining', seen)
end
redis.call('EXPIRE', KEYS[1], 86400)
return 1
"""


class RedisBudgetState:
    """The vendor's count in a Redis hash per scope, spent and updated by Lua scripts."""

    def __init__(self, client: Any, prefix: str = "engage:budget:") -> None:
        self._redis = client
        self._prefix = prefix
        self._spend = client.register_script(_SPEND)
        self._record = client.register_script(_RECORD)

    @classmethod
    def from_url(cls, url: str) -> RedisBudgetState:
        import redis

        return cls(redis.Redis.from_url(url))

    def record(self, scope: str, observation: RateObservation, now: float) -> None:
        if observation.remaining is None:
            return
        reset = "" if observation.reset_at is None else repr(observation.reset_at)
        self._record(
            keys=[self._prefix + scope], args=[repr(now), observation.remaining, reset, SAME_WINDOW]
        )

    def spend(self, scope: str, cost: int, now: float) -> float | None:
        answer = self._spend(keys=[self._prefix + scope], args=[repr(now), cost])
        if answer is None:
            return None
        return float(answer.decode() if isinstance(answer, bytes) else answer)


def budget_state_for(storage_uri: str) -> BudgetState:
    if storage_uri.startswith(("redis://", "rediss://", "unix://")):
        return RedisBudgetState.from_url(storage_uri)
    return MemoryBudgetState()
