"""A throwaway vendor for the core tests: its emulator, its adapter, its plugin.

It lives in the tests, not in engage, to prove that an adapter plugs in from
outside exactly as a third-party one would: a hookimpl registering an
``Adapter`` subclass, driven through the facade.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import httpx
from engage_sandbox import (
    SandboxKit,
    SandboxOptions,
    SandboxVendor,
    TokenRegistry,
    TokenStatus,
    build_sandbox_app,
)
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

import engage
from engage import (
    Adapter,
    Capability,
    Secret,
    Target,
    TargetInput,
    TargetQuery,
    Task,
    TaskQuery,
    VendorRef,
    VendorSettings,
)
from engage._transport import (
    BearerAuth,
    ErrorDetails,
    HttpTransport,
    OAuth2RefreshGrant,
    RefreshingAuth,
    VendorHttp,
    parse_epoch,
)
from engage._transport._pacer import PacingRule, RateObservation
from engage.pagination import Page, Pager, decode_cursor, encode_cursor

API_KEY = "toy-api-key-0123456789abcdef"
CLIENT_ID = "toy-client"
CLIENT_SECRET = "toy-client-secret-abcdef"
FIRST_REFRESH_TOKEN = "toy-first-refresh-token-0123456789"

# --- the emulator ------------------------------------------------------------------


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
    tokens.add_static(API_KEY, "team-1")
    kit = SandboxKit("toy", options, tokens)
    state: dict[str, Any] = {}

    def reset() -> None:
        state["people"] = _people(int(25 * options.size))
        state["tasks"] = [
            {"id": i, "person_id": i, "subject": f"Call {i}", "done": False} for i in range(1, 6)
        ]
        # The first refresh token a tenant is configured with.
        state["first"] = tokens.issue("team-1")
        tokens._by_refresh[FIRST_REFRESH_TOKEN] = state["first"]

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


# --- the adapter -------------------------------------------------------------------


class ToySettings(VendorSettings):
    base_url: str = "https://api.toy.test"
    api_key: Secret | None = None
    client_id: str | None = None
    client_secret: Secret | None = None
    refresh_token: Secret | None = None


def _parse_error(response: httpx.Response) -> ErrorDetails:
    body = response.json()
    return ErrorDetails(message=str(body.get("error")), code=body.get("code"))


def _observe(response: httpx.Response) -> RateObservation | None:
    remaining = response.headers.get("x-budget-remaining")
    if remaining is None:
        return None
    reset = parse_epoch(response.headers.get("x-budget-reset"))
    return RateObservation(int(remaining), reset_at=reset.timestamp() if reset else None)


TOY_HTTP = VendorHttp(
    vendor="toy",
    parse_error=_parse_error,
    observe_rate=_observe,
    pacing=PacingRule(limit=100, window=60),
)


class ToyAdapter(Adapter):
    vendor = "toy"
    settings_model = ToySettings
    alternatives = {Capability.ENROLLMENTS_PAUSE: "enrollments.remove, then enroll again"}

    def __init__(self, context: engage.TenantContext) -> None:
        super().__init__(context)
        settings = context.settings
        assert isinstance(settings, ToySettings)
        self.http = HttpTransport(
            protocol=TOY_HTTP,
            tenant=context.tenant,
            base_url=settings.base_url,
            options=context.options,
            retry=context.retry,
            pacer=context.pacer,
            auth=self._auth(settings, context),
            transport=context.http_transport,
        )

    @staticmethod
    def _auth(settings: ToySettings, context: engage.TenantContext) -> httpx.Auth:
        if settings.api_key is not None:
            return BearerAuth(settings.api_key)
        assert settings.client_id and settings.client_secret
        grant = OAuth2RefreshGrant(
            vendor="toy",
            token_url=settings.base_url + "/oauth/token",
            client_id=settings.client_id,
            client_secret=settings.client_secret,
            http=httpx.Client(transport=context.http_transport),
            initial_refresh_token=settings.refresh_token,
        )
        return RefreshingAuth(context.token_store, f"toy:{context.tenant}", grant)

    def close(self) -> None:
        self.http.close()

    def _target(self, row: Mapping[str, Any]) -> Target:
        return Target(
            ref=VendorRef(vendor="toy", object_type="person", id=str(row["id"])),
            raw=dict(row),
            email=row.get("email"),
            first_name=row.get("first_name"),
            last_name=row.get("last_name"),
            updated_at=row.get("updated_at"),
        )

    def get_target(self, target_id: str) -> Target:
        return self._target(self.http.get(f"/people/{target_id}").json())

    def list_targets(self, query: TargetQuery) -> Pager[Target]:
        def fetch(cursor: str | None) -> Page[Target]:
            url = decode_cursor(cursor)["url"] if cursor else "/people"
            params = None if cursor else {"limit": query.page_size or 10}
            body = self.http.get(url, params=params).json()
            nxt = encode_cursor({"url": body["next"]}) if body["next"] else None
            return Page([self._target(row) for row in body["items"]], nxt)

        return Pager(fetch)

    def find_target_by_email(self, email: str) -> Target | None:
        items = self.http.get("/people", params={"email": email}).json()["items"]
        return self._target(items[0]) if items else None

    def create_target(self, data: TargetInput) -> Target:
        payload = data.model_dump(include={"email", "first_name", "last_name"})
        return self._target(self.http.request("POST", "/people", json=payload).json())

    def list_tasks(self, query: TaskQuery) -> Pager[Task]:
        def fetch(cursor: str | None) -> Page[Task]:
            body = self.http.get("/tasks").json()
            return Page([self._task(row) for row in body["items"]])

        return Pager(fetch)

    def _task(self, row: Mapping[str, Any]) -> Task:
        return Task(
            ref=VendorRef(vendor="toy", object_type="task", id=str(row["id"])),
            raw=dict(row),
            subject=row["subject"],
            target_id=str(row["person_id"]),
            status="completed" if row["done"] else "open",
        )

    def complete_task(self, task_id: str, note: str | None = None) -> Task:
        return self._task(self.http.request("POST", f"/tasks/{task_id}/complete").json())

    def vendor_action(self, name: str, params: Mapping[str, Any]) -> Any:
        if name != "echo":
            raise engage.InputError(f"toy has no vendor action {name!r}; it has: echo")
        return dict(params)

    def raw_client(self) -> Any:
        return self.http.client


@engage.hookimpl
def register_adapters(register: Callable[[type[Adapter]], None]) -> None:
    register(ToyAdapter)


SANDBOX = SandboxVendor(
    vendor="toy",
    create_app=create_app,
    tenant_settings=lambda base_url: {"base_url": base_url, "api_key": API_KEY},
    description="the toy vendor of engage's tests",
)
