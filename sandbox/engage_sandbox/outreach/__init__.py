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
* writes: create/update/delete prospects, create/update tasks, log calls, create
  prospect notes (``POST /prospectNotes``), enrol
  (``POST /sequenceStates``; a second live enrolment is refused, 422 "already in
  this sequence" unless the options say otherwise), the sequence-state
  actions finish/pause/resume and every Task action of the reference (advance,
  deliver, markComplete, reassignOwner, reschedule, snooze, updateNote,
  updateOpportunityAssociation) with their ``actionParams[...]``;
* ``GET /oauth/authorize`` (approves at once for the demo user and redirects with a
  single-use ``code`` that lives 10 minutes, and ``state``; grants the ``scope`` asked,
  every scope when absent),
* ``POST /oauth/token`` (authorization code, from ``/oauth/authorize`` or the reusable
  ``DEMO_AUTH_CODE``, and rotating refresh tokens; the fixed
  ``DEMO_REFRESH_TOKEN`` is accepted on every start, for configured demo tenants),
  bearer-token checks (401), OAuth scopes (403), 10,000 requests per user per hour
  with ``X-RateLimit-*`` headers (429 with ``Retry-After``, ``X-RateLimit-Reset`` and
  "please try again at <time>"), scheduled maintenance (503 with an ISO-8601
  ``Retry-After``), JSON:API error objects, and 415 ``unsupportedMediaType`` for a
  write (POST, PATCH, DELETE; body or none) without
  ``Content-Type: application/vnd.api+json`` (reads need none).

Deliberately not emulated: deletes other than ``DELETE /prospects/{id}`` (which
removes the prospect alone), the other resource types (opportunities, stages,
templates, ...), webhooks, bulk batches, S2S tokens, the 100-token cap and
one-token-per-minute minting throttle, ``count_truncated`` under load, and prospect
notes for ``markComplete``'s ``completionNote`` (accepted, not stored).
``options.extras``: ``maintenance_until`` (datetime or ISO string),
``allow_duplicate_emails`` (bool), ``page_size_502_above`` (int),
``already_enrolled_detail`` (str) and ``already_enrolled_status`` (int) for the
refusal of a second enrolment, ``rate_limit_hints`` (a subset of ``"retry-after"``,
``"x-ratelimit"``: which hints a 429 carries besides its body).
"""

from __future__ import annotations

from datetime import datetime
from functools import partial
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException

from .._app import SandboxKit, SandboxOptions, build_sandbox_app
from .._ratelimit import CostWindowLimiter
from .._registry import SandboxVendor
from .._tokens import IssuedToken, TokenRegistry
from ._auth import (
    ACCESS_TTL,
    DEMO_AUTH_CODE,
    DEMO_CLIENT_ID,
    DEMO_CLIENT_SECRET,
    DEMO_REDIRECT_URI,
    DEMO_REFRESH_TOKEN,
    DEMO_USER_ID,
    all_scopes,
)
from ._data import seed_store
from ._errors import fault_body, http_error
from ._routes import make_routes
from ._state import RATE_LIMIT, RATE_WINDOW, Runtime

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
    app = build_sandbox_app(
        kit,
        make_routes(),
        error_body=partial(fault_body, runtime),
        reset=runtime.reset,
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
    "tenant_settings",
]
