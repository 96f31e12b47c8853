"""A stateful emulator of the Outreach REST API v2 (JSON:API), written from Outreach's
reference documents.

Emulated, under ``/api/v2`` with ``application/vnd.api+json``:

* reads of ``users``, ``mailboxes``, ``accounts``, ``prospects``, ``sequences``,
  ``sequenceSteps``, ``sequenceStates``, ``tasks``, ``taskPriorities``, ``mailings``,
  ``calls`` and ``prospectNotes``, with ``filter[...]`` (lists, ``a..b`` ranges with ``inf``/``neginf``,
  ``__null__``, ``newFilterSyntax=true`` operators, relationship filters as each
  relationship allows, ``filter[q]``), ``sort`` (``-`` for descending),
  ``include`` (deduplicated ``included``), ``fields[type]``, ``count=true``
  (``meta.count``), cursor pages (``page[size]`` up to 1000, ``page[after]`` /
  ``page[before]``, ``links.first/prev/next``) and deprecated offset pages
  (``page[offset]`` up to 10,000, ``page[limit]``);
* writes: create/update prospects, create/update tasks, log calls, create prospect
  notes (``POST /prospectNotes``), enrol
  (``POST /sequenceStates``, 422 "already in this sequence"), the sequence-state
  actions finish/pause/resume and every Task action of the reference (advance,
  deliver, markComplete, reassignOwner, reschedule, snooze, updateNote,
  updateOpportunityAssociation) with their ``actionParams[...]``;
* ``POST /oauth/token`` (authorization code and rotating refresh tokens; the fixed
  ``DEMO_REFRESH_TOKEN`` is accepted on every start, for configured demo tenants),
  bearer-token checks (401), OAuth scopes (403), 10,000 requests per user per hour
  with ``X-RateLimit-*`` headers (429), scheduled maintenance (503 with an
  ISO-8601 ``Retry-After``), JSON:API error objects.

Deliberately not emulated: deletes, the other resource types (opportunities,
stages, templates, ...), webhooks, bulk batches, S2S tokens, the 100-token cap and
one-token-per-minute minting throttle, ``count_truncated`` under load, and prospect
notes for ``markComplete``'s ``completionNote`` (accepted, not stored).
``options.extras``: ``maintenance_until`` (datetime or ISO string),
``allow_duplicate_emails`` (bool), ``page_size_502_above`` (int).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from .._app import SandboxKit, SandboxOptions, build_sandbox_app
from .._ratelimit import CostWindowLimiter
from .._registry import SandboxVendor
from .._tokens import IssuedToken, TokenRegistry
from ._data import seed_store
from ._errors import ApiError, error_object, json_api_response
from ._oauth import (
    DEMO_AUTH_CODE,
    DEMO_CLIENT_ID,
    DEMO_CLIENT_SECRET,
    DEMO_REDIRECT_URI,
    DEMO_REFRESH_TOKEN,
    DEMO_USER_ID,
    token_endpoint,
)
from ._routes_read import routes as read_routes
from ._routes_write import routes as write_routes
from ._runtime import ACCESS_TTL, RATE_LIMIT, RATE_WINDOW, Runtime, all_scopes, fault_retry_after
from ._sequence_states import routes as state_routes
from ._task_actions import routes as action_routes

VENDOR = "outreach"
TOKEN_PREFIX = "or_sbx_"


def create_app(options: SandboxOptions | None = None) -> Starlette:
    """Build the emulator; its demo data follows ``options.seed`` and ``options.size``."""
    options = options or SandboxOptions()
    ttl = options.access_token_ttl if options.access_token_ttl is not None else ACCESS_TTL
    tokens = TokenRegistry(options.clock, prefix=TOKEN_PREFIX, access_ttl=ttl, seed=VENDOR)
    kit = SandboxKit(vendor=VENDOR, options=options, tokens=tokens)
    start: datetime = options.clock.now()
    limiter = CostWindowLimiter(
        options.rate_limit or RATE_LIMIT, options.rate_window or RATE_WINDOW, options.clock
    )
    runtime = Runtime(kit, seed_store(options.seed, options.size, start), start, limiter)

    def reset() -> None:
        runtime.store = seed_store(options.seed, options.size, start)
        runtime.limiter.reset()
        runtime.scopes.clear()
        runtime.refresh_born.clear()

    def error_body(status: int) -> tuple[Any, dict[str, str]]:
        detail = {
            429: f"You have exceeded your permitted rate limit of {limiter.limit:,}.",
            503: "Scheduled server maintenance is under way.",
        }.get(status, "The sandbox injected this error.")
        headers = {"content-type": "application/vnd.api+json", **fault_retry_after(runtime, status)}
        return {"errors": [error_object(status, detail)]}, headers

    async def http_error(request: Request, exc: Exception) -> Response:
        status = exc.status_code if isinstance(exc, HTTPException) else 500
        if status == 404:
            detail = "No route matches this path."
        elif status == 405:
            detail = f"The {request.method} method is not allowed on this path."
        else:
            detail = str(exc)
        error = ApiError(status, detail)
        return json_api_response(error.body, status)

    routes = [
        Route("/oauth/token", token_endpoint, methods=["POST"]),
        *write_routes(),
        *state_routes(),
        *action_routes(),
        *read_routes(),
    ]
    app = build_sandbox_app(
        kit,
        routes,
        error_body=error_body,
        reset=reset,
        exception_handlers={HTTPException: http_error},
    )
    app.state.outreach = runtime
    return app


def issue_token(
    app: Starlette, *, user_id: int = DEMO_USER_ID, scope: str | None = None
) -> IssuedToken:
    """A fresh access/refresh token pair for ``user_id``, as the code grant would issue."""
    runtime: Runtime = app.state.outreach
    return runtime.issue(str(user_id), scope if scope is not None else all_scopes())


def demo_token(app: Starlette) -> str:
    """A valid bearer access token for the demo user, for tests and demos."""
    return issue_token(app).access_token


def tenant_settings(base_url: str) -> dict[str, Any]:
    """A tenant on this emulator, signed in with the demo app's refresh token."""
    return {
        "base_url": base_url,
        "client_id": DEMO_CLIENT_ID,
        "client_secret": DEMO_CLIENT_SECRET,
        "refresh_token": DEMO_REFRESH_TOKEN,
    }


SANDBOX = SandboxVendor(
    vendor=VENDOR,
    create_app=create_app,
    tenant_settings=tenant_settings,
    description="Outreach REST v2 (JSON:API)",
)

__all__ = [
    "DEMO_AUTH_CODE",
    "DEMO_CLIENT_ID",
    "DEMO_CLIENT_SECRET",
    "DEMO_REDIRECT_URI",
    "DEMO_REFRESH_TOKEN",
    "DEMO_USER_ID",
    "SANDBOX",
    "VENDOR",
    "create_app",
    "demo_token",
    "issue_token",
]
