"""1. Vendor budget spent: Salesloft cost units for a full, then an incremental, read.

Salesloft charges a team 1 cost unit per request up to page 100 and 3, 8, 10
and 30 units per request past it. Reading 50,000 people and 50,000 cadence
actions by page number walks to page 500 of each; engage reads by
``updated_at`` keyset (always page 1). The minimum possible is one unit per
100 records (Salesloft's largest page); the incremental read after 1% of the
people changed costs at least one page per list.
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

import httpx
from engage_sandbox.salesloft import SANDBOX_SALESLOFT_API_KEY

from ._harness import Result, Stats, Summary, Timer, fmt, one_tenant, pct, sandbox, scaled

NAME = "budget"
PER_PAGE = 100


def _page_walk(
    client: httpx.Client, path: str, extra: dict[str, str] | None = None
) -> tuple[int, datetime | None]:
    """The plain walk: page=1, 2, ... until the last page; returns (records, max updated_at)."""
    page: int | None = 1
    count, newest = 0, None
    while page is not None:
        params = {"per_page": str(PER_PAGE), "page": str(page), **(extra or {})}
        body = client.get(path, params=params).raise_for_status().json()
        for row in body["data"]:
            count += 1
            moment = datetime.fromisoformat(row["updated_at"])
            newest = moment if newest is None or moment > newest else newest
        nxt = body["metadata"]["paging"]["next_page"]
        page = int(nxt) if nxt is not None else None
    return count, newest


def _newest(items: list[Any]) -> datetime:
    return max(i.updated_at for i in items if i.updated_at is not None)


def run(scale: float = 1.0) -> Result:
    size = 17 * scale  # ~3,000 people and ~2,950 actions per unit of size
    result = Result(
        NAME,
        "1. Salesloft cost units: full then incremental read of people and cadence actions",
        ["read", "records", "minimum units", "engage units", "page-walk units", "engage requests"],
    )
    with Timer() as timer, sandbox("salesloft", size=size, rate_limit=10**9) as server:
        eng, tenant = one_tenant("salesloft", server)
        client = httpx.Client(
            base_url=server.url, headers={"Authorization": f"Bearer {SANDBOX_SALESLOFT_API_KEY}"}
        )
        totals = {"min": 0, "engage": 0, "walk": 0}

        def row(label: str, records: int, engage: Stats, walk: Stats, minimum: int) -> None:
            totals["min"] += minimum
            totals["engage"] += engage.cost
            totals["walk"] += walk.cost
            result.rows.append([label, records, minimum, engage.cost, walk.cost, engage.requests])

        # Full reads.
        s0 = Stats.of(server)
        people = tenant.targets.list(page_size=PER_PAGE).to_list()
        s1 = Stats.of(server)
        walked_people, _ = _page_walk(client, "/v2/people")
        s2 = Stats.of(server)
        actions = tenant.tasks.list(origin="sequence_step", page_size=PER_PAGE).to_list()
        s3 = Stats.of(server)
        walked_actions, _ = _page_walk(client, "/v2/actions")
        s4 = Stats.of(server)
        assert walked_people == len(people), (walked_people, len(people))
        assert walked_actions == len(actions), (walked_actions, len(actions))
        row("people, full", len(people), s1 - s0, s2 - s1, math.ceil(len(people) / PER_PAGE))
        row("actions, full", len(actions), s3 - s2, s4 - s3, math.ceil(len(actions) / PER_PAGE))

        # 1% of the people change (a PUT each, not counted), nothing new among actions.
        people_mark, actions_mark = _newest(people), _newest(actions)
        changed = scaled(len(people) // 100, 1.0)
        for target in people[:: max(1, len(people) // changed)][:changed]:
            client.put(f"/v2/people/{target.id}", json={"title": "Changed"}).raise_for_status()
        since = {"sort_by": "updated_at", "sort_direction": "ASC"}
        s5 = Stats.of(server)
        inc_people = tenant.targets.list(page_size=PER_PAGE, updated_since=people_mark).to_list()
        s6 = Stats.of(server)
        _page_walk(client, "/v2/people", {**since, "updated_at[gt]": people_mark.isoformat()})
        s7 = Stats.of(server)
        inc_actions = tenant.tasks.list(
            origin="sequence_step", page_size=PER_PAGE, updated_since=actions_mark
        ).to_list()
        s8 = Stats.of(server)
        _page_walk(client, "/v2/actions", {**since, "updated_at[gt]": actions_mark.isoformat()})
        s9 = Stats.of(server)
        fresh = [t for t in inc_people if t.updated_at and t.updated_at > people_mark]
        row(
            "people, incremental (1% changed)",
            len(fresh),
            s6 - s5,
            s7 - s6,
            max(1, math.ceil(changed / PER_PAGE)),
        )
        row("actions, incremental (none changed)", len(inc_actions), s8 - s7, s9 - s8, 1)
        full_walk = (s2 - s1).cost + (s4 - s3).cost
        client.close()
        eng.close()

    result.seconds = timer.wall
    over = totals["engage"] / totals["min"] - 1
    result.rows.append(
        ["total", len(people) + len(actions), totals["min"], totals["engage"], totals["walk"], "-"]
    )
    result.summary.append(
        Summary(
            "Salesloft cost units, full + incremental read",
            fmt(totals["engage"]),
            f"minimum {fmt(totals['min'])}; page walk {fmt(totals['walk'])}",
            f"{totals['engage'] / totals['min']:.3f}x min; "
            f"{totals['engage'] / totals['walk']:.3f}x walk",
            "<= 1.05x minimum",
            over <= 0.05,
            f"{pct(over)} over the minimum: keyset pages re-read the row at the boundary "
            "timestamp (updated_at[gte]) so that ties are never lost"
            if over > 0
            else "",
        )
    )
    result.notes.append(
        f"The page-number walk of the two full reads alone costs {fmt(full_walk)} units: pages "
        "101-500 are charged 3 to 10 units each. Its incremental read is given the same "
        "updated_at filter engage uses, so it is as cheap as engage's."
    )
    return result
