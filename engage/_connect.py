"""Connect a tenant: the OAuth 2.0 authorization-code flow, ending with tokens in the store.

A person who can authorise the product's app on the vendor opens
:attr:`Connection.authorize_url`, approves, and the vendor sends the browser
back to the product's ``redirect_uri`` with a ``code`` and the ``state`` it
was given. :meth:`Connection.complete` checks the state (a forged callback is
refused before any request), exchanges the code at the vendor's token
endpoint, and stores the tokens under the key the tenant's adapter reads, so
the tenant works from the next call on, in this process and every process on
the same store. The vendor-specific part (endpoints, client, scopes, store
key) is the adapter's :class:`OAuthApp`; this module never names a vendor.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from ipaddress import ip_address
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

from ._transport import OAuth2RefreshGrant, TokenSet, TokenStore
from .errors import AuthError, InputError

__all__ = ["Connection", "OAuthApp"]


@dataclass(frozen=True)
class OAuthApp:
    """One tenant's OAuth app on its vendor, as its adapter describes it.

    ``grant`` holds the token endpoint and the client secret and makes the
    token calls; ``store_key`` is where the adapter looks for the tenant's
    tokens. Build it with :func:`engage.transport.oauth_app`.
    """

    vendor: str
    authorize_url: str
    client_id: str
    store_key: str
    grant: OAuth2RefreshGrant = field(repr=False)
    scopes: tuple[str, ...] = ()
    authorize_params: Mapping[str, str] = field(default_factory=dict)


def check_redirect_uri(redirect_uri: str) -> str:
    """An absolute https URL, or http on this machine's loopback (RFC 8252, 7.3)."""
    if not isinstance(redirect_uri, str):
        raise InputError("redirect_uri must be a URL string")
    parts = urlsplit(redirect_uri)
    host = parts.hostname or ""
    if parts.fragment:
        raise InputError("redirect_uri must not have a #fragment (RFC 6749, 3.1.2)")
    if parts.scheme == "https" and host:
        return redirect_uri
    if parts.scheme == "http" and _is_loopback(host):
        return redirect_uri
    raise InputError(
        f"redirect_uri {redirect_uri!r} must be an https:// URL (plain http only on localhost)"
    )


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ip_address(host).is_loopback
    except ValueError:
        return False


class Connection:
    """One authorisation in progress for one tenant: open the URL, then complete it."""

    def __init__(
        self,
        tenant: str,
        app: OAuthApp,
        *,
        redirect_uri: str,
        store: TokenStore,
        scopes: tuple[str, ...] | None = None,
        state: str | None = None,
        on_connected: Callable[[], object] = lambda: None,
    ) -> None:
        self.tenant = tenant
        self.vendor = app.vendor
        self.redirect_uri = check_redirect_uri(redirect_uri)
        self.state = state or secrets.token_urlsafe(24)
        self._app = app
        self._store = store
        self._scopes = app.scopes if scopes is None else tuple(scopes)
        self._on_connected = on_connected
        self._done = False

    def __repr__(self) -> str:
        return f"Connection(tenant={self.tenant!r}, vendor={self.vendor!r})"

    @property
    def authorize_url(self) -> str:
        """Where the person who authorises the tenant goes (the vendor's consent page)."""
        params = {
            "response_type": "code",
            "client_id": self._app.client_id,
            "redirect_uri": self.redirect_uri,
            "state": self.state,
            **self._app.authorize_params,
        }
        if self._scopes:
            params["scope"] = " ".join(self._scopes)
        parts = urlsplit(self._app.authorize_url)
        query = "&".join(q for q in (parts.query, urlencode(params)) if q)
        return urlunsplit(parts._replace(query=query))

    def complete(
        self, callback_url: str | None = None, *, code: str | None = None, state: str | None = None
    ) -> TokenSet:
        """Exchange the code the vendor sent back and store the tenant's tokens.

        Pass the whole URL the browser was sent back to, or its ``code`` and
        ``state``. A wrong state, a consent the person declined, or a second
        call is refused before any request.
        """
        if callback_url is not None:
            code, state = self._read_callback(callback_url)
        if not code or not isinstance(code, str):
            raise InputError("complete() needs the callback URL, or its code and state")
        if not isinstance(state, str) or not secrets.compare_digest(state, self.state):
            raise InputError(
                "the callback's state does not match this connection's: the callback may be"
                " forged or belong to another attempt; start again with Engage.connect()"
            )
        if self._done:
            raise InputError("this connection is already complete; start a new one to reconnect")
        try:
            tokens = self._app.grant.authorization_code(code, self.redirect_uri)
        except AuthError as exc:
            raise exc.with_context(tenant=self.tenant, operation="connect") from None
        finally:
            self.close()
        self._store.put(self._app.store_key, tokens)
        self._done = True
        self._on_connected()
        return tokens

    def close(self) -> None:
        """Release the token client (``complete`` does it; call it to abandon an attempt)."""
        self._app.grant.close()

    def __enter__(self) -> Connection:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _read_callback(self, callback_url: str) -> tuple[str | None, str | None]:
        if not isinstance(callback_url, str):
            raise InputError("callback_url must be the URL string the vendor redirected to")
        query = parse_qs(urlsplit(callback_url).query)
        first = {key: values[0] for key, values in query.items() if values}
        if "error" in first:
            raise AuthError(
                f"the authorisation was not given ({first['error'][:80]}"
                + (f": {first['error_description'][:200]}" if "error_description" in first else "")
                + ")",
                vendor=self.vendor,
                tenant=self.tenant,
                operation="connect",
                code=first["error"][:80],
            )
        return first.get("code"), first.get("state")
