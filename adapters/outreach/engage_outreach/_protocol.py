"""Outreach's protocol, told once to ``engage.transport``: errors, rate headers,
pacing, the media type, and how a tenant authenticates."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import httpx

from engage import (
    ConfigurationError,
    ConflictError,
    QuotaExhaustedError,
    RateLimitError,
    TenantContext,
)
from engage.transport import (
    BearerAuth,
    ErrorDetails,
    OAuthApp,
    PacingRule,
    RateObservation,
    VendorHttp,
    oauth_app,
    oauth_refresh_auth,
    parse_epoch,
)

from ._settings import OutreachSettings

VENDOR = "outreach"
MEDIA_TYPE = "application/vnd.api+json"
# Only a hint: a 422 that says it is a ConflictError rather than a ValidationError.
# Enroll does not rest on it (it looks the live enrollment up after any 409/422):
# no real sample of Outreach's wording for a second enrolment exists.
ALREADY_ENROLLED = "already in this sequence"
# The documented 429 detail: "... rate limit of 10,000; please try again at
# 2017-01-01T00:00:00." (no zone written: UTC).
TRY_AGAIN_AT = re.compile(
    r"try again at\s+(\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?"
    r"(?:Z|[+-]\d{2}:?\d{2})?)",
    re.IGNORECASE,
)
# An X-RateLimit-Reset below this is not an epoch second (seconds-to-go, or garbage).
EPOCH_FLOOR = 1_000_000_000

# 10,000 requests an hour per user (Outreach's documented budget).
PACING = PacingRule(limit=10_000, window=3600)


def field_of(pointer: str) -> str:
    """``/data/attributes/emails`` -> ``emails``: the field a JSON pointer names."""
    parts = [p for p in pointer.split("/") if p]
    if len(parts) >= 3 and parts[0] == "data" and parts[1] in {"attributes", "relationships"}:
        return parts[2]
    return "/".join(parts[1:] if parts[:1] == ["data"] else parts) or "data"


def parse_error(response: httpx.Response) -> ErrorDetails:
    """Outreach answers ``{"errors": [{id, title, detail, source.pointer}]}``; the
    token endpoint answers OAuth's ``{"error", "error_description"}``."""
    body: Any = response.json()
    if isinstance(body, dict) and isinstance(body.get("errors"), list) and body["errors"]:
        errors = [e for e in body["errors"] if isinstance(e, dict)]
        messages: list[str] = []
        fields: dict[str, list[str]] = {}
        for error in errors:
            # ``detail`` as a rule; the documented 415 body spells it ``details``.
            text = str(error.get("detail") or error.get("details") or error.get("title") or "error")
            messages.append(text)
            pointer = (error.get("source") or {}).get("pointer")
            if isinstance(pointer, str):
                fields.setdefault(field_of(pointer), []).append(text)
        code = errors[0].get("id") if errors else None
        message = "; ".join(messages)
        kind: Any = None
        if response.status_code == 422 and ALREADY_ENROLLED in message:
            kind = ConflictError  # the write clashes with an existing enrollment
        elif response.status_code == 429 and "daily" in message.lower():
            kind = QuotaExhaustedError
        return ErrorDetails(message, str(code) if code else None, fields or None, kind)
    if isinstance(body, dict) and isinstance(body.get("error"), str):
        text = str(body.get("error_description") or body["error"])
        return ErrorDetails(text, body["error"])
    raise ValueError("not an Outreach error body")


def retry_at_of(response: httpx.Response) -> datetime | None:
    """When a refused (429) request may be sent again, as an aware UTC datetime:
    ``X-RateLimit-Reset`` (epoch seconds), else the "try again at <time>" of the error
    text, else ``None``. Never raises, whatever the answer holds."""
    at = parse_epoch(response.headers.get("x-ratelimit-reset"))
    if at is not None and at.timestamp() >= EPOCH_FLOOR:
        return at
    try:
        message = parse_error(response).message
    except (ValueError, KeyError, TypeError, AttributeError):
        return None
    match = TRY_AGAIN_AT.search(message)
    if match is None:
        return None
    try:
        when = datetime.fromisoformat(match.group(1).replace("Z", "+00:00"))
    except ValueError:
        return None
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)


def fill_retry_at(error: RateLimitError | QuotaExhaustedError) -> None:
    """Give a refusal without a ``Retry-After`` the time Outreach's answer names.

    The transport reads only ``Retry-After``; Outreach documents its 429 with
    ``X-RateLimit-Reset`` and a "try again at" detail instead. The answer is the
    error's ``__cause__`` (an ``httpx.HTTPStatusError``); a refusal made by engage's
    own pacer has no answer, and already carries its ``retry_at``."""
    if error.retry_at is not None:
        return
    cause = error.__cause__
    if isinstance(cause, httpx.HTTPStatusError):
        error.retry_at = retry_at_of(cause.response)


def observe_rate(response: httpx.Response) -> RateObservation | None:
    remaining = response.headers.get("x-ratelimit-remaining")
    if remaining is None or not remaining.strip().isdigit():
        return None
    limit = response.headers.get("x-ratelimit-limit", "")
    reset = parse_epoch(response.headers.get("x-ratelimit-reset"))
    return RateObservation(
        remaining=int(remaining),
        limit=int(limit) if limit.isdigit() else None,
        reset_at=reset.timestamp() if reset else None,
    )


OUTREACH_HTTP = VendorHttp(
    vendor=VENDOR,
    parse_error=parse_error,
    observe_rate=observe_rate,
    pacing=PACING,
    request_id_headers=("x-request-id", "request-id", "x-outreach-request-id"),
    default_headers={"Accept": MEDIA_TYPE},
)


def build_auth(settings: OutreachSettings, context: TenantContext) -> httpx.Auth:
    """A static bearer token, or rotating OAuth2 tokens kept under ``outreach:<tenant>``."""
    if settings.client_id is None or settings.client_secret is None:
        assert settings.access_token is not None  # the settings model checked
        return BearerAuth(settings.access_token)
    return oauth_refresh_auth(context, **_oauth_client(settings, context))


# What the adapter reads and writes, asked for when a tenant is connected.
SCOPES = (
    "prospects.all",
    "sequences.read",
    "sequenceStates.all",
    "sequenceSteps.read",
    "tasks.all",
    "calls.all",
    "prospectNotes.all",
    "mailboxes.read",
    "mailings.read",
)


def connect_app(settings: OutreachSettings, context: TenantContext) -> OAuthApp:
    """The tenant's OAuth app, for connecting it (tokens land where ``build_auth`` reads)."""
    return oauth_app(
        context,
        authorize_url=settings.oauth_authorize_url,
        scopes=SCOPES,
        **_oauth_client(settings, context),
    )


def _oauth_client(settings: OutreachSettings, context: TenantContext) -> dict[str, Any]:
    """The OAuth2 client both the auth and the connect flow use (one store key)."""
    if settings.client_id is None or settings.client_secret is None:
        raise ConfigurationError(
            f"tenant {context.tenant!r} has only an access_token; give client_id and"
            " client_secret (the product's Outreach OAuth app) to connect it"
        )
    return {
        "vendor": VENDOR,
        "token_url": settings.oauth_token_url,
        "client_id": settings.client_id,
        "client_secret": settings.client_secret,
        "refresh_token": settings.refresh_token,
        "access_token": settings.access_token,
    }


def pacing_scope(settings: OutreachSettings, context: TenantContext) -> str:
    """Outreach counts requests per user: tenants sharing a user share the budget."""
    user = settings.user_id
    return f"outreach:user:{user}" if user else f"outreach:{context.tenant}"
