"""The tenant's Salesforce session: logins, requests, SOQL pages, the simple-salesforce client.

Two transports from :func:`engage.transport.open_http`, so every request has
the core's policy (host allow-list, pacing, deadline, retries classified by
method and failure, typed errors, redacted logs):

- the *login* transport, to ``login_url`` (and ``https://<domain>.salesforce.com``,
  where simple-salesforce sends JWT logins): the refresh-token grant is sent
  on it directly, the SOAP ``login()`` and JWT grant by simple-salesforce
  through :func:`engage.transport.requests_session`. Not paced; a login may
  be repeated, so every method counts as idempotent there.
- the *API* transport, to the org's instance, opened after the first login
  (which tells the instance and, for a refresh-token login, the org id that
  names the pacing scope). The adapter's requests are sent on it directly;
  the ``raw`` simple-salesforce client sends on it through a requests
  session. Its auth (:class:`SessionAuth`) logs in again once on
  ``INVALID_SESSION_ID``, for all threads.

simple-salesforce always builds ``https://`` URLs; a loopback emulator
speaks plain HTTP, so for exactly that host and port a requests adapter
swaps the scheme before the request reaches the transport.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Mapping
from dataclasses import replace
from typing import Any
from urllib.parse import urlsplit

import httpx
import requests
from requests.adapters import BaseAdapter
from simple_salesforce.api import Salesforce
from simple_salesforce.exceptions import SalesforceAuthenticationFailed
from simple_salesforce.login import SalesforceLogin

from engage import (
    AuthError,
    DisallowedHostError,
    InputError,
    ReauthorizationRequired,
    TenantContext,
    VendorError,
)
from engage.transport import (
    HttpTransport,
    RateObservation,
    build_error,
    current_scope,
    open_http,
    requests_session,
    token_store_key,
)

from . import _wire as wire
from ._protocol import SessionAuth, api_protocol, login_protocol, observe_rate, pacing
from ._settings import SalesforceSettings, is_loopback
from ._wire import VENDOR, is_action_result_list, query_result

_ORG = re.compile(r"/id/(00D\w{12,15})/")
_EVERY_METHOD = ("GET", "HEAD", "OPTIONS", "PUT", "DELETE", "POST", "PATCH")
MIN_BATCH, MAX_BATCH = 200, 2000  # what Sforce-Query-Options batchSize accepts


class _Loopback(BaseAdapter):
    """Sends simple-salesforce's ``https://host:port`` URLs of a plain-http loopback
    emulator as ``http://``, then through the session's own adapter."""

    def __init__(self, inner: BaseAdapter) -> None:
        super().__init__()
        self.inner = inner

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> Any:
        request.url = "http://" + (request.url or "").removeprefix("https://")
        return self.inner.send(request, *args, **kwargs)

    def close(self) -> None:
        self.inner.close()


def _loopback_netlocs(*urls: str | None) -> set[str]:
    return {
        urlsplit(url).netloc
        for url in urls
        if url and urlsplit(url).scheme == "http" and is_loopback(url)
    }


class SalesforceSession:
    """One tenant's login state and request path; the raw client shares its API transport."""

    def __init__(self, settings: SalesforceSettings, context: TenantContext) -> None:
        self.settings = settings
        self.context = context
        self.org_id: str | None = None
        self.instance_url: str | None = (settings.instance_url or "").rstrip("/") or None
        self.login = open_http(
            context,
            login_protocol(settings.login_method),
            base_url=settings.login_base,
            allowed_hosts=(f"https://{settings.domain}.salesforce.com",),
        )
        self._loopback = _loopback_netlocs(settings.instance_url, settings.login_url)
        self._token: str | None = None
        self._http: HttpTransport | None = None
        self._client: Salesforce | None = None
        self._lock = threading.RLock()

    # --- transports -----------------------------------------------------------------
    @property
    def http(self) -> HttpTransport:
        """The API transport (logging in first if need be)."""
        return self.open()

    def open(self) -> HttpTransport:
        """Log in and open the API transport, once: the login tells the instance and the
        org (the pacing scope ``salesforce:<org id>``, else ``salesforce:<tenant>``)."""
        if self._http is not None:
            return self._http
        with self._lock:
            if self._http is None:
                self._token, self.instance_url = self._login()
                renewable = self.settings.login_method != "access_token"
                self._http = open_http(
                    self.context,
                    api_protocol(
                        self.settings.login_method, self.settings.daily_api_limit, self._observe
                    ),
                    base_url=self.instance_url,
                    auth=SessionAuth(self.token, self.relogin if renewable else None),
                    pacing_scope=f"{VENDOR}:{self.org_id or self.context.tenant}",
                )
            return self._http

    def token(self) -> str:
        """The current session id (logging in first if need be)."""
        if self._token is None:
            self.open()
        assert self._token is not None
        return self._token

    def instance(self) -> str:
        """The org's instance URL (logging in first if need be)."""
        self.open()
        assert self.instance_url is not None
        return self.instance_url

    def requests(self, http: HttpTransport, *, login: bool = False) -> requests.Session:
        """A requests session on ``http`` for simple-salesforce (loopback emulator aware)."""
        session = requests_session(http, idempotent_methods=_EVERY_METHOD if login else None)
        for netloc in self._loopback:
            session.mount(f"https://{netloc}/", _Loopback(session.get_adapter("https://x/")))
        return session

    @property
    def client(self) -> Salesforce:
        """The ``simple_salesforce.Salesforce`` client on the API transport."""
        http = self.open()
        with self._lock:
            if self._client is None:
                self._client = Salesforce(
                    instance_url=self.instance(),
                    session_id=self.token(),
                    session=self.requests(http),
                    version=self.settings.api_version,
                )
            return self._client

    def _observe(self, response: httpx.Response) -> RateObservation | None:
        """The limit header; the org's real allocation becomes the pacing rule."""
        seen = observe_rate(response)
        http = self._http
        if seen is None or not seen.limit or http is None:
            return seen
        if http.protocol.pacing is None or http.protocol.pacing.limit != seen.limit:
            http.protocol = replace(http.protocol, pacing=pacing(seen.limit))
        return seen

    # --- login ----------------------------------------------------------------------
    def relogin(self, stale_token: str) -> str:
        """Log in again unless another thread already replaced ``stale_token``."""
        with self._lock:
            if self._token is not None and self._token != stale_token:
                return self._token
            token, instance = self._login()
            self._token = token
            if self._http is not None and instance != self.instance_url:
                self._http.hosts.allow(instance)
            self.instance_url = instance
            if self._client is not None:  # keep the raw client callers may hold current
                self._client.session_id = token
                self._client.sf_instance = urlsplit(instance).netloc
                self._client.base_url = (
                    f"https://{self._client.sf_instance}/services/data/v{self._client.sf_version}/"
                )
                self._client._generate_headers()
            return token

    def _login(self) -> tuple[str, str]:
        """A new session id and the instance URL it is for."""
        s = self.settings
        method = s.login_method
        if method == "access_token":
            assert s.access_token is not None
            assert s.instance_url
            return s.access_token.get_secret_value(), s.instance_url.rstrip("/")
        if method == "refresh_token":
            return self._refresh_login()
        session = self.requests(self.login, login=True)
        try:
            if method == "password":
                assert s.username
                assert s.password
                assert s.security_token
                session_id, instance = SalesforceLogin(
                    username=s.username,
                    password=s.password.get_secret_value(),
                    security_token=s.security_token.get_secret_value(),
                    sf_version=s.api_version,
                    domain=s.domain,
                    scratch_url=s.login_url,
                    session=session,
                )
            else:
                session_id, instance = SalesforceLogin(
                    username=s.username,
                    consumer_key=s.consumer_key,
                    privatekey=s.private_key.get_secret_value() if s.private_key else None,
                    privatekey_file=s.private_key_file,
                    domain=s.domain,
                    session=session,
                )
        except SalesforceAuthenticationFailed as exc:  # a 200 without a session in it
            raise self._error(
                AuthError, f"Salesforce refused the {method} login ({exc.code})"
            ) from None
        finally:
            session.close()
        return str(session_id), (s.instance_url or f"https://{instance}").rstrip("/")

    def store_key(self) -> str:
        """Where a connected tenant's tokens live (the configured refresh token is part
        of the key, so configuring a new one starts afresh)."""
        s = self.settings
        assert s.client_id
        return token_store_key(
            self.context,
            vendor=VENDOR,
            client_id=s.client_id,
            token_url=s.token_url,
            configured=s.refresh_token,
        )

    def _refresh_login(self) -> tuple[str, str]:
        s = self.settings
        assert s.client_id
        assert s.client_secret
        refresh, stored_instance = s.refresh_token, None
        if refresh is None:
            stored = self.context.token_store.get(self.store_key())
            if stored is None or stored.refresh_token is None:
                raise ReauthorizationRequired(
                    "no refresh token: configure one or connect the tenant first (Engage.connect)",
                    vendor=VENDOR,
                    tenant=self.context.tenant,
                )
            refresh, stored_instance = stored.refresh_token, stored.instance_url
        # The form is built in the call, never a local an error tracker could capture.
        response = self.login.request(
            "POST",
            s.token_url,
            data={
                "grant_type": "refresh_token",
                "client_id": s.client_id,
                "client_secret": s.client_secret.get_secret_value(),
                "refresh_token": refresh.get_secret_value(),
            },
            idempotent=True,
        )
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict) or not body.get("access_token"):
            raise self._error(
                AuthError,
                "Salesforce refused the refresh-token login (no access token in its answer)",
                status=response.status_code,
            )
        if found := _ORG.search(str(body.get("id", ""))):
            self.org_id = found.group(1)
        instance = s.instance_url or str(body.get("instance_url", "") or stored_instance or "")
        return str(body["access_token"]), instance.rstrip("/")

    # --- requests -------------------------------------------------------------------
    def url(self, path: str) -> str:
        """An API URL on the tenant's own instance; vendor links elsewhere are refused."""
        if path.startswith("/services/data/"):
            return f"{self.instance()}{path}"
        if "://" in path or path.startswith("/"):
            raise self._error(DisallowedHostError, "refusing a link outside the tenant's API")
        return f"{self.instance()}/services/data/v{self.settings.api_version}/{path}"

    def send(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        json: Any = None,
        headers: Mapping[str, str] | None = None,
        idempotent: bool | None = None,
        per_input_results: bool = False,
    ) -> httpx.Response:
        """Send a request on the API transport; return the 2xx response or raise an engage error.

        ``per_input_results`` accepts an HTTP 400 whose body is one result per
        input (an invocable action where some inputs failed): that is an
        answer, not a failure of the request.
        """
        url = self.url(path)
        try:
            return self.http.request(
                method, url, params=params, json=json, headers=headers, idempotent=idempotent
            )
        except VendorError as exc:
            answer = _answer_of(exc)
            if per_input_results and exc.status == 400 and answer is not None:
                try:
                    if is_action_result_list(answer.json()):
                        return answer
                except ValueError:
                    pass
            raise

    def query(self, soql: str, *, batch_size: int | None = None) -> wire.QueryResult:
        """The first batch of a SOQL query: ``batch_size`` rows (Salesforce's 200 to
        2000; a value outside is refused, never quietly changed), else its default, 2000."""
        headers = None
        if batch_size is not None:
            if not MIN_BATCH <= batch_size <= MAX_BATCH:
                raise InputError(f"a Salesforce query batch is {MIN_BATCH} to {MAX_BATCH} rows")
            headers = {"Sforce-Query-Options": f"batchSize={batch_size}"}
        answer = self.send("GET", "query", params={"q": soql}, headers=headers)
        return query_result(self.http.read_json(answer))

    def more(self, next_url: str) -> wire.QueryResult:
        """The page a ``nextRecordsUrl`` names (only a path on the tenant's instance)."""
        if not next_url.startswith("/services/data/"):
            # Absolute or foreign links are refused by the session; this is a clearer error.
            raise InputError("the cursor does not hold a Salesforce query locator")
        return query_result(self.http.read_json(self.send("GET", next_url)))

    # --- helpers --------------------------------------------------------------------
    def error_context(self) -> dict[str, Any]:
        scope = current_scope()
        return {
            "vendor": VENDOR,
            "tenant": self.context.tenant,
            "operation": scope.operation if scope else None,
        }

    def _error(self, kind: type[VendorError], message: str, **extra: Any) -> VendorError:
        return build_error(kind, message, **self.error_context(), **extra)

    def close(self) -> None:
        with self._lock:
            if self._client is not None:
                self._client.session.close()
            if self._http is not None:
                self._http.close()
            self.login.close()


def _answer_of(error: VendorError) -> httpx.Response | None:
    """The (read) answer a transport error was built from, if it was an answer at all."""
    cause = error.__cause__
    return cause.response if isinstance(cause, httpx.HTTPStatusError) else None
