"""The extension API for adapter authors: everything an adapter needs to talk HTTP.

An adapter (first- or third-party) imports from here and from :mod:`engage`,
never from ``engage._*``; a test holds every adapter to that. The pieces:

- Describe the vendor's protocol once: :class:`VendorHttp` (error bodies as
  :class:`ErrorDetails`, rate headers as :class:`RateObservation`, request
  costs, a :class:`PacingRule`), with :func:`parse_retry_after` /
  :func:`parse_epoch` for server hints.
- Open the tenant's transport with :func:`open_http`: retries classified by
  method and status, pacing, the operation deadline, redacted logs, links
  checked against the tenant's host, no redirects followed, one TLS context
  shared by every tenant.
- Authenticate with :class:`BearerAuth` (API keys) or
  :func:`oauth_refresh_auth` (rotating OAuth2 refresh tokens, refreshed once
  for all threads and, with a locking store, all processes).
- Page with :class:`LinkPaginator`, :class:`PageNumberPaginator` or
  :class:`KeysetPaginator`; the resulting :class:`~engage.Pager` stops a next
  link that loops.
- Label work that is not an HTTP call through :func:`operation_scope` and
  build typed errors with :func:`build_error` / :func:`error_class_for`.

A vendor whose SDK sends with ``requests`` (simple-salesforce) routes it
through the same policy with :func:`requests_session`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Protocol, TypeVar

import httpx
from pydantic import SecretStr

from ._connect import OAuthApp
from ._ids import IdFormat, shown_value
from ._paginators import KeysetPaginator, LinkPaginator, PageNumberPaginator
from ._transport import (
    REDACTED,
    BearerAuth,
    ErrorDetails,
    HttpTransport,
    OAuth2RefreshGrant,
    OperationScope,
    PacingRule,
    RateObservation,
    RefreshingAuth,
    TokenSet,
    VendorHttp,
    build_error,
    current_scope,
    error_class_for,
    operation_scope,
    parse_epoch,
    parse_retry_after,
    redact_url,
)
from ._transport._clients import new_client, shared_ssl_context
from ._transport._tokens import credential_fingerprint
from .errors import UnavailableError
from .pagination import Page, Pager, decode_cursor, encode_cursor, paging_loop_error

if TYPE_CHECKING:
    from collections.abc import Collection

    import requests

    from ._transport import RetryPolicy, TransportOptions
    from .adapter import TenantContext

T = TypeVar("T")

__all__ = [
    "REDACTED",
    "BearerAuth",
    "ErrorDetails",
    "HttpTransport",
    "IdFormat",
    "KeysetPaginator",
    "LinkPaginator",
    "OAuth2RefreshGrant",
    "OAuthApp",
    "OperationScope",
    "PacingRule",
    "Page",
    "PageNumberPaginator",
    "Pager",
    "RateObservation",
    "RefreshingAuth",
    "TokenSet",
    "VendorHttp",
    "WritePolicy",
    "build_error",
    "current_scope",
    "decode_cursor",
    "encode_cursor",
    "error_class_for",
    "new_client",
    "oauth_app",
    "oauth_refresh_auth",
    "open_http",
    "operation_scope",
    "paging_loop_error",
    "parse_epoch",
    "parse_retry_after",
    "redact_url",
    "requests_session",
    "shared_ssl_context",
    "shown_value",
    "token_store_key",
    "write_once",
]


def open_http(
    context: TenantContext,
    protocol: VendorHttp,
    *,
    base_url: str,
    auth: httpx.Auth | None = None,
    pacing_scope: str | None = None,
    allowed_hosts: tuple[str, ...] = (),
) -> HttpTransport:
    """The tenant's transport to ``base_url`` with engage's policy and the tenant's options.

    ``pacing_scope`` names the budget the vendor counts against (a team, a user,
    an org); tenants that share it share the pacer. Links are followed only to
    ``base_url``'s host and ``allowed_hosts``.
    """
    return HttpTransport(
        protocol=protocol,
        tenant=context.tenant,
        base_url=base_url,
        options=context.options,
        retry=context.retry,
        pacer=context.pacer,
        pacing_scope=pacing_scope,
        auth=auth,
        transport=context.http_transport,
        allowed_hosts=allowed_hosts,
    )


def token_store_key(
    context: TenantContext,
    *,
    vendor: str,
    client_id: str,
    token_url: str,
    configured: SecretStr | None,
) -> str:
    """``<vendor>:<tenant>:<fingerprint>``: the credential a stored token set belongs to."""
    fingerprint = credential_fingerprint(
        client_id, token_url, configured.get_secret_value() if configured else None
    )
    return f"{vendor}:{context.tenant}:{fingerprint}"


def _oauth_client(
    context: TenantContext,
    *,
    vendor: str,
    token_url: str,
    client_id: str,
    client_secret: SecretStr,
    configured: SecretStr | None,
    initial_refresh_token: SecretStr | None,
    extra: dict[str, str] | None,
) -> tuple[str, OAuth2RefreshGrant]:
    """The store key and the token-endpoint client both OAuth helpers share."""
    key = token_store_key(
        context, vendor=vendor, client_id=client_id, token_url=token_url, configured=configured
    )
    grant = OAuth2RefreshGrant(
        vendor=vendor,
        token_url=token_url,
        client_id=client_id,
        client_secret=client_secret,
        http=new_client(context.options, transport=context.http_transport),
        initial_refresh_token=initial_refresh_token,
        extra=extra,
    )
    return key, grant


def oauth_refresh_auth(
    context: TenantContext,
    *,
    vendor: str,
    token_url: str,
    client_id: str,
    client_secret: SecretStr,
    refresh_token: SecretStr | None = None,
    access_token: SecretStr | None = None,
    store_key: str | None = None,
    extra: dict[str, str] | None = None,
) -> RefreshingAuth:
    """Bearer auth from rotating OAuth2 tokens kept in the tenant's token store.

    The store key is :func:`token_store_key`: the vendor, the tenant and a
    fingerprint of the client, the token endpoint and the configured token, so
    two configurations never share tokens, and configuring a new refresh token
    (after a person re-authorised the tenant) takes effect at once instead of
    losing to a stale stored one. Within one configuration, the store's
    rotated refresh token wins over the configured one. A configured
    ``access_token`` seeds the store when it holds nothing yet. With no token
    configured, the tokens come from connecting the tenant
    (:meth:`engage.Engage.connect`). Closing the auth (the transport does)
    closes its token client.
    """
    key, grant = _oauth_client(
        context,
        vendor=vendor,
        token_url=token_url,
        client_id=client_id,
        client_secret=client_secret,
        configured=refresh_token or access_token,
        initial_refresh_token=refresh_token,
        extra=extra,
    )
    key = store_key or key
    if access_token is not None and context.token_store.get(key) is None:
        context.token_store.put(
            key, TokenSet(access_token=access_token, refresh_token=refresh_token)
        )
    return RefreshingAuth(context.token_store, key, grant)


def oauth_app(
    context: TenantContext,
    *,
    vendor: str,
    authorize_url: str,
    token_url: str,
    client_id: str,
    client_secret: SecretStr,
    refresh_token: SecretStr | None = None,
    access_token: SecretStr | None = None,
    scopes: tuple[str, ...] = (),
    extra: dict[str, str] | None = None,
) -> OAuthApp:
    """The tenant's OAuth app, for :meth:`engage.Engage.connect` (return it from
    :meth:`engage.Adapter.oauth_app`).

    Give the same credentials as to :func:`oauth_refresh_auth`: the connected
    tokens are stored under the key that auth reads.
    """
    key, grant = _oauth_client(
        context,
        vendor=vendor,
        token_url=token_url,
        client_id=client_id,
        client_secret=client_secret,
        configured=refresh_token or access_token,
        initial_refresh_token=None,
        extra=extra,
    )
    return OAuthApp(
        vendor=vendor,
        authorize_url=authorize_url,
        client_id=client_id,
        store_key=key,
        grant=grant,
        scopes=scopes,
    )


class WritePolicy(Protocol):
    """What :func:`write_once` reads: a :class:`TenantContext` or an :class:`HttpTransport`."""

    @property
    def options(self) -> TransportOptions: ...

    @property
    def retry(self) -> RetryPolicy: ...


def write_once(
    context: WritePolicy,
    write: Callable[[], T],
    lookup: Callable[[], T | None],
    *,
    looks: Sequence[float] | None = None,
) -> T:
    """Run a write the vendor cannot key so that it lands at most once.

    After an ambiguous failure (a timeout after sending, a connection broken
    after sending, a 500/502/504: the write may have landed), ``lookup`` looks
    for the record at each delay of ``looks`` (seconds after the failure;
    default 0, 1, 3, 10 s and the tenant's ``commit_window``, 30 s unless
    configured), because a vendor can commit a request after the client gave up. Found: it is the answer. Still absent after the
    last look: the first write is taken as not landed and is sent once more.
    If the operation's deadline leaves no time for the looks, or the second
    write fails ambiguously too, ``UnavailableError(ambiguous=True)`` is
    raised: only then may the caller's record exist without engage knowing.
    """
    try:
        return write()
    except UnavailableError as first:
        if not first.ambiguous:
            raise
        failure = first
    if looks is None:
        window = context.options.commit_window
        looks = [d for d in (0.0, 1.0, 3.0, 10.0) if d < window] + [window]
    delays = sorted(set(looks))
    waited = 0.0
    for delay in delays:
        scope = current_scope()
        if scope is not None and scope.remaining() < (delay - waited) + 1.0:
            raise failure  # no time left to tell: the outcome stays ambiguous
        if delay > waited:
            context.retry.sleep(delay - waited)
            waited = delay
        found = lookup()
        if found is not None:
            return found
    return write()  # confirmed absent after the window: this is the only other send


def requests_session(
    http: HttpTransport, *, idempotent_methods: Collection[str] | None = None
) -> requests.Session:
    """A ``requests.Session`` whose every request is sent by ``http``, for SDKs built on requests.

    Give it to the SDK (``simple_salesforce.Salesforce(session=...)``): each
    request goes through the tenant's policy exactly as :meth:`HttpTransport.request`
    sends it (host allow-list, pacing, deadline-bound timeouts, retries
    classified by method and failure, typed errors, redacted logs). A 2xx answer
    comes back as a ``requests.Response``; any other raises the engage error,
    and redirects are never followed. A request that may have reached the
    vendor is retried only if its method is in ``idempotent_methods`` (GET,
    HEAD, OPTIONS, PUT and DELETE by default; give every method for a login
    endpoint, where a repeat is harmless). Needs ``requests`` installed; closing
    the session leaves ``http`` open.
    """
    from ._transport._requests import transport_session

    return transport_session(http, idempotent_methods=idempotent_methods)
