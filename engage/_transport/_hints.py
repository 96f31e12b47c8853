"""Reading the vendors' "come back later" hints."""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import parsedate_to_datetime


def parse_retry_after(value: str | None, now: datetime) -> float | None:
    """Seconds to wait according to a ``Retry-After``-style value, or ``None``.

    Vendors send three forms: delta seconds (``"30"``), an HTTP date
    (``"Wed, 21 Oct 2026 07:28:00 GMT"``) and an ISO-8601 timestamp (Outreach's
    maintenance 503s). A time in the past means "now" (0 seconds).
    """
    if value is None:
        return None
    text = value.strip()
    if not text:
        return None
    try:
        seconds = float(text)
    except ValueError:
        pass
    else:
        return max(0.0, seconds) if seconds == seconds else None  # NaN is no hint
    when = _parse_instant(text)
    if when is None:
        return None
    return max(0.0, (when - now).total_seconds())


def parse_epoch(value: str | None) -> datetime | None:
    """An epoch-seconds header value (e.g. ``X-RateLimit-Reset``) as a UTC datetime."""
    if not value:
        return None
    try:
        return datetime.fromtimestamp(float(value), tz=UTC)
    except (ValueError, OverflowError, OSError):
        return None


def _parse_instant(text: str) -> datetime | None:
    try:
        when = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        try:
            when = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when
