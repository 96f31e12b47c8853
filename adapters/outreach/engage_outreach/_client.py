"""The tenant's HTTP session with Outreach: auth, JSON:API documents, paging."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import httpx

from engage import InputError, TenantContext
from engage._transport import (
    BearerAuth,
    HttpTransport,
    OAuth2RefreshGrant,
    RefreshingAuth,
    TokenSet,
)
from engage.pagination import Page, Pager, decode_cursor, encode_cursor

from ._http import MEDIA_TYPE, OUTREACH_HTTP
from ._settings import OutreachSettings
from ._wire import Document

T = TypeVar("T")
RowMapper = Callable[[dict[str, Any], Mapping[tuple[str, str], dict[str, Any]]], T]


def build_auth(settings: OutreachSettings, context: TenantContext) -> httpx.Auth:
    if settings.client_id is None or settings.client_secret is None:
        assert settings.access_token is not None  # the settings model checked
        return BearerAuth(settings.access_token)
    key = f"outreach:{context.tenant}"
    if settings.access_token is not None and context.token_store.get(key) is None:
        context.token_store.put(
            key, TokenSet(access_token=settings.access_token, refresh_token=settings.refresh_token)
        )
    grant = OAuth2RefreshGrant(
        vendor="outreach",
        token_url=settings.oauth_token_url,
        client_id=settings.client_id,
        client_secret=settings.client_secret,
        http=httpx.Client(
            transport=context.http_transport,
            timeout=httpx.Timeout(context.options.timeout, connect=context.options.connect_timeout),
        ),
        initial_refresh_token=settings.refresh_token,
    )
    return RefreshingAuth(context.token_store, key, grant)


class Session:
    """Requests as JSON:API documents; every write is sent as not blindly retryable."""

    def __init__(self, settings: OutreachSettings, context: TenantContext) -> None:
        self.settings = settings
        self.auth = build_auth(settings, context)
        user = settings.user_id
        self.http = HttpTransport(
            protocol=OUTREACH_HTTP,
            tenant=context.tenant,
            base_url=settings.api_root,
            options=context.options,
            retry=context.retry,
            pacer=context.pacer,
            pacing_scope=f"outreach:user:{user}" if user else f"outreach:{context.tenant}",
            auth=self.auth,
            transport=context.http_transport,
        )

    def close(self) -> None:
        grant = getattr(self.auth, "_refresher", None)
        http = getattr(grant, "_http", None)
        if isinstance(http, httpx.Client):
            http.close()
        self.http.close()

    def get(self, url: str, params: Mapping[str, str] | None = None) -> Document:
        return Document.model_validate(self.http.get(url, params=params).json())

    def send(
        self,
        method: str,
        url: str,
        body: Any = None,
        *,
        params: Mapping[str, str] | None = None,
        idempotent: bool = False,
    ) -> Document:
        headers = {"Content-Type": MEDIA_TYPE} if body is not None else None
        response = self.http.request(
            method, url, json=body, params=params, headers=headers, idempotent=idempotent
        )
        return Document.model_validate(response.json() if response.content else {})

    def pager(
        self, path: str, params: Mapping[str, str], mapper: RowMapper[T], size: int | None
    ) -> Pager[T]:
        """A pager over a collection, following ``links.next`` (on the API host only)."""
        first = {"page[size]": str(size or self.settings.page_size), **params}

        def fetch(cursor: str | None) -> Page[T]:
            if cursor is None:
                doc = self.get(path, first)
            else:
                url = decode_cursor(cursor).get("next")
                if not isinstance(url, str):
                    raise InputError("not a cursor of an Outreach list")
                doc = self.get(url)
            rows = doc.rows()
            index = doc.index()
            nxt = doc.next_url if rows else None
            return Page(
                [mapper(row, index) for row in rows], encode_cursor({"next": nxt}) if nxt else None
            )

        return Pager(fetch)

    def one(self, doc: Document) -> dict[str, Any]:
        rows = doc.rows()
        if not rows:
            raise InputError("Outreach answered without a resource")  # pragma: no cover
        return rows[0]
