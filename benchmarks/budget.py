"""1. Vendor budget spent: Salesloft cost units and time for a full, then an incremental, read.

Salesloft charges a team 1 cost unit per request up to page 100 and 3, 8, 10
and 30 units per request past it, out of 600 units a minute. Reading 50,000
people and 40,000 cadence actions by page number walks to page 500 of each;
engage reads by ``updated_at`` keyset (always page 1), with default settings
(no ``page_size``). The minimum possible is one unit per 100 records
(Salesloft's largest page); the incremental read after 1% of the people
changed costs at least one page per list.

Both reads run against the emulator's real budget (600 units in 60 s windows)
on a simulated clock (``_sim``): engage's pacer waits on it, and the page
walk obeys each 429's ``Retry-After`` by moving it. The time column is the
clock's advance: how long the read takes at Salesloft's budget, none of it
waited out here (request latency excluded).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import datetime
from typing import Any

import httpx
from engage_sandbox.salesloft import SANDBOX_SALESLOFT_API_KEY

from ._harness import Result, Stats, Summary, Timer, fmt, pct, sandbox, scaled, tenant_config
from ._sim import SimTime

NAME = "budget"
PER_PAGE = 100
WINDOW = 60.0  # Salesloft's budget window, seconds


def _page_walk(
    client: httpx.Client, sim: SimTime, path: str, extra: dict[str, str] | None = None
) -> tuple[int, datetime | None]:
    """The plain walk: page=1, 2, ... until the last page; returns (records, max updated_at).

    A 429 is waited out on the simulated clock for its ``Retry-After``, then retried.
    """
    page: int | None = 1
    count, newest = 0, None
    while page is not None:
        params = {"per_page": str(PER_PAGE), "page": str(page), **(extra or {})}
        answer = client.get(path, params=params)
        if answer.status_code == 429:
            sim.clock.advance(float(answer.headers.get("Retry-After", "1")))
            continue
        body = answer.raise_for_status().json()
        for row in body["data"]:
            count += 1
            moment = datetime.fromisoformat(row["updated_at"])
            newest = moment if newest is None or moment > newest else newest
        nxt = body["metadata"]["paging"]["next_page"]
        page = int(nxt) if nxt is not None else None
    return count, newest


def _newest(items: list[Any]) -> datetime:
    return max(i.updated_at for i in items if i.updated_at is not None)


def _timed(sim: SimTime, server: Any, fn: Callable[[], Any]) -> tuple[Any, Stats, float]:
    """``fn()``'s result, what it cost at the emulator, and the simulated seconds it took."""
    before, start = Stats.of(server), sim.clock.timestamp()
    value = fn()
    return value, Stats.of(server) - before, sim.clock.timestamp() - start


def _next_window(sim: SimTime) -> None:
    """Start the next read with a fresh budget window, as a read after a pause would."""
    now = sim.clock.timestamp()
    sim.clock.advance(WINDOW - now % WINDOW)


def run(scale: float = 1.0) -> Result:
    size = 17 * scale  # ~3,000 people and ~2,400 open actions per unit of size
    result = Result(
        NAME,
        "1. Salesloft cost units and minutes waited at its real budget (600 units a minute): "
        "full then incremental read of people and cadence actions, default settings",
        [
            "read",
            "records",
            "minimum units",
            "engage units",
            "page-walk units",
            "engage requests",
            "engage wait, min",
            "page-walk wait, min",
        ],
    )
    sim = SimTime()
    with (
        Timer() as timer,
        sim.patched_limits(),
        sandbox("salesloft", size=size, clock=sim.clock) as server,
    ):
        eng = sim.engage({"t": tenant_config("salesloft", server.url)})
        tenant = eng.tenant("t")
        client = httpx.Client(
            base_url=server.url,
            headers={"Authorization": f"Bearer {SANDBOX_SALESLOFT_API_KEY}"},
            timeout=120.0,  # a loaded 2-core machine serves a write to 51,000 people slowly
        )
        totals = {"min": 0, "engage": 0, "walk": 0, "engage_s": 0.0, "walk_s": 0.0}

        def row(
            label: str,
            records: int,
            engage: tuple[Stats, float],
            walk: tuple[Stats, float],
            minimum: int,
        ) -> None:
            totals["min"] += minimum
            totals["engage"] += engage[0].cost
            totals["walk"] += walk[0].cost
            totals["engage_s"] += engage[1]
            totals["walk_s"] += walk[1]
            result.rows.append(
                [
                    label,
                    records,
                    minimum,
                    engage[0].cost,
                    walk[0].cost,
                    engage[0].requests,
                    engage[1] / 60,
                    walk[1] / 60,
                ]
            )

        def read(fn: Callable[[], Any]) -> tuple[Any, Stats, float]:
            _next_window(sim)
            return _timed(sim, server, fn)

        # Full reads.
        people, e_people, t_people = read(lambda: tenant.targets.list().to_list())
        (walked_people, _), w_people, tw_people = read(
            lambda: _page_walk(client, sim, "/v2/people")
        )
        actions, e_actions, t_actions = read(
            lambda: tenant.tasks.list(origin="sequence_step").to_list()
        )
        (walked_actions, _), w_actions, tw_actions = read(
            lambda: _page_walk(client, sim, "/v2/actions")
        )
        assert walked_people == len(people), (walked_people, len(people))
        assert walked_actions == len(actions), (walked_actions, len(actions))
        row(
            "people, full",
            len(people),
            (e_people, t_people),
            (w_people, tw_people),
            math.ceil(len(people) / PER_PAGE),
        )
        row(
            "actions, full",
            len(actions),
            (e_actions, t_actions),
            (w_actions, tw_actions),
            math.ceil(len(actions) / PER_PAGE),
        )

        # 1% of the people change (a PUT each, not counted), nothing new among actions.
        people_mark, actions_mark = _newest(people), _newest(actions)
        changed = scaled(len(people) // 100, 1.0)
        _next_window(sim)
        sim.clock.advance(1.0)  # the changes are newer than the mark
        for target in people[:: max(1, len(people) // changed)][:changed]:
            client.put(f"/v2/people/{target.id}", json={"title": "Changed"}).raise_for_status()
        since = {"sort_by": "updated_at", "sort_direction": "ASC"}
        inc_people, e_inc, t_inc = read(
            lambda: tenant.targets.list(updated_since=people_mark).to_list()
        )
        _, w_inc, tw_inc = read(
            lambda: _page_walk(
                client, sim, "/v2/people", {**since, "updated_at[gt]": people_mark.isoformat()}
            )
        )
        inc_actions, e_inc_a, t_inc_a = read(
            lambda: tenant.tasks.list(origin="sequence_step", updated_since=actions_mark).to_list()
        )
        _, w_inc_a, tw_inc_a = read(
            lambda: _page_walk(
                client, sim, "/v2/actions", {**since, "updated_at[gt]": actions_mark.isoformat()}
            )
        )
        fresh = [t for t in inc_people if t.updated_at and t.updated_at > people_mark]
        row(
            "people, incremental (1% changed)",
            len(fresh),
            (e_inc, t_inc),
            (w_inc, tw_inc),
            max(1, math.ceil(changed / PER_PAGE)),
        )
        row(
            "actions, incremental (none changed)",
            len(inc_actions),
            (e_inc_a, t_inc_a),
            (w_inc_a, tw_inc_a),
            1,
        )
        full_walk = w_people.cost + w_actions.cost
        client.close()
        eng.close()

    result.seconds = timer.wall
    over = totals["engage"] / totals["min"] - 1
    result.rows.append(
        [
            "total",
            len(people) + len(actions),
            totals["min"],
            totals["engage"],
            totals["walk"],
            "-",
            totals["engage_s"] / 60,
            totals["walk_s"] / 60,
        ]
    )
    result.summary.append(
        Summary(
            "Salesloft cost units, full + incremental read, default settings",
            fmt(totals["engage"]),
            f"minimum {fmt(totals['min'])}; page walk {fmt(totals['walk'])}",
            f"{totals['engage'] / totals['min']:.3f}x min; "
            f"{totals['engage'] / totals['walk']:.3f}x walk",
            "<= 1.05x minimum",
            over <= 0.05,
            f"{pct(over)} over the minimum: keyset pages re-read the row at the boundary "
            "timestamp so that ties are never lost"
            if over > 0
            else "",
        )
    )
    result.summary.append(
        Summary(
            "Salesloft minutes waited for its budget (600 units/min), full + incremental read",
            f"{totals['engage_s'] / 60:.1f} min",
            f"page walk {totals['walk_s'] / 60:.1f} min",
            f"walk waits {(totals['walk_s'] - totals['engage_s']) / 60:.1f} min longer",
            "n/a (the budget, not engage, sets the time)",
            None,
            "simulated clock: the emulator's real 60 s windows, none waited out; each read "
            "starts in a fresh window, so a read within 600 units waits 0 min; request "
            "latency left out",
        )
    )
    result.notes.append(
        f"The page-number walk of the two full reads alone costs {fmt(full_walk)} units: pages "
        "101-500 are charged 3 to 10 units each. Its incremental read is given the same "
        "updated_at filter engage uses, so it is as cheap as engage's."
    )
    return result
