"""The tenant's session with Outreach: JSON:API requests and documents, paging,
the token's user, and the rule for writes that cannot be keyed."""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import httpx

from engage import (
    MappingError,
    Pager,
    ProtocolError,
    QuotaExhaustedError,
    RateLimitError,
    TenantContext,
    UnavailableError,
)
from engage.transport import LinkPaginator, open_http, write_once

from ._protocol import (
    MEDIA_TYPE,
    OUTREACH_HTTP,
    VENDOR,
    build_auth,
    fill_retry_at,
    pacing_scope,
)
from ._settings import OutreachSettings
from ._wire import Document

T = TypeVar("T")
API = "/api/v2"
LARGEST_PAGE = 1000  # Outreach's documented maximum page[size]
# Outreach has answered very large pages with 502s. A failure of a page no larger
# than this is not blamed on its size (it was the default for years).
SAFE_PAGE = 100
# Gateway answers of an upstream that gave up on a big page.
SIZE_FAILURES = frozenset({502, 504})
RowMapper = Callable[[dict[str, Any], Mapping[tuple[str, str], dict[str, Any]]], T]


def rows_only(fn: Callable[[dict[str, Any]], T]) -> RowMapper[T]:
    """A mapper that needs no side-loaded records, as a :data:`RowMapper`."""
    return lambda row, _index: fn(row)


class Session:
    """Requests as JSON:API documents; every write is sent as not blindly retryable."""

    def __init__(self, settings: OutreachSettings, context: TenantContext) -> None:
        self.settings = settings
        self.context = context
        self.auth = build_auth(settings, context)
        self.http = open_http(
            context,
            OUTREACH_HTTP,
            base_url=settings.api_root,
            auth=self.auth,
            pacing_scope=pacing_scope(settings, context),
        )
        self._me: str | None = settings.user_id
        # The page size of reads that name none: the configured one as given, else
        # Outreach's largest, halved for good (for this tenant) after a large page failed.
        self.adaptive = settings.page_size is None
        self.page_size = settings.page_size or LARGEST_PAGE
        # Batch writes run in worker threads: the token's user is asked once, not per thread.
        self._me_lock = threading.Lock()

    def write_once(self, lookup: Callable[[], T | None], write: Callable[[], T]) -> T:
        """A non-idempotent write, sent at most once: Outreach has no idempotency keys,
        so ``lookup`` recognises a write that may have landed, over the ambiguity
        window of :func:`engage.transport.write_once`."""
        return write_once(self.context, write, lookup)

    def close(self) -> None:
        """Closes the transport, which closes its auth (and so the token client)."""
        self.http.close()

    def get(self, url: str, params: Mapping[str, str] | None = None) -> Document:
        return self._document(self._request("GET", url, params=params))

    def send(
        self,
        method: str,
        url: str,
        body: Any = None,
        *,
        params: Mapping[str, str] | None = None,
        idempotent: bool = False,
    ) -> Document:
        # Outreach answers 415 to any write that does not name its media type, with a
        # body or without one (the task and sequence-state actions send none).
        headers = {"Content-Type": MEDIA_TYPE} if method.upper() != "GET" else None
        response = self._request(
            method, url, json=body, params=params, headers=headers, idempotent=idempotent
        )
        return self._document(response) if response.content else Document()

    def _request(self, method: str, url: str, **options: Any) -> httpx.Response:
        try:
            return self.http.request(method, url, **options)
        except (RateLimitError, QuotaExhaustedError) as refused:
            fill_retry_at(refused)  # X-RateLimit-Reset, or the detail's "try again at"
            raise

    def _document(self, response: httpx.Response) -> Document:
        body = self.http.read_json(response)
        if not isinstance(body, dict):
            raise self.http.malformed(response, "JSON that is not a JSON:API document")
        try:
            return Document.parse(body)
        except ValueError:
            raise self.http.malformed(response, "a JSON:API document of the wrong shape") from None

    def default_page(
        self, url: str, params: Mapping[str, str] | None, most: int | None = None
    ) -> Document:
        """One page at the tenant's default size (at most ``most`` records); ``params``
        for a first page, ``None`` to follow a ``links.next`` link.

        A large page is sent once, not retried as-is: if it fails the way large pages
        do (a 502 or 504, an answer past the size cap) the tenant's size is halved
        and the page asked again, so the default costs at most one failed request
        per halving; any other failure is then retried as a normal read would be.
        """
        while True:
            size = min(self.page_size, most or LARGEST_PAGE)
            target, query = _sized(url, params, size)
            if size <= SAFE_PAGE:
                return self.get(target, query)
            try:
                return self._document(self._request("GET", target, params=query, idempotent=False))
            except (UnavailableError, ProtocolError) as failed:
                too_big = failed.status in SIZE_FAILURES or failed.code == "RESPONSE_TOO_LARGE"
                if not too_big and isinstance(failed, UnavailableError) and failed.ambiguous:
                    return self.get(target, query)  # what a read is: retried as-is
                if not too_big:
                    raise
                self.page_size = min(self.page_size, max(SAFE_PAGE, size // 2))

    def pager(
        self,
        path: str,
        params: Mapping[str, str],
        mapper: RowMapper[T],
        size: int | None,
        *,
        most: int | None = None,
    ) -> Pager[T]:
        """A pager over a collection, following ``links.next`` (on the API host only):
        ``size`` records a page exactly, or the tenant's default size."""

        def page(doc: Document) -> tuple[list[T], str | None]:
            rows = doc.rows()
            index = doc.index()
            return [mapper(row, index) for row in rows], (doc.next_url if rows else None)

        if size is None and self.adaptive:
            return LinkPaginator(
                lambda: page(self.default_page(path, params, most)),
                lambda link: page(self.default_page(link, None, most)),
            ).pager()
        first = {"page[size]": str(size or self.page_size), **params}
        return LinkPaginator(
            lambda: page(self.get(path, first)), lambda link: page(self.get(link))
        ).pager()

    def one(self, doc: Document) -> dict[str, Any]:
        rows = doc.rows()
        if not rows:
            raise MappingError(
                "the answer holds no resource", vendor=VENDOR, object_type="document"
            )
        return rows[0]

    def me_id(self) -> str:
        """The user the token acts for (``GET /api/v2``), asked once."""
        with self._me_lock:
            if self._me is None:
                user = self.get(API).meta.get("user") or {}
                self._me = str(user["id"])
            return self._me


def _sized(
    url: str, params: Mapping[str, str] | None, size: int
) -> tuple[str, dict[str, str] | None]:
    """The request for a page of ``size``: in the first page's parameters, or written
    into a ``links.next`` link (left as sent when it already says so)."""
    if params is not None:
        return url, {"page[size]": str(size), **params}
    link = httpx.URL(url)
    if link.params.get("page[size]") == str(size):
        return url, None
    return str(link.copy_set_param("page[size]", str(size))), None
