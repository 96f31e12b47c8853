"""Salesloft emulator behind the real server: faults, admin routes, scale."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from engage_sandbox import SandboxOptions, SandboxServer, create_app

from .test_salesloft_support import ADMIN_KEY, client_for, make_app


@pytest.fixture
def server() -> Iterator[SandboxServer]:
    with SandboxServer(create_app("salesloft", SandboxOptions(size=0.05))) as running:
        yield running


@pytest.fixture
def api(server: SandboxServer) -> Iterator[httpx.Client]:
    headers = {"Authorization": f"Bearer {ADMIN_KEY}"}
    with httpx.Client(base_url=server.url, headers=headers, timeout=10) as client:
        yield client


def test_served_over_http_with_hrefs_to_the_server(
    server: SandboxServer, api: httpx.Client
) -> None:
    response = api.get("/v2/cadence_memberships", params={"per_page": 1})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    ref = response.json()["data"][0]["person"]["_href"]
    assert ref.startswith(f"{server.url}/v2/people/")
    assert api.get(ref).status_code == 200


def test_injected_429_has_salesloft_body_and_retry_after(api: httpx.Client) -> None:
    api.post("/_sandbox/faults", json={"status": 429, "path": "/v2/people", "times": 1})
    refused = api.get("/v2/people")
    assert refused.status_code == 429
    assert refused.json() == {"error": "Rate limit exceeded"}
    assert int(refused.headers["retry-after"]) >= 1
    assert api.get("/v2/people").status_code == 200


@pytest.mark.parametrize(
    ("status", "body"),
    [
        (503, {"error": "Service Unavailable"}),
        (500, {"error": "Internal Server Error"}),
        (401, {"error": "Unauthorized"}),
        (404, {"error": "Not Found"}),
        (422, {"errors": {"base": ["Unprocessable Entity"]}}),
    ],
)
def test_injected_errors_use_salesloft_bodies(
    api: httpx.Client, status: int, body: dict[str, object]
) -> None:
    api.post("/_sandbox/faults", json={"status": status, "path": "/v2/me"})
    response = api.get("/v2/me")
    assert response.status_code == status
    assert response.json() == body


def test_expire_tokens_fault_expires_oauth_tokens(api: httpx.Client) -> None:
    from engage_sandbox.salesloft import (
        SANDBOX_SALESLOFT_AUTH_CODE,
        SANDBOX_SALESLOFT_CLIENT_ID,
        SANDBOX_SALESLOFT_CLIENT_SECRET,
    )

    tokens = api.post(
        "/oauth/token",
        data={
            "grant_type": "authorization_code",
            "code": SANDBOX_SALESLOFT_AUTH_CODE,
            "client_id": SANDBOX_SALESLOFT_CLIENT_ID,
            "client_secret": SANDBOX_SALESLOFT_CLIENT_SECRET,
        },
    ).json()
    bearer = {"Authorization": f"Bearer {tokens['access_token']}"}
    assert api.get("/v2/me", headers=bearer).status_code == 200
    api.post("/_sandbox/expire-tokens")
    assert api.get("/v2/me", headers=bearer).status_code == 401


def test_stats_count_cost(api: httpx.Client) -> None:
    api.delete("/_sandbox/stats")
    api.get("/v2/people", params={"page": 120})
    api.get("/v2/me")
    stats = api.get("/_sandbox/stats").json()
    assert stats["cost"] == 4
    assert stats["requests"] == 2


def test_benchmark_size_builds_and_pages() -> None:
    # How fast it builds and pages is measured by `make bench`, not asserted here:
    # timed unit tests flake on shared machines.
    app = make_app(size=17)
    state = app.state.emulator.state
    assert len(state.people) >= 50_000
    assert len(state.actions) >= 45_000
    client = client_for(app)
    seen: set[int] = set()
    for page in range(1, 41):
        response = client.get(
            "/v2/actions", params={"page": page, "per_page": 100, "sort_by": "created_at"}
        )
        rows = response.json()["data"]
        assert len(rows) == 100
        seen.update(row["id"] for row in rows)
    assert len(seen) == 4_000  # 40 distinct pages, no row twice
