"""A toy tenant's session: its transport, the JSON envelopes, link paging."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from engage import Pager, TenantContext
from engage.transport import HttpTransport, LinkPaginator, open_http

from . import _read as read
from ._protocol import TOY_HTTP, auth
from ._settings import ToySettings

T = TypeVar("T")


class ToyApi:
    """Requests to one tenant's toy account; answers are decoded JSON."""

    def __init__(self, context: TenantContext, settings: ToySettings) -> None:
        self.http: HttpTransport = open_http(
            context, TOY_HTTP, base_url=settings.base_url, auth=auth(context, settings)
        )

    def get(self, path: str, params: dict[str, Any] | None = None) -> Any:
        return self.http.read_json(self.http.get(path, params=params))

    def post(self, path: str, json: Any = None) -> Any:
        # Not idempotent: a POST that may have reached the vendor is not blindly retried.
        return self.http.read_json(self.http.request("POST", path, json=json))

    def pages(
        self, path: str, params: dict[str, Any], convert: Callable[[dict[str, Any]], T]
    ) -> Pager[T]:
        """A lazy list: the first page from ``path``, then each ``next`` link the vendor gives."""

        def first() -> tuple[list[T], str | None]:
            rows, link = read.page(self.get(path, params))
            return [convert(row) for row in rows], link

        def follow(link: str) -> tuple[list[T], str | None]:
            rows, nxt = read.page(self.get(link))
            return [convert(row) for row in rows], nxt

        return LinkPaginator(first, follow).pager()

    def close(self) -> None:
        self.http.close()
