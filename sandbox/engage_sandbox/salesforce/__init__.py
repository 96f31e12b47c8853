"""Emulator of the Salesforce REST API and Sales Engagement actions, written from Salesforce's docs.

Emulated:

* Logins: ``GET /services/oauth2/authorize`` (the web server flow: approves at once
  for the admin, redirects with a single-use ``code`` that lives 10 minutes, and
  ``state``), ``POST /services/oauth2/token`` (grants ``authorization_code``,
  ``password``, ``urn:ietf:params:oauth:grant-type:jwt-bearer`` and
  ``refresh_token``; the code grant answers a refresh token when the scopes
  include ``refresh_token``, the default ``api refresh_token`` does) and the
  SOAP ``login()`` call at ``/services/Soap/u/NN.N`` that simple-salesforce uses
  for username/password. Sessions last ``options.access_token_ttl`` seconds of
  sandbox time (2 h by default); an expired or unknown one answers 401
  INVALID_SESSION_ID. ``GET /id/<org>/<user>`` is the identity URL.
* ``GET /services/data`` (versions 45.0 to 66.0), and under ``/services/data/vNN.N``:
  ``limits``, ``sobjects`` (describeGlobal), ``sobjects/<T>`` (GET basic info,
  POST create), ``sobjects/<T>/describe``, ``sobjects/<T>/<id>`` (GET with
  ``?fields=``, PATCH, DELETE), ``query`` and ``queryAll`` with ``nextRecordsUrl``
  paging and ``Sforce-Query-Options: batchSize=N``, and ``actions/standard``
  for the eight Sales Engagement actions (list, describe, invoke).
* Objects: Lead, Contact, Account, User, Task, Note, ActionCadence,
  ActionCadenceStep, ActionCadenceTracker, ActionCadenceStepTracker, with their
  documented fields, read-only flags and supported calls.
* The daily API allocation (``options.rate_limit``, 15,000 per 24 h by default):
  ``Sforce-Limit-Info: api-usage=N/M`` and 403 REQUEST_LIMIT_EXCEEDED beyond it.
* Sandbox time: paused trackers resume at their ``ScheduledResumeDateTime`` and
  wait steps end by themselves as the sandbox clock passes.
* Describe-driven SOQL checks: a WHERE on a field the describe marks not
  filterable, or an ORDER BY on one not sortable (long text; DayGroup and
  MinuteGroup, which the docs give no Sort property), answers 400 INVALID_FIELD.
  Some cadences hold orphan steps (``IsOrphan``), which they never run.
* Org profiles through ``options.extras`` (see ``_state_profile``):
  ``call_center`` (false: Task has no call fields), ``assign_conflict_message``
  (the already-assigned wording) and ``manual_complete_event`` (the one
  accepted spelling, ``ManualComplete`` by default or ``Manual Complete``).

Deliberately not emulated: composite, collections, Bulk, search (SOSL), Apex
REST, the SOAP API beyond ``login()``, sharing and field-level security,
triggers and validation rules, the JWT signature check (no certificate), SOQL
GROUP BY / child sub-queries / TYPEOF / WITH, and XML bodies.

Demo credentials: ``DEMO_USERNAME`` with ``DEMO_PASSWORD + DEMO_SECURITY_TOKEN``,
connected app ``DEMO_CLIENT_ID`` / ``DEMO_CLIENT_SECRET`` (any absolute http(s)
redirect URI), and the refresh token ``DEMO_REFRESH_TOKEN`` of a user who
already approved the app.
"""

from __future__ import annotations

from starlette.applications import Starlette

from .._app import SandboxKit, SandboxOptions, build_sandbox_app
from .._registry import SandboxVendor
from .._tokens import TokenRegistry
from ._auth import (
    DEMO_CLIENT_ID,
    DEMO_CLIENT_SECRET,
    DEMO_PASSWORD,
    DEMO_REFRESH_TOKEN,
    DEMO_SECURITY_TOKEN,
    DEMO_USERNAME,
    SESSION_TTL,
)
from ._errors import error_body
from ._routes import make_routes
from ._state import SalesforceOrg
from ._state_ids import make_id

DEFAULT_API_VERSION = "60.0"


def create_app(options: SandboxOptions) -> Starlette:
    """Build the Salesforce emulator (``app.state.org`` holds the org for tests)."""
    org_id = make_id("00D", 1)
    tokens = TokenRegistry(
        options.clock,
        prefix=f"{org_id[:15]}!",
        access_ttl=options.access_token_ttl or SESSION_TTL,
        seed=f"salesforce:{options.seed}",
    )
    kit = SandboxKit(vendor="salesforce", options=options, tokens=tokens)
    org = SalesforceOrg(kit)
    app = build_sandbox_app(kit, make_routes(org), error_body=error_body, reset=org.reset)
    app.state.org = org
    return app


def tenant_settings(base_url: str) -> dict[str, str]:
    """A tenant on this emulator: the org and its login at ``base_url``, the demo app's token."""
    return {
        "instance_url": base_url,
        "login_url": base_url,
        "client_id": DEMO_CLIENT_ID,
        "client_secret": DEMO_CLIENT_SECRET,
        "refresh_token": DEMO_REFRESH_TOKEN,
    }


SANDBOX = SandboxVendor(
    vendor="salesforce",
    create_app=create_app,
    tenant_settings=tenant_settings,
    description="Salesforce REST + Sales Engagement actions",
)

__all__ = [
    "DEFAULT_API_VERSION",
    "DEMO_CLIENT_ID",
    "DEMO_CLIENT_SECRET",
    "DEMO_PASSWORD",
    "DEMO_REFRESH_TOKEN",
    "DEMO_SECURITY_TOKEN",
    "DEMO_USERNAME",
    "SANDBOX",
    "SalesforceOrg",
    "create_app",
    "tenant_settings",
]
