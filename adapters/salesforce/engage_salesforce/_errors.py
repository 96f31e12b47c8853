"""Salesforce error codes as engage errors.

Top-level REST errors are ``[{"message", "errorCode", "fields"?}]``; per-input
and per-record errors use ``statusCode`` instead of ``errorCode``. Either way
the engage error carries the code and the vendor's message (first line only,
since SOQL errors echo the whole query), never the body.
"""

from __future__ import annotations

from typing import Any

import requests

from engage import (
    AuthError,
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    QuotaExhaustedError,
    RateLimitError,
    UnavailableError,
    ValidationError,
    VendorError,
)
from engage._transport import build_error, error_class_for

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
_STATE_WORDS = (
    "already assigned",
    "already complete",
    "isn't assigned",
    "tracker is",
    "isn't the current step",
    "needs to be active",
)
RETRYABLE_CODES = frozenset({"UNABLE_TO_LOCK_ROW", "SERVER_UNAVAILABLE"})


def first_line(message: str, limit: int = 300) -> str:
    line = message.strip().splitlines()[0] if message.strip() else ""
    return line[:limit]


def error_items(body: Any) -> list[dict[str, Any]]:
    if isinstance(body, dict):
        body = [body]
    if not isinstance(body, list):
        return []
    return [item for item in body if isinstance(item, dict)]


def is_invalid_session(response: requests.Response) -> bool:
    try:
        items = error_items(response.json())
    except ValueError:
        return True  # a 401 without a JSON body still means the session is unusable
    return not items or any(i.get("errorCode") == "INVALID_SESSION_ID" for i in items)


def classify(
    code: str | None, status: int | None, message: str, limit: int | None
) -> tuple[type[VendorError], bool | None]:
    """The engage error class and retryability for a Salesforce code (``None`` = by status)."""
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
    return kind, retryable


def error_for(
    response: requests.Response,
    context: dict[str, Any],
    *,
    idempotent: bool,
    limit: int | None = None,
) -> VendorError:
    """The engage error for a non-2xx response (its body is read, never copied whole)."""
    status = response.status_code
    try:
        items = error_items(response.json())
    except ValueError:
        items = []
    first = items[0] if items else {}
    code = first.get("errorCode") or first.get("statusCode")
    code = str(code) if code else None
    message = first_line(str(first.get("message") or f"HTTP {status} {response.reason or ''}"))
    kind, retryable = classify(code, status, message, limit)
    if retryable is None:
        if status in (429, 503):
            retryable = True
        elif status >= 500:
            retryable = idempotent
        else:
            retryable = kind.default_retryable
    fields = {str(f): [message] for f in first.get("fields") or [] if isinstance(f, str)}
    extra: dict[str, Any] = {}
    if issubclass(kind, UnavailableError):
        extra["ambiguous"] = status not in (429, 503)
    return build_error(
        kind,
        message,
        fields=fields or None,
        status=status,
        code=code,
        retryable=retryable,
        **context,
        **extra,
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
    kind, retryable = classify(code, None, message, None)
    lowered = message.lower()
    if code in (None, "UNKNOWN_EXCEPTION"):
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
