"""Salesloft credentials: demo API keys, ``GET /oauth/authorize``, ``POST /oauth/token``
and the bearer check of requests.

Salesloft's OAuth server (accounts.salesloft.com, a Doorkeeper server) issues
2-hour access tokens and rotates the refresh token on every refresh: the old
one is spent. Errors follow RFC 6749 (``{"error": "invalid_grant", ...}``).
The authorize endpoint approves at once for the admin (the user of
``SANDBOX_SALESLOFT_AUTH_CODE``) and grants scope ``all`` whatever is asked;
its codes are single-use, bound to the client and redirect URI and live 10
minutes (:mod:`engage_sandbox._authcodes`).
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .._authcodes import AuthorizationCodes, CodeRefusedError, authorize, found
from .._tokens import TokenRegistry, TokenStatus
from ._routes_params import parse_body, parse_query
from ._state import Emulator
from ._state_store import Record

# Demo credentials. They only open this emulator; they are not secrets.
SANDBOX_SALESLOFT_API_KEY = "sandbox-salesloft-admin-api-key"
SANDBOX_SALESLOFT_USER_API_KEY = "sandbox-salesloft-rep-api-key"
SANDBOX_SALESLOFT_CLIENT_ID = "sandbox-salesloft-client-id"
SANDBOX_SALESLOFT_CLIENT_SECRET = "sandbox-salesloft-client-secret"
SANDBOX_SALESLOFT_AUTH_CODE = "sandbox-salesloft-authorization-code"
SANDBOX_SALESLOFT_USER_AUTH_CODE = "sandbox-salesloft-rep-authorization-code"

ACCESS_TOKEN_TTL = 7200.0
SCOPE = "all"


def register_keys(tokens: TokenRegistry, admin_id: int, rep_id: int) -> None:
    tokens.add_static(SANDBOX_SALESLOFT_API_KEY, str(admin_id))
    tokens.add_static(SANDBOX_SALESLOFT_USER_API_KEY, str(rep_id))


def bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def authenticate(emu: Emulator, request: Request) -> Record | None:
    """The active user whose API key or access token the request bears; None answers 401."""
    token = bearer_token(request)
    status, subject = emu.kit.tokens.check(token) if token else (TokenStatus.UNKNOWN, None)
    user = emu.state.users.get(int(subject)) if subject and subject.isdigit() else None
    if status is not TokenStatus.VALID or user is None or not user["active"]:
        return None
    return user


def _oauth_error(status: int, error: str, description: str) -> Response:
    return JSONResponse({"error": error, "error_description": description}, status_code=status)


def authorize_route(grants: AuthorizationCodes, user_id: int) -> Route:
    """``GET /oauth/authorize``: ``user_id`` approves the demo app at once (RFC 6749, 4.1.1)."""

    async def authorize_endpoint(request: Request) -> Response:
        answer = authorize(
            grants,
            request.query_params.multi_items(),
            client_id=SANDBOX_SALESLOFT_CLIENT_ID,
            subject=str(user_id),
            scope=lambda _requested: SCOPE,
        )
        if isinstance(answer, str):
            return found(answer)
        return _oauth_error(400, answer.error, answer.description)

    return Route("/oauth/authorize", authorize_endpoint, methods=["GET"])


def token_route(
    tokens: TokenRegistry, clock_now: Any, codes: dict[str, int], grants: AuthorizationCodes
) -> Route:
    """``codes`` maps each demo authorization code to the user it signs in as; ``grants``
    holds the codes ``GET /oauth/authorize`` issued."""

    async def token(request: Request) -> Response:
        data = parse_query(request.url.query)
        data.update(parse_body(await request.body(), request.headers.get("content-type", "")))
        grant = str(data.get("grant_type") or "")
        if (
            data.get("client_id") != SANDBOX_SALESLOFT_CLIENT_ID
            or data.get("client_secret") != SANDBOX_SALESLOFT_CLIENT_SECRET
        ):
            return _oauth_error(
                401,
                "invalid_client",
                "Client authentication failed due to unknown client, no client authentication "
                "included, or unsupported authentication method.",
            )
        if grant == "authorization_code":
            code = str(data.get("code") or "")
            subject = codes.get(code)
            if subject is not None:
                issued = tokens.issue(str(subject), SCOPE)
            else:
                try:
                    granted = grants.redeem(
                        code,
                        client_id=SANDBOX_SALESLOFT_CLIENT_ID,
                        redirect_uri=str(data.get("redirect_uri") or ""),
                    )
                except CodeRefusedError:
                    return _invalid_grant()
                issued = tokens.issue(granted.subject, granted.scope)
        elif grant == "refresh_token":
            refreshed = tokens.refresh(str(data.get("refresh_token") or ""))
            if refreshed is None:
                return _invalid_grant()
            issued = refreshed
        else:
            return _oauth_error(
                400,
                "unsupported_grant_type",
                "The authorization grant type is not supported by the authorization server.",
            )
        return JSONResponse(
            {
                "access_token": issued.access_token,
                "token_type": "Bearer",
                "expires_in": int(tokens.access_ttl),
                "refresh_token": issued.refresh_token,
                "scope": issued.scope,
                "created_at": int(clock_now().timestamp()),
            },
            headers={"cache-control": "no-store", "pragma": "no-cache"},
        )

    return Route("/oauth/token", token, methods=["POST"])


def _invalid_grant() -> Response:
    return _oauth_error(
        400,
        "invalid_grant",
        "The provided authorization grant is invalid, expired, revoked, does not match the "
        "redirection URI used in the authorization request, or was issued to another client.",
    )
