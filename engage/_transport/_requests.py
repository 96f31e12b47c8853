"""``requests`` sent through the tenant's :class:`HttpTransport`, for SDKs built on requests.

Some vendor SDKs (simple-salesforce) send with a ``requests.Session``. The
session made here mounts one adapter for ``http://`` and ``https://`` whose
``send`` hands each prepared request to the transport, so an SDK's request
gets exactly what an HTTP adapter's request gets: the host allow-list,
pacing, timeouts bounded by the operation's deadline, the retry
classification (a request that may have reached the vendor is sent again
only when it is idempotent), typed engage errors and redacted logs.

A 2xx answer comes back to the SDK as a ``requests.Response``; anything else
is raised as the :class:`~engage.errors.VendorError` the transport built, so
the SDK's own exceptions (which embed whole response bodies) never arise.
Redirects are never followed: the transport does not follow them, and the
session does not look for them either.

This module imports ``requests``; engage-core does not depend on it, so only
:func:`engage.transport.requests_session` imports this module, when called.
"""

from __future__ import annotations

import io
from collections.abc import Collection, Iterable
from datetime import timedelta
from typing import Any

import httpx
import requests
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict
from requests.utils import default_headers, get_encoding_from_headers

from ._http import IDEMPOTENT_METHODS, HttpTransport
from ._scope import current_scope, operation_scope

__all__ = ["TransportAdapter", "TransportSession", "transport_session"]

# Headers of the connection, not of the request: httpx manages its own, and the
# body's length is computed again from the bytes sent.
_CONNECTION_HEADERS = frozenset(
    {"connection", "keep-alive", "proxy-connection", "te", "transfer-encoding", "upgrade", "host"}
)
_REQUESTS_DEFAULTS = {name.lower(): value for name, value in default_headers().items()}


def _body(body: Any) -> bytes | None:
    """A prepared request's body as bytes (read once, so every retry sends the same)."""
    if body is None or isinstance(body, bytes):
        return body
    if isinstance(body, str):
        return body.encode("utf-8")  # as urllib3 encodes a str body
    if hasattr(body, "read"):
        data = body.read()
        return data.encode("utf-8") if isinstance(data, str) else bytes(data)
    if isinstance(body, Iterable):  # a generator: requests would send it chunked
        return b"".join(c.encode("utf-8") if isinstance(c, str) else bytes(c) for c in body)
    raise TypeError(f"cannot send a request body of type {type(body).__name__}")


def _headers(prepared: requests.PreparedRequest) -> dict[str, str]:
    """The SDK's own headers; requests' defaults give way to the transport's
    (its User-Agent, its Accept-Encoding), and the body's length is recomputed."""
    headers: dict[str, str] = {}
    for name, value in prepared.headers.items():
        lowered = name.lower()
        if lowered in _CONNECTION_HEADERS or lowered == "content-length":
            continue
        if _REQUESTS_DEFAULTS.get(lowered) == value:
            continue
        headers[name] = value if isinstance(value, str) else value.decode("latin-1")
    return headers


def _response(answer: httpx.Response, prepared: requests.PreparedRequest) -> requests.Response:
    """The transport's (read, decoded) answer as the ``requests.Response`` an SDK expects."""
    content = answer.content
    headers = CaseInsensitiveDict(
        {k: v for k, v in answer.headers.items() if k.lower() != "transfer-encoding"}
    )
    if "content-encoding" in headers:  # httpx has decoded the body already
        del headers["content-encoding"]
        headers.pop("content-length", None)
    response = requests.Response()
    response.status_code = answer.status_code
    response.reason = answer.reason_phrase
    response.headers = headers
    response._content = content
    response._content_consumed = True  # type: ignore[attr-defined]  # iter_content reuses it
    response.raw = io.BytesIO(content)
    response.url = prepared.url or str(answer.url)
    response.encoding = get_encoding_from_headers(headers)
    response.request = prepared
    try:
        response.elapsed = answer.elapsed
    except RuntimeError:  # a transport that handed back an unclosed response
        response.elapsed = timedelta(0)
    return response


class TransportAdapter(BaseAdapter):
    """A requests transport adapter that sends through an engage :class:`HttpTransport`.

    ``timeout``, ``verify``, ``cert`` and ``proxies`` passed by the caller are
    ignored: the tenant's transport options, the operation's deadline and the
    shared TLS context decide them, as for every other request.
    """

    def __init__(self, http: HttpTransport, idempotent_methods: Collection[str]) -> None:
        super().__init__()
        self.http = http
        self.idempotent_methods = frozenset(m.upper() for m in idempotent_methods)

    def send(
        self,
        request: requests.PreparedRequest,
        stream: bool = False,
        timeout: Any = None,
        verify: Any = True,
        cert: Any = None,
        proxies: Any = None,
    ) -> requests.Response:
        method = (request.method or "GET").upper()
        answer = _request(
            self.http, _prepare(self.http, method, request), method in self.idempotent_methods
        )
        return _response(answer, request)

    def close(self) -> None:
        """Nothing to release: the transport belongs to whoever opened it."""


def _prepare(http: HttpTransport, method: str, request: requests.PreparedRequest) -> httpx.Request:
    """The host check, then the same request for httpx.

    The headers and body (a session id, a SOAP login's password) are never a
    named local of a frame an error passes through: error trackers capture
    frame locals, and an ``httpx.Request``'s repr shows only method and URL.
    """
    target = http.hosts.check(request.url or "")
    return http.client.build_request(
        method, target, content=_body(request.body), headers=_headers(request)
    )


def _request(http: HttpTransport, prepared: httpx.Request, idempotent: bool) -> httpx.Response:
    """:meth:`HttpTransport.request` for a prepared request.

    The same steps in the same order: each attempt (pacing, deadline-bound
    timeout, send, rate observation, typed error) under the tenant's retry
    policy, inside the caller's operation scope or a new one.
    """
    if current_scope() is None:
        with operation_scope(
            vendor=http.vendor,
            tenant=http.tenant,
            operation=f"{prepared.method} {prepared.url.path}",
            deadline_seconds=http.options.deadline,
        ):
            return http.retry.call(lambda: http._attempt(prepared, idempotent))
    return http.retry.call(lambda: http._attempt(prepared, idempotent))


class TransportSession(requests.Session):
    """A ``requests.Session`` that never follows a redirect and reads nothing from the
    environment (no proxies, no ``.netrc`` credentials)."""

    def get_redirect_target(self, resp: requests.Response) -> str | None:
        return None


def transport_session(
    http: HttpTransport, *, idempotent_methods: Collection[str] | None = None
) -> requests.Session:
    """See :func:`engage.transport.requests_session`."""
    session = TransportSession()
    session.trust_env = False
    session.max_redirects = 0
    adapter = TransportAdapter(
        http, IDEMPOTENT_METHODS if idempotent_methods is None else idempotent_methods
    )
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session
