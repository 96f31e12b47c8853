"""Shared helpers for the Salesloft emulator tests (no tests of its own).

Requests go through the ASGI app in-process (``engage_testing.AppTransport``):
a socket per test would slow the suite down. ``test_salesloft_server`` covers
the real server.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
from engage_sandbox import SandboxOptions, create_app
from engage_sandbox.salesloft import SANDBOX_SALESLOFT_API_KEY, SANDBOX_SALESLOFT_USER_API_KEY
from engage_testing import AppTransport
from starlette.applications import Starlette

REFERENCE = Path(__file__).resolve().parents[1] / "reference" / "salesloft"
BASE_URL = "http://sandbox.test"
ADMIN_KEY = SANDBOX_SALESLOFT_API_KEY
REP_KEY = SANDBOX_SALESLOFT_USER_API_KEY


def make_app(size: float = 0.05, seed: int = 7, **options: Any) -> Starlette:
    return create_app("salesloft", SandboxOptions(seed=seed, size=size, **options))


def client_for(app: Starlette, key: str | None = ADMIN_KEY) -> httpx.Client:
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    return httpx.Client(transport=AppTransport(app), base_url=BASE_URL, headers=headers)


def make_client(size: float = 0.05, seed: int = 7, **options: Any) -> httpx.Client:
    return client_for(make_app(size, seed, **options))


def data(response: httpx.Response, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()["data"]


def list_all(client: httpx.Client, path: str, **params: Any) -> list[dict[str, Any]]:
    """Follow ``next_page`` to the end."""
    out: list[dict[str, Any]] = []
    page: int | None = 1
    while page is not None:
        response = client.get(path, params={**params, "page": page, "per_page": 100})
        assert response.status_code == 200, response.text
        body = response.json()
        out.extend(body["data"])
        page = body["metadata"]["paging"]["next_page"]
    return out


def state_of(client: httpx.Client) -> Any:
    transport = client._transport
    assert isinstance(transport, AppTransport)
    app = transport._asgi.app
    return app.state.emulator.state  # type: ignore[attr-defined]


def task_body(client: httpx.Client, **extra: Any) -> dict[str, Any]:
    """A valid POST /v2/tasks body for the first person (``extra`` adds or overrides)."""
    person = data(client.get("/v2/people", params={"per_page": 1}))[0]
    return {
        "subject": "Call back",
        "person_id": person["id"],
        "user_id": 1002,
        "task_type": "call",
        "due_date": "2026-01-20",
        "current_state": "scheduled",
        **extra,
    }
