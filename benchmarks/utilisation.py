"""2. Budget utilisation: bulk writes against a rate limit scaled down to a ~30 s run.

For each vendor, ``enroll_many`` of 2,000 targets then ``complete_many`` of
2,000 open tasks, through the sync client (``run_batch``'s bounded worker
threads, the pacer fed by the vendor's rate headers). The emulator runs on
the wall clock with its budget scaled so that the writes need about 30 s at
the limit. Measured, from the emulator's side:

* achieved rate as a share of the limit, over the budget windows the run
  filled (the last window is partial: the work ends in it);
* 429s the emulator answered, and 429s (or other errors) surfaced to the caller;
* items lost (not written) or duplicated (written more than once), checked by
  reading the records back and by counting the write requests the emulator ran.

Salesforce's budget is a rolling 24-hour allocation of API requests, and its
batch writes are invocable actions of 200 inputs, so 4,000 items take ~20
requests: no scaled-down window can be faithful to that, and the share of the
limit does not apply. Its row reports requests per item and the same checks.
"""

from __future__ import annotations

import math
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from engage import RateLimitError

from ._harness import Result, Summary, Timer, fmt, one_tenant, pct, sandbox, scaled

NAME = "utilisation"
TARGET_SECONDS = 30.0
VERBOSE = False
WINDOW = 5.0  # seconds; Salesloft's real window is 60 s, Outreach's an hour


@dataclass
class Recorder:
    """Wraps the emulator's request counter to keep (sandbox time, method, path, status)."""

    clock: Callable[[], float]
    events: list[tuple[float, str, str, int]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def install(self, server: Any) -> None:
        stats = server.kit.stats
        original = stats.record

        def record(method: str, path: str, status: int) -> None:
            with self.lock:
                self.events.append((self.clock(), method, path, status))
            original(method, path, status)

        stats.record = record

    def between(self, start: float, end: float) -> list[tuple[float, str, str, int]]:
        with self.lock:
            return [e for e in self.events if start <= e[0] <= end]


@dataclass
class Plan:
    vendor: str
    size: float
    write_routes: tuple[tuple[str, str], ...]  # (method, path prefix) of the item writes
    manual_tasks: bool  # complete manual tasks (else sequence-step tasks)


PLANS = (
    Plan(
        "salesloft",
        12,
        (("POST", "/v2/cadence_memberships"), ("PUT", "/v2/tasks/")),
        True,
    ),
    Plan(
        "outreach",
        2,
        (("POST", "/api/v2/sequenceStates"), ("POST", "/api/v2/tasks/")),
        False,
    ),
    Plan(
        "salesforce",
        10,
        (("POST", "/services/data/"),),
        False,
    ),
)


def _pick(tenant: Any, vendor: str, n: int, manual: bool) -> tuple[str, list[str], list[str]]:
    """A sequence, ``n`` targets not in it (nor, for Salesforce, in any cadence), ``n`` open tasks."""
    sequences = tenant.sequences.list(page_size=100).to_list()
    sequence = next((s for s in sequences if s.active), sequences[0])
    busy: set[str] = set()
    if vendor == "salesforce":
        busy = {e.target_id for e in tenant.enrollments.list(state="active", page_size=1000)}
        busy |= {e.target_id for e in tenant.enrollments.list(state="paused", page_size=1000)}
    else:
        busy = {e.target_id for e in tenant.enrollments.list(sequence_id=sequence.id)}
    targets: list[str] = []
    for target in tenant.targets.list(page_size=100 if vendor == "salesloft" else 1000):
        raw = target.raw or {}
        if target.id in busy or raw.get("do_not_contact") or target.email is None:
            continue
        targets.append(target.id)
        if len(targets) == n:
            break
    origin = "manual" if manual else "sequence_step"
    if vendor == "outreach":
        origin = None  # every open Outreach task takes markComplete
    # Open tasks that can be completed now: Outreach's "pending" tasks and Salesforce's
    # steps of a paused cadence refuse it.
    workable = {"outreach": "incomplete", "salesforce": "Active"}.get(vendor)
    listing = tenant.tasks.list(
        status="open", origin=origin, page_size=100 if vendor == "salesloft" else 1000
    )
    tasks = [t.id for t in listing if workable is None or t.vendor_status == workable][:n]
    return sequence.id, targets, tasks


def _fill_share(
    events: list[tuple[float, str, str, int]], limit: int, window: float
) -> tuple[float, int]:
    """Mean share of the limit spent per window, over the windows before the last one."""
    used: Counter[int] = Counter()
    for t, _method, _path, status in events:
        if status != 429:
            used[math.floor(t / window)] += 1
    if len(used) < 2:
        return float("nan"), len(used)
    windows = sorted(used)[:-1]
    first, last = windows[0], windows[-1]
    span = range(first, last + 1)
    return sum(used[w] for w in span) / (limit * len(span)), len(span)


def _capacity(plan: Plan, size: float, n: int) -> float:
    """Requests per second this process manages with no budget at all (client and
    emulator share it): a limit above this would measure the machine, not the pacer."""
    with sandbox(plan.vendor, size=size, real_time=True, rate_limit=10**9) as server:
        eng, tenant = one_tenant(plan.vendor, server)
        sequence, targets, tasks = _pick(tenant, plan.vendor, n, plan.manual_tasks)
        before = server.kit.stats.snapshot()["requests"]
        with Timer() as timer:  # the same mix of writes as the measured run
            tenant.enrollments.enroll_many(
                [{"target_id": t, "sequence_id": sequence} for t in targets]
            )
            tenant.tasks.complete_many(tasks)
        requests = server.kit.stats.snapshot()["requests"] - before
        eng.close()
    return requests / timer.wall


def _vendor(plan: Plan, scale: float) -> dict[str, Any]:
    n = scaled(2000, scale, 20)
    size = plan.size * max(scale, 0.1) if scale < 1 else plan.size
    budgeted = plan.vendor != "salesforce"
    # The smoke test runs tiny: 1 s windows, a few seconds in all.
    window = WINDOW if scale >= 1 else 1.0
    seconds = max(2 * window, TARGET_SECONDS * min(1.0, scale))
    limit = math.ceil(2 * n / seconds * window) if budgeted else None
    capacity = _capacity(plan, size, max(20, n // 10)) if budgeted else None
    if limit is not None and capacity is not None:
        # Keep the budget the binding constraint: at most 75% of what the process can push.
        limit = min(limit, max(1, math.floor(0.75 * capacity * window)))
    opts: dict[str, Any] = {"rate_limit": limit, "rate_window": window} if budgeted else {}
    with sandbox(plan.vendor, size=size, real_time=True, **opts) as server:
        recorder = Recorder(server.kit.clock.timestamp)
        recorder.install(server)
        eng, tenant = one_tenant(plan.vendor, server)
        sequence, targets, tasks = _pick(tenant, plan.vendor, n, plan.manual_tasks)
        if budgeted:  # start at the beginning of a budget window
            now = server.kit.clock.timestamp()
            time.sleep(window - now % window + 0.01)
        start = server.kit.clock.timestamp()
        with Timer() as timer:
            enrolled = tenant.enrollments.enroll_many(
                [{"target_id": t, "sequence_id": sequence} for t in targets]
            )
            completed = tenant.tasks.complete_many(tasks)
        end = server.kit.clock.timestamp()
        events = recorder.between(start, end)
        # Read back (after the run, not timed).
        per_target = Counter(
            e.target_id
            for e in tenant.enrollments.list(sequence_id=sequence, page_size=1000)
            if e.state.value in ("active", "paused", "pending")
        )
        done = [t for t in tenant.tasks.list(status="completed", page_size=1000) if t.id in tasks]
        eng.close()
    items = len(targets) + len(tasks)
    results = [*enrolled.items, *completed.items]
    errors = Counter(type(r.error).__name__ for r in results if r.error is not None)
    surfaced_429 = sum(isinstance(r.error, RateLimitError) for r in results)
    ok_targets = {t for t, r in zip(targets, enrolled.items, strict=True) if r.ok}
    ok_tasks = {t for t, r in zip(tasks, completed.items, strict=True) if r.ok}
    lost = sum(1 for t in ok_targets if per_target[t] == 0)
    lost += len(ok_tasks - {t.id for t in done})
    writes = sum(
        1
        for _t, method, path, status in events
        if status != 429 and any(method == m and path.startswith(p) for m, p in plan.write_routes)
    )
    duplicated = sum(max(0, per_target[t] - 1) for t in targets)
    if plan.vendor != "salesforce":
        duplicated = max(duplicated, writes - items)
    share, windows = _fill_share(events, limit, window) if limit is not None else (float("nan"), 0)
    return {
        "vendor": plan.vendor,
        "items": items,
        "seconds": timer.wall,
        "requests": len(events),
        "writes": writes,
        "rate": len(events) / timer.wall if timer.wall else float("nan"),
        "limit_rate": limit / window if limit else None,
        "capacity": capacity,
        "share": share,
        "windows": windows,
        "server_429": sum(1 for e in events if e[3] == 429),
        "surfaced_429": surfaced_429,
        "errors": dict(errors),
        "lost": lost,
        "duplicated": duplicated,
    }


def run(scale: float = 1.0) -> Result:
    result = Result(
        NAME,
        "2. Budget utilisation: enroll_many + complete_many of 2,000 items each, limit scaled",
        [
            "vendor",
            "items",
            "seconds",
            "requests",
            "req/s",
            "capacity req/s",
            "limit req/s",
            "share of limit",
            "429s (emulator)",
            "429s surfaced",
            "other errors",
            "lost",
            "duplicated",
        ],
    )
    with Timer() as timer:
        outcomes = []
        for plan in PLANS:
            outcomes.append(_vendor(plan, scale))
            if VERBOSE:
                print(outcomes[-1])
    result.seconds = timer.wall
    for o in outcomes:
        other = {k: v for k, v in o["errors"].items() if k != "RateLimitError"}
        result.rows.append(
            [
                o["vendor"],
                o["items"],
                o["seconds"],
                o["requests"],
                o["rate"],
                "-" if o["capacity"] is None else fmt(o["capacity"], 1),
                "-" if o["limit_rate"] is None else fmt(o["limit_rate"], 1),
                "n/a" if o["limit_rate"] is None else pct(o["share"]),
                o["server_429"],
                o["surfaced_429"],
                ", ".join(f"{k}: {v}" for k, v in other.items()) or "0",
                o["lost"],
                o["duplicated"],
            ]
        )
        clean = o["surfaced_429"] == 0 and o["lost"] == 0 and o["duplicated"] == 0
        if o["limit_rate"] is None:
            result.summary.append(
                Summary(
                    f"{o['vendor']}: bulk writes, {o['items']:,} items",
                    f"{o['requests']} requests; {o['surfaced_429']} 429s surfaced, "
                    f"{o['lost']} lost, {o['duplicated']} duplicated",
                    f"{o['items']:,} requests one by one",
                    f"{o['requests'] / o['items']:.3f} requests/item",
                    ">= 90% of limit; 0 429s, 0 lost, 0 duplicated",
                    None if clean else False,
                    "share of limit n/a: Salesforce's budget is a 24 h allocation and its batch "
                    "writes are 200-input actions, so the run never nears the limit",
                )
            )
            continue
        met = clean and o["share"] >= 0.9
        why = []
        if o["share"] < 0.9:
            why.append(
                f"only {pct(o['share'])} of the limit, which was set below the "
                f"{fmt(o['capacity'], 0)} req/s this process reaches unthrottled"
            )
        if not clean:
            why.append("429s surfaced or items lost/duplicated")
        result.summary.append(
            Summary(
                f"{o['vendor']}: share of the rate limit, {o['items']:,} items",
                f"{pct(o['share'])}; {o['surfaced_429']} 429s surfaced, {o['lost']} lost, "
                f"{o['duplicated']} duplicated",
                f"limit {fmt(o['limit_rate'], 1)} req/s "
                f"(capacity {fmt(o['capacity'], 0)} req/s unthrottled)",
                f"{o['share']:.3f}",
                ">= 90% of limit; 0 429s, 0 lost, 0 duplicated",
                met,
                "; ".join(why)
                or f"{o['server_429']} 429s answered by the emulator were retried after its "
                "Retry-After, none reached the caller",
            )
        )
    return result
