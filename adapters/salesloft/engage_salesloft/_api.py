"""The Salesloft requests the operations share: envelopes, ``ids[]`` batches, the user roster."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from engage import InputError
from engage._transport import HttpTransport

Params = list[tuple[str, str]]
Row = dict[str, Any]

MAX_PER_PAGE = 100  # Salesloft refuses per_page outside [1, 100] with a 422
MAX_CHEAP_PAGE = 100  # pages past 100 cost 3 to 30 units each


def chunks(items: Sequence[str], size: int = MAX_PER_PAGE) -> Iterable[Sequence[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def per_page(requested: int | None, default: int = 25) -> int:
    return max(1, min(requested or default, MAX_PER_PAGE))


class SalesloftApi:
    """Thin helpers over the tenant's transport; each call is one request."""

    def __init__(self, http: HttpTransport) -> None:
        self.http = http
        self._users: dict[str, Row] | None = None
        self._me: Row | None = None

    def get(self, path: str, params: Params | None = None) -> Any:
        return self.http.get(path, params=params or None).json()["data"]

    def page(self, path: str, params: Params) -> tuple[list[Row], int | None]:
        """One list page and the number of the next one (``None`` on the last)."""
        body = self.http.get(path, params=params).json()
        paging = (body.get("metadata") or {}).get("paging") or {}
        nxt = paging.get("next_page")
        return list(body.get("data") or []), int(nxt) if nxt is not None else None

    def write(
        self, method: str, path: str, payload: Mapping[str, Any], *, idempotent: bool | None = None
    ) -> Any:
        response = self.http.request(method, path, json=dict(payload), idempotent=idempotent)
        if response.status_code == 204 or not response.content:
            return None
        return response.json()["data"]

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
                rows, page = self.page(
                    "/v2/users", [("per_page", str(MAX_PER_PAGE)), ("page", str(page))]
                )
                users.update({str(row["id"]): row for row in rows})
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
