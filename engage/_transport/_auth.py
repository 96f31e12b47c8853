"""Authentication for HTTP adapters: static bearer keys and refreshing OAuth2 tokens."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Generator
from contextlib import nullcontext
from typing import Any

import httpx
from pydantic import SecretStr

from ..errors import AuthError
from ._tokens import TokenSet, TokenStore

Refresher = Callable[[TokenSet | None], TokenSet]
"""Obtains a new token set from the current one (``None`` when nothing is stored yet)."""


class BearerAuth(httpx.Auth):
    """A fixed bearer credential such as an API key; its value never appears in a repr."""

    def __init__(self, token: SecretStr) -> None:
        self._token = token

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = f"Bearer {self._token.get_secret_value()}"
        yield request

    def __repr__(self) -> str:
        return "BearerAuth(token=SecretStr('**********'))"


_refresh_locks: dict[str, threading.Lock] = {}
_locks_guard = threading.Lock()


def _lock_for(key: str) -> threading.Lock:
    with _locks_guard:
        return _refresh_locks.setdefault(key, threading.Lock())


class RefreshingAuth(httpx.Auth):
    """OAuth2 bearer auth that refreshes once, for everyone, when the token expires.

    Refresh is single-flight per store key: concurrent requests that all see an
    expired or rejected token wait on one lock, and only the first performs the
    refresh; the others find the new token already in the store. The rotated
    refresh token is written to the store *before* the new access token is used,
    so a crash cannot lose it.
    """

    def __init__(
        self,
        store: TokenStore,
        key: str,
        refresher: Refresher,
        *,
        leeway: float = 60.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._store = store
        self._key = key
        self._refresher = refresher
        self._leeway = leeway
        self._clock = clock
        self.refreshes = 0

    def current(self) -> TokenSet:
        tokens = self._store.get(self._key)
        if tokens is None or tokens.expired(self._clock(), self._leeway):
            tokens = self.refresh(stale=tokens)
        return tokens

    def refresh(self, stale: TokenSet | None) -> TokenSet:
        # One refresh per key in this process, and across processes when the store
        # can lock (Redis): a rotated refresh token must be spent exactly once.
        shared = getattr(self._store, "refresh_lock", None)
        with _lock_for(self._key), shared(self._key) if callable(shared) else nullcontext():
            latest = self._store.get(self._key)
            if (
                latest is not None
                and (stale is None or latest.access_token != stale.access_token)
                and not latest.expired(self._clock(), self._leeway)
            ):
                return latest  # somebody else refreshed while we waited
            fresh = self._refresher(latest)
            self._store.put(self._key, fresh)
            self.refreshes += 1
            return fresh

    def close(self) -> None:
        """Release what the refresher holds (its HTTP client)."""
        close = getattr(self._refresher, "close", None)
        if callable(close):
            close()

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        tokens = self.current()
        request.headers["Authorization"] = f"Bearer {tokens.access_token.get_secret_value()}"
        response = yield request
        if response.status_code == 401:
            tokens = self.refresh(stale=tokens)
            request.headers["Authorization"] = f"Bearer {tokens.access_token.get_secret_value()}"
            yield request

    def __repr__(self) -> str:
        return f"RefreshingAuth(key={self._key!r})"


class OAuth2RefreshGrant:
    """The standard ``grant_type=refresh_token`` call, for vendors that rotate refresh tokens."""

    def __init__(
        self,
        *,
        vendor: str,
        token_url: str,
        client_id: str,
        client_secret: SecretStr,
        http: httpx.Client,
        initial_refresh_token: SecretStr | None = None,
        extra: dict[str, str] | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.vendor = vendor
        self.token_url = token_url
        self.client_id = client_id
        self._client_secret = client_secret
        self._http = http
        self._initial = initial_refresh_token
        self._extra = extra or {}
        self._clock = clock

    def __call__(self, current: TokenSet | None) -> TokenSet:
        refresh = current.refresh_token if current and current.refresh_token else self._initial
        if refresh is None:
            raise AuthError(
                "no refresh token: configure one or authorize the tenant first",
                vendor=self.vendor,
            )
        form = {
            "grant_type": "refresh_token",
            "refresh_token": refresh.get_secret_value(),
            "client_id": self.client_id,
            "client_secret": self._client_secret.get_secret_value(),
            **self._extra,
        }
        try:
            response = self._http.post(self.token_url, data=form)
        except httpx.HTTPError as exc:
            raise AuthError(
                f"token refresh failed: {type(exc).__name__}", vendor=self.vendor, retryable=True
            ) from None
        if response.status_code != 200:
            raise AuthError(
                f"token refresh refused ({_oauth_error(response)})",
                vendor=self.vendor,
                status=response.status_code,
                code=_oauth_error(response),
            )
        body = response.json()
        expires_in = body.get("expires_in")
        return TokenSet(
            access_token=SecretStr(body["access_token"]),
            refresh_token=SecretStr(body["refresh_token"])
            if body.get("refresh_token")
            else refresh,
            expires_at=self._clock() + float(expires_in) if expires_in else None,
            instance_url=body.get("instance_url"),
        )

    def close(self) -> None:
        self._http.close()

    def __repr__(self) -> str:
        return f"OAuth2RefreshGrant(vendor={self.vendor!r}, token_url={self.token_url!r})"


def _oauth_error(response: httpx.Response) -> str:
    try:
        body: Any = response.json()
    except ValueError:
        return f"HTTP {response.status_code}"
    if isinstance(body, dict) and isinstance(body.get("error"), str):
        return str(body["error"])
    return f"HTTP {response.status_code}"
