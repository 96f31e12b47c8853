"""Outreach's protocol, told once to the transport: errors, rate headers, pacing."""

from __future__ import annotations

from typing import Any

import httpx

from engage._transport import ErrorDetails, PacingRule, RateObservation, VendorHttp, parse_epoch
from engage.errors import ConflictError, QuotaExhaustedError

MEDIA_TYPE = "application/vnd.api+json"
ALREADY_ENROLLED = "already in this sequence"

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
            text = str(error.get("detail") or error.get("title") or "error")
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
    vendor="outreach",
    parse_error=parse_error,
    observe_rate=observe_rate,
    pacing=PACING,
    request_id_headers=("x-request-id", "request-id", "x-outreach-request-id"),
    default_headers={"Accept": MEDIA_TYPE},
)
