"""2. Budget utilisation: bulk writes against the vendor's real window, on a simulated clock.

For each vendor, ``enroll_many`` of 2,000 targets then ``complete_many`` of
2,000 open tasks, through the sync client (``run_batch``'s bounded worker
threads, the pacer fed by the vendor's rate headers). The emulator keeps the
vendor's real window (Salesloft 600 units a minute; Outreach an hour) on a
frozen clock that moves only when engage waits (``_sim``): the pacer's waits
for the next window take no wall time, so the run measures how well engage
fills the vendor's window, not how fast this machine is. Outreach's 10,000
requests an hour would not fill one window with 4,000 writes, so its limit is
set to 1,000 an hour (the window stays an hour). Measured, from the emulator's side:

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
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from engage import RateLimitError

from ._harness import Result, Summary, Timer, pct, sandbox, scaled, tenant_config
from ._sim import SimTime

NAME = "utilisation"
VERBOSE = False
TARGET_SHARE = 0.95


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
    limit: int | None  # units per window (None: the vendor's daily allocation, not measured)
    window: float  # seconds, the vendor's real window
    write_routes: tuple[tuple[str, str], ...]  # (method, path prefix) of the item writes
    manual_tasks: bool  # complete manual tasks (else sequence-step tasks)


PLANS = (
    Plan(
        "salesloft",
        12,
        600,
        60.0,
        (("POST", "/v2/cadence_memberships"), ("PUT", "/v2/tasks/")),
        True,
    ),
    Plan(
        "outreach",
        2,
        1000,
        3600.0,
        (("POST", "/api/v2/sequenceStates"), ("POST", "/api/v2/tasks/")),
        False,
    ),
    Plan(
        "salesforce",
        10,
        None,
        86400.0,
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


def _vendor(plan: Plan, scale: float) -> dict[str, Any]:
    n = scaled(2000, scale, 20)
    size = plan.size * max(scale, 0.1) if scale < 1 else plan.size
    budgeted = plan.limit is not None
    window = plan.window
    # The smoke test runs tiny: a limit its few writes still fill several windows with.
    limit = plan.limit if plan.limit is None or scale >= 1 else max(5, n // 2)
    sim = SimTime()
    opts: dict[str, Any] = {"rate_limit": limit, "rate_window": window} if budgeted else {}
    with (
        sim.patched_limits(),
        sandbox(plan.vendor, size=size, clock=sim.clock, **opts) as server,
    ):
        recorder = Recorder(server.kit.clock.timestamp)
        recorder.install(server)
        # An operation may wait for the next window: an hour for Outreach, longer than the
        # default deadline (which would rightly give up rather than wait that long).
        transport = {"deadline": 2 * window + 60}
        eng = sim.engage({"t": tenant_config(plan.vendor, server.url, transport=transport)})
        tenant = eng.tenant("t")
        sequence, targets, tasks = _pick(tenant, plan.vendor, n, plan.manual_tasks)
        # Start at the beginning of a budget window.
        sim.clock.advance(window - server.kit.clock.timestamp() % window)
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
        if 200 <= status < 300  # refused tries (429, 401 for an expired token) wrote nothing
        and any(method == m and path.startswith(p) for m, p in plan.write_routes)
    )
    duplicated = sum(max(0, per_target[t] - 1) for t in targets)
    if plan.vendor != "salesforce":
        duplicated = max(duplicated, writes - items)
    share, windows = _fill_share(events, limit, window) if limit is not None else (float("nan"), 0)
    return {
        "vendor": plan.vendor,
        "items": items,
        "seconds": timer.wall,
        "sim_seconds": end - start,
        "requests": len(events),
        "writes": writes,
        "rate": len(events) / timer.wall if timer.wall else float("nan"),
        "limit": limit,
        "window": window,
        "share": share,
        "windows": windows,
        "server_429": sum(1 for e in events if e[3] == 429),
        "surfaced_429": surfaced_429,
        "errors": dict(errors),
        "lost": lost,
        "duplicated": duplicated,
    }


def _limit_text(o: dict[str, Any]) -> str:
    if o["limit"] is None:
        return "-"
    minutes = o["window"] / 60
    per = "a minute" if minutes == 1 else f"per {minutes:.0f} min"
    return f"{o['limit']:,} {per}"


def run(scale: float = 1.0) -> Result:
    result = Result(
        NAME,
        "2. Budget utilisation: enroll_many + complete_many of 2,000 items each, "
        "vendor's real window on a simulated clock",
        [
            "vendor",
            "items",
            "wall s",
            "requests",
            "limit (window)",
            "windows filled",
            "simulated min",
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
                _limit_text(o),
                o["windows"],
                o["sim_seconds"] / 60,
                "n/a" if o["limit"] is None else pct(o["share"]),
                o["server_429"],
                o["surfaced_429"],
                ", ".join(f"{k}: {v}" for k, v in other.items()) or "0",
                o["lost"],
                o["duplicated"],
            ]
        )
        clean = o["surfaced_429"] == 0 and o["lost"] == 0 and o["duplicated"] == 0
        goal = f">= {TARGET_SHARE:.0%} of the window; 0 429s surfaced, 0 lost, 0 duplicated"
        if o["limit"] is None:
            result.summary.append(
                Summary(
                    f"{o['vendor']}: bulk writes, {o['items']:,} items",
                    f"{o['requests']} requests; {o['surfaced_429']} 429s surfaced, "
                    f"{o['lost']} lost, {o['duplicated']} duplicated",
                    f"{o['items']:,} requests one by one",
                    f"{o['requests'] / o['items']:.3f} requests/item",
                    goal,
                    None if clean else False,
                    "share of limit n/a: Salesforce's budget is a 24 h allocation and its batch "
                    "writes are 200-input actions, so the run never nears the limit",
                )
            )
            continue
        met = clean and o["share"] >= TARGET_SHARE
        why = []
        if not o["share"] >= TARGET_SHARE:
            why.append(f"{pct(o['share'])} of the limit over {o['windows']} full windows")
        if not clean:
            why.append("429s surfaced or items lost/duplicated")
        result.summary.append(
            Summary(
                f"{o['vendor']}: share of the real window's limit, {o['items']:,} items",
                f"{pct(o['share'])}; {o['surfaced_429']} 429s surfaced, {o['lost']} lost, "
                f"{o['duplicated']} duplicated",
                f"limit {_limit_text(o)}",
                f"{o['share']:.3f}",
                goal,
                met,
                "; ".join(why)
                or f"{o['server_429']} 429s answered by the emulator were retried after its "
                "Retry-After, none reached the caller",
            )
        )
    result.notes.append(
        "The share is the mean use of the windows the run filled, the last (partial by "
        "construction) left out; the simulated minutes are the emulator clock's advance."
    )
    return result
