"""Salesloft's HTTP protocol as told to ``engage.transport``: errors, rate headers, costs, auth.

Salesloft charges each request against a per-team budget of 600 cost units a
minute, and charges pages past 100 more (so that integrations use
``updated_at`` cursors instead of deep pages). ``request_cost`` predicts that
charge from the ``page`` parameter so the pacer spends the budget as the
vendor will, and ``observe_rate`` feeds back what the vendor says is left.
"""

from __future__ import annotations

from typing import Any

import httpx

from engage import ConfigurationError, TenantContext
from engage.transport import (
    BearerAuth,
    ErrorDetails,
    HttpTransport,
    OAuthApp,
    PacingRule,
    RateObservation,
    VendorHttp,
    oauth_app,
    oauth_refresh_auth,
    open_http,
)

from ._settings import VENDOR, SalesloftSettings

BUDGET_PER_MINUTE = 600

# (first page of the band, cost), highest band first (developers.salesloft.com, "Rate Limits").
_PAGE_BANDS = ((501, 30), (251, 10), (151, 8), (101, 3))


def page_cost(page: int | None) -> int:
    if page is None:
        return 1
    for first, cost in _PAGE_BANDS:
        if page >= first:
            return cost
    return 1


def request_cost(request: httpx.Request) -> int:
    raw = request.url.params.get("page")
    try:
        page = int(raw) if raw is not None else None
    except ValueError:
        page = None
    return page_cost(page)


def _messages(value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(v) for v in value]
    return [str(value)]


def parse_error(response: httpx.Response) -> ErrorDetails:
    """422s carry ``{"errors": {field: [msgs]}}``; everything else ``{"error": "..."}``."""
    body = response.json()
    if not isinstance(body, dict):
        raise ValueError("not a Salesloft error body")
    errors = body.get("errors")
    if isinstance(errors, dict) and errors:
        fields = {str(k): _messages(v) for k, v in errors.items()}
        return ErrorDetails(message="Salesloft rejected the input", code="invalid", fields=fields)
    if isinstance(errors, list) and errors:
        return ErrorDetails(
            message="Salesloft rejected the input",
            code="invalid",
            fields={"base": _messages(errors)},
        )
    error = body.get("error")
    if error is not None:
        return ErrorDetails(message=str(error))
    raise ValueError("not a Salesloft error body")


def observe_rate(response: httpx.Response) -> RateObservation | None:
    remaining = response.headers.get("x-ratelimit-remaining-minute")
    if remaining is None:
        return None
    try:
        return RateObservation(remaining=int(remaining), limit=BUDGET_PER_MINUTE)
    except ValueError:
        return None


SALESLOFT_HTTP = VendorHttp(
    vendor=VENDOR,
    parse_error=parse_error,
    observe_rate=observe_rate,
    request_cost=request_cost,
    pacing=PacingRule(limit=BUDGET_PER_MINUTE, window=60),
    default_headers={"Accept": "application/json"},
)


def make_auth(settings: SalesloftSettings, context: TenantContext) -> httpx.Auth:
    """The tenant's auth: the API key, or rotating OAuth2 tokens kept in the token store
    (store key ``salesloft:<tenant>``). The transport closes it, and with it the token client."""
    if settings.api_key is not None:
        return BearerAuth(settings.api_key)
    return oauth_refresh_auth(context, **_oauth_client(settings, context))


def connect_app(settings: SalesloftSettings, context: TenantContext) -> OAuthApp:
    """The tenant's OAuth app, for connecting it (tokens land where ``make_auth`` reads)."""
    return oauth_app(
        context, authorize_url=settings.oauth_authorize_url, **_oauth_client(settings, context)
    )


def _oauth_client(settings: SalesloftSettings, context: TenantContext) -> dict[str, Any]:
    """The OAuth2 client both the auth and the connect flow use (one store key)."""
    if settings.client_id is None or settings.client_secret is None:
        raise ConfigurationError(
            f"tenant {context.tenant!r} signs in with an API key; give client_id and"
            " client_secret (the product's Salesloft OAuth app) to connect it"
        )
    return {
        "vendor": VENDOR,
        "token_url": settings.token_url,
        "client_id": settings.client_id,
        "client_secret": settings.client_secret,
        "refresh_token": settings.refresh_token,
    }


def pacing_scope(settings: SalesloftSettings, tenant: str) -> str:
    if settings.team_id:
        return f"{VENDOR}:team:{settings.team_id}"
    return f"{VENDOR}:tenant:{tenant}"


def open_transport(settings: SalesloftSettings, context: TenantContext) -> HttpTransport:
    """The tenant's transport to the API: this protocol, its auth, its team's pacing budget."""
    return open_http(
        context,
        SALESLOFT_HTTP,
        base_url=settings.base_url,
        auth=make_auth(settings, context),
        pacing_scope=pacing_scope(settings, context.tenant),
    )
