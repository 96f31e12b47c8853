"""Salesloft's cost-based rate limit: 600 cost units a minute per team.

Every request costs 1 unless it asks for a page past 100: deep pages are
charged more so that integrations use ``updated_at`` cursors instead
(developers.salesloft.com, "Rate Limits").
"""

from __future__ import annotations

from ._routes_params import parse_query

DEFAULT_LIMIT = 600
DEFAULT_WINDOW = 60.0

# (first page of the band, cost), highest band first.
_PAGE_BANDS = ((501, 30), (251, 10), (151, 8), (101, 3))


def page_cost(page: int | None) -> int:
    if page is None:
        return 1
    for first, cost in _PAGE_BANDS:
        if page >= first:
            return cost
    return 1


def request_cost(query_string: str) -> int:
    """The cost of a request, judged from its ``page`` parameter alone (as Salesloft does)."""
    raw = parse_query(query_string).get("page")
    try:
        page = int(str(raw)) if raw is not None and not isinstance(raw, dict | list) else None
    except ValueError:
        page = None
    return page_cost(page)


def team_scope(team_id: int) -> str:
    return f"team:{team_id}"
