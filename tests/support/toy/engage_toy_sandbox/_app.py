"""The toy emulator: people and tasks behind bearer auth, link paging and OAuth refresh.

Built on engage_sandbox's kit (fixed clock, fault injection, request stats,
``/_sandbox`` admin routes), so it records byte-identical cassettes like the
first-party emulators. It knows nothing of the adapter: it speaks HTTP only.
"""

from __future__ import annotations

from typing import Any

from engage_sandbox import (
    SandboxKit,
    SandboxOptions,
    TokenRegistry,
    TokenStatus,
    build_sandbox_app,
)
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

# The demo credentials a tenant on this emulator signs in with.
API_KEY = "toy-api-key-0123456789abcdef"
CLIENT_ID = "toy-client"
CLIENT_SECRET = "toy-client-secret-abcdef"
FIRST_REFRESH_TOKEN = "toy-first-refresh-token-0123456789"
TEAM = "team-1"


def _people(size: int) -> list[dict[str, Any]]:
    return [
        {
            "id": i,
            "email": f"person{i}@example.com",
            "first_name": f"First{i}",
            "last_name": f"Last{i}",
            "updated_at": f"2026-01-{1 + i % 28:02d}T09:00:00Z",
        }
        for i in range(1, size + 1)
    ]


def create_app(options: SandboxOptions | None = None) -> Starlette:
    """A tiny people-and-tasks API with bearer auth, cursor links and OAuth refresh."""
    options = options or SandboxOptions()
    tokens = TokenRegistry(options.clock, prefix="toy", access_ttl=options.access_token_ttl or 3600)
    tokens.add_static(API_KEY, TEAM)
    kit = SandboxKit("toy", options, tokens)
    state: dict[str, Any] = {}

    def reset() -> None:
        state["people"] = _people(int(25 * options.size))
        state["tasks"] = [
            {"id": i, "person_id": i, "subject": f"Call {i}", "done": False} for i in range(1, 6)
        ]
        # The refresh token an OAuth tenant is first configured with.
        tokens.add_refresh_token(FIRST_REFRESH_TOKEN, TEAM)

    reset()

    def authorized(request: Request) -> Response | None:
        header = request.headers.get("authorization", "")
        status, _ = tokens.check(header.removeprefix("Bearer ").strip())
        if status is TokenStatus.VALID:
            return None
        reason = "token expired" if status is TokenStatus.EXPIRED else "bad token"
        return JSONResponse({"error": reason, "code": "unauthorized"}, status_code=401)

    async def token(request: Request) -> Response:
        form = await request.form()
        if form.get("client_secret") != CLIENT_SECRET:
            return JSONResponse({"error": "invalid_client"}, status_code=401)
        issued = tokens.refresh(str(form.get("refresh_token", "")))
        if issued is None:
            return JSONResponse({"error": "invalid_grant"}, status_code=400)
        return JSONResponse(
            {
                "access_token": issued.access_token,
                "refresh_token": issued.refresh_token,
                "expires_in": int(tokens.access_ttl),
                "token_type": "bearer",
            }
        )

    def with_headers(payload: Any, status: int = 200) -> Response:
        return JSONResponse(
            payload,
            status_code=status,
            headers={"x-request-id": f"req-{kit.stats.requests}", "x-budget-remaining": "99"},
        )

    async def people(request: Request) -> Response:
        if denied := authorized(request):
            return denied
        if request.method == "POST":
            body = await request.json()
            if not body.get("email"):
                return with_headers({"error": "email is required", "code": "invalid"}, 422)
            person = {"id": len(state["people"]) + 1, "updated_at": None, **body}
            state["people"].append(person)
            return with_headers(person, 201)
        rows = state["people"]
        if email := request.query_params.get("email"):
            rows = [p for p in rows if p["email"] == email]
        start = int(request.query_params.get("cursor", "0"))
        limit = int(request.query_params.get("limit", "10"))
        chunk = rows[start : start + limit]
        nxt = start + limit
        base = str(request.base_url).rstrip("/")
        link = f"{base}/people?cursor={nxt}&limit={limit}" if nxt < len(rows) else None
        return with_headers({"items": chunk, "next": link})

    async def person(request: Request) -> Response:
        if denied := authorized(request):
            return denied
        pid = int(request.path_params["pid"])
        for row in state["people"]:
            if row["id"] == pid:
                return with_headers(row)
        return with_headers({"error": "no such person", "code": "not_found"}, 404)

    async def tasks(request: Request) -> Response:
        if denied := authorized(request):
            return denied
        return with_headers({"items": state["tasks"], "next": None})

    async def complete(request: Request) -> Response:
        if denied := authorized(request):
            return denied
        tid = int(request.path_params["tid"])
        for row in state["tasks"]:
            if row["id"] == tid:
                row["done"] = True
                return with_headers(row)
        return with_headers({"error": "no such task", "code": "not_found"}, 404)

    routes = [
        Route("/oauth/token", token, methods=["POST"]),
        Route("/people", people, methods=["GET", "POST"]),
        Route("/people/{pid:int}", person),
        Route("/tasks", tasks),
        Route("/tasks/{tid:int}/complete", complete, methods=["POST"]),
    ]
    return build_sandbox_app(
        kit,
        routes,
        error_body=lambda status: ({"error": f"injected {status}", "code": "fault"}, {}),
        reset=reset,
    )
