"""Authentication for HTTP adapters: static bearer keys and refreshing OAuth2 tokens."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Generator
from contextlib import nullcontext
from datetime import UTC, datetime
from typing import Any

import httpx
from pydantic import SecretStr

from ..errors import AuthError, ReauthorizationRequired
from ._tokens import TokenSet, TokenStore, credential_fingerprint

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
        self._refused: str | None = None  # the refresh token the vendor refused
        self._refused_message = ""

    def current(self) -> TokenSet:
        tokens = self._store.get(self._key)
        if (
            tokens is None
            or not tokens.access_token.get_secret_value()
            or tokens.expired(self._clock(), self._leeway)
        ):
            tokens = self.refresh(stale=tokens)
        return tokens

    def refresh(self, stale: TokenSet | None) -> TokenSet:
        # One refresh per key in this process, and across processes when the store
        # can lock (file, Redis): a rotated refresh token must be spent exactly once.
        shared = getattr(self._store, "refresh_lock", None)
        with _lock_for(self._key), shared(self._key) if callable(shared) else nullcontext():
            latest = self._store.get(self._key)
            if (
                latest is not None
                and latest.access_token.get_secret_value()
                and (stale is None or latest.access_token != stale.access_token)
                and not latest.expired(self._clock(), self._leeway)
            ):
                return latest  # somebody else refreshed while we waited
            spending = _refresh_id(latest)
            if self._refused is not None and self._refused == spending:
                raise self._refused_error()
            interrupted = latest.refreshing_since if latest is not None else None
            # Say a refresh is in flight before spending the token: if this process
            # dies before storing the answer, the next one can tell what happened.
            self._store.put(self._key, _in_flight(latest, self._clock()))
            try:
                fresh = self._refresher(latest)
            except ReauthorizationRequired as exc:
                self._refused = spending
                self._refused_message = _explain(str(exc.message), interrupted)
                raise self._refused_error(exc) from None
            except AuthError as exc:
                if not exc.retryable:  # refused for sure (e.g. invalid_client): nothing spent
                    self._restore(latest)
                raise  # no answer: the token may be spent, so the in-flight mark stays
            self._store.put(self._key, fresh)
            self.refreshes += 1
            return fresh

    def _restore(self, latest: TokenSet | None) -> None:
        if latest is None:
            self._store.delete(self._key)
        else:
            self._store.put(self._key, latest.model_copy(update={"refreshing_since": None}))

    def _refused_error(self, original: ReauthorizationRequired | None = None) -> Exception:
        vendor = original.vendor if original else getattr(self._refresher, "vendor", "vendor")
        return ReauthorizationRequired(
            self._refused_message,
            vendor=vendor,
            status=original.status if original else None,
            code=original.code if original else "invalid_grant",
        )

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
            raise ReauthorizationRequired(
                "no refresh token: configure one or connect the tenant first",
                vendor=self.vendor,
            )
        status, body, failure = self._exchange("refresh_token", refresh_token=refresh)
        if failure is not None:
            # The vendor may have rotated the token before the answer was lost.
            raise AuthError(
                f"token refresh got no answer ({failure})", vendor=self.vendor, retryable=True
            )
        if status != 200:
            code = _oauth_error(status, body)
            kind = ReauthorizationRequired if code == "invalid_grant" else AuthError
            raise kind(
                f"token refresh refused ({code})", vendor=self.vendor, status=status, code=code
            )
        return self._token_set(body, refresh)

    def authorization_code(self, code: str, redirect_uri: str) -> TokenSet:
        """The ``grant_type=authorization_code`` call (connecting a tenant); its tokens."""
        status, body, failure = self._exchange(
            "authorization_code", code=SecretStr(code), redirect_uri=redirect_uri
        )
        if failure is not None:
            # A code is single-use and short-lived: whether or not the vendor spent
            # it, the way on is a new consent, never a blind retry.
            raise AuthError(
                f"the code exchange got no answer ({failure}); connect the tenant again",
                vendor=self.vendor,
            )
        if status != 200:
            code_name = _oauth_error(status, body)
            raise AuthError(
                f"the code exchange was refused ({code_name})",
                vendor=self.vendor,
                status=status,
                code=code_name,
            )
        tokens = self._token_set(body, None)
        if tokens.refresh_token is None:
            raise AuthError(
                "the code exchange answered no refresh_token (does the app ask for offline"
                " access, e.g. Salesforce's refresh_token scope?)",
                vendor=self.vendor,
                status=200,
            )
        return tokens

    def _exchange(self, grant_type: str, **fields: SecretStr | str) -> tuple[int, Any, str | None]:
        """POST one grant; answers (status, parsed body or None, failure or None).

        The form holds the refresh token (or code) and client secret, so it lives
        only in this frame, and nothing raised here escapes with this frame in
        its traceback (error trackers capture frame locals).
        """
        try:
            response = self._http.post(
                self.token_url,
                data={
                    "grant_type": grant_type,
                    **{
                        k: v.get_secret_value() if isinstance(v, SecretStr) else v
                        for k, v in fields.items()
                    },
                    "client_id": self.client_id,
                    "client_secret": self._client_secret.get_secret_value(),
                    **self._extra,
                },
            )
        except Exception as exc:  # any failure: report its kind, never the request
            return 0, None, type(exc).__name__
        try:
            body: Any = response.json()
        except ValueError:
            body = None
        return response.status_code, body, None

    def _token_set(self, body: Any, refresh: SecretStr | None) -> TokenSet:
        problem = None
        if not isinstance(body, dict):
            problem = "the answer is not a JSON object"
        elif not isinstance(body.get("access_token"), str) or not body["access_token"]:
            problem = "the answer has no access_token"
        if problem is None:
            assert isinstance(body, dict)
            expires_in = body.get("expires_in")
            try:
                expires_at = self._clock() + float(expires_in) if expires_in else None
            except (TypeError, ValueError):
                problem = "expires_in is not a number"
            else:
                rotated = body.get("refresh_token")
                return TokenSet(
                    access_token=SecretStr(body["access_token"]),
                    refresh_token=SecretStr(rotated)
                    if isinstance(rotated, str) and rotated
                    else refresh,
                    expires_at=expires_at,
                    instance_url=body.get("instance_url")
                    if isinstance(body.get("instance_url"), str)
                    else None,
                )
        raise AuthError(f"token answer unusable: {problem}", vendor=self.vendor, status=200)

    def close(self) -> None:
        self._http.close()

    def __repr__(self) -> str:
        return f"OAuth2RefreshGrant(vendor={self.vendor!r}, token_url={self.token_url!r})"


def _oauth_error(status: int, body: Any) -> str:
    if isinstance(body, dict) and isinstance(body.get("error"), str):
        return str(body["error"])[:80]
    return f"HTTP {status}"


def _refresh_id(tokens: TokenSet | None) -> str:
    """Which refresh token a refresh from ``tokens`` spends (a digest, never the token)."""
    if tokens is None or tokens.refresh_token is None:
        return "configured"
    return credential_fingerprint(tokens.refresh_token.get_secret_value())


def _in_flight(latest: TokenSet | None, now: float) -> TokenSet:
    if latest is None:
        return TokenSet(access_token=SecretStr(""), expires_at=0.0, refreshing_since=now)
    return latest.model_copy(update={"refreshing_since": now})


def _explain(message: str, interrupted: float | None) -> str:
    text = f"{message}: the tenant must be re-authorised (connect it again or configure a new refresh token)"
    if interrupted is not None:
        when = datetime.fromtimestamp(interrupted, UTC).isoformat(timespec="seconds")
        text += (
            f"; a refresh started at {when} never stored its answer (its process stopped or "
            "the answer was lost), and the vendor had probably rotated the token then"
        )
    return text
