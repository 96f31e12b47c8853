"""Salesforce's error arrays and injected-fault bodies, and the JSON encoding of every response."""

from __future__ import annotations

import json
from typing import Any

from starlette.responses import Response

JSON_TYPE = "application/json;charset=UTF-8"
NOT_FOUND = "The requested resource does not exist"


class ApiError(Exception):
    """A request Salesforce refuses as a whole: ``[{"message", "errorCode", "fields"?}]``."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        fields: list[str] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.fields = fields
        self.headers = headers or {}

    def body(self) -> list[dict[str, Any]]:
        item: dict[str, Any] = {"message": self.message, "errorCode": self.code}
        if self.fields is not None:
            item["fields"] = self.fields
        return [item]


def invalid_session() -> ApiError:
    return ApiError(
        401,
        "INVALID_SESSION_ID",
        "Session expired or invalid",
        headers={"WWW-Authenticate": "Token"},
    )


def limit_exceeded() -> ApiError:
    return ApiError(403, "REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded.")


def dumps(payload: Any, *, pretty: bool = False) -> bytes:
    """Compact JSON, or indented when the client sends ``X-PrettyPrint: 1`` as Salesforce allows."""
    if pretty:
        return json.dumps(payload, indent=2, ensure_ascii=False).encode()
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()


def json_response(
    payload: Any, status: int = 200, headers: dict[str, str] | None = None, *, pretty: bool = False
) -> Response:
    return Response(dumps(payload, pretty=pretty), status, headers=headers, media_type=JSON_TYPE)


_FAULTS: dict[int, tuple[str, str]] = {
    400: ("INVALID_INPUT", "The request could not be understood."),
    401: ("INVALID_SESSION_ID", "Session expired or invalid"),
    403: ("REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded."),
    404: ("NOT_FOUND", NOT_FOUND),
    409: ("UNABLE_TO_LOCK_ROW", "unable to obtain exclusive access to this record"),
    500: ("UNABLE_TO_LOCK_ROW", "unable to obtain exclusive access to this record"),
    502: ("SERVER_UNAVAILABLE", "The server is temporarily unavailable."),
    503: ("SERVER_UNAVAILABLE", "The server is temporarily unavailable."),
}


def error_body(status: int) -> tuple[Any, dict[str, str]]:
    """The body an injected fault answers with; a fault rule's own ``body`` overrides it."""
    code, message = _FAULTS.get(status, ("UNKNOWN_EXCEPTION", "An unexpected error occurred."))
    headers = {"content-type": JSON_TYPE}
    if status == 401:
        headers["WWW-Authenticate"] = "Token"
    return [{"message": message, "errorCode": code}], headers
