"""Salesloft's protocol pieces without a server: keyset ties, ids[] batches, costs, errors."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from engage_salesloft import _protocol
from engage_salesloft._api import SalesloftApi
from engage_salesloft._wire import Params, Row

from engage import Pager
from engage.transport import RateObservation

T0 = datetime(2026, 1, 1, tzinfo=UTC)


class FakeApi(SalesloftApi):
    """Answers list requests the way Salesloft does: filter, sort by (field, id), slice.

    ``mirrored=False`` breaks ties by id ascending in both directions (a vendor whose
    DESC order is not its ASC order reversed)."""

    def __init__(self, rows: list[Row], *, mirrored: bool = True) -> None:
        self.rows = rows
        self.mirrored = mirrored
        self.queries: list[dict[str, list[str]]] = []

    def listing(self, path: str, params: Params) -> tuple[list[Row], int | None, int | None]:
        query: dict[str, list[str]] = {}
        for key, value in params:
            query.setdefault(key, []).append(value)
        self.queries.append(query)
        rows = self.rows
        if "ids[]" in query:
            rows = [r for r in rows if str(r["id"]) in query["ids[]"]]
        for op, keep in BOUNDS.items():
            if f"updated_at[{op}]" in query:
                limit = datetime.fromisoformat(query[f"updated_at[{op}]"][0])
                rows = [r for r in rows if keep(datetime.fromisoformat(r["updated_at"]), limit)]
        desc = query.get("sort_direction") == ["DESC"]
        rows = sorted(rows, key=lambda r: (r["updated_at"], r["id"]), reverse=desc)
        if desc and not self.mirrored:
            rows = sorted(rows, key=lambda r: r["updated_at"], reverse=True)  # stable: ids ASC
        size, page = int(query["per_page"][0]), int(query.get("page", ["1"])[0])
        chunk = rows[(page - 1) * size : page * size]
        total = len(rows) if query.get("include_paging_counts") == ["true"] else None
        return chunk, page + 1 if page * size < len(rows) else None, total


BOUNDS: dict[str, Any] = {
    "gt": lambda v, x: v > x,
    "gte": lambda v, x: v >= x,
    "lte": lambda v, x: v <= x,
}


def _rows(stamps: list[int]) -> list[Row]:
    return [
        {"id": i, "updated_at": (T0 + timedelta(seconds=s)).isoformat()}
        for i, s in enumerate(stamps, 1)
    ]


@pytest.mark.parametrize(
    "stamps",
    [
        [0, 1, 2, 3, 4, 5, 6],  # no ties
        [0, 1, 1, 1, 2, 3, 3],  # ties across a page boundary
        [0, 5, 5, 5, 5, 5, 5, 5, 5, 6],  # more ties than a page holds
        [7, 7, 7],  # everything at one instant
    ],
)
def test_keyset_reads_every_row_once_despite_ties(stamps: list[int]) -> None:
    api = FakeApi(_rows(stamps))
    fetch = api.keyset("/v2/x", [], field="updated_at", size=3, start=None, transform=lambda r: r)
    seen = [row["id"] for row in Pager(fetch)]
    assert sorted(seen) == list(range(1, len(stamps) + 1))
    assert len(seen) == len(set(seen))
    assert max(int(q["page"][0]) for q in api.queries) <= 3  # never deep pages


@pytest.mark.parametrize(
    ("stamps", "cheapest"),
    [
        ([5] * 550, 184),  # 550 ties, 3 to a page: pages 1-100 ASC, then 250 rows DESC
        ([0, 1, *[5] * 500, 6, 7], 168),  # a run after other rows, ended by others
        ([*[2] * 300, *[5] * 400], 234),  # one run of 100 pages, then a longer one
        ([5] * 599, 200),  # the longest run two ends of 100 pages can read
    ],
)
def test_a_long_run_of_ties_is_read_from_both_ends_without_deep_pages(
    stamps: list[int], cheapest: int
) -> None:
    api = FakeApi(_rows(stamps))
    fetch = api.keyset("/v2/x", [], field="updated_at", size=3, start=None, transform=lambda r: r)
    seen = [row["id"] for row in Pager(fetch)]
    assert sorted(seen) == list(range(1, len(stamps) + 1))
    assert max(int(q["page"][0]) for q in api.queries) <= 100
    assert len(api.queries) <= 1.05 * cheapest


def test_ties_not_mirrored_by_desc_are_read_on_deep_pages_instead() -> None:
    """A vendor whose DESC order is not ASC reversed: the DESC pages are not trusted,
    and the run is read ascending, deep pages and all."""
    api = FakeApi(_rows([5] * 700), mirrored=False)
    fetch = api.keyset("/v2/x", [], field="updated_at", size=3, start=None, transform=lambda r: r)
    seen = [row["id"] for row in Pager(fetch)]
    assert seen == list(range(1, 701))
    assert max(int(q["page"][0]) for q in api.queries) > 100


def test_more_ties_than_two_hundred_pages_are_read_on_deep_pages() -> None:
    api = FakeApi(_rows([5] * 600))
    fetch = api.keyset("/v2/x", [], field="updated_at", size=3, start=None, transform=lambda r: r)
    seen = [row["id"] for row in Pager(fetch)]
    assert seen == list(range(1, 601))


def test_keyset_starts_at_updated_since_inclusive() -> None:
    api = FakeApi(_rows([0, 1, 2, 3]))
    start = T0 + timedelta(seconds=2)
    fetch = api.keyset("/v2/x", [], field="updated_at", size=3, start=start, transform=lambda r: r)
    assert [row["id"] for row in Pager(fetch)] == [3, 4]
    assert api.queries[0]["sort_direction"] == ["ASC"]


def test_ids_are_fetched_a_hundred_at_a_time() -> None:
    api = FakeApi(_rows(list(range(250))))
    wanted = [str(i) for i in range(1, 251)] + ["9999"]
    found = api.by_ids("/v2/people", wanted)
    assert len(api.queries) == 3
    assert [len(q["ids[]"]) for q in api.queries] == [100, 100, 51]
    assert all(q["per_page"] == ["100"] for q in api.queries)
    assert set(wanted) - found.keys() == {"9999"}


@pytest.mark.parametrize(
    ("page", "cost"),
    [(None, 1), (1, 1), (100, 1), (101, 3), (150, 3), (151, 8), (250, 8), (251, 10),
     (500, 10), (501, 30), (5000, 30)],
)  # fmt: skip
def test_request_cost_follows_the_page_bands(page: int | None, cost: int) -> None:
    params = {} if page is None else {"page": str(page)}
    request = httpx.Request("GET", "https://api.salesloft.com/v2/people", params=params)
    assert _protocol.request_cost(request) == cost


def test_rate_headers_are_observed() -> None:
    response = httpx.Response(200, headers={"x-ratelimit-remaining-minute": "42"})
    assert _protocol.observe_rate(response) == RateObservation(remaining=42, limit=600)
    assert _protocol.observe_rate(httpx.Response(200)) is None


def _error(status: int, body: Any) -> httpx.Response:
    return httpx.Response(status, json=body)


def test_error_bodies() -> None:
    details = _protocol.parse_error(_error(422, {"errors": {"email_address": ["is invalid"]}}))
    assert details.fields == {"email_address": ["is invalid"]}
    assert _protocol.parse_error(_error(404, {"error": "Not Found"})).message == "Not Found"
    with pytest.raises(ValueError, match="not a Salesloft error body"):
        _protocol.parse_error(_error(500, {"unexpected": True}))


def test_settings_need_one_credential() -> None:
    from engage_salesloft import SalesloftSettings

    with pytest.raises(ValueError, match="api_key"):
        SalesloftSettings()
    with pytest.raises(ValueError, match="not both"):
        SalesloftSettings(api_key="k", client_id="c", client_secret="s")
    oauth = SalesloftSettings(client_id="c", client_secret="s", refresh_token="r")
    assert oauth.token_url == "https://accounts.salesloft.com/oauth/token"
    assert _protocol.pacing_scope(SalesloftSettings(api_key="k", team_id="9"), "t") == (
        "salesloft:team:9"
    )
