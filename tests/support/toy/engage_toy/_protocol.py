"""The toy vendor's protocol, told once to ``engage.transport``.

Error bodies, rate headers, pacing and auth: everything the shared transport
(retries, pacing, deadlines, redacted logs, host allow-list) needs to know
about this vendor.
"""

from __future__ import annotations

import httpx

from engage import TenantContext
from engage.transport import (
    BearerAuth,
    ErrorDetails,
    PacingRule,
    RateObservation,
    VendorHttp,
    oauth_refresh_auth,
    parse_epoch,
)

from ._settings import VENDOR, ToySettings


def parse_error(response: httpx.Response) -> ErrorDetails:
    """``{"error": "no such person", "code": "not_found"}``."""
    try:
        body = response.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        return ErrorDetails(message=f"HTTP {response.status_code}")
    return ErrorDetails(message=str(body.get("error")), code=body.get("code"))


def observe_rate(response: httpx.Response) -> RateObservation | None:
    """The budget left, from ``x-budget-remaining`` (and ``x-budget-reset``, epoch seconds)."""
    remaining = response.headers.get("x-budget-remaining")
    if remaining is None:
        return None
    reset = parse_epoch(response.headers.get("x-budget-reset"))
    return RateObservation(int(remaining), reset_at=reset.timestamp() if reset else None)


TOY_HTTP = VendorHttp(
    vendor=VENDOR,
    parse_error=parse_error,
    observe_rate=observe_rate,
    pacing=PacingRule(limit=100, window=60),  # 100 requests a minute per tenant
)


def auth(context: TenantContext, settings: ToySettings) -> httpx.Auth:
    """An API key as a bearer token, or rotating OAuth2 tokens kept in the token store."""
    if settings.api_key is not None:
        return BearerAuth(settings.api_key)
    assert settings.client_id is not None and settings.client_secret is not None
    return oauth_refresh_auth(
        context,
        vendor=VENDOR,
        token_url=settings.base_url.rstrip("/") + "/oauth/token",
        client_id=settings.client_id,
        client_secret=settings.client_secret,
        refresh_token=settings.refresh_token,
    )
