"""Outreach's JSON:API error objects, the exception that carries them to the response,
and the errors of the platform itself: maintenance, injected faults, unknown routes.

The ids and titles are those Outreach documents (``validationError``,
``resourceNotFound``, ``unauthorizedOauthScope``, ``rateLimitExceeded``,
``scheduledServerMaintenance``, ``unsupportedMediaType``); statuses it documents
only in prose (400, 401) use the HTTP reason phrase in the same shape.
"""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

if TYPE_CHECKING:
    from ._state import Runtime

MEDIA_TYPE = "application/vnd.api+json"

_TITLES = {
    400: ("badRequest", "Bad Request"),
    401: ("unauthorized", "Unauthorized"),
    403: ("unauthorizedRequest", "Unauthorized Request"),
    404: ("resourceNotFound", "Resource Not Found"),
    405: ("methodNotAllowed", "Method Not Allowed"),
    409: ("conflict", "Conflict"),
    415: ("unsupportedMediaType", "Unsupported Media Type"),
    422: ("validationError", "Validation Error"),
    429: ("rateLimitExceeded", "Rate Limit Exceeded"),
    500: ("internalServerError", "Internal Server Error"),
    502: ("badGateway", "Bad Gateway"),
    503: ("scheduledServerMaintenance", "Scheduled Server Maintenance"),
    504: ("gatewayTimeout", "Gateway Timeout"),
}


def error_object(
    status: int,
    detail: str,
    *,
    error_id: str | None = None,
    title: str | None = None,
    pointer: str | None = None,
) -> dict[str, Any]:
    default_id, default_title = _TITLES.get(status, ("error", "Error"))
    obj: dict[str, Any] = {
        "id": error_id or default_id,
        "title": title or default_title,
        "detail": detail,
    }
    if pointer is not None:
        obj["source"] = {"pointer": pointer}
    return obj


class ApiError(Exception):
    """Raised anywhere in a handler; rendered as ``{"errors": [...]}``."""

    def __init__(
        self,
        status: int,
        detail: str,
        *,
        error_id: str | None = None,
        title: str | None = None,
        pointer: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.body = {
            "errors": [
                error_object(status, detail, error_id=error_id, title=title, pointer=pointer)
            ]
        }
        self.headers = headers or {}


def not_found(type_: str, id_: object) -> ApiError:
    return ApiError(404, f"Could not find '{type_}' with ID '{id_}'.")


def invalid(detail: str, pointer: str) -> ApiError:
    return ApiError(422, detail, pointer=pointer)


def dumps(body: Any) -> bytes:
    """Compact, key-order-preserving JSON: the same document is always the same bytes."""
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode()


def json_api_response(
    body: Any, status: int = 200, headers: dict[str, str] | None = None
) -> Response:
    return Response(dumps(body), status_code=status, headers=headers, media_type=MEDIA_TYPE)


def retry_stamp(moment: datetime) -> str:
    """The ISO-8601 form Outreach puts in maintenance ``Retry-After`` headers."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def maintenance_error(until: datetime) -> ApiError:
    stamp = retry_stamp(until)
    return ApiError(
        503,
        f"Scheduled server maintenance is under way; please try again at {stamp}.",
        headers={"Retry-After": stamp},
    )


def fault_retry_after(rt: Runtime, status: int) -> dict[str, str]:
    """``Retry-After`` for injected 429/503 faults, in the form Outreach uses for each."""
    if status == 503:
        until = rt.maintenance_until() or rt.kit.clock.now() + timedelta(minutes=5)
        return {"Retry-After": retry_stamp(until)}
    if status == 429:
        now = rt.kit.clock.timestamp()
        window = rt.limiter.window
        return {"Retry-After": str(max(1, math.ceil((now // window + 1) * window - now)))}
    return {}


def fault_body(rt: Runtime, status: int) -> tuple[Any, dict[str, str]]:
    """The body and headers of a fault injected through ``/_sandbox/faults``."""
    detail = {
        429: f"You have exceeded your permitted rate limit of {rt.limiter.limit:,}.",
        503: "Scheduled server maintenance is under way.",
    }.get(status, "The sandbox injected this error.")
    headers = {"content-type": MEDIA_TYPE, **fault_retry_after(rt, status)}
    return {"errors": [error_object(status, detail)]}, headers


async def http_error(request: Request, exc: Exception) -> Response:
    """Starlette's own errors (no route, wrong method) as JSON:API error objects."""
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    if status == 404:
        detail = "No route matches this path."
    elif status == 405:
        detail = f"The {request.method} method is not allowed on this path."
    else:
        detail = str(exc)
    error = ApiError(status, detail)
    return json_api_response(error.body, status)
