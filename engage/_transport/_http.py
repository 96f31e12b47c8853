"""The per-tenant HTTP transport every HTTP adapter sends through."""

from __future__ import annotations

import json as jsonlib
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import httpx

from ..errors import (
    AuthError,
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    ProtocolError,
    QuotaExhaustedError,
    RateLimitError,
    UnavailableError,
    ValidationError,
    VendorError,
)
from ._budget import RateObservation
from ._clients import new_client
from ._hints import parse_retry_after
from ._hosts import HostAllowList
from ._options import TransportOptions
from ._pacer import NullPacer, Pacer, PacingRule
from ._redact import redact_url
from ._retry import RetryPolicy
from ._scope import current_scope, operation_scope

log = logging.getLogger("engage.http")

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
_USER_AGENT = "engage/0.1 (+https://pypi.org/project/engage-core/)"


@dataclass(frozen=True)
class ErrorDetails:
    """What a vendor's error body says, parsed by the adapter."""

    message: str
    code: str | None = None
    fields: Mapping[str, list[str]] | None = None
    kind: type[VendorError] | None = None  # overrides the class the status implies
    retryable: bool | None = None  # overrides the status default


def _default_details(response: httpx.Response) -> ErrorDetails:
    return ErrorDetails(f"HTTP {response.status_code} {response.reason_phrase}".strip())


@dataclass(frozen=True)
class VendorHttp:
    """What an HTTP adapter tells the transport about its vendor's protocol."""

    vendor: str
    parse_error: Callable[[httpx.Response], ErrorDetails] = _default_details
    observe_rate: Callable[[httpx.Response], RateObservation | None] = lambda _: None
    request_cost: Callable[[httpx.Request], int] = lambda _: 1
    pacing: PacingRule | None = None
    request_id_headers: tuple[str, ...] = ("x-request-id", "request-id")
    default_headers: Mapping[str, str] = field(default_factory=dict)


_STATUS_CLASSES: dict[int, type[VendorError]] = {
    400: ValidationError,
    401: AuthError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    410: NotFoundError,
    422: ValidationError,
    429: RateLimitError,
}


def error_class_for(status: int) -> type[VendorError]:
    if status >= 500:
        return UnavailableError
    return _STATUS_CLASSES.get(status, VendorError)


def build_error(
    kind: type[VendorError],
    message: str,
    *,
    fields: Mapping[str, list[str]] | None = None,
    retry_at: datetime | None = None,
    **context: Any,
) -> VendorError:
    """Construct any :class:`VendorError` subclass with the extras it accepts."""
    if issubclass(kind, ValidationError):
        return kind(message, fields=fields, **context)
    if issubclass(kind, RateLimitError | UnavailableError | QuotaExhaustedError):
        return kind(message, retry_at=retry_at, **context)
    return kind(message, **context)


class HttpTransport:
    """One tenant's HTTP client: paced, retried, deadline-bound, redacted in logs.

    Bodies are streamed and read only up to ``options.max_response_bytes``
    (decoded); a larger answer, declared or discovered while reading, raises
    :class:`ProtocolError` (``code="RESPONSE_TOO_LARGE"``, not retried) without
    holding more than the cap in memory. :meth:`read_json` decodes an answer
    that must be JSON, or raises :class:`ProtocolError`.
    """

    def __init__(
        self,
        *,
        protocol: VendorHttp,
        tenant: str,
        base_url: str,
        options: TransportOptions,
        retry: RetryPolicy,
        pacer: Pacer | None = None,
        pacing_scope: str | None = None,
        auth: httpx.Auth | None = None,
        transport: httpx.BaseTransport | None = None,
        allowed_hosts: tuple[str, ...] = (),
    ) -> None:
        self.protocol = protocol
        self.vendor = protocol.vendor
        self.tenant = tenant
        self.options = options
        self.retry = retry
        self.pacer = pacer or NullPacer()
        self.pacing_scope = pacing_scope or f"{protocol.vendor}:{tenant}"
        self.hosts = HostAllowList(protocol.vendor, base_url, *allowed_hosts)
        self.client = new_client(
            options,
            base_url=base_url,
            auth=auth,
            transport=transport,
            headers={"User-Agent": _USER_AGENT, **protocol.default_headers},
        )

    def __repr__(self) -> str:
        return f"HttpTransport(vendor={self.vendor!r}, tenant={self.tenant!r})"

    def close(self) -> None:
        close_auth = getattr(self.client.auth, "close", None)
        if callable(close_auth):
            close_auth()
        self.client.close()

    def request(
        self,
        method: str,
        url: str,
        *,
        params: Any = None,
        json: Any = None,
        data: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        idempotent: bool | None = None,
    ) -> httpx.Response:
        """Send a request; return a 2xx response or raise a typed :class:`VendorError`.

        ``idempotent`` says whether a failure that may have reached the vendor
        (timeout after sending, dropped connection, 500/502/504) can be retried
        as-is; it defaults to true for GET, HEAD, OPTIONS, PUT and DELETE. A
        429 or 503 was not processed, so it is retried whatever the method.
        """
        method = method.upper()
        safe = method in IDEMPOTENT_METHODS if idempotent is None else idempotent
        target = self.hosts.check(url)
        request = self.client.build_request(
            method, target, params=params, json=json, data=data, headers=headers
        )
        # The body and headers may hold secrets (a refresh form, a session id); they
        # must not sit in this frame's locals while the request runs, where an error
        # tracker would capture them. The request's repr shows method and URL only.
        del params, json, data, headers
        scope = current_scope()
        if scope is None:
            with operation_scope(
                vendor=self.vendor,
                tenant=self.tenant,
                operation=f"{method} {request.url.path}",
                deadline_seconds=self.options.deadline,
            ):
                return self.retry.call(lambda: self._attempt(request, safe))
        return self.retry.call(lambda: self._attempt(request, safe))

    def get(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", url, **kwargs)

    def read_json(self, response: httpx.Response, field: str | None = None) -> Any:
        """The JSON body of ``response`` (or its ``field``, when the answer must be an
        object holding it); an answer that is not JSON (an HTML page from a proxy, a
        truncated body) or lacks ``field`` raises :class:`ProtocolError` with the
        vendor, tenant, operation, status and request id."""
        kind = response.headers.get("content-type", "no content type").split(";")[0]
        try:
            body = jsonlib.loads(response.content)
        except (ValueError, UnicodeDecodeError) as exc:
            problem = (
                f"something other than the JSON expected ({kind}, {len(response.content)} bytes)"
            )
            raise self.malformed(response, problem) from exc
        if field is None:
            return body
        if not isinstance(body, dict) or field not in body:
            raise self.malformed(response, f"JSON without the {field!r} it must hold")
        return body[field]

    def malformed(self, response: httpx.Response, problem: str) -> VendorError:
        """The :class:`ProtocolError` for an answer of the wrong shape (``problem`` says
        what was wrong; never the body): raise it from an adapter's decoding."""
        return self._error(
            ProtocolError,
            f"{self.vendor} answered with {problem}",
            status=response.status_code,
            code="MALFORMED_RESPONSE",
            request_id=self._request_id(response),
            retryable=False,
        )

    def _attempt(self, request: httpx.Request, idempotent: bool) -> httpx.Response:
        if self.protocol.pacing is not None:
            self.pacer.acquire(
                self.pacing_scope, self.protocol.pacing, self.protocol.request_cost(request)
            )
        scope = current_scope()
        remaining = scope.remaining() if scope else self.options.deadline
        if remaining <= 0:
            raise self._error(UnavailableError, "operation deadline exceeded", retryable=False)
        timeout = min(self.options.timeout, remaining)
        request.extensions["timeout"] = httpx.Timeout(
            timeout, connect=min(self.options.connect_timeout, timeout)
        ).as_dict()
        started = time.monotonic()
        try:
            response = self.client.send(request, stream=True)
            try:
                too_large = self._read_capped(response)
            finally:
                response.close()
        except httpx.TransportError as exc:
            self._log(request, None, started)
            raise self._transport_error(exc, idempotent) from exc
        except httpx.DecodingError as exc:  # a body its Content-Encoding cannot decode
            self._log(request, None, started)
            raise self._error(
                ProtocolError,
                f"{self.vendor} answered with a body that cannot be decoded",
                code="MALFORMED_RESPONSE",
                retryable=False,
            ) from exc
        self._log(request, response, started)
        observation = self.protocol.observe_rate(response)
        if observation is not None:
            self.pacer.observe(self.pacing_scope, observation)
        if too_large is not None and response.status_code < 400:
            raise self._too_large_error(response, too_large)
        if response.is_success:
            return response
        # An error status says more than the size of its body (a 503 stays retryable).
        raise self._status_error(response, idempotent)

    def _read_capped(self, response: httpx.Response) -> int | None:
        """Read the body, decoded, up to ``max_response_bytes``. Answer ``None``, or the
        size found past the cap (then the body is left empty and the connection closed)."""
        cap = self.options.max_response_bytes
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > cap and response.request.method != "HEAD":
            response._content = b""
            return int(declared)
        chunks: list[bytes] = []
        size = 0
        chunk = b""
        try:
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > cap:
                    response._content = b""
                    return size
                chunks.append(chunk)
        except BaseException:
            # A body may hold secrets (a login's tokens): not in this frame's locals,
            # where an error tracker would capture them with the traceback.
            chunks.clear()
            chunk = b""
            raise
        # What Response.read() does, with the chunks already in hand.
        response._content = b"".join(chunks)
        return None

    def _too_large_error(self, response: httpx.Response, size: int) -> VendorError:
        cap = self.options.max_response_bytes
        return self._error(
            ProtocolError,
            f"{self.vendor} answered with more than {cap} bytes (at least {size}); engage"
            " stopped reading (transport option max_response_bytes). Ask for smaller pages",
            status=response.status_code,
            code="RESPONSE_TOO_LARGE",
            request_id=self._request_id(response),
            retryable=False,
        )

    def _transport_error(self, exc: httpx.TransportError, idempotent: bool) -> VendorError:
        # Connection failures happen before the request is sent: always safe.
        not_sent = isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout)
        return self._error(
            UnavailableError,
            f"{type(exc).__name__} talking to {self.vendor}",
            retryable=not_sent or idempotent,
            ambiguous=not not_sent,
        )

    def _status_error(self, response: httpx.Response, idempotent: bool) -> VendorError:
        status = response.status_code
        try:
            details = self.protocol.parse_error(response)
        except (ValueError, KeyError, TypeError):
            details = _default_details(response)
        kind = details.kind or error_class_for(status)
        if details.retryable is not None:
            retryable = details.retryable
        elif status in (429, 503):
            retryable = True  # refused before processing
        elif status >= 500:
            retryable = idempotent
        else:
            retryable = False
        extra: dict[str, Any] = {}
        if kind is UnavailableError or issubclass(kind, UnavailableError):
            extra["ambiguous"] = status not in (429, 503)
        now = self.retry.now()
        hint = parse_retry_after(response.headers.get("retry-after"), now)
        retry_at = now + timedelta(seconds=hint) if hint is not None else None
        error = self._error(
            kind,
            details.message,
            status=status,
            code=details.code,
            request_id=self._request_id(response),
            retryable=retryable,
            fields=details.fields,
            retry_at=retry_at,
            **extra,
        )
        cause = httpx.HTTPStatusError(
            f"HTTP {status} for {response.request.method} {redact_url(str(response.request.url))}",
            request=response.request,
            response=response,
        )
        error.__cause__ = cause
        return error

    def _request_id(self, response: httpx.Response) -> str | None:
        for name in self.protocol.request_id_headers:
            if value := response.headers.get(name):
                return str(value)
        return None

    def _error(self, kind: type[VendorError], message: str, **extra: Any) -> VendorError:
        scope = current_scope()
        return build_error(
            kind,
            message,
            vendor=self.vendor,
            tenant=self.tenant,
            operation=scope.operation if scope else None,
            **extra,
        )

    def _log(self, request: httpx.Request, response: httpx.Response | None, started: float) -> None:
        if not log.isEnabledFor(logging.DEBUG):
            return
        elapsed = (time.monotonic() - started) * 1000
        outcome = str(response.status_code) if response is not None else "transport error"
        log.debug(
            "%s %s %s -> %s (%.0f ms)",
            self.tenant,
            request.method,
            redact_url(str(request.url)),
            outcome,
            elapsed,
        )
