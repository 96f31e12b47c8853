"""Salesforce requests go through engage's transport policy, like every HTTP adapter's.

The adapter's own requests, simple-salesforce's logins and the ``raw`` client
all send through the tenant's :class:`engage.transport.HttpTransport`: the same
retry classification (a write whose connection broke after it was sent is
ambiguous and not repeated), pacing, deadline, typed errors and host
allow-list (redirects are never followed). Most tests run the emulator
in-process behind a wire that adds the faults a network has and the emulator
cannot make; two run over real sockets, through a proxy that breaks a
connection after the emulator has answered, or redirects to another listener.
"""

from __future__ import annotations

import fnmatch
import socket
import struct
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest
from engage_sandbox import SandboxClock, SandboxOptions, SandboxServer, create_app
from engage_sandbox import salesforce as sf
from engage_testing import AppTransport

import engage
from engage import (
    AuthError,
    DisallowedHostError,
    NotFoundError,
    UnavailableError,
    VendorError,
)
from engage.transport import PacingRule, RateObservation

ORIGIN = "https://acme.my.salesforce.test"
FOREIGN = "https://collector.evil.test"
LEAD = "00Q5e0000000001EAA"  # in no cadence
CADENCE = "77C5e0000000001EAA"
ORG_ID = "00D5e0000000001EAA"
WHEN = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)


# --- an in-process emulator behind a faulty wire -------------------------------------


@dataclass
class Fault:
    """What the wire does to the next ``times`` requests matching ``method`` and ``path``."""

    method: str
    path: str  # glob on the URL path
    action: Callable[[httpx.Request, Callable[[], httpx.Response]], httpx.Response]
    times: int = 1


def reset_after_sending(request: httpx.Request, forward: Callable[[], httpx.Response]) -> Any:
    forward()  # Salesforce received and applied the request ...
    raise httpx.ReadError("[Errno 104] Connection reset by peer", request=request)  # ... then


def never_connected(request: httpx.Request, forward: Callable[[], httpx.Response]) -> Any:
    raise httpx.ConnectError("[Errno 111] Connection refused", request=request)


def answer(status: int, body: Any = None, **headers: str) -> Callable[..., httpx.Response]:
    def respond(request: httpx.Request, forward: Callable[[], httpx.Response]) -> httpx.Response:
        return httpx.Response(status, json=body, headers=headers, request=request)

    return respond


class Wire(httpx.BaseTransport):
    """The Salesforce emulator in-process; requests to other hosts are answered 200 and noted."""

    def __init__(self, options: SandboxOptions | None = None) -> None:
        self.app = create_app("salesforce", options or SandboxOptions())
        self.emulator = AppTransport(self.app)
        self.seen: list[httpx.Request] = []
        self.faults: list[Fault] = []

    def fault(self, method: str, path: str, action: Any, times: int = 1) -> None:
        self.faults.append(Fault(method, path, action, times))

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.seen.append(request)
        if request.url.host != httpx.URL(ORIGIN).host:
            return httpx.Response(200, json={"records": [], "id": "x"}, request=request)
        for fault in self.faults:
            path = request.url.path
            if (
                fault.times
                and fault.method == request.method
                and fnmatch.fnmatchcase(path, fault.path)
            ):
                fault.times -= 1
                return fault.action(request, lambda: self.emulator.handle_request(request))
        return self.emulator.handle_request(request)

    def hits(self, method: str, path: str) -> int:
        return sum(
            1 for r in self.seen if r.method == method and fnmatch.fnmatchcase(r.url.path, path)
        )

    def hosts(self) -> set[str]:
        return {r.url.host for r in self.seen}

    def count(self, sobject: str, field: str, value: Any) -> int:
        return count(self.app, sobject, field, value)


def count(app: Any, sobject: str, field: str, value: Any) -> int:
    """How many live records of ``sobject`` the emulator holds with ``field == value``."""
    return sum(1 for row in app.state.org.store.rows(sobject) if row.get(field) == value)


class SpyPacer:
    def __init__(self) -> None:
        self.acquired: list[tuple[str, PacingRule]] = []
        self.seen: list[RateObservation] = []

    def acquire(self, scope: str, rule: PacingRule, cost: int = 1) -> float:
        self.acquired.append((scope, rule))
        return 0.0

    def observe(self, scope: str, observation: RateObservation) -> None:
        self.seen.append(observation)


def tenant(
    wire: httpx.BaseTransport,
    *,
    sleeps: list[float] | None = None,
    pacer: Any = None,
    settings: dict[str, Any] | None = None,
    **transport: Any,
) -> engage.TenantClient:
    config = settings if settings is not None else sf.tenant_settings(ORIGIN)
    eng = engage.Engage(
        {"acme": {"vendor": "salesforce", **config, "transport": transport}},
        http_transport=wire,
        sleep=sleeps.append if sleeps is not None else (lambda _: None),
        pacer=pacer,
    )
    return eng.tenant("acme")


@pytest.fixture
def wire() -> Wire:
    # The org's clock follows ours, as a real org's does: a look-up for a create that
    # may have landed compares CreatedDate with engage's clock.
    return Wire(SandboxOptions(clock=SandboxClock(datetime.now(UTC), real=True)))


# --- (a) a write whose connection broke after it was sent --------------------------


WRITES: dict[str, tuple[str, Callable[[engage.TenantClient], Any], tuple[str, str, str]]] = {
    "tasks.create": (
        "*/sobjects/Task",
        lambda t: t.tasks.create(target_id=LEAD, subject="Reset after send", due_at=WHEN),
        ("Task", "Subject", "Reset after send"),
    ),
    "activities.log_call": (
        "*/sobjects/Task",
        lambda t: t.activities.log_call(target_id=LEAD, outcome="Reset after send"),
        ("Task", "CallDisposition", "Reset after send"),
    ),
    "activities.log_note": (
        "*/sobjects/Note",
        lambda t: t.activities.log_note(target_id=LEAD, body="Reset after send"),
        ("Note", "Body", "Reset after send"),
    ),
}


@pytest.mark.parametrize("operation", sorted(WRITES))
def test_a_write_reset_after_sending_is_found_not_repeated(wire: Wire, operation: str) -> None:
    """The create committed, then the connection broke: the record is looked up (no
    idempotency keys at Salesforce) and is the answer; nothing is sent twice."""
    path, call, (sobject, field, value) = WRITES[operation]
    wire.fault("POST", path, reset_after_sending)
    assert call(tenant(wire)) is not None
    assert wire.hits("POST", path) == 1
    assert wire.count(sobject, field, value) == 1  # exactly one record, not a duplicate


def test_an_action_reset_after_sending_is_read_back_not_repeated(wire: Wire) -> None:
    """The assignment committed and the connection broke: the ambiguous call is not sent
    again; the tracker is read back by target and is the answer."""
    wire.fault("POST", "*/actions/standard/assignTargetToSalesCadence", reset_after_sending)
    enrolled = tenant(wire).enrollments.enroll(target_id=LEAD, sequence_id=CADENCE)
    assert enrolled.target_id == LEAD and enrolled.sequence_id == CADENCE
    assert wire.hits("POST", "*/assignTargetToSalesCadence") == 1
    assert wire.count("ActionCadenceTracker", "TargetId", LEAD) == 1


def test_a_raw_client_write_reset_after_sending_is_not_repeated(wire: Wire) -> None:
    wire.fault("POST", "*/sobjects/Lead*", reset_after_sending)
    raw = tenant(wire).raw
    with pytest.raises(UnavailableError) as caught:
        raw.Lead.create({"LastName": "Raw", "Company": "Reset after send"})
    assert caught.value.ambiguous and not caught.value.retryable
    assert wire.hits("POST", "*/sobjects/Lead*") == 1
    assert wire.count("Lead", "Company", "Reset after send") == 1


def test_a_write_whose_connection_never_opened_is_sent_again(wire: Wire) -> None:
    wire.fault("POST", "*/sobjects/Task", never_connected)
    sleeps: list[float] = []
    task = tenant(wire, sleeps=sleeps).tasks.create(
        target_id=LEAD, subject="Never connected", due_at=WHEN
    )
    assert task.subject == "Never connected" and len(sleeps) == 1
    assert wire.hits("POST", "*/sobjects/Task") == 2
    assert wire.count("Task", "Subject", "Never connected") == 1


# --- (b) redirects are never followed ------------------------------------------------


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_a_redirect_to_another_host_is_not_followed(wire: Wire, status: int) -> None:
    moved = answer(status, Location=f"{FOREIGN}/services/data/v60.0/sobjects/Task")
    wire.fault("POST", "*/sobjects/Task", moved)
    wire.fault("GET", "*/query*", moved)
    t = tenant(wire)
    with pytest.raises(DisallowedHostError, match=r"collector\.evil\.test"):
        t.tasks.create(target_id=LEAD, subject="Redirected", due_at=WHEN)
    with pytest.raises(DisallowedHostError):
        t.sequences.get(CADENCE)
    assert wire.hosts() == {"acme.my.salesforce.test"}
    assert wire.count("Task", "Subject", "Redirected") == 0


@pytest.mark.parametrize("status", [302, 307])
def test_the_raw_client_does_not_follow_a_redirect_either(wire: Wire, status: int) -> None:
    moved = answer(status, Location=f"{FOREIGN}/steal")
    wire.fault("POST", "*/sobjects/Lead*", moved)
    wire.fault("GET", "*/query*", moved)
    raw = tenant(wire).raw
    with pytest.raises(DisallowedHostError):
        raw.Lead.create({"LastName": "Raw", "Company": "Redirected"})
    with pytest.raises(DisallowedHostError):
        raw.query("SELECT Id FROM Lead LIMIT 1")
    assert wire.hosts() == {"acme.my.salesforce.test"}


def test_the_raw_client_cannot_be_sent_to_another_host(wire: Wire) -> None:
    raw = tenant(wire).raw
    with pytest.raises(DisallowedHostError):
        raw.session.get(f"{FOREIGN}/steal")
    assert FOREIGN.removeprefix("https://") not in wire.hosts()


# --- (c) retries, pacing and the deadline as for the HTTP adapters -------------------


def test_a_read_is_retried_after_a_refusal_and_a_dropped_connection(wire: Wire) -> None:
    wire.fault(
        "GET", "*/query*", answer(503, [{"errorCode": "SERVER_UNAVAILABLE", "message": "x"}])
    )
    wire.fault("GET", "*/query*", reset_after_sending)
    sleeps: list[float] = []
    assert tenant(wire, sleeps=sleeps).sequences.get(CADENCE).id == CADENCE
    assert wire.hits("GET", "*/query*") == 3 and len(sleeps) == 2


def test_the_raw_client_is_retried_by_the_same_policy(wire: Wire) -> None:
    wire.fault(
        "GET", "*/query*", answer(503, [{"errorCode": "SERVER_UNAVAILABLE", "message": "x"}])
    )
    sleeps: list[float] = []
    raw = tenant(wire, sleeps=sleeps).raw
    assert raw.query("SELECT COUNT() FROM ActionCadence")["totalSize"] >= 4
    assert wire.hits("GET", "*/query*") == 2 and len(sleeps) == 1


def test_a_write_answered_500_is_looked_up_then_sent_once_more(wire: Wire) -> None:
    """A 500 in an unknown state: the task is looked for over the commit window; it never
    reached the org, so it is sent once more, and exists once."""
    wire.fault("POST", "*/sobjects/Task", answer(500, [{"errorCode": "UNKNOWN_EXCEPTION"}]))
    made = tenant(wire).tasks.create(target_id=LEAD, subject="Five hundred", due_at=WHEN)
    assert made.subject == "Five hundred"
    assert wire.hits("POST", "*/sobjects/Task") == 2
    assert wire.count("Task", "Subject", "Five hundred") == 1


def test_attempts_are_bounded_by_the_tenants_options(wire: Wire) -> None:
    wire.fault("GET", "*/query*", answer(503, [{"errorCode": "SERVER_UNAVAILABLE"}]), times=9)
    with pytest.raises(UnavailableError) as caught:
        tenant(wire, max_attempts=3).sequences.get(CADENCE)
    assert caught.value.status == 503 and caught.value.code == "SERVER_UNAVAILABLE"
    assert wire.hits("GET", "*/query*") == 3


def test_no_retry_outlives_the_operations_deadline(wire: Wire) -> None:
    limited = answer(503, [{"errorCode": "SERVER_UNAVAILABLE"}], **{"Retry-After": "60"})
    wire.fault("GET", "*/query*", limited, times=9)
    with pytest.raises(UnavailableError):
        tenant(wire, deadline=20).sequences.get(CADENCE)
    assert wire.hits("GET", "*/query*") == 1


def test_every_request_has_a_timeout_bounded_by_the_deadline(wire: Wire) -> None:
    t = tenant(wire, timeout=30, connect_timeout=5, deadline=12)
    t.sequences.get(CADENCE)
    t.raw.query("SELECT Id FROM Lead LIMIT 1")
    timeouts = [r.extensions.get("timeout") or {} for r in wire.seen]
    assert len(timeouts) >= 3  # the login, the adapter's query, the raw client's query
    assert all(0 < (t.get("read") or 99) <= 12 and (t.get("connect") or 99) <= 5 for t in timeouts)


def test_adapter_and_raw_requests_are_paced_against_the_orgs_budget(wire: Wire) -> None:
    pacer = SpyPacer()
    t = tenant(wire, pacer=pacer)
    t.sequences.get(CADENCE)
    t.raw.query("SELECT Id FROM Lead LIMIT 1")
    rule = PacingRule(limit=15000, window=86400)
    assert pacer.acquired == [(f"salesforce:{ORG_ID}", rule)] * 2
    assert [o.limit for o in pacer.seen] == [15000, 15000]


def test_password_logins_go_through_the_transport(wire: Wire) -> None:
    settings = {
        "username": sf.DEMO_USERNAME,
        "password": sf.DEMO_PASSWORD,
        "security_token": sf.DEMO_SECURITY_TOKEN,
        "login_url": ORIGIN,
        "instance_url": ORIGIN,
    }
    t = tenant(wire, settings=settings)
    assert t.sequences.get(CADENCE).id == CADENCE
    assert wire.hits("POST", "/services/Soap/u/60.0") == 1
    bad = tenant(Wire(), settings={**settings, "password": "wrong"})
    with pytest.raises(AuthError, match="refused the password login") as caught:
        bad.sequences.get(CADENCE)
    assert caught.value.code == "INVALID_LOGIN" and not caught.value.retryable


def test_raw_client_errors_are_engage_errors(wire: Wire) -> None:
    raw = tenant(wire).raw
    with pytest.raises(NotFoundError) as caught:
        raw.Lead.get("00Q5e00000009ZZEAA")
    assert caught.value.code == "NOT_FOUND" and caught.value.status == 404
    assert isinstance(caught.value, VendorError)


# --- over real sockets -----------------------------------------------------------------


class Listener:
    """A loopback HTTP server: a proxy to ``upstream`` that can reset or redirect, or
    (without ``upstream``) a foreign host that notes every request it gets."""

    def __init__(self, upstream: str | None = None) -> None:
        self.upstream = httpx.Client(base_url=upstream) if upstream else None
        self.got: list[tuple[str, str, bytes]] = []
        self.rules: list[tuple[str, str, str]] = []  # (method, path glob, "reset" or a URL)
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def _take(self, method: str, path: str) -> str | None:
        for rule in self.rules:
            if rule[0] == method and fnmatch.fnmatchcase(path.split("?")[0], rule[1]):
                self.rules.remove(rule)
                return rule[2]
        return None

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        listener = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def _reply(self, status: int, body: bytes, headers: dict[str, str]) -> None:
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _any(self) -> None:
                size = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(size) if size else b""
                listener.got.append((self.command, self.path, body))
                if listener.upstream is None:
                    self._reply(200, b'{"records": [], "id": "x"}', {})
                    return
                rule = listener._take(self.command, self.path)
                if rule is not None and rule != "reset":
                    self._reply(307, b"", {"Location": rule + self.path})
                    return
                skip = {"host", "connection", "content-length", "accept-encoding"}
                headers = {k: v for k, v in self.headers.items() if k.lower() not in skip}
                answer = listener.upstream.request(
                    self.command, self.path, content=body, headers=headers
                )
                if rule == "reset":  # the emulator answered; the client gets a TCP reset
                    linger = struct.pack("ii", 1, 0)
                    self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, linger)
                    self.connection.close()
                    self.close_connection = True
                    return
                keep = {"content-type", "sforce-limit-info"}
                kept = {k: v for k, v in answer.headers.items() if k.lower() in keep}
                self._reply(answer.status_code, answer.content, kept)

            do_GET = do_POST = do_PATCH = do_DELETE = _any

        return Handler

    def __enter__(self) -> Listener:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        if self.upstream is not None:
            self.upstream.close()


@pytest.fixture
def served() -> Iterator[tuple[SandboxServer, Listener]]:
    with (
        SandboxServer(
            create_app(
                "salesforce", SandboxOptions(clock=SandboxClock(datetime.now(UTC), real=True))
            )
        ) as server,
        Listener(server.url) as proxy,
    ):
        yield server, proxy


def _over_sockets(proxy: Listener) -> engage.TenantClient:
    eng = engage.Engage(
        {"acme": {"vendor": "salesforce", **sf.tenant_settings(proxy.url)}},
        sleep=lambda _: None,
    )
    return eng.tenant("acme")


def test_a_tcp_reset_after_the_write_reached_salesforce_is_not_repeated(
    served: tuple[SandboxServer, Listener],
) -> None:
    server, proxy = served
    proxy.rules.append(("POST", "*/sobjects/Task", "reset"))
    with _over_sockets(proxy) as t:
        made = t.tasks.create(target_id=LEAD, subject="Reset over TCP", due_at=WHEN)
    assert made.subject == "Reset over TCP"
    assert count(server.app, "Task", "Subject", "Reset over TCP") == 1
    assert [m for m, p, _ in proxy.got if p.endswith("/sobjects/Task")] == ["POST"]


def test_a_307_to_another_listener_is_not_followed(served: tuple[SandboxServer, Listener]) -> None:
    _, proxy = served
    with Listener() as foreign, _over_sockets(proxy) as t:
        proxy.rules.append(("POST", "*/sobjects/Task", foreign.url))
        with pytest.raises(DisallowedHostError):
            t.tasks.create(target_id=LEAD, subject="Redirected over TCP", due_at=WHEN)
        raw = t.raw
        proxy.rules.append(("GET", "*/query*", foreign.url))
        with pytest.raises(DisallowedHostError):
            raw.query("SELECT Id FROM Lead LIMIT 1")
        assert foreign.got == []  # neither the write's body nor the session reached it


def test_wire_faults_are_deterministic() -> None:
    # The wire itself: a fault applies to its own requests only, then is spent.
    wire = Wire()
    wire.fault("GET", "/x", answer(418))
    with httpx.Client(transport=wire, base_url=ORIGIN) as client:
        assert client.get("/x").status_code == 418
        assert client.get("/x").status_code != 418
        assert client.get(f"{FOREIGN}/y").json() == {"records": [], "id": "x"}
    assert [r.url.path for r in wire.seen] == ["/x", "/x", "/y"]


# --- the bridge itself: engage.transport.requests_session ----------------------------


def _bridge(handler: Callable[[httpx.Request], httpx.Response], **options: Any) -> Any:
    from engage._transport import RetryPolicy, TransportOptions
    from engage.transport import HttpTransport, VendorHttp, requests_session

    opts = TransportOptions(backoff_base=0.0, **options)
    http = HttpTransport(
        protocol=VendorHttp(vendor="salesforce"),
        tenant="t",
        base_url=ORIGIN,
        options=opts,
        retry=RetryPolicy(opts, sleep=lambda _: None),
        transport=httpx.MockTransport(handler),
    )
    return requests_session(http)


def test_the_bridge_sends_the_sdks_request_and_answers_a_requests_response() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(201, json={"id": "1"}, headers={"Sforce-Limit-Info": "x"})

    session = _bridge(handler)
    answer = session.post(f"{ORIGIN}/a?b=c", data='{"k": "é"}', headers={"X-Mine": "1"})
    assert (answer.status_code, answer.json(), answer.headers["sforce-limit-info"]) == (
        201,
        {"id": "1"},
        "x",
    )
    assert answer.url == f"{ORIGIN}/a?b=c" and answer.request.method == "POST"
    sent = seen[0]
    assert sent.content == '{"k": "é"}'.encode() and sent.headers["X-Mine"] == "1"
    assert sent.headers["User-Agent"].startswith("engage/")  # not python-requests
    assert sent.extensions["timeout"]["read"] <= 30


def test_the_bridge_never_follows_a_redirect_even_when_asked() -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return httpx.Response(302, headers={"Location": f"{ORIGIN}/elsewhere"})

    with pytest.raises(VendorError) as caught:
        _bridge(handler).get(f"{ORIGIN}/here", allow_redirects=True)
    assert caught.value.status == 302 and seen == [f"{ORIGIN}/here"]


def test_the_bridge_retries_by_method() -> None:
    calls: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request.method)
        raise httpx.ReadError("reset", request=request)

    session = _bridge(handler, max_attempts=3)
    with pytest.raises(UnavailableError) as caught:
        session.post(f"{ORIGIN}/w", data=b"x")
    assert caught.value.ambiguous and calls == ["POST"]
    with pytest.raises(UnavailableError):
        session.get(f"{ORIGIN}/r")
    assert calls == ["POST", "GET", "GET", "GET"]


def test_engage_transport_does_not_import_requests() -> None:
    import subprocess
    import sys

    code = "import sys, engage, engage.transport; print('requests' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
