"""What the vendor last said about a budget, kept where every process can see it.

The vendor's own count (``remaining`` until ``reset_at``) is the truth: it also
counts the other integrations on the budget. Each request spends from that
count *before* it is sent, atomically, so processes sharing a budget never
overspend it together. Three things make an answer's count hard to trust, and
each has a rule here:

- **In-flight requests.** An answer counts the requests the vendor had seen
  when it answered, not those sent since. Every spend takes a *ticket* (a
  counter of all spends on the scope, never reset), and an answer's count is
  lowered by the spends after its own ticket; within a window the lower
  estimate wins.
- **Late answers.** An answer whose window is already over, or older than the
  kept one, is ignored instead of resetting the count.
- **A new window.** When the kept window ends the vendor's count restarts at
  its limit (when an answer told it); requests spend from that guess until the
  new window's first answer corrects it, so no burst goes out unpaced.

``memory://`` keeps the state in this process; ``redis://`` in one Redis hash
per scope, updated by Lua scripts, shared by every process and machine on the
same URL. Both follow the same rules (a test runs them side by side).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any, Protocol

from ._redis_url import redis_from_url


@dataclass(frozen=True)
class RateObservation:
    """What a response said about the budget left (any part may be unknown)."""

    remaining: int | None = None
    limit: int | None = None
    reset_at: float | None = None  # epoch seconds
    # A quota (Salesforce's 24-hour allocation) rather than a rate window: when it
    # is spent, calls fail fast with QuotaExhaustedError until reset_at instead of
    # waiting for it.
    quota: bool = False


# How far apart two reset times may be and still name the same window.
SAME_WINDOW = 1.0
# With a count spent and no reset time to wait for, one request a second asks.
PROBE_EVERY = 1.0


@dataclass(frozen=True)
class Spend:
    """``wait``: ``None`` when no count is known (the pacer's own count decides),
    ``0.0`` when spent (go now), else seconds until the vendor's window resets.
    ``ticket`` identifies the spend for the answer's :meth:`BudgetState.record`."""

    wait: float | None
    ticket: int | None = None
    quota: bool = False


class BudgetState(Protocol):
    def spend(self, scope: str, cost: int, now: float) -> Spend: ...

    def record(
        self, scope: str, observation: RateObservation, now: float, ticket: int | None = None
    ) -> None: ...


def _spend(state: dict[str, float], cost: int, now: float) -> Spend:
    """Mirrored by ``_SPEND`` below; ``state`` holds remaining, reset_at, limit, spent, probe."""
    spent = int(state.get("spent", 0))
    if "reset_at" in state and now >= state["reset_at"]:
        del state["reset_at"]  # the window is over: the vendor's count restarts
        if "limit" in state:
            state["remaining"] = state["limit"]
        else:
            state.pop("remaining", None)
    if "remaining" not in state:
        state["spent"] = spent + cost
        return Spend(None, spent + cost)
    if state["remaining"] >= cost:
        state["remaining"] -= cost
        state["spent"] = spent + cost
        return Spend(0.0, spent + cost)
    if "reset_at" in state:
        return Spend(state["reset_at"] - now, quota=bool(state.get("quota")))
    if now >= state.get("probe", 0.0):
        state["probe"] = now + PROBE_EVERY  # spent, and no reset time known: one request asks
        state["spent"] = spent + cost
        return Spend(0.0, spent + cost)
    return Spend(state["probe"] - now)


def _record(state: dict[str, float], seen: RateObservation, now: float, ticket: int | None) -> None:
    """Mirrored by ``_RECORD`` below."""
    assert seen.remaining is not None
    if seen.limit is not None:
        state["limit"] = seen.limit
    if seen.quota:
        state["quota"] = 1
    if seen.reset_at is not None and seen.reset_at <= now:
        return  # a late answer about a window that is already over
    kept_reset = state.get("reset_at")
    if kept_reset is not None and seen.reset_at is not None:
        if seen.reset_at < kept_reset - SAME_WINDOW:
            return  # an answer from an older window
        new_window = seen.reset_at > kept_reset + SAME_WINDOW
    else:
        new_window = seen.reset_at is None  # no window to compare: the newest count wins
    behind = int(state.get("spent", 0)) - ticket if ticket is not None else 0
    estimate = max(0, seen.remaining - max(0, behind))
    if "remaining" in state and not new_window:
        estimate = min(int(state["remaining"]), estimate)
    state["remaining"] = estimate
    if seen.reset_at is not None:
        state["reset_at"] = seen.reset_at
    state.pop("probe", None)


class MemoryBudgetState:
    def __init__(self) -> None:
        self._states: dict[str, dict[str, float]] = {}
        self._lock = threading.Lock()

    def spend(self, scope: str, cost: int, now: float) -> Spend:
        with self._lock:
            return _spend(self._states.setdefault(scope, {}), cost, now)

    def record(
        self, scope: str, observation: RateObservation, now: float, ticket: int | None = None
    ) -> None:
        if observation.remaining is None:
            return
        with self._lock:
            _record(self._states.setdefault(scope, {}), observation, now, ticket)


# KEYS[1]: the scope's hash. ARGV: now, cost, probe interval.
# Returns {wait or '', ticket or '', quota ('1' or '', only with a wait)}.
_SPEND = """
local key = KEYS[1]
local now = tonumber(ARGV[1])
local cost = tonumber(ARGV[2])
local spent = tonumber(redis.call('HGET', key, 'spent') or '0')
local reset_at = tonumber(redis.call('HGET', key, 'reset_at'))
if reset_at and now >= reset_at then
  redis.call('HDEL', key, 'reset_at')
  reset_at = nil
  local limit = redis.call('HGET', key, 'limit')
  if limit then redis.call('HSET', key, 'remaining', limit) else redis.call('HDEL', key, 'remaining') end
end
redis.call('EXPIRE', key, 86400)
local remaining = tonumber(redis.call('HGET', key, 'remaining'))
if not remaining then
  redis.call('HSET', key, 'spent', spent + cost)
  return {'', tostring(spent + cost)}
end
if remaining >= cost then
  redis.call('HSET', key, 'remaining', remaining - cost, 'spent', spent + cost)
  return {'0', tostring(spent + cost)}
end
if reset_at then return {tostring(reset_at - now), '', redis.call('HGET', key, 'quota') or ''} end
local probe = tonumber(redis.call('HGET', key, 'probe') or '0')
if now >= probe then
  redis.call('HSET', key, 'probe', now + tonumber(ARGV[3]), 'spent', spent + cost)
  return {'0', tostring(spent + cost)}
end
return {tostring(probe - now), ''}
"""

# KEYS[1]: the scope's hash. ARGV: now, remaining, reset_at, limit, ticket ('' when
# unknown), same-window slack, quota ('1' or '').
_RECORD = """
local key = KEYS[1]
local now = tonumber(ARGV[1])
local seen = tonumber(ARGV[2])
local seen_reset = tonumber(ARGV[3])
local seen_limit = tonumber(ARGV[4])
local ticket = tonumber(ARGV[5])
local slack = tonumber(ARGV[6])
if seen_limit then redis.call('HSET', key, 'limit', seen_limit) end
if ARGV[7] == '1' then redis.call('HSET', key, 'quota', '1') end
redis.call('EXPIRE', key, 86400)
if seen_reset and seen_reset <= now then return 0 end
local kept_reset = tonumber(redis.call('HGET', key, 'reset_at'))
local new_window
if kept_reset and seen_reset then
  if seen_reset < kept_reset - slack then return 0 end
  new_window = seen_reset > kept_reset + slack
else
  new_window = not seen_reset
end
local behind = 0
if ticket then behind = tonumber(redis.call('HGET', key, 'spent') or '0') - ticket end
local estimate = math.max(0, seen - math.max(0, behind))
local kept = tonumber(redis.call('HGET', key, 'remaining'))
if kept and not new_window then estimate = math.min(kept, estimate) end
redis.call('HSET', key, 'remaining', estimate)
if seen_reset then redis.call('HSET', key, 'reset_at', ARGV[3]) end
redis.call('HDEL', key, 'probe')
return 1
"""


def _optional(value: float | None) -> str:
    return "" if value is None else repr(value)


class RedisBudgetState:
    """The vendor's count in a Redis hash per scope, spent and updated by Lua scripts."""

    def __init__(self, client: Any, prefix: str = "engage:budget:") -> None:
        self._prefix = prefix
        self._spend = client.register_script(_SPEND)
        self._record = client.register_script(_RECORD)

    @classmethod
    def from_url(cls, url: str) -> RedisBudgetState:
        return cls(redis_from_url(url, "a redis:// pacer"))

    def spend(self, scope: str, cost: int, now: float) -> Spend:
        wait, ticket, *quota = (
            v.decode() if isinstance(v, bytes) else str(v)
            for v in self._spend(keys=[self._prefix + scope], args=[repr(now), cost, PROBE_EVERY])
        )
        return Spend(float(wait) if wait else None, int(ticket) if ticket else None, quota == ["1"])

    def record(
        self, scope: str, observation: RateObservation, now: float, ticket: int | None = None
    ) -> None:
        if observation.remaining is None:
            return
        args = [repr(now), observation.remaining, _optional(observation.reset_at)]
        args += [_optional(observation.limit), _optional(ticket), SAME_WINDOW]
        args += ["1" if observation.quota else ""]
        self._record(keys=[self._prefix + scope], args=args)


def budget_state_for(storage_uri: str) -> BudgetState:
    if storage_uri.startswith(("redis://", "rediss://", "unix://")):
        return RedisBudgetState.from_url(storage_uri)
    return MemoryBudgetState()
