"""Logging in and sending requests: one requests session per tenant, shared with simple-salesforce.

simple-salesforce sends without a timeout and raises exceptions that embed
whole response bodies, so every request goes through :meth:`SalesforceSession.send`
here: a timeout bounded by the operation's deadline, client-side pacing by the
org's daily allocation, retries through the tenant's policy, one re-login on
``INVALID_SESSION_ID``, and errors turned into engage errors built from the
vendor's error code and text only.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from simple_salesforce.api import Salesforce
from simple_salesforce.exceptions import SalesforceAuthenticationFailed
from simple_salesforce.login import SalesforceLogin

from engage import (
    AuthError,
    DisallowedHostError,
    TenantContext,
    UnavailableError,
    VendorError,
)
from engage._transport import PacingRule, RateObservation, build_error, current_scope

from ._errors import error_for, is_invalid_session
from ._settings import SalesforceSettings, is_loopback

VENDOR = "salesforce"
_USAGE = re.compile(r"api-usage=(\d+)/(\d+)")
_ORG = re.compile(r"/id/(00D\w{12,15})/")
DAY = 86400


def parse_limit_info(header: str | None) -> RateObservation | None:
    """``Sforce-Limit-Info: api-usage=N/M`` as the pacer's view of the org's daily budget."""
    found = _USAGE.search(header or "")
    if found is None:
        return None
    used, limit = int(found.group(1)), int(found.group(2))
    return RateObservation(remaining=max(0, limit - used), limit=limit)


class _Adapter(HTTPAdapter):
    """Gives every request a timeout, and (emulator only) sends https URLs to a plain-http port.

    simple-salesforce always builds ``https://`` URLs; a loopback emulator
    speaks plain HTTP, so for exactly that host and port the scheme is swapped.
    """

    def __init__(self, timeout: tuple[float, float], loopback: str | None = None) -> None:
        super().__init__()
        self.timeout = timeout
        self.loopback = loopback  # "host:port" of a plain-http loopback emulator

    def send(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        if kwargs.get("timeout") is None:
            kwargs["timeout"] = self.timeout
        if self.loopback and request.url.startswith(f"https://{self.loopback}/"):
            request.url = "http://" + request.url.removeprefix("https://")
        return super().send(request, *args, **kwargs)


class SalesforceSession:
    """One tenant's login state and request path; the raw client shares its session."""

    def __init__(self, settings: SalesforceSettings, context: TenantContext) -> None:
        self.settings = settings
        self.context = context
        options = context.options
        self.http = requests.Session()
        self.http.trust_env = False
        loopback = None
        for url in (settings.instance_url, settings.login_url):
            if url and urlsplit(url).scheme == "http" and is_loopback(url):
                loopback = urlsplit(url).netloc
        adapter = _Adapter((options.connect_timeout, options.timeout), loopback)
        self.http.mount("https://", adapter)
        self.http.mount("http://", adapter)
        self.org_id: str | None = None
        self.limit: int | None = None
        self._client: Salesforce | None = None
        self._lock = threading.Lock()

    # --- login -----------------------------------------------------------------
    @property
    def client(self) -> Salesforce:
        """The ``simple_salesforce.Salesforce`` client, logging in on first use."""
        with self._lock:
            if self._client is None:
                self._client = self._login()
            return self._client

    def relogin(self, stale_token: str) -> None:
        """Log in again unless another thread already replaced ``stale_token``."""
        with self._lock:
            if self._client is not None and self._client.session_id != stale_token:
                return
            fresh = self._login()
            if self._client is None:
                self._client = fresh
            else:  # keep the raw client object callers may hold; give it the new session
                self._client.session_id = fresh.session_id
                self._client.sf_instance = fresh.sf_instance
                self._client.base_url = fresh.base_url
                self._client._generate_headers()

    def _login(self) -> Salesforce:
        s = self.settings
        method = s.login_method
        if method == "access_token":
            assert s.access_token is not None
            assert s.instance_url
            return self._client_for(s.instance_url, s.access_token.get_secret_value())
        if method == "refresh_token":
            return self._refresh_login()
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
                    session=self.http,
                )
            else:
                session_id, instance = SalesforceLogin(
                    username=s.username,
                    consumer_key=s.consumer_key,
                    privatekey=s.private_key.get_secret_value() if s.private_key else None,
                    privatekey_file=s.private_key_file,
                    domain=s.domain,
                    session=self.http,
                )
        except SalesforceAuthenticationFailed as exc:
            raise self._error(
                AuthError, f"Salesforce refused the {method} login ({exc.code})"
            ) from None
        except requests.RequestException as exc:
            raise self._unreachable(exc, during="login") from None
        return self._client_for(s.instance_url or f"https://{instance}", session_id)

    def _refresh_login(self) -> Salesforce:
        s = self.settings
        assert s.client_id
        assert s.client_secret
        assert s.refresh_token
        form = {
            "grant_type": "refresh_token",
            "client_id": s.client_id,
            "client_secret": s.client_secret.get_secret_value(),
            "refresh_token": s.refresh_token.get_secret_value(),
        }
        try:
            response = self.http.post(
                f"{s.login_base}/services/oauth2/token", data=form, timeout=self._timeout()
            )
        except requests.RequestException as exc:
            raise self._unreachable(exc, during="login") from None
        try:
            body = response.json()
        except ValueError:
            body = {}
        if response.status_code != 200 or not isinstance(body, dict):
            code = str(body.get("error", "")) if isinstance(body, dict) else ""
            raise self._error(
                AuthError,
                f"Salesforce refused the refresh-token login ({code or response.status_code})",
                status=response.status_code,
                code=code or None,
            )
        if found := _ORG.search(str(body.get("id", ""))):
            self.org_id = found.group(1)
        instance = s.instance_url or str(body.get("instance_url", ""))
        return self._client_for(instance, str(body.get("access_token", "")))

    def _client_for(self, instance_url: str, session_id: str) -> Salesforce:
        return Salesforce(
            instance_url=instance_url,
            session_id=session_id,
            session=self.http,
            version=self.settings.api_version,
        )

    # --- requests --------------------------------------------------------------
    @property
    def base_url(self) -> str:
        return str(self.client.base_url)

    def url(self, path: str) -> str:
        """An API URL on the tenant's own instance; vendor links elsewhere are refused."""
        if path.startswith("/services/data/"):
            return f"https://{self.client.sf_instance}{path}"
        if "://" in path or path.startswith("/"):
            raise self._error(DisallowedHostError, "refusing a link outside the tenant's API")
        return self.base_url + path

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
        retry: bool = True,
    ) -> requests.Response:
        """Send a request; return the 2xx response or raise an engage error.

        ``per_input_results`` accepts an HTTP 400 whose body is one result per
        input (an invocable action where some inputs failed): that is an
        answer, not a failure of the request.
        """
        safe = method in {"GET", "HEAD"} if idempotent is None else idempotent

        def attempt() -> requests.Response:
            return self._attempt(method, path, params, json, headers, safe, per_input_results)

        # ``retry=False``: the caller runs its own retry loop (batched actions).
        return self.context.retry.call(attempt) if retry else attempt()

    def _attempt(
        self,
        method: str,
        path: str,
        params: Mapping[str, str] | None,
        body: Any,
        headers: Mapping[str, str] | None,
        idempotent: bool,
        per_input_results: bool,
    ) -> requests.Response:
        for attempt in (1, 2):
            client = self.client
            token = str(client.session_id)
            self._pace()
            try:
                response = self.http.request(
                    method,
                    self.url(path),
                    params=params,
                    json=body,
                    headers={**client.headers, "X-PrettyPrint": "0", **(headers or {})},
                    timeout=self._timeout(),
                )
            except requests.RequestException as exc:
                raise self._unreachable(exc, idempotent=idempotent) from None
            self._observe(response)
            if response.status_code == 401 and is_invalid_session(response):
                if attempt == 1 and self.settings.login_method != "access_token":
                    self.relogin(token)
                    continue
                raise self._error(
                    AuthError,
                    "Salesforce session expired or invalid, and logging in again did not help"
                    if attempt == 2
                    else "Salesforce session expired or invalid (an access token cannot be renewed)",
                    status=401,
                    code="INVALID_SESSION_ID",
                    retryable=False,
                )
            if response.ok or (per_input_results and _is_result_list(response)):
                return response
            raise error_for(response, self.error_context(), idempotent=idempotent, limit=self.limit)
        raise AssertionError("unreachable")

    # --- helpers -----------------------------------------------------------------
    @property
    def pacing_scope(self) -> str:
        return f"{VENDOR}:{self.org_id or self.context.tenant}"

    def _pace(self) -> None:
        rule = PacingRule(limit=self.limit or self.settings.daily_api_limit, window=DAY)
        self.context.pacer.acquire(self.pacing_scope, rule, 1)

    def _observe(self, response: requests.Response) -> None:
        seen = parse_limit_info(response.headers.get("Sforce-Limit-Info"))
        if seen is not None:
            self.limit = seen.limit
            self.context.pacer.observe(self.pacing_scope, seen)

    def _timeout(self) -> tuple[float, float]:
        options = self.context.options
        scope = current_scope()
        remaining = scope.remaining() if scope else options.deadline
        if remaining <= 0:
            raise self._error(UnavailableError, "operation deadline exceeded", retryable=False)
        read = min(options.timeout, remaining)
        return (min(options.connect_timeout, read), read)

    def error_context(self) -> dict[str, Any]:
        scope = current_scope()
        return {
            "vendor": VENDOR,
            "tenant": self.context.tenant,
            "operation": scope.operation if scope else None,
        }

    def _error(self, kind: type[VendorError], message: str, **extra: Any) -> VendorError:
        return build_error(kind, message, **self.error_context(), **extra)

    def _unreachable(
        self, exc: requests.RequestException, *, idempotent: bool = True, during: str = ""
    ) -> VendorError:
        # A failed connection never reached Salesforce; anything later may have.
        not_sent = isinstance(exc, requests.ConnectionError) and not isinstance(
            exc, requests.exceptions.ReadTimeout
        )
        not_sent = not_sent or isinstance(exc, requests.exceptions.ConnectTimeout)
        what = f" during {during}" if during else ""
        return self._error(
            UnavailableError,
            f"{type(exc).__name__} talking to Salesforce{what}",
            retryable=not_sent or idempotent,
            ambiguous=not not_sent,
        )

    def close(self) -> None:
        self.http.close()


def _is_result_list(response: requests.Response) -> bool:
    if response.status_code != 400:
        return False
    try:
        body = response.json()
    except ValueError:
        return False
    return isinstance(body, list) and bool(body) and all("actionName" in i for i in body)
