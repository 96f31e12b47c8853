"""A stateful emulator of the Salesloft v2 REST API, written from Salesloft's documents.

Sources: the v2 API reference (developers.salesloft.com: endpoint pages, "Rate
Limits"), Salesloft's OpenAPI document and real records captured by Airbyte
(``../shared/reference/salesloft``).

Emulated, with the documented filters, sorting and paging of each list:

* ``GET/POST /v2/people``, ``GET/PUT/DELETE /v2/people/{id}``, ``POST /v2/person_upserts``
* ``GET /v2/cadences``, ``GET /v2/cadences/{id}``; ``GET /v2/steps``, ``GET /v2/steps/{id}``
* ``GET/POST /v2/cadence_memberships``, ``GET/DELETE /v2/cadence_memberships/{id}``
* ``GET/POST /v2/tasks`` (``idempotency_key``), ``GET/PUT /v2/tasks/{id}``
* ``GET /v2/actions``, ``GET /v2/actions/{id}``
* ``GET /v2/activity_histories``
* ``GET/POST /v2/activities/calls``, ``GET /v2/activities/calls/{id}``
* ``GET /v2/activities/emails``, ``GET /v2/activities/emails/{id}``
* ``GET/POST /v2/notes``, ``GET/PUT/DELETE /v2/notes/{id}``
* ``GET /v2/users``, ``GET /v2/users/{id}``, ``GET /v2/me``
* ``GET /oauth/authorize`` (accounts.salesloft.com's; approves at once for the admin,
  redirects with a single-use ``code`` that lives 10 minutes, and ``state``)
* ``POST /oauth/token`` (authorization_code with such a code or a demo code,
  refresh_token with rotation)

Every path also answers with the legacy ``.json`` suffix. Lists answer
``{"data": [...], "metadata": {"filtering", "paging", "sorting"}}``; ``per_page``
outside [1, 100] is a 422. Requests cost 1 unit of a 600-a-minute team budget,
pages past 100 cost 3/8/10/30; responses carry ``x-ratelimit-endpoint-cost`` and
``x-ratelimit-remaining-minute``; over budget is a 429 with ``retry-after``.
Auth is ``Authorization: Bearer`` with a demo API key (admin:
``SANDBOX_SALESLOFT_API_KEY``, non-admin rep: ``SANDBOX_SALESLOFT_USER_API_KEY``)
or an OAuth access token (2 h of sandbox time, ``options.access_token_ttl``).

Deliberately not emulated (these answer 404): accounts, imports, person and
cadence stages, groups, teams, CRM activities, action details, call data
records, dispositions and sentiments lists, e-mail templates, meetings,
successes, bulk jobs, webhooks. Records still carry references to them, as the
real API does. Not modelled either: the people filters ``tag_id``,
``starred_by_guid`` and ``_query``; the ``scoped_fields`` e-mail option; group
visibility policies (non-admins see every user); the Personal Cadence Admin
permission; CRM sync. Where the documents are silent the emulator picks one
behaviour and says so: the membership ownership rule answers 403; the
activity-id filter of ``/v2/activity_histories`` is read from ``id``; the fixed
demo OAuth codes (``SANDBOX_SALESLOFT_AUTH_CODE``, ``..._USER_AUTH_CODE``) can
be exchanged more than once and need no ``redirect_uri``, while a code of
``/oauth/authorize`` is spent by its first exchange; ``/oauth/authorize`` grants
scope ``all`` whatever ``scope`` asks; a task's ``current_state`` can
only be set to ``completed`` (the docs list no skip), and its user cannot be
changed by ``PUT`` (unlisted parameters are ignored, as Rails does); deleting a
membership that is already off its cadence answers 204 again; ``/v2/actions``
has no ``due`` filter (the docs list none; use ``due_on``). Timestamps are UTC
with microseconds (``2026-01-15T09:00:00.000000+00:00``).

A task's ``due_date`` must be a plain ISO date (``YYYY-MM-DD``) and its
``remind_at`` a timestamp, as the task pages require: anything else is a 422 on
``due_date`` or ``remind_at``. No time of day is invented from a date: a task
made or re-dated through the API has a null ``due_at`` (documented "can be
null"), and re-dating clears the ``due_at`` a demo task had.

``options.extras`` (``_state_options``): ``enroll_conflict_status`` (422 or 409)
and ``enroll_conflict_body``, the undocumented answer to adding a person already
on the cadence (default 422 ``{"errors": {"person_id": ["is already on this
cadence"]}}``); ``archived_cadences``, cadences archived at start with their
people (membership state ``archived``) and actions; ``action_types``, the action
type each step type opens (e.g. ``{"other": "linkedin"}``).
"""

from __future__ import annotations

from typing import Any

from starlette.applications import Starlette

from .._app import SandboxKit, SandboxOptions, build_sandbox_app
from .._registry import SandboxVendor
from .._tokens import TokenRegistry
from ._auth import (
    ACCESS_TOKEN_TTL,
    SANDBOX_SALESLOFT_API_KEY,
    SANDBOX_SALESLOFT_AUTH_CODE,
    SANDBOX_SALESLOFT_CLIENT_ID,
    SANDBOX_SALESLOFT_CLIENT_SECRET,
    SANDBOX_SALESLOFT_USER_API_KEY,
    SANDBOX_SALESLOFT_USER_AUTH_CODE,
    register_keys,
)
from ._errors import http_error
from ._routes import make_routes
from ._state import Emulator

VENDOR = "salesloft"


def create_app(options: SandboxOptions) -> Starlette:
    """Build a fresh emulator; ``app.state.emulator`` exposes its state to tests."""
    ttl = options.access_token_ttl if options.access_token_ttl is not None else ACCESS_TOKEN_TTL
    tokens = TokenRegistry(
        options.clock, prefix="slsb_", access_ttl=ttl, seed=f"salesloft:{options.seed}"
    )
    kit = SandboxKit(vendor=VENDOR, options=options, tokens=tokens)
    emulator = Emulator(options, kit)
    users = sorted(emulator.state.users)
    admin_id, rep_id = users[0], users[1]
    register_keys(tokens, admin_id, rep_id)
    codes = {SANDBOX_SALESLOFT_AUTH_CODE: admin_id, SANDBOX_SALESLOFT_USER_AUTH_CODE: rep_id}
    app = build_sandbox_app(
        kit,
        make_routes(emulator, codes, demo_user=admin_id),
        error_body=emulator.error_body,
        reset=emulator.reset,
        exception_handlers={404: http_error, 405: http_error},
    )
    app.state.emulator = emulator
    return app


def tenant_settings(base_url: str) -> dict[str, Any]:
    """A tenant on this emulator, signed in with the admin's demo API key."""
    return {"base_url": base_url, "api_key": SANDBOX_SALESLOFT_API_KEY}


SANDBOX = SandboxVendor(
    vendor=VENDOR,
    create_app=create_app,
    tenant_settings=tenant_settings,
    description="Salesloft REST v2",
)

__all__ = [
    "SANDBOX",
    "SANDBOX_SALESLOFT_API_KEY",
    "SANDBOX_SALESLOFT_AUTH_CODE",
    "SANDBOX_SALESLOFT_CLIENT_ID",
    "SANDBOX_SALESLOFT_CLIENT_SECRET",
    "SANDBOX_SALESLOFT_USER_API_KEY",
    "SANDBOX_SALESLOFT_USER_AUTH_CODE",
    "VENDOR",
    "create_app",
    "tenant_settings",
]
