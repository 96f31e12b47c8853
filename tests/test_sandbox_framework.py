"""The machinery every emulator shares: runner, fixed clock, faults, cost limiter, tokens."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from engage_sandbox import (
    CostWindowLimiter,
    SandboxClock,
    SandboxOptions,
    SandboxServer,
    TokenRegistry,
    TokenStatus,
)

from tests.support import toyvendor

AUTH = {"Authorization": f"Bearer {toyvendor.API_KEY}"}


@pytest.fixture(scope="module")
def server() -> SandboxServer:
    with SandboxServer(toyvendor.create_app(SandboxOptions())) as running:
        yield running


@pytest.fixture(autouse=True)
def fresh(server: SandboxServer) -> None:
    httpx.post(server.url + "/_sandbox/reset")


def test_serves_on_loopback_with_a_free_port(server: SandboxServer) -> None:
    assert server.url.startswith("http://127.0.0.1:") and server.port > 0
    response = httpx.get(server.url + "/people/1", headers=AUTH)
    assert response.status_code == 200 and response.json()["id"] == 1
    assert "date" not in response.headers and "server" not in response.headers


def test_only_loopback() -> None:
    with pytest.raises(ValueError, match="loopback"):
        SandboxServer(toyvendor.create_app(), host="0.0.0.0")


def test_fixed_clock_ticks_per_request_and_resets() -> None:
    clock = SandboxClock()
    start = clock.now()
    clock.on_request()
    clock.on_request()
    assert clock.now() - start == timedelta(seconds=2)
    clock.advance(58)
    assert clock.now() == start + timedelta(minutes=1)
    clock.reset()
    assert clock.now() == start
    with pytest.raises(ValueError, match="timezone-aware"):
        SandboxClock(datetime(2026, 1, 1))
    real = SandboxClock(datetime(2026, 1, 1, tzinfo=UTC), real=True)
    assert real.now() >= datetime(2026, 1, 1, tzinfo=UTC)


def test_injected_429_with_hint_then_success(server: SandboxServer) -> None:
    httpx.post(
        server.url + "/_sandbox/faults",
        json={"status": 429, "headers": {"retry-after": "3"}, "path": "/people/*"},
    )
    first = httpx.get(server.url + "/people/1", headers=AUTH)
    assert first.status_code == 429 and first.headers["retry-after"] == "3"
    assert first.json() == {"error": "injected 429", "code": "fault"}
    assert httpx.get(server.url + "/people/1", headers=AUTH).status_code == 200


def test_injected_5xx_after_some_requests_and_for_a_method(server: SandboxServer) -> None:
    server.kit.faults.add(status=502, method="POST", path="/people", after=1, times=2)
    post = {"json": {"email": "x@example.com"}, "headers": AUTH}
    statuses = [httpx.post(server.url + "/people", **post).status_code for _ in range(4)]
    assert statuses == [201, 502, 502, 201]
    assert httpx.get(server.url + "/people", headers=AUTH).status_code == 200


def test_dropped_connection(server: SandboxServer) -> None:
    server.kit.faults.add(kind="drop", path="/people")
    with pytest.raises(httpx.RemoteProtocolError):
        httpx.get(server.url + "/people", headers=AUTH)
    assert httpx.get(server.url + "/people", headers=AUTH).status_code == 200


def test_read_timeout(server: SandboxServer) -> None:
    server.kit.faults.add(kind="timeout", delay=0.5, path="/people")
    with pytest.raises(httpx.ReadTimeout):
        httpx.get(server.url + "/people", headers=AUTH, timeout=0.1)
    # The server still answers the abandoned request; let it finish before the next test.
    deadline = time.monotonic() + 5
    while server.kit.stats.snapshot()["requests"] < 1 and time.monotonic() < deadline:
        time.sleep(0.05)


def test_expired_token_fault(server: SandboxServer) -> None:
    token = server.kit.tokens.issue("team-1").access_token
    headers = {"Authorization": f"Bearer {token}"}
    assert httpx.get(server.url + "/people/1", headers=headers).status_code == 200
    server.kit.faults.add(kind="expire_token")
    expired = httpx.get(server.url + "/people/1", headers=headers)
    assert expired.status_code == 401 and expired.json()["error"] == "token expired"


def test_stats_and_clock_admin_routes(server: SandboxServer) -> None:
    for _ in range(3):
        httpx.get(server.url + "/people/1", headers=AUTH)
    stats = httpx.get(server.url + "/_sandbox/stats").json()
    assert stats["requests"] == 3 and stats["by_route"] == {"GET /people/1": 3}
    now = httpx.post(server.url + "/_sandbox/clock", json={"advance": 3600}).json()["now"]
    assert now == "2026-01-15T10:00:03+00:00"


def test_cost_window_limiter() -> None:
    clock = SandboxClock()
    limiter = CostWindowLimiter(limit=10, window=60, clock=clock)
    assert limiter.charge("team", 8).remaining == 2
    refused = limiter.charge("team", 3)
    assert not refused.allowed and refused.remaining == 2  # a refusal charges nothing
    assert refused.retry_after(clock.timestamp()) >= 1
    assert limiter.charge("other", 3).allowed
    clock.advance(60)
    assert limiter.charge("team", 10).allowed and limiter.peek("team") == 0


def test_token_registry_rotates_refresh_tokens() -> None:
    clock = SandboxClock()
    tokens = TokenRegistry(clock, prefix="t", access_ttl=7200)
    first = tokens.issue("user-1")
    assert tokens.check(first.access_token) == (TokenStatus.VALID, "user-1")
    second = tokens.refresh(first.refresh_token)
    assert second is not None and second.refresh_token != first.refresh_token
    assert tokens.refresh(first.refresh_token) is None  # spent
    clock.advance(7200)
    assert tokens.check(second.access_token)[0] is TokenStatus.EXPIRED
    assert tokens.check("nope")[0] is TokenStatus.UNKNOWN
    again = TokenRegistry(SandboxClock(), prefix="t", access_ttl=7200)
    assert again.issue("user-1").access_token == first.access_token  # deterministic


def test_a_late_commit_lands_after_the_client_gave_up(server: SandboxServer) -> None:
    """The request reaches the emulator late, after the client hung up: it still commits."""
    before = len(httpx.get(server.url + "/people?limit=1000", headers=AUTH).json()["items"])
    server.kit.faults.add(kind="timeout", delay=0.5, method="POST", path="/people")
    with pytest.raises(httpx.ReadTimeout):
        httpx.post(
            server.url + "/people", headers=AUTH, json={"email": "late@example.com"}, timeout=0.1
        )
    deadline = time.monotonic() + 5
    found = 0
    while time.monotonic() < deadline and not found:
        time.sleep(0.1)
        rows = httpx.get(server.url + "/people?limit=1000", headers=AUTH).json()["items"]
        found = len(rows) - before
    assert found == 1


def test_a_busy_port_raises_without_leaking_the_socket() -> None:
    import gc
    import socket
    import warnings

    from engage_sandbox import SandboxOptions, SandboxServer, sandbox_for

    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        app = sandbox_for("salesloft").create_app(SandboxOptions())
        with warnings.catch_warnings():
            warnings.simplefilter("error", ResourceWarning)
            with pytest.raises(OSError, match="in use"):
                SandboxServer(app, port=port).start()
            gc.collect()  # an unclosed socket would warn here
