"""Outreach's JSON:API error objects, and one exception that carries them to the response.

The ids and titles are those Outreach documents (``validationError``,
``resourceNotFound``, ``unauthorizedOauthScope``, ``rateLimitExceeded``,
``scheduledServerMaintenance``, ``unsupportedMediaType``); statuses it documents
only in prose (400, 401) use the HTTP reason phrase in the same shape.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.responses import Response

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
