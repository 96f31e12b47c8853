"""Salesforce's protocol as told to ``engage.transport``: errors, the limit header, pacing, auth.

Every Salesforce request (the adapter's, simple-salesforce's logins, the
``raw`` client's) is sent by an :class:`engage.transport.HttpTransport`, so
retries, pacing, the deadline and the typed errors are the core's. What is
Salesforce's is said here:

- error bodies: top-level REST errors are ``[{"message", "errorCode",
  "fields"?}]``; per-input and per-record errors use ``statusCode`` instead.
  The engage error carries the code and the first line of the message (SOQL
  errors echo the whole query), never the body. Logins answer SOAP faults or
  OAuth ``{"error", "error_description"}`` bodies, and are ``AuthError``.
- ``Sforce-Limit-Info: api-usage=N/M``: the org's daily allocation, observed
  by the pacer; requests are paced at ``M`` per rolling day.
- a redirect is never followed: one to another host is a
  ``DisallowedHostError``, any other a ``ProtocolError``.
- auth: the org session as a bearer token, logging in again once when
  Salesforce answers 401 ``INVALID_SESSION_ID``.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Generator
from functools import partial
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx

from engage import (
    AuthError,
    ConflictError,
    DisallowedHostError,
    NotFoundError,
    PermissionDeniedError,
    ProtocolError,
    QuotaExhaustedError,
    RateLimitError,
    UnavailableError,
    ValidationError,
    VendorError,
)
from engage.transport import (
    ErrorDetails,
    PacingRule,
    RateObservation,
    VendorHttp,
    build_error,
    error_class_for,
)

from ._settings import LoginMethod
from ._wire import VENDOR

DAY = 86400
# How long a spent daily allocation is trusted before one request checks again.
QUOTA_RECHECK = 300.0
_USAGE = re.compile(r"api-usage=(\d+)/(\d+)")

# Codes whose class the HTTP status does not tell.
_BY_CODE: dict[str, type[VendorError]] = {
    "NOT_FOUND": NotFoundError,
    "ENTITY_IS_DELETED": NotFoundError,
    "INVALID_SESSION_ID": AuthError,
    "INSUFFICIENT_ACCESS": PermissionDeniedError,
    "INSUFFICIENT_ACCESS_OR_READONLY": PermissionDeniedError,
    "INSUFFICIENT_ACCESS_ON_CROSS_REFERENCE_ENTITY": PermissionDeniedError,
    "API_DISABLED_FOR_ORG": PermissionDeniedError,
    "UNABLE_TO_LOCK_ROW": ConflictError,
    "DUPLICATE_VALUE": ConflictError,
    "DUPLICATES_DETECTED": ConflictError,
    "SERVER_UNAVAILABLE": UnavailableError,
    "MALFORMED_QUERY": ValidationError,
    "INVALID_QUERY_FILTER_OPERATOR": ValidationError,
    "INVALID_QUERY_LOCATOR": ValidationError,
    # The org lacks a field or object the adapter reads (no Sales Engagement, an
    # old API version): nothing the caller can fix by changing the input.
    "INVALID_FIELD": ValidationError,
    "INVALID_TYPE": ValidationError,
}
# Hints only, for the type of an error whose code says nothing (UNKNOWN_EXCEPTION): no
# real sample of these messages exists, so no decision about data rests on them
# (enrolling settles "already assigned" by reading the trackers, ``_ops_enroll``).
_STATE_WORDS = (
    "already assigned",
    "already complete",
    "isn't assigned",
    "tracker is",
    "isn't the current step",
    "needs to be active",
)
RETRYABLE_CODES = frozenset({"UNABLE_TO_LOCK_ROW", "SERVER_UNAVAILABLE"})
_LOGIN_NAMES: dict[LoginMethod, str] = {
    "access_token": "access-token",
    "password": "password",
    "jwt": "jwt",
    "refresh_token": "refresh-token",
}
# A SOAP login fault: <sf:exceptionCode>INVALID_LOGIN</sf:exceptionCode> or <faultcode>sf:X</faultcode>.
_SOAP_CODE = re.compile(
    rb"<(?:sf:)?exceptionCode>\s*([A-Z0-9_]{1,80})\s*<|<faultcode>\s*(?:\w+:)?([A-Z0-9_]{1,80})\s*<"
)


# --- rate --------------------------------------------------------------------------


def parse_limit_info(header: str | None, now: float | None = None) -> RateObservation | None:
    """``Sforce-Limit-Info: api-usage=N/M`` as the pacer's view of the org's daily budget.

    The allocation is a quota over a rolling 24 hours, with no reset time: once
    it is spent, calls fail fast (``QuotaExhaustedError``) and one is let through
    every ``QUOTA_RECHECK`` seconds to see whether the org has room again.
    """
    found = _USAGE.search(header or "")
    if found is None:
        return None
    used, limit = int(found.group(1)), int(found.group(2))
    spent = used >= limit
    return RateObservation(
        remaining=max(0, limit - used),
        limit=limit,
        reset_at=(time.time() if now is None else now) + QUOTA_RECHECK if spent else None,
        quota=True,
    )


def observe_rate(response: httpx.Response) -> RateObservation | None:
    seen = parse_limit_info(response.headers.get("Sforce-Limit-Info"))
    if response.status_code == 403 and (seen is None or seen.remaining):
        try:
            items = error_items(response.json())
        except ValueError:
            items = []
        for item in items:
            if classify(item.get("errorCode"), 403, str(item.get("message", "")))[0] is (
                QuotaExhaustedError
            ):  # "TotalRequests Limit exceeded": the allocation is spent, whatever N/M said
                return RateObservation(
                    remaining=0, reset_at=time.time() + QUOTA_RECHECK, quota=True
                )
    return seen


def pacing(limit: int) -> PacingRule:
    """``limit`` requests per rolling 24 hours, as Salesforce counts its allocation."""
    return PacingRule(limit=limit, window=DAY)


# --- errors ------------------------------------------------------------------------


def first_line(message: str, limit: int = 300) -> str:
    line = message.strip().splitlines()[0] if message.strip() else ""
    return line[:limit]


def error_items(body: Any) -> list[dict[str, Any]]:
    if isinstance(body, dict):
        body = [body]
    if not isinstance(body, list):
        return []
    return [item for item in body if isinstance(item, dict)]


def is_invalid_session(response: httpx.Response) -> bool:
    """A 401 that says the session is unusable (``INVALID_SESSION_ID``, or no JSON at all)."""
    if response.status_code != 401:
        return False
    try:
        items = error_items(response.json())
    except ValueError:
        return True  # a 401 without a JSON body still means the session is unusable
    return not items or any(i.get("errorCode") == "INVALID_SESSION_ID" for i in items)


def classify(
    code: str | None, status: int | None, message: str, detail: str = ""
) -> tuple[type[VendorError], bool | None]:
    """The engage error class and retryability for a Salesforce code (``None`` = by status).

    ``detail`` is the whole error message: a row lock often arrives wrapped in a
    flow or trigger failure (``CANNOT_EXECUTE_FLOW_TRIGGER``,
    ``CANNOT_INSERT_UPDATE_ACTIVATE_ENTITY``) whose later lines name
    ``UNABLE_TO_LOCK_ROW``; it is the same transient lock, and retried as one.
    """
    if code != "UNABLE_TO_LOCK_ROW" and "UNABLE_TO_LOCK_ROW" in (detail or message):
        return ConflictError, True
    if code == "REQUEST_LIMIT_EXCEEDED":
        # "TotalRequests Limit exceeded." is the org's 24-hour allocation: waiting
        # seconds will not help. Other limits (concurrent long requests) pass.
        if "totalrequests" in message.lower().replace(" ", ""):
            return QuotaExhaustedError, False
        return RateLimitError, True
    kind = _BY_CODE.get(code or "")
    if kind is None:
        kind = error_class_for(status) if status else ValidationError
    retryable = True if code in RETRYABLE_CODES else None
    if code == "SERVER_UNAVAILABLE" and status not in (None, 503):
        # Only a 503 says the request was not processed; a 500/502 with this code may
        # come after a write committed, so the method decides (the transport's rule).
        retryable = None
    return kind, retryable


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    return parts.scheme, (parts.hostname or "").lower(), parts.port


def redirect_details(response: httpx.Response) -> ErrorDetails:
    """A 3xx is never followed; one that points to another host is refused as such."""
    status = response.status_code
    here = str(response.request.url)
    location = urljoin(here, response.headers.get("location", ""))
    if _origin(location) != _origin(here):
        host = urlsplit(location).hostname
        return ErrorDetails(
            f"refusing to follow a redirect (HTTP {status}) to {host!r}: not the tenant's API host",
            kind=DisallowedHostError,
            retryable=False,
        )
    return ErrorDetails(
        f"Salesforce answered HTTP {status}, a redirect; engage does not follow redirects",
        kind=ProtocolError,
        retryable=False,
    )


def parse_error(response: httpx.Response, *, login: LoginMethod = "access_token") -> ErrorDetails:
    """What a non-2xx REST answer says (its body is read, never copied whole).

    ``login`` is the tenant's login method: a refused session after the
    transport's auth logged in again (or could not: an access token) is an
    ``AuthError`` that says which.
    """
    status = response.status_code
    if 300 <= status < 400:
        return redirect_details(response)
    if is_invalid_session(response):
        message = (
            "Salesforce session expired or invalid (an access token cannot be renewed)"
            if login == "access_token"
            else "Salesforce session expired or invalid, and logging in again did not help"
        )
        return ErrorDetails(message, code="INVALID_SESSION_ID", kind=AuthError, retryable=False)
    try:
        items = error_items(response.json())
    except ValueError:
        items = []
    first = items[0] if items else {}
    code = first.get("errorCode") or first.get("statusCode")
    code = str(code) if code else None
    reason = f"HTTP {status} {response.reason_phrase or ''}".strip()
    detail = str(first.get("message") or reason)
    message = first_line(detail)
    kind, retryable = classify(code, status, message, detail)
    if retryable is None and status < 500 and status not in (429, 503):
        retryable = kind.default_retryable  # 5xx, 429, 503: the transport decides
    fields = {str(f): [message] for f in first.get("fields") or [] if isinstance(f, str)}
    return ErrorDetails(message, code=code, fields=fields or None, kind=kind, retryable=retryable)


def parse_login_error(response: httpx.Response, *, login: LoginMethod) -> ErrorDetails:
    """A refused login: a SOAP fault (``login()``) or an OAuth error (the token endpoint)."""
    status = response.status_code
    if 300 <= status < 400:
        return redirect_details(response)
    code: str | None = None
    found = _SOAP_CODE.search(response.content[:20_000])
    if found is not None:
        code = (found.group(1) or found.group(2)).decode()
    else:
        try:
            body = response.json()
        except ValueError:
            body = None
        if isinstance(body, dict) and isinstance(body.get("error"), str):
            code = first_line(body["error"], 80) or None
    if code is None and (status >= 500 or status == 429):
        raise ValueError("not a login refusal")  # the transport's default: unavailable, retried
    return ErrorDetails(
        f"Salesforce refused the {_LOGIN_NAMES[login]} login ({code or status})",
        code=code,
        kind=AuthError,
        retryable=False,
    )


def item_error(
    item: dict[str, Any], context: dict[str, Any], *, status: int | None = None
) -> VendorError:
    """The engage error for one failed input of an invocable action."""
    errors = error_items(item.get("errors"))
    first = errors[0] if errors else {}
    outputs = item.get("outputValues") if isinstance(item.get("outputValues"), dict) else {}
    raw = first.get("message") or (outputs or {}).get("error") or "the action failed"
    message = first_line(str(raw))
    code = str(first.get("statusCode") or first.get("errorCode") or "") or None
    kind, retryable = classify(code, None, message, str(raw))
    lowered = message.lower()
    if code in (None, "UNKNOWN_EXCEPTION") and kind is not ConflictError:
        # Business errors share one code; the documented messages tell them apart.
        if "needs to be a valid" in lowered:
            kind = NotFoundError
        elif any(word in lowered for word in _STATE_WORDS):
            kind = ConflictError
        else:
            kind = ValidationError
    fields = {str(f): [message] for f in first.get("fields") or [] if isinstance(f, str)}
    return build_error(
        kind,
        message,
        fields=fields or None,
        status=status,
        code=code,
        retryable=bool(retryable),
        **context,
    )


# --- the protocols -----------------------------------------------------------------


def api_protocol(
    login: LoginMethod,
    daily_limit: int,
    observe: Callable[[httpx.Response], RateObservation | None] = observe_rate,
) -> VendorHttp:
    """The REST API: Salesforce's error bodies, its limit header, paced by the daily allocation."""
    return VendorHttp(
        vendor=VENDOR,
        parse_error=partial(parse_error, login=login),
        observe_rate=observe,
        pacing=pacing(daily_limit),
        request_id_headers=(),
    )


def login_protocol(login: LoginMethod) -> VendorHttp:
    """The login endpoints (SOAP ``login()``, OAuth token): refusals are ``AuthError``, not paced."""
    return VendorHttp(
        vendor=VENDOR, parse_error=partial(parse_login_error, login=login), request_id_headers=()
    )


# --- auth --------------------------------------------------------------------------


class SessionAuth(httpx.Auth):
    """The org session as a bearer token; on ``INVALID_SESSION_ID`` one new login and one repeat.

    ``token()`` answers the current session id; ``relogin(stale)`` logs in again
    unless another thread already replaced ``stale``, and answers the new one
    (``None`` when the session cannot be renewed: a configured access token).
    The repeat is safe whatever the method: Salesforce refused the request
    before doing anything with it.
    """

    requires_response_body = True

    def __init__(
        self, token: Callable[[], str], relogin: Callable[[str], str] | None = None
    ) -> None:
        self._token = token
        self._relogin = relogin

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        token = self._token()
        request.headers["Authorization"] = f"Bearer {token}"
        response = yield request
        if self._relogin is not None and is_invalid_session(response):
            request.headers["Authorization"] = f"Bearer {self._relogin(token)}"
            yield request

    def __repr__(self) -> str:
        return "SessionAuth(token=REDACTED)"
