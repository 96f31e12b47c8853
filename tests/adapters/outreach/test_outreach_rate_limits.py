"""``RateLimitError.retry_at`` from what Outreach's 429 says.

Outreach documents its 429 with ``X-RateLimit-Reset`` (epoch seconds) and a detail
"... please try again at <time>."; whether it also sends ``Retry-After`` no public
sample shows. The emulator's ``rate_limit_hints`` takes either hint away, and the
adapter must still say when to come back: from the header, else from the text.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from engage_outreach._protocol import fill_retry_at, retry_at_of
from engage_sandbox import SandboxOptions

from engage import QuotaExhaustedError, RateLimitError

pytestmark = pytest.mark.engage_vendor("outreach")

# The emulator's clock starts at 2026-01-15T09:00:00Z; its hourly window ends at 10:00.
WINDOW_END = datetime(2026, 1, 15, 10, tzinfo=UTC)
ONCE = {"max_attempts": 1}


def _limited(engage_recorder: Any, hints: list[str]) -> RateLimitError:
    sandbox = SandboxOptions(rate_limit=1, extras={"rate_limit_hints": hints})
    with engage_recorder("outreach", sandbox_options=sandbox, transport=ONCE) as rec:
        assert rec.tenant.targets.get("1").id == "1"  # the hour's one request
        with pytest.raises(RateLimitError) as limited:
            rec.tenant.targets.get("2")
        statuses = [r["status"]["code"] for r in rec.cassette.responses]
        assert statuses[-1] == 429
    return limited.value


def test_retry_at_comes_from_x_ratelimit_reset(engage_recorder: Any) -> None:
    error = _limited(engage_recorder, ["x-ratelimit"])  # no Retry-After
    assert error.retry_at == WINDOW_END and error.retry_at.tzinfo is not None
    assert error.retryable and error.status == 429


def test_retry_at_falls_back_to_the_try_again_at_text(engage_recorder: Any) -> None:
    error = _limited(engage_recorder, [])  # neither Retry-After nor X-RateLimit-*
    assert "please try again at 2026-01-15T10:00:00" in error.message
    assert error.retry_at == WINDOW_END and error.retry_at.utcoffset() == timedelta(0)


def _answer(status: int = 429, headers: dict[str, str] | None = None, body: Any = None) -> Any:
    request = httpx.Request("GET", "https://api.outreach.io/api/v2/prospects/1")
    if isinstance(body, str | bytes):
        return httpx.Response(status, headers=headers, content=body, request=request)
    return httpx.Response(status, headers=headers, json=body, request=request)


def _detail(text: str) -> dict[str, Any]:
    return {"errors": [{"id": "rateLimitExceeded", "title": "Rate Limit Exceeded", "detail": text}]}


DOCUMENTED = "You have exceeded your permitted rate limit of 10,000; please try again at 2017-01-01T00:00:00."


@pytest.mark.parametrize(
    ("headers", "body", "expected"),
    [
        ({"X-RateLimit-Reset": "1768471200"}, _detail(DOCUMENTED), WINDOW_END),
        ({"x-ratelimit-reset": " 1768471200.0 "}, None, WINDOW_END),
        ({}, _detail(DOCUMENTED), datetime(2017, 1, 1, tzinfo=UTC)),
        ({}, _detail("try again at 2026-01-15T11:00:00+01:00."), WINDOW_END),
        ({}, _detail("please TRY AGAIN AT 2026-01-15T10:00:00Z"), WINDOW_END),
        ({}, {"errors": [{"id": "x", "details": "try again at 2026-01-15T10:00:00"}]}, WINDOW_END),
        # Not epoch seconds (seconds to go, garbage, NaN, huge): the text decides.
        ({"X-RateLimit-Reset": "3600"}, _detail(DOCUMENTED), datetime(2017, 1, 1, tzinfo=UTC)),
        ({"X-RateLimit-Reset": "soon"}, None, None),
        ({"X-RateLimit-Reset": "nan"}, None, None),
        ({"X-RateLimit-Reset": "1e400"}, None, None),
        # Hostile or empty bodies: no time, and no crash.
        ({}, "<html><body>Too Many Requests</body></html>", None),
        ({}, b"\xff\xfe", None),
        ({}, "", None),
        ({}, [1, 2], None),
        ({}, _detail("try again at 2026-13-45T99:00:00"), None),
        ({}, _detail("try again later"), None),
        ({}, {"errors": [{"id": "x", "detail": ["try again at 2026-01-15T10:00:00"]}]}, WINDOW_END),
    ],
)
def test_retry_at_of_any_answer(
    headers: dict[str, str], body: Any, expected: datetime | None
) -> None:
    found = retry_at_of(_answer(headers=headers, body=body))
    assert found == expected
    assert found is None or found.utcoffset() == timedelta(0)


def test_a_retry_after_hint_is_kept_and_a_pacer_refusal_is_left_alone() -> None:
    hinted = datetime(2026, 1, 15, 9, 0, 2, tzinfo=UTC)
    error = RateLimitError("slow down", retry_at=hinted, vendor="outreach")
    error.__cause__ = httpx.HTTPStatusError(
        "429",
        request=httpx.Request("GET", "https://api.outreach.io/"),
        response=_answer(headers={"X-RateLimit-Reset": "1768471200"}),
    )
    fill_retry_at(error)
    assert error.retry_at == hinted  # Retry-After, read by the transport, wins
    own = QuotaExhaustedError(
        "the budget has no room", vendor="outreach"
    )  # engage's own: no answer behind it
    fill_retry_at(own)
    assert own.retry_at is None
