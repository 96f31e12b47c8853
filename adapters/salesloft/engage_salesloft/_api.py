"""The tenant's Salesloft session: envelopes, ``ids[]`` batches, the user roster, paging.

Salesloft charges pages past 100 three to thirty times a normal request, so
lists that can be sorted and filtered by a timestamp are read by keyset
(:meth:`SalesloftApi.keyset`, ``_protocol_keyset``), near page 1 even through long runs
of ties. Lists with no usable timestamp filter use page numbers
(:meth:`SalesloftApi.numbered`), capped at the last cheap page. Every list is
read 100 rows to a request unless the caller asks for smaller pages.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any, TypeVar

from engage import InputError, Page
from engage.transport import (
    HttpTransport,
    PageNumberPaginator,
    decode_cursor,
    encode_cursor,
    paging_loop_error,
)

from ._protocol_keyset import MAX_CHEAP_PAGE, TimestampKeyset
from ._wire import Params, Row

T = TypeVar("T")
Fetch = Callable[[str | None], Page[T]]
"""One page of a list from a cursor (``None``: the first page), as a ``Pager`` takes it."""
Transform = Callable[[list[Row]], list[T]]
"""A page of rows as neutral records (mapped, and filtered where Salesloft cannot filter)."""

MAX_PER_PAGE = 100  # Salesloft refuses per_page outside [1, 100] with a 422


def chunks(items: Sequence[str], size: int = MAX_PER_PAGE) -> Iterable[Sequence[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def per_page(requested: int | None) -> int:
    """Rows per request: the caller's ``page_size``, else Salesloft's largest page (fewest
    requests). The neutral ``page_size`` goes up to 1,000; above 100 it reads pages of 100,
    as portable code asking for big pages expects, rather than failing on Salesloft."""
    return max(1, min(requested or MAX_PER_PAGE, MAX_PER_PAGE))


def _transformed(fetch: Fetch[Row], transform: Transform[T]) -> Fetch[T]:
    def run(cursor: str | None) -> Page[T]:
        page = fetch(cursor)
        return Page(transform(list(page.items)), page.next_cursor)

    return run


def chained(phases: list[tuple[str, Fetch[T]]]) -> Fetch[T]:
    """One fetch over several lists in turn (manual tasks, then cadence actions)."""
    names = [name for name, _ in phases]
    fetches = dict(phases)

    def fetch(cursor: str | None) -> Page[T]:
        if not names:
            return Page([], None)
        state = decode_cursor(cursor) if cursor else {"phase": names[0], "inner": None}
        phase = str(state["phase"])
        if phase not in fetches:
            raise InputError("this cursor belongs to a different query")
        page = fetches[phase](state.get("inner"))
        if page.next_cursor is not None:
            return Page(page.items, encode_cursor({"phase": phase, "inner": page.next_cursor}))
        index = names.index(phase)
        if index + 1 < len(names):
            return Page(page.items, encode_cursor({"phase": names[index + 1], "inner": None}))
        return Page(page.items, None)

    return fetch


class SalesloftApi:
    """Thin helpers over the tenant's transport; each call is one request."""

    def __init__(self, http: HttpTransport) -> None:
        self.http = http
        self._users: dict[str, Row] | None = None
        self._me: Row | None = None

    # --- requests ------------------------------------------------------------
    def get(self, path: str, params: Params | None = None) -> Any:
        return self.http.read_json(self.http.get(path, params=params or None), "data")

    def page(self, path: str, params: Params) -> tuple[list[Row], int | None]:
        """One list page and the number of the next one (``None`` on the last)."""
        rows, nxt, _ = self.listing(path, params)
        return rows, nxt

    def listing(self, path: str, params: Params) -> tuple[list[Row], int | None, int | None]:
        """One list page, the next page's number, and ``total_count`` when it was asked for
        (``include_paging_counts``)."""
        body = self.http.read_json(self.http.get(path, params=params))
        if not isinstance(body, dict):
            body = {}  # no rows and no next page; a list answer that is not JSON raised above
        paging = (body.get("metadata") or {}).get("paging") or {}
        nxt, total = paging.get("next_page"), paging.get("total_count")
        return (
            list(body.get("data") or []),
            int(nxt) if nxt is not None else None,
            int(total) if isinstance(total, int) and not isinstance(total, bool) else None,
        )

    def write(
        self, method: str, path: str, payload: Mapping[str, Any], *, idempotent: bool | None = None
    ) -> Any:
        response = self.http.request(method, path, json=dict(payload), idempotent=idempotent)
        if response.status_code == 204 or not response.content:
            return None
        return self.http.read_json(response, "data")

    def by_ids(self, path: str, ids: Iterable[str], params: Params | None = None) -> dict[str, Row]:
        """Records by id, 100 to a request. Salesloft silently leaves out ids it cannot find,
        so callers compare the keys with what they asked for."""
        wanted = list(dict.fromkeys(ids))
        found: dict[str, Row] = {}
        for chunk in chunks(wanted):
            query: Params = [("ids[]", i) for i in chunk]
            query += [*(params or []), ("per_page", str(MAX_PER_PAGE))]
            rows, _ = self.page(path, query)
            found.update({str(row["id"]): row for row in rows})
        return found

    # --- paging --------------------------------------------------------------
    def keyset(
        self,
        path: str,
        params: Params,
        *,
        field: str,
        size: int,
        start: datetime | None,
        transform: Transform[T],
    ) -> Fetch[T]:
        """Pages of ``path`` ordered by ``field`` ascending, from ``start`` on (inclusive),
        resumable at any page."""
        keyset = TimestampKeyset(
            lambda query: self.listing(path, query),
            params,
            path=path,
            field=field,
            size=size,
            start=start,
        )
        return _transformed(keyset.fetch, transform)

    def numbered(
        self, path: str, params: Params, *, size: int, transform: Transform[T]
    ) -> Fetch[T]:
        """Page-number paging for lists with no timestamp to key on, stopped at the last cheap
        page: past it the caller is told to narrow the query rather than be charged up to 30x."""

        def get(page: int) -> tuple[list[Row], bool]:
            query: Params = [*params, ("per_page", str(size)), ("page", str(page))]
            rows, next_page = self.page(path, query)
            return rows, next_page is not None

        paginator = PageNumberPaginator[Row](
            get,
            last_page=MAX_CHEAP_PAGE,
            too_deep=(
                f"{path} has more than {MAX_CHEAP_PAGE} pages for this query; "
                "narrow it (owner, target, status) instead of reading deep, costly pages"
            ),
        )
        return _transformed(paginator.fetch, transform)

    # --- users ---------------------------------------------------------------
    def me(self) -> Row:
        if self._me is None:
            self._me = self.get("/v2/me")
        return self._me

    def users(self, *, refresh: bool = False) -> dict[str, Row]:
        """The team's users by id, loaded once: guids and ids translate through it.

        Teams have tens or hundreds of users, so this is a few cheap pages; an
        id or guid not found triggers one reload (someone joined since).
        """
        if self._users is None or refresh:
            users: dict[str, Row] = {}
            page: int | None = 1
            while page is not None and page <= MAX_CHEAP_PAGE:
                rows, following = self.page(
                    "/v2/users", [("per_page", str(MAX_PER_PAGE)), ("page", str(page))]
                )
                users.update({str(row["id"]): row for row in rows})
                if following is not None and following <= page:
                    raise paging_loop_error(f"/v2/users page {page} names page {following} next")
                page = following
            self._users = users
        return self._users

    def guid_of(self, user_id: str) -> str | None:
        user = self.users().get(user_id) or self.users(refresh=True).get(user_id)
        return str(user["guid"]) if user and user.get("guid") else None

    def ids_by_guid(self, guids: Iterable[str]) -> dict[str, str]:
        wanted = {g for g in guids if g}
        known = {str(u.get("guid")): uid for uid, u in self.users().items()}
        if wanted - known.keys():
            known = {str(u.get("guid")): uid for uid, u in self.users(refresh=True).items()}
        return {g: known[g] for g in wanted if g in known}

    def require_guid(self, user_id: str) -> str:
        guid = self.guid_of(user_id)
        if guid is None:
            raise InputError(f"owner_id {user_id!r} is not a user on this team")
        return guid

    def guid_or_none(self, user_id: str | None) -> str | None:
        """The guid of ``user_id`` when one is given (filters and writes that name users
        by guid); ``InputError`` when no user on the team has that id."""
        return self.require_guid(user_id) if user_id else None
