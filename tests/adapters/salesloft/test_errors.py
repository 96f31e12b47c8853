"""Each error class from recorded Salesloft answers, and what is retried."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from engage_salesloft import ALTERNATIVES
from engage_sandbox import salesloft as salesloft_sandbox
from engage_testing import Recorder

import engage
from engage import (
    AuthError,
    Capability,
    ConflictError,
    PermissionDeniedError,
    RateLimitError,
    UnavailableError,
    UnsupportedOperationError,
    VendorError,
)

pytestmark = pytest.mark.engage_vendor("salesloft")

Make = Callable[..., Recorder]
NO_JITTER = {"backoff_base": 0}  # waits come from server hints only: re-recordings match


def _statuses(rec: Recorder) -> list[int]:
    return [int(r["status"]["code"]) for r in rec.cassette.responses]


def test_rate_limited_then_ok(engage_recorder: Make) -> None:
    with engage_recorder("salesloft", transport=NO_JITTER) as rec:
        rec.inject(status=429, headers={"retry-after": "2"}, path="/v2/people/*")
        assert rec.tenant.targets.get("1000277").id == "1000277"
        assert _statuses(rec) == [429, 200]


def test_rate_limited_for_good(engage_recorder: Make) -> None:
    with engage_recorder("salesloft", transport={**NO_JITTER, "max_attempts": 2}) as rec:
        rec.inject(status=429, headers={"retry-after": "1"}, path="/v2/people/*", times=0)
        with pytest.raises(RateLimitError) as info:
            rec.tenant.targets.get("1000277")
        assert info.value.retryable and info.value.retry_at is not None
        assert info.value.operation == "targets.get" and info.value.tenant == "test"


@pytest.mark.parametrize(
    ("status", "kind"),
    [(401, AuthError), (403, PermissionDeniedError), (409, ConflictError)],
)
def test_status_maps_to_error_class(
    engage_recorder: Make, status: int, kind: type[VendorError]
) -> None:
    with engage_recorder("salesloft", transport=NO_JITTER) as rec:
        rec.inject(status=status, path="/v2/cadences/*")
        with pytest.raises(kind) as info:
            rec.tenant.sequences.get("2001")
        assert info.value.status == status and not info.value.retryable
        assert _statuses(rec) == [status]


def test_server_error_on_a_read_is_retried(engage_recorder: Make) -> None:
    with engage_recorder("salesloft", transport=NO_JITTER) as rec:
        rec.inject(status=500, path="/v2/cadences/*")
        assert rec.tenant.sequences.get("2001").id == "2001"
        assert _statuses(rec) == [500, 200]


def test_unavailable_for_good(engage_recorder: Make) -> None:
    with engage_recorder("salesloft", transport={**NO_JITTER, "max_attempts": 2}) as rec:
        rec.inject(status=503, path="/v2/cadences/*", times=0)
        with pytest.raises(UnavailableError) as info:
            rec.tenant.sequences.get("2001")
        assert not info.value.ambiguous and _statuses(rec) == [503, 503]


def test_an_ambiguous_create_is_looked_up_before_it_is_sent_again(engage_recorder: Make) -> None:
    """A 502 instead of the answer: the person is looked for by e-mail over the commit
    window; not there (the 502 came before the emulator saw it), so it is sent once more."""
    with engage_recorder("salesloft", transport=NO_JITTER) as rec:
        rec.inject(status=502, method="POST", path="/v2/people")
        made = rec.tenant.targets.create(email="maybe.created@example.com")
        assert made.email == "maybe.created@example.com"
        posts = [r for r in rec.cassette.requests if r.method == "POST"]
        assert len(posts) == 2


def test_a_create_that_committed_is_found_not_repeated(engage_recorder: Make) -> None:
    with engage_recorder("salesloft", transport=NO_JITTER) as rec:
        rec.inject(status=502, method="POST", path="/v2/people", after_commit=True)
        made = rec.tenant.targets.create(email="did.commit@example.com")
        assert made.email == "did.commit@example.com"
        assert len([r for r in rec.cassette.requests if r.method == "POST"]) == 1


def test_task_creation_is_retried_thanks_to_its_idempotency_key(engage_recorder: Make) -> None:
    with engage_recorder("salesloft", transport=NO_JITTER) as rec:
        rec.inject(status=500, method="POST", path="/v2/tasks")
        task = rec.tenant.tasks.create(
            target_id="1000277",
            subject="Retry me",
            due_at=datetime(2026, 1, 16, tzinfo=UTC),
            owner_id="1002",
            idempotency_key="retry-key-1",
        )
        assert task.subject == "Retry me" and _statuses(rec) == [500, 200]


UNSUPPORTED: list[tuple[Capability, Callable[[engage.TenantClient], Any]]] = [
    (Capability.ENROLLMENTS_PAUSE, lambda t: t.enrollments.pause("1")),
    (Capability.ENROLLMENTS_RESUME, lambda t: t.enrollments.resume("1")),
    (Capability.ENROLLMENTS_REASSIGN, lambda t: t.enrollments.reassign("1", owner_id="2")),
    (Capability.ENROLLMENTS_SET_OUTCOME, lambda t: t.enrollments.set_outcome("1", outcome="x")),
    (Capability.TASKS_SKIP, lambda t: t.tasks.skip("1")),
    (Capability.TASKS_REASSIGN, lambda t: t.tasks.reassign("1", owner_id="2")),
    (Capability.TASKS_ADVANCE, lambda t: t.tasks.advance("1")),
]


@pytest.mark.parametrize(("capability", "call"), UNSUPPORTED, ids=[c.value for c, _ in UNSUPPORTED])
def test_unsupported_raises_before_any_request(
    capability: Capability, call: Callable[[engage.TenantClient], Any]
) -> None:
    sent: list[httpx.Request] = []

    def refuse(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        raise AssertionError("no request may be sent")

    settings = salesloft_sandbox.tenant_settings("https://api.salesloft.com")
    eng = engage.Engage(
        {"acme": {"vendor": "salesloft", **settings}}, http_transport=httpx.MockTransport(refuse)
    )
    try:
        tenant = eng.tenant("acme")
        assert capability not in tenant.capabilities
        with pytest.raises(UnsupportedOperationError) as info:
            call(tenant)
        assert info.value.alternative == ALTERNATIVES[capability]
        assert sent == []
    finally:
        eng.close()
