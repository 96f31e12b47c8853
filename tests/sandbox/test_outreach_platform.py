"""OAuth, tokens, scopes, rate limits, maintenance, faults and determinism of the
Outreach emulator."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from engage_sandbox import SandboxClock, SandboxOptions, SandboxServer, create_app
from engage_sandbox.outreach import (
    DEMO_AUTH_CODE,
    DEMO_CLIENT_ID,
    DEMO_CLIENT_SECRET,
    DEMO_REDIRECT_URI,
    demo_token,
    issue_token,
)

SMALL = 0.05


def small(**kwargs: object) -> SandboxOptions:
    return SandboxOptions(size=SMALL, **kwargs)  # type: ignore[arg-type]


JSON_API = {"Content-Type": "application/vnd.api+json"}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_authorization_code_then_rotating_refresh() -> None:
    app = create_app("outreach", small())
    with SandboxServer(app) as server, httpx.Client(base_url=server.url) as client:
        form = {
            "client_id": DEMO_CLIENT_ID,
            "client_secret": DEMO_CLIENT_SECRET,
            "redirect_uri": DEMO_REDIRECT_URI,
            "grant_type": "authorization_code",
            "code": DEMO_AUTH_CODE,
        }
        first = client.post("/oauth/token", data=form)
        assert first.status_code == 200
        pair = first.json()
        assert pair["token_type"] == "bearer"
        assert pair["expires_in"] == 7200
        assert (
            client.get("/api/v2/users/1", headers=bearer(pair["access_token"])).status_code == 200
        )
        refresh = {**form, "grant_type": "refresh_token", "refresh_token": pair["refresh_token"]}
        del refresh["code"]
        second = client.post("/oauth/token", json=refresh)
        assert second.status_code == 200
        assert second.json()["refresh_token"] != pair["refresh_token"]
        replay = client.post("/oauth/token", data=refresh)
        assert replay.status_code == 400
        assert replay.json()["error"] == "invalid_grant"
        wrong = client.post("/oauth/token", data={**form, "client_secret": "nope"})
        assert (wrong.status_code, wrong.json()["error"]) == (401, "invalid_client")
        bad_code = client.post("/oauth/token", data={**form, "code": "stolen"})
        assert bad_code.json()["error"] == "invalid_grant"
        odd = client.post("/oauth/token", data={**form, "grant_type": "password"})
        assert odd.json()["error"] == "unsupported_grant_type"


def test_refresh_tokens_die_after_fourteen_days() -> None:
    clock = SandboxClock()
    app = create_app("outreach", small(clock=clock))
    pair = issue_token(app)
    clock.advance(timedelta(days=14, seconds=1))
    with SandboxServer(app) as server, httpx.Client(base_url=server.url) as client:
        form = {
            "client_id": DEMO_CLIENT_ID,
            "client_secret": DEMO_CLIENT_SECRET,
            "grant_type": "refresh_token",
            "refresh_token": pair.refresh_token,
        }
        assert client.post("/oauth/token", data=form).json()["error"] == "invalid_grant"


def test_missing_invalid_and_expired_tokens_are_401() -> None:
    clock = SandboxClock()
    app = create_app("outreach", small(clock=clock, access_token_ttl=60))
    token = demo_token(app)
    with SandboxServer(app) as server, httpx.Client(base_url=server.url) as client:
        missing = client.get("/api/v2/prospects")
        assert missing.status_code == 401
        assert missing.json()["errors"][0]["id"] == "unauthorized"
        assert client.get("/api/v2/prospects", headers=bearer("forged")).status_code == 401
        assert client.get("/api/v2/prospects", headers=bearer(token)).status_code == 200
        clock.advance(61)
        expired = client.get("/api/v2/prospects", headers=bearer(token))
        assert expired.status_code == 401
        assert "expired" in expired.json()["errors"][0]["detail"]
        fresh = demo_token(app)
        client.post(f"{server.url}/_sandbox/expire-tokens")
        assert client.get("/api/v2/prospects", headers=bearer(fresh)).status_code == 401


def test_scopes_are_enforced_with_403() -> None:
    app = create_app("outreach", small())
    token = issue_token(app, scope="prospects.read tasks.all").access_token
    with (
        SandboxServer(app) as server,
        httpx.Client(base_url=server.url, headers=bearer(token)) as c,
    ):
        assert c.get("/api/v2/prospects").status_code == 200
        assert c.get("/api/v2/tasks").status_code == 200
        denied = c.get("/api/v2/sequences")
        assert denied.status_code == 403
        assert denied.json()["errors"][0] == {
            "id": "unauthorizedOauthScope",
            "title": "Unauthorized OAuth Scope",
            "detail": "Your authorization does not include the required scope 'sequences.read'.",
        }
        write = c.post(
            "/api/v2/prospects",
            content=json.dumps({"data": {"type": "prospect"}}),
            headers={"Content-Type": "application/vnd.api+json"},
        )
        assert "'prospects.write'" in write.json()["errors"][0]["detail"]
        assert "X-RateLimit-Remaining" in denied.headers


def test_rate_limit_headers_and_429() -> None:
    app = create_app("outreach", small(rate_limit=3))
    token = demo_token(app)
    with (
        SandboxServer(app) as server,
        httpx.Client(base_url=server.url, headers=bearer(token)) as c,
    ):
        seen = [c.get("/api/v2/users") for _ in range(4)]
        assert [r.status_code for r in seen] == [200, 200, 200, 429]
        assert [r.headers["X-RateLimit-Remaining"] for r in seen] == ["2", "1", "0", "0"]
        assert {r.headers["X-RateLimit-Limit"] for r in seen} == {"3"}
        window_end = datetime(2026, 1, 15, 10, tzinfo=UTC)
        assert {r.headers["X-RateLimit-Reset"] for r in seen} == {str(int(window_end.timestamp()))}
        limited = seen[-1]
        assert 0 < int(limited.headers["Retry-After"]) <= 3600
        body = limited.json()["errors"][0]
        assert body["id"] == "rateLimitExceeded"
        assert "please try again at 2026-01-15T10:00:00" in body["detail"]
        other = issue_token(app, user_id=2).access_token
        assert c.get("/api/v2/users", headers=bearer(other)).status_code == 200  # per user
        stats = c.get(f"{server.url}/_sandbox/stats").json()
        assert stats["cost"] == 4
        assert stats["rate_limited"] == 1


def test_maintenance_window_answers_503_with_iso_retry_after() -> None:
    clock = SandboxClock()
    until = clock.now() + timedelta(minutes=30)
    app = create_app(
        "outreach", small(clock=clock, extras={"maintenance_until": until.isoformat()})
    )
    token = demo_token(app)
    with (
        SandboxServer(app) as server,
        httpx.Client(base_url=server.url, headers=bearer(token)) as c,
    ):
        response = c.get("/api/v2/prospects")
        assert response.status_code == 503
        assert response.headers["Retry-After"] == "2026-01-15T09:30:00Z"
        assert response.json()["errors"][0]["id"] == "scheduledServerMaintenance"
        clock.advance(timedelta(minutes=31))
        assert c.get("/api/v2/prospects").status_code == 200


def test_injected_faults_use_outreach_error_bodies() -> None:
    app = create_app("outreach", small())
    token = demo_token(app)
    with (
        SandboxServer(app) as server,
        httpx.Client(base_url=server.url, headers=bearer(token)) as c,
    ):
        c.post(f"{server.url}/_sandbox/faults", json=[{"status": 503, "path": "/api/v2/tasks"}])
        c.post(f"{server.url}/_sandbox/faults", json={"status": 429, "path": "/api/v2/users"})
        maintenance = c.get("/api/v2/tasks")
        assert maintenance.status_code == 503
        assert maintenance.headers["content-type"] == "application/vnd.api+json"
        stamp = maintenance.headers["Retry-After"]
        assert datetime.fromisoformat(stamp.replace("Z", "+00:00")) > datetime(
            2026, 1, 15, 9, tzinfo=UTC
        )
        assert maintenance.json()["errors"][0]["id"] == "scheduledServerMaintenance"
        limited = c.get("/api/v2/users")
        assert limited.status_code == 429
        assert int(limited.headers["Retry-After"]) > 0
        # As the real 429: the window's end in X-RateLimit-Reset and in the detail. No
        # X-RateLimit-Remaining: the fault spends no user's count.
        window_end = datetime(2026, 1, 15, 10, tzinfo=UTC)
        assert limited.headers["X-RateLimit-Reset"] == str(int(window_end.timestamp()))
        assert limited.headers["X-RateLimit-Limit"] == "10000"
        assert "X-RateLimit-Remaining" not in limited.headers
        error = limited.json()["errors"][0]
        assert error["id"] == "rateLimitExceeded"
        assert error["detail"] == (
            "You have exceeded your permitted rate limit of 10,000;"
            " please try again at 2026-01-15T10:00:00."
        )
        assert c.get("/api/v2/tasks").status_code == 200
        # A rule's own header replaces the emulator's (same spelling), not doubles it.
        rule = {"status": 429, "path": "/api/v2/users", "headers": {"Retry-After": "2"}}
        c.post(f"{server.url}/_sandbox/faults", json=rule)
        assert c.get("/api/v2/users").headers.get_list("Retry-After") == ["2"]


@pytest.mark.parametrize(
    ("hints", "retry_after", "rate_headers"),
    [([], False, False), (["x-ratelimit"], False, True), (["retry-after"], True, False)],
)
def test_what_a_429_carries_besides_its_body_can_be_chosen(
    hints: list[str], retry_after: bool, rate_headers: bool
) -> None:
    app = create_app("outreach", small(rate_limit=1, extras={"rate_limit_hints": hints}))
    with (
        SandboxServer(app) as server,
        httpx.Client(base_url=server.url, headers=bearer(demo_token(app))) as c,
    ):
        assert c.get("/api/v2/users").headers["X-RateLimit-Remaining"] == "0"
        c.post(f"{server.url}/_sandbox/faults", json={"status": 429, "path": "/api/v2/tasks"})
        for limited in (c.get("/api/v2/users"), c.get("/api/v2/tasks")):  # real, injected
            assert limited.status_code == 429
            assert ("Retry-After" in limited.headers) is retry_after
            assert ("X-RateLimit-Reset" in limited.headers) is rate_headers
            detail = limited.json()["errors"][0]["detail"]
            assert detail.endswith("please try again at 2026-01-15T10:00:00.")


def test_very_large_pages_can_fail_with_502_when_asked() -> None:
    app = create_app("outreach", small(extras={"page_size_502_above": 500}))
    with (
        SandboxServer(app) as server,
        httpx.Client(base_url=server.url, headers=bearer(demo_token(app))) as c,
    ):
        assert c.get("/api/v2/tasks", params={"page[size]": "600"}).status_code == 502
        assert c.get("/api/v2/tasks", params={"page[size]": "500"}).status_code == 200


def _scenario(port: int) -> tuple[list[bytes], int]:
    app = create_app("outreach", SandboxOptions(seed=3, size=0.1))
    token = demo_token(app)
    out: list[bytes] = []
    with (
        SandboxServer(app, port=port) as server,
        httpx.Client(base_url=server.url, headers=bearer(token)) as c,
    ):
        out.append(
            c.get(
                "/api/v2/tasks", params={"include": "prospect,sequence", "page[size]": "100"}
            ).content
        )
        body = {
            "data": {
                "type": "prospect",
                "attributes": {"firstName": "Det", "emails": ["det@example.com"]},
            }
        }
        created = c.post(
            "/api/v2/prospects",
            content=json.dumps(body),
            headers={"Content-Type": "application/vnd.api+json"},
        )
        out.append(created.content)
        out.append(c.post("/api/v2/tasks/1/actions/snooze", headers=JSON_API).content)
        nxt = c.get("/api/v2/prospects", params={"sort": "-updatedAt", "page[size]": "7"})
        out.append(c.get(nxt.json()["links"]["next"]).content)
        return out, server.port


def test_same_scenario_gives_identical_bytes() -> None:
    first, port = _scenario(0)
    second, _ = _scenario(port)
    assert first == second


def test_reset_restores_the_seeded_org() -> None:
    app = create_app("outreach", small())
    with SandboxServer(app) as server, httpx.Client(base_url=server.url) as c:
        token = demo_token(app)
        before = c.get("/api/v2/tasks/1", headers=bearer(token)).content
        c.post(
            "/api/v2/tasks/1/actions/updateNote",
            params={"actionParams[note]": "x"},
            headers={**bearer(token), **JSON_API},
        )
        c.post(f"{server.url}/_sandbox/reset")
        token = demo_token(app)
        assert c.get("/api/v2/tasks/1", headers=bearer(token)).content == before


@pytest.mark.parametrize("size", [0.05, 1.0])
def test_generation_scales_with_size(size: float) -> None:
    app = create_app("outreach", SandboxOptions(size=size))
    store = app.state.outreach.store
    assert store.count("prospect") == max(10, round(3000 * size))
    states = {r.attributes["state"] for r in store.iter("sequenceState")}
    if size >= 1:
        assert states == {
            "active",
            "paused",
            "finished",
            "failed",
            "bounced",
            "disabled",
            "pending",
            "opted_out",
        }
        assert {r.attributes["state"] for r in store.iter("task")} == {
            "pending",
            "incomplete",
            "complete",
        }
        task_types = {r.attributes["taskType"] for r in store.iter("task")}
        assert {
            "manual",
            "sequence_step_call",
            "sequence_step_email",
            "sequence_step_task",
        } <= task_types
    for prospect in store.iter("prospect"):
        assert all(e.endswith("@example.com") for e in prospect.attributes["emails"])
