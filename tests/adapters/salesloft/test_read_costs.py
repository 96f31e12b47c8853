"""What reads cost at the emulator: default pages of 100, ties walked without deep pages.

Counted at the in-process emulator (its request log and cost units), never timed.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs

import pytest
from engage_sandbox import SandboxOptions
from engage_testing import AppTransport, inprocess_engage

from engage import Engage

ONE_INSTANT = datetime(2026, 1, 10, 12, tzinfo=UTC)


def _emulator(transport: AppTransport) -> Any:
    return transport._asgi.app.state.emulator  # type: ignore[attr-defined]


def _tenant(size: float) -> tuple[Engage, AppTransport]:
    return inprocess_engage("salesloft", options=SandboxOptions(seed=7, size=size))


def _lists(transport: AppTransport, path: str) -> list[dict[str, list[str]]]:
    return [
        parse_qs(r.url.query.decode())
        for r in transport.requests
        if r.method == "GET" and r.url.path == path
    ]


def test_a_default_read_uses_pages_of_a_hundred() -> None:
    engage, transport = _tenant(1.0)
    with engage:
        tenant = engage.tenant("test")
        people = tenant.targets.list().to_list()
        memberships = tenant.enrollments.list().to_list()
    state = _emulator(transport).state
    assert len(people) == len(state.people) > 2000
    assert len(memberships) == len(state.memberships) > 2000
    for path, count in (
        ("/v2/people", len(people)),
        ("/v2/cadence_memberships", len(memberships)),
    ):
        queries = _lists(transport, path)
        assert {q["per_page"][0] for q in queries} == {"100"}
        # ceil(N/100), plus at most the one request that finds the list's end
        assert len(queries) <= math.ceil(count / 100) + 1


@pytest.mark.parametrize(
    "read",
    [
        lambda t: t.sequences.list().to_list(),
        lambda t: t.tasks.list(limit=150).to_list(),
        lambda t: t.activities.list(limit=150).to_list(),
    ],
)
def test_every_list_defaults_to_the_largest_page(read: Any) -> None:
    engage, transport = _tenant(0.2)
    with engage:
        read(engage.tenant("test"))
    sizes = {
        parse_qs(r.url.query.decode()).get("per_page", ["25"])[0]
        for r in transport.requests
        if r.method == "GET" and r.url.path != "/v2/me"
    }
    assert sizes == {"100"}


def test_a_page_size_above_salesloft_maximum_reads_pages_of_a_hundred() -> None:
    engage, transport = _tenant(0.2)
    with engage:
        people = engage.tenant("test").targets.list(page_size=250, limit=150).to_list()
    assert len(people) == 150
    assert {q["per_page"][0] for q in _lists(transport, "/v2/people")} == {"100"}


def test_twelve_thousand_ties_cost_at_most_five_percent_over_the_minimum() -> None:
    engage, transport = _tenant(4.0)
    emulator = _emulator(transport)
    state = emulator.state
    state.begin_write()
    for person in state.people.values():
        person["updated_at"] = ONE_INSTANT  # one bulk update: every row shares a timestamp
    assert len(state.people) == 12_000
    kit = emulator.kit
    kit.stats.reset()
    with engage:
        ids = [t.id for t in engage.tenant("test").targets.list()]
    assert len(ids) == len(set(ids)) == 12_000
    minimum = math.ceil(12_000 / 100)
    assert kit.stats.cost <= 1.05 * minimum
    pages = [int(q.get("page", ["1"])[0]) for q in _lists(transport, "/v2/people")]
    assert max(pages) <= 100
