"""Salesloft's error shapes: ``{"errors": {field: [msgs]}}`` for a 422, else ``{"error": ...}``."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response


class ApiError(Exception):
    """Raised anywhere inside a handler; the endpoint wrapper renders it as Salesloft would."""

    def __init__(
        self, status: int, body: dict[str, Any], headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(f"{status}: {body}")
        self.status = status
        self.body = body
        self.headers = headers or {}


def phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def not_found() -> ApiError:
    return ApiError(404, {"error": "Not Found"})


def forbidden(message: str = "Forbidden") -> ApiError:
    return ApiError(403, {"error": message})


def unauthorized() -> ApiError:
    return ApiError(401, {"error": "Unauthorized"})


def invalid(field: str, *messages: str) -> ApiError:
    return ApiError(422, {"errors": {field: list(messages)}})


def invalid_many(errors: dict[str, list[str]]) -> ApiError:
    return ApiError(422, {"errors": errors})


def error_body_for(status: int) -> dict[str, Any]:
    """The body Salesloft sends for ``status`` when no field-level detail applies."""
    if status == 422:
        return {"errors": {"base": [phrase(422)]}}
    if status == 429:
        return {"error": "Rate limit exceeded"}
    return {"error": phrase(status)}


async def http_error(request: Request, exc: Exception) -> Response:
    """Starlette's own 404/405 (no route, wrong method) in Salesloft's shape."""
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    return JSONResponse(error_body_for(status), status_code=status)
