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


# Outreach's "Content Negotiation" section (developers.outreach.io/api/making-requests):
# every request must name the JSON:API media type in Content-Type, or it is answered
# 415 with this error object. The documented example spells the member ``details``
# (plural), unlike the ``detail`` of its other error objects; it is kept as documented.
UNSUPPORTED_MEDIA_TYPE_DETAIL = f"Expected Content-Type header to be '{MEDIA_TYPE}'."


# Requests that read: answered without a Content-Type (Starlette adds HEAD to GET routes).
READ_METHODS = frozenset({"GET", "HEAD"})


def lacks_media_type(request: Request) -> bool:
    """A write (any method but GET and HEAD), body or none, not naming the media type."""
    if request.method in READ_METHODS:
        return False
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    return content_type != MEDIA_TYPE


def unsupported_media_type() -> ApiError:
    """The 415 of a request without ``Content-Type: application/vnd.api+json``."""
    error = ApiError(415, UNSUPPORTED_MEDIA_TYPE_DETAIL)
    error.body = {
        "errors": [
            {
                "id": "unsupportedMediaType",
                "title": "Unsupported Media Type",
                "details": UNSUPPORTED_MEDIA_TYPE_DETAIL,
            }
        ]
    }
    return error


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


# What a 429 carries besides its body ("... please try again at <time>."), which it
# always carries: ``Retry-After`` (seconds) and the ``X-RateLimit-*`` headers. Outreach
# documents the headers and the body; whether its 429 also says ``Retry-After`` no
# public sample shows, so ``options.extras["rate_limit_hints"]`` (a subset of these)
# lets a test take either away.
RATE_LIMIT_HINTS = frozenset({"retry-after", "x-ratelimit"})


def rate_limit_hints(rt: Runtime) -> frozenset[str]:
    raw = rt.kit.options.extras.get("rate_limit_hints")
    return RATE_LIMIT_HINTS if raw is None else frozenset(str(h).lower() for h in raw)


def rate_limited_detail(limit: int, reset_at: float) -> str:
    """Outreach's 429 detail, with the window's end as it writes it (UTC, no zone)."""
    reset = datetime.fromtimestamp(reset_at, UTC).strftime("%Y-%m-%dT%H:%M:%S")
    return f"You have exceeded your permitted rate limit of {limit:,}; please try again at {reset}."


def fault_rate_limited(rt: Runtime) -> tuple[str, dict[str, str]]:
    """The detail and headers of an injected 429: the budget's window ends as the real
    one does, but no ``X-RateLimit-Remaining`` is said. The fault stands for no user's
    count, and a client's pacer must not take the injected refusal for a spent budget."""
    now = rt.kit.clock.timestamp()
    window = rt.limiter.window
    reset_at = (now // window + 1) * window
    hints = rate_limit_hints(rt)
    headers: dict[str, str] = {}
    if "retry-after" in hints:
        headers["Retry-After"] = str(max(1, math.ceil(reset_at - now)))
    if "x-ratelimit" in hints:
        headers["X-RateLimit-Limit"] = str(rt.limiter.limit)
        headers["X-RateLimit-Reset"] = str(math.ceil(reset_at))
    return rate_limited_detail(rt.limiter.limit, reset_at), headers


def fault_body(rt: Runtime, status: int) -> tuple[Any, dict[str, str]]:
    """The body and headers of a fault injected through ``/_sandbox/faults``.

    Header names are spelt as the emulator spells them elsewhere (``Retry-After``,
    ``X-RateLimit-Reset``): a rule's own headers of the same spelling replace them."""
    headers = {"content-type": MEDIA_TYPE}
    if status == 429:
        detail, hinted = fault_rate_limited(rt)
        headers.update(hinted)
    elif status == 503:
        until = rt.maintenance_until() or rt.kit.clock.now() + timedelta(minutes=5)
        detail = "Scheduled server maintenance is under way."
        headers["Retry-After"] = retry_stamp(until)
    else:
        detail = "The sandbox injected this error."
    return {"errors": [error_object(status, detail)]}, headers


async def http_error(request: Request, exc: Exception) -> Response:
    """Starlette's own errors (no route, wrong method) as JSON:API error objects.

    A write the emulator has no route for (a DELETE of anything but a prospect: not
    emulated) is still held to the media type first, as every write to the API is:
    415 without it, else 405."""
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    if status == 405 and request.url.path.startswith("/api/v2") and lacks_media_type(request):
        refused = unsupported_media_type()
        return json_api_response(refused.body, refused.status)
    if status == 404:
        detail = "No route matches this path."
    elif status == 405:
        detail = f"The {request.method} method is not allowed on this path."
    else:
        detail = str(exc)
    error = ApiError(status, detail)
    return json_api_response(error.body, status)
