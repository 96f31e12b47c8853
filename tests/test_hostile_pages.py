"""Vendors that answer lists badly: paging that loops, answers too large, answers not JSON.

- A next link (or cursor) that points back at its own page stops with
  ``ProtocolError(code="PAGING_LOOP")`` after at most one repeated request, on
  every vendor's emulator and for merged lists.
- A response body larger than ``transport.max_response_bytes`` stops with
  ``ProtocolError(code="RESPONSE_TOO_LARGE")`` while it is read: the rest is
  never read, and nothing is retried.
- An answer that is not JSON where JSON is expected is a ``ProtocolError``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pydantic
import pytest
from engage_sandbox import SandboxOptions, sandbox_for
from engage_testing import AppTransport
from starlette.types import ASGIApp, Message, Receive, Scope, Send

import engage
from engage import NotFoundError, ProtocolError, TransportOptions
from engage.transport import HttpTransport
from tests.support import toyvendor

ORIGINS = {
    "salesloft": "https://api.salesloft.test",
    "outreach": "https://api.outreach.test",
    "salesforce": "https://acme.my.salesforce.test",
    "toy": "https://toy.test",
}
LIST_PATHS = {
    "salesloft": "/v2/people",
    "outreach": "/api/v2/prospects",
    "salesforce": "/services/data/",
    "toy": "/people",
}


class LoopingVendor:
    """ASGI middleware: every list answer's next link leads back to the page itself.

    Links and ``nextRecordsUrl`` name the request's own URL; Salesloft, whose
    keyset paging follows its data rather than a link, answers every page with
    the first page again (a vendor ignoring ``page`` and the key filter).
    """

    def __init__(self, app: ASGIApp, vendor: str) -> None:
        self.app = app
        self.vendor = vendor
        self.first: Any = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "GET":
            await self.app(scope, receive, send)
            return
        sent: list[Message] = []

        async def keep(message: Message) -> None:
            sent.append(message)

        await self.app(scope, receive, keep)
        start, body = sent[0], b"".join(m.get("body", b"") for m in sent[1:])
        query = scope["query_string"].decode()
        own = scope["path"] + (f"?{query}" if query else "")
        if start["status"] == 200:
            body = json.dumps(self.rewrite(json.loads(body), own)).encode()
        headers = [(k, v) for k, v in start["headers"] if k.lower() != b"content-length"]
        await send({**start, "headers": [*headers, (b"content-length", b"%d" % len(body))]})
        await send({"type": "http.response.body", "body": body})

    def rewrite(self, doc: Any, own: str) -> Any:
        if not isinstance(doc, dict):
            return doc
        if self.vendor == "toy" and "next" in doc:
            doc["next"] = ORIGINS["toy"] + own
        elif self.vendor == "outreach" and (doc.get("links") or {}).get("next"):
            doc["links"]["next"] = ORIGINS["outreach"] + own
        elif self.vendor == "salesforce" and "records" in doc:
            doc["nextRecordsUrl"], doc["done"] = own, False
        elif self.vendor == "salesloft" and isinstance(doc.get("data"), list):
            self.first = self.first or doc
            return self.first
        return doc


def _tenant(vendor: str, app: Any, **transport: Any) -> tuple[engage.Engage, AppTransport]:
    sandbox = toyvendor.SANDBOX if vendor == "toy" else sandbox_for(vendor)
    wire = AppTransport(app)
    settings = sandbox.tenant_settings(ORIGINS[vendor])
    eng = engage.Engage(
        {"acme": {"vendor": vendor, **settings, "transport": transport}},
        plugins=[toyvendor],
        http_transport=wire,
        sleep=lambda _: None,
    )
    return eng, wire


def _looping(vendor: str) -> tuple[engage.Engage, AppTransport]:
    sandbox = toyvendor.SANDBOX if vendor == "toy" else sandbox_for(vendor)
    return _tenant(vendor, LoopingVendor(sandbox.create_app(SandboxOptions(size=0.1)), vendor))


@pytest.mark.parametrize("vendor", ["salesloft", "outreach", "salesforce", "toy"])
def test_a_next_link_to_itself_stops_after_at_most_one_repeat(vendor: str) -> None:
    eng, wire = _looping(vendor)
    with eng:
        size = 200 if vendor == "salesforce" else 5
        with pytest.raises(ProtocolError) as info:
            for _ in eng.tenant("acme").targets.list(page_size=size):
                pass
    error = info.value
    assert error.code == "PAGING_LOOP" and not error.retryable
    assert (error.vendor, error.tenant, error.operation) == (vendor, "acme", "targets.list")
    pages = [r for r in wire.requests if r.url.path.startswith(LIST_PATHS[vendor])]
    assert 2 <= len(pages) <= 3, [str(r.url) for r in pages]


@pytest.mark.parametrize("vendor", ["outreach", "salesforce"])
def test_a_merged_list_whose_stream_loops_stops_too(vendor: str) -> None:
    eng, wire = _looping(vendor)
    with eng:
        size = 200 if vendor == "salesforce" else 5
        with pytest.raises(ProtocolError) as info:
            eng.tenant("acme").activities.list(page_size=size).to_list()
    assert info.value.code == "PAGING_LOOP"
    assert info.value.operation == "activities.list"
    assert len(wire.requests) <= 10


def test_a_mock_vendor_linking_to_itself() -> None:
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(
            200,
            json={"items": [{"id": 1, "email": "a@example.com"}], "next": str(request.url)},
            headers={"x-request-id": "req-7"},
        )

    with _mock(answer) as eng, pytest.raises(ProtocolError) as info:
        eng.tenant("acme").targets.list().to_list()
    assert len(seen) <= 3 and info.value.code == "PAGING_LOOP"
    assert (info.value.vendor, info.value.tenant) == ("toy", "acme")


# --- the response size cap ----------------------------------------------------------

CHUNK = b"x" * 65536


class Endless(httpx.SyncByteStream):
    """A body that goes on and on (it never exists in memory), counting what is read."""

    def __init__(self, chunks: int) -> None:
        self.chunks = chunks
        self.read = 0
        self.closed = False

    def __iter__(self) -> Iterator[bytes]:
        for _ in range(self.chunks):
            self.read += 1
            yield CHUNK

    def close(self) -> None:
        self.closed = True


def _mock(answer: Callable[[httpx.Request], httpx.Response], **transport: Any) -> engage.Engage:
    settings = toyvendor.SANDBOX.tenant_settings(ORIGINS["toy"])
    return engage.Engage(
        {"acme": {"vendor": "toy", **settings, "transport": transport}},
        plugins=[toyvendor],
        http_transport=httpx.MockTransport(answer),
        sleep=lambda _: None,
    )


def test_the_default_cap_is_32_mib() -> None:
    assert TransportOptions().max_response_bytes == 32 * 1024 * 1024
    with pytest.raises(pydantic.ValidationError):
        TransportOptions(max_response_bytes=0)


@pytest.mark.parametrize("declared", [False, True])
def test_a_body_over_the_cap_is_refused_while_reading_and_not_retried(declared: bool) -> None:
    bodies: list[Endless] = []

    def answer(request: httpx.Request) -> httpx.Response:
        body = Endless(chunks=1600)  # 100 MiB, as a 60,000-record page would be
        bodies.append(body)
        headers = {"x-request-id": "req-42", "content-type": "application/json"}
        if declared:
            headers["content-length"] = str(1600 * len(CHUNK))
        return httpx.Response(200, stream=body, headers=headers)

    cap = 1024 * 1024
    with _mock(answer, max_response_bytes=cap) as eng, pytest.raises(ProtocolError) as info:
        eng.tenant("acme").targets.list().to_list()
    error = info.value
    assert error.code == "RESPONSE_TOO_LARGE" and not error.retryable
    assert (error.vendor, error.tenant, error.operation) == ("toy", "acme", "targets.list")
    assert (error.status, error.request_id) == (200, "req-42")
    assert len(bodies) == 1  # not retried
    # Streamed: reading stopped just past the cap (nothing at all when it was declared).
    assert bodies[0].read == (0 if declared else cap // len(CHUNK) + 1)
    assert bodies[0].closed or declared


def test_an_error_status_with_a_huge_body_keeps_its_meaning() -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(404, stream=Endless(chunks=1600))

    with _mock(answer, max_response_bytes=256 * 1024) as eng, pytest.raises(NotFoundError):
        eng.tenant("acme").targets.get("1")


def test_a_body_within_the_cap_reads_as_before() -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        body = json.dumps({"items": [{"id": 1, "email": "a@example.com"}], "next": None})
        return httpx.Response(200, content=body.encode())

    with _mock(answer, max_response_bytes=1024) as eng:
        assert [t.id for t in eng.tenant("acme").targets.list()] == ["1"]


# --- answers that are not JSON ----------------------------------------------------


def _html(request: httpx.Request) -> httpx.Response:
    return httpx.Response(
        200,
        content=b"<html><body>Down for maintenance</body></html>",
        headers={"content-type": "text/html", "x-request-id": "req-9"},
    )


def test_read_json_turns_a_non_json_answer_into_a_protocol_error() -> None:
    with _mock(_html) as eng:
        adapter = eng.tenant("acme")._dispatch.adapter  # the toy's own transport
        http: HttpTransport = adapter.api.http  # type: ignore[attr-defined]
        response = http.get("/people")
        with pytest.raises(ProtocolError) as info:
            http.read_json(response)
    error = info.value
    assert error.code == "MALFORMED_RESPONSE" and "text/html" in str(error)
    assert (error.vendor, error.tenant, error.status, error.request_id) == (
        "toy",
        "acme",
        200,
        "req-9",
    )


def test_a_list_answered_with_html_is_a_protocol_error() -> None:
    with _mock(_html) as eng, pytest.raises(ProtocolError) as info:
        eng.tenant("acme").targets.list().to_list()
    assert info.value.code == "MALFORMED_RESPONSE"
    assert info.value.operation == "targets.list"


def test_a_body_that_cannot_be_decoded_is_a_protocol_error() -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200, stream=httpx.ByteStream(b"not gzip at all"), headers={"content-encoding": "gzip"}
        )

    with _mock(answer) as eng, pytest.raises(ProtocolError) as info:
        eng.tenant("acme").targets.list().to_list()
    assert info.value.code == "MALFORMED_RESPONSE"


class UsersLoop:
    """Salesloft's /v2/users answering every page with ``next_page`` = the same page."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] != "/v2/users":
            await self.app(scope, receive, send)
            return
        sent: list[Message] = []

        async def keep(message: Message) -> None:
            sent.append(message)

        await self.app(scope, receive, keep)
        doc = json.loads(b"".join(m.get("body", b"") for m in sent[1:]))
        doc["metadata"]["paging"]["next_page"] = doc["metadata"]["paging"]["current_page"]
        body = json.dumps(doc).encode()
        headers = [(k, v) for k, v in sent[0]["headers"] if k.lower() != b"content-length"]
        await send({**sent[0], "headers": [*headers, (b"content-length", b"%d" % len(body))]})
        await send({"type": "http.response.body", "body": body})


def test_loops_inside_adapters_stop_too() -> None:
    """Lists an adapter reads for itself (Salesloft's users, a Salesforce query's rows)."""
    eng, wire = _tenant(
        "salesloft", UsersLoop(sandbox_for("salesloft").create_app(SandboxOptions()))
    )
    with eng, pytest.raises(ProtocolError, match="stopped instead of looping"):
        eng.tenant("acme").adapter.api.users()  # type: ignore[attr-defined]
    assert len([r for r in wire.requests if r.url.path == "/v2/users"]) == 1
    eng, wire = _looping("salesforce")
    with eng, pytest.raises(ProtocolError, match="stopped instead of looping"):
        eng.tenant("acme").adapter.reader.rows("SELECT Id FROM Lead")  # type: ignore[attr-defined]
    assert len([r for r in wire.requests if "query" in r.url.path]) <= 3


class HtmlAnswers:
    """Every 200 answer replaced by an HTML page (a captive portal, a proxy's login page)."""

    def __init__(self, app: ASGIApp, body: bytes = b"<html><body>Sign in</body></html>") -> None:
        self.app, self.body = app, body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        sent: list[Message] = []

        async def keep(message: Message) -> None:
            sent.append(message)

        await self.app(scope, receive, keep)
        start = sent[0]
        if start["status"] != 200 or "token" in scope["path"]:
            for message in sent:
                await send(message)
            return
        headers = [(b"content-type", b"text/html"), (b"content-length", b"%d" % len(self.body))]
        await send({**start, "headers": headers})
        await send({"type": "http.response.body", "body": self.body})


@pytest.mark.parametrize("body", [b"<html>Sign in</html>", b"[1, 2]", b'{"nothing": true}'])
@pytest.mark.parametrize("vendor", ["salesloft", "outreach", "salesforce", "toy"])
def test_a_record_answered_with_the_wrong_shape_is_a_protocol_error(
    vendor: str, body: bytes
) -> None:
    sandbox = toyvendor.SANDBOX if vendor == "toy" else sandbox_for(vendor)
    eng, wire = _tenant(vendor, HtmlAnswers(sandbox.create_app(SandboxOptions(size=0.1)), body))
    target = {"salesforce": "00Q5e0000000001EAA", "salesloft": "1000001"}.get(vendor, "1")
    with eng, pytest.raises((ProtocolError, engage.MappingError)) as info:
        eng.tenant("acme").targets.get(target)
    error = info.value
    assert (error.vendor, error.tenant, error.operation) == (vendor, "acme", "targets.get")
    if isinstance(error, ProtocolError):
        assert error.status == 200
    assert len(wire.requests) <= 3
