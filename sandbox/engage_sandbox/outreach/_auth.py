"""Outreach's OAuth 2.0: ``GET /oauth/authorize``, ``POST /oauth/token``, bearer-token
checks and scopes.

Access tokens live two hours, refresh tokens fourteen days, and every refresh
hands out a new refresh token while spending the old one. Errors use the OAuth
2.0 ``{"error", "error_description"}`` body rather than JSON:API, as token
endpoints do. ``GET /oauth/authorize`` approves at once for the demo user and
grants the scopes asked for (every scope when ``scope`` is absent); its codes
are single-use, bound to the client and redirect URI and live 10 minutes
(:mod:`engage_sandbox._authcodes`). The fixed demo code ``DEMO_AUTH_CODE``
(with ``DEMO_REDIRECT_URI``) can also be reused, for clients with no browser
step; likewise the fixed ``DEMO_REFRESH_TOKEN`` is always accepted for the
demo user. Every ``/api/v2``
request bears an access token (401 when missing, unknown or expired) whose
scopes must cover the resource (``<plural>.read``/``.write``/``.all``, else 403).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from .._authcodes import CodeRefusedError, authorize, found
from .._tokens import IssuedToken, TokenStatus
from ._errors import ApiError
from ._state_schema import RESOURCES

if TYPE_CHECKING:
    from ._state import Runtime

ACCESS_TTL = 7200.0
REFRESH_TTL = 14 * 86400.0

DEMO_CLIENT_ID = "engage-sandbox-outreach"
DEMO_CLIENT_SECRET = "sandbox-outreach-client-secret"
DEMO_REDIRECT_URI = "http://127.0.0.1/oauth/callback"
DEMO_AUTH_CODE = "sandbox-outreach-authorization-code"
DEMO_USER_ID = 1
# A refresh token every fresh emulator accepts for the demo user, so that a tenant
# configured with it (``engage demo``, cassette recording) needs no consent step.
# Unlike the tokens it mints it is never spent: any number of demo tenants may
# start from it, and the pairs they receive rotate as Outreach's do.
DEMO_REFRESH_TOKEN = "sandbox-outreach-demo-refresh-token"

_INVALID_GRANT = (
    "The provided authorization grant is invalid, expired, revoked, does not match the "
    "redirection URI used in the authorization request, or was issued to another client."
)


def all_scopes() -> str:
    """Every scope the emulator knows: ``<plural>.all`` of each resource type."""
    return " ".join(sorted(f"{d.plural}.all" for d in RESOURCES.values()))


def authenticate(rt: Runtime, request: Request) -> tuple[int, str]:
    """The user id and granted scopes behind the request's bearer access token."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise ApiError(401, "Missing OAuth access token in the Authorization header.")
    status, subject = rt.kit.tokens.check(token.strip())
    if status is TokenStatus.EXPIRED:
        raise ApiError(401, "The access token expired.", error_id="unauthorized")
    if status is not TokenStatus.VALID or subject is None:
        raise ApiError(401, "The access token is invalid.")
    return int(subject), rt.scopes.get(token.strip(), all_scopes())


def check_scope(granted: str, plural: str | None, write: bool) -> None:
    """Refuse (403) a read or write of ``plural`` that the granted scopes do not cover."""
    if plural is None:
        return
    scopes = set(granted.split())
    needed = f"{plural}.{'write' if write else 'read'}"
    if needed not in scopes and f"{plural}.all" not in scopes:
        raise ApiError(
            403,
            f"Your authorization does not include the required scope '{needed}'.",
            error_id="unauthorizedOauthScope",
            title="Unauthorized OAuth Scope",
        )


def _error(status: int, error: str, description: str) -> Response:
    return JSONResponse(
        {"error": error, "error_description": description},
        status_code=status,
        headers={"Cache-Control": "no-store"},
    )


async def _form(request: Request) -> dict[str, str]:
    raw = await request.body()
    content_type = request.headers.get("content-type", "")
    if "json" in content_type:
        try:
            payload: Any = json.loads(raw or b"{}")
        except ValueError:
            return {}
        return {str(k): str(v) for k, v in payload.items()} if isinstance(payload, dict) else {}
    fields = dict(parse_qsl(raw.decode(), keep_blank_values=True))
    fields.update(request.query_params)
    return fields


async def authorize_endpoint(request: Request) -> Response:
    """The demo user approves the demo app at once (RFC 6749, 4.1.1 and 4.1.2)."""
    rt: Runtime = request.app.state.outreach
    answer = authorize(
        rt.kit.codes,
        request.query_params.multi_items(),
        client_id=DEMO_CLIENT_ID,
        subject=str(DEMO_USER_ID),
        scope=lambda requested: " ".join((requested or "").split()) or all_scopes(),
    )
    if isinstance(answer, str):
        return found(answer)
    return _error(400, answer.error, answer.description)


async def token_endpoint(request: Request) -> Response:
    rt: Runtime = request.app.state.outreach
    form = await _form(request)
    if form.get("client_id") != DEMO_CLIENT_ID or form.get("client_secret") != DEMO_CLIENT_SECRET:
        return _error(
            401,
            "invalid_client",
            "Client authentication failed due to unknown client, no client authentication "
            "included, or unsupported authentication method.",
        )
    grant = form.get("grant_type")
    if grant == "authorization_code":
        code = form.get("code", "")
        if code == DEMO_AUTH_CODE:
            if form.get("redirect_uri") != DEMO_REDIRECT_URI:
                return _error(400, "invalid_grant", _INVALID_GRANT)
            token = rt.issue(str(DEMO_USER_ID), form.get("scope") or all_scopes())
        else:
            try:
                granted = rt.kit.codes.redeem(
                    code, client_id=DEMO_CLIENT_ID, redirect_uri=form.get("redirect_uri", "")
                )
            except CodeRefusedError:
                return _error(400, "invalid_grant", _INVALID_GRANT)
            token = rt.issue(granted.subject, granted.scope)
    elif grant == "refresh_token":
        presented = form.get("refresh_token", "")
        refreshed: IssuedToken | None
        if presented == DEMO_REFRESH_TOKEN:
            refreshed = rt.issue(str(DEMO_USER_ID), all_scopes())
        else:
            refreshed = rt.refresh(presented)
        if refreshed is None:
            return _error(400, "invalid_grant", _INVALID_GRANT)
        token = refreshed
    else:
        return _error(
            400,
            "unsupported_grant_type",
            "The authorization grant type is not supported by the authorization server.",
        )
    body = {
        "access_token": token.access_token,
        "token_type": "bearer",
        "expires_in": int(rt.kit.tokens.access_ttl),
        "refresh_token": token.refresh_token,
        "scope": token.scope,
        "created_at": int(rt.kit.clock.timestamp()),
    }
    return JSONResponse(body, headers={"Cache-Control": "no-store", "Pragma": "no-cache"})
