"""Outreach errors, rate limits, maintenance, token refresh and unsupported operations."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from engage_outreach import OutreachAdapter
from engage_sandbox import SandboxOptions

from engage import (
    AuthError,
    Engage,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    UnavailableError,
    UnsupportedOperationError,
    ValidationError,
)

pytestmark = pytest.mark.engage_vendor("outreach")


def test_not_found_and_validation_errors(engage_tenant: Any) -> None:
    with pytest.raises(NotFoundError) as missing:
        engage_tenant.targets.get("999999")
    assert missing.value.code == "resourceNotFound" and missing.value.status == 404
    assert missing.value.operation == "targets.get" and missing.value.tenant == "test"
    taken = engage_tenant.targets.get("1").email
    with pytest.raises(ValidationError) as invalid:
        engage_tenant.targets.create(email=taken)
    assert invalid.value.fields == {"emails": [invalid.value.message.split(" (")[0]]}
    assert invalid.value.code == "validationError" and not invalid.value.retryable
    with pytest.raises(ValidationError) as bad_owner:
        engage_tenant.tasks.reassign("1", owner_id="999")
    assert bad_owner.value.status == 422


def test_forbidden_scope_and_bad_token(engage_recorder: Any) -> None:
    with engage_recorder("outreach") as rec:
        rec.inject(status=403, path="/api/v2/sequences/1")
        with pytest.raises(PermissionDeniedError):
            rec.tenant.sequences.get("1")
        rec.inject(status=401, path="/api/v2/sequences/2", times=2)
        with pytest.raises(AuthError):
            rec.tenant.sequences.get("2")


def test_rate_limited_then_ok(engage_recorder: Any) -> None:
    with engage_recorder("outreach") as rec:
        rec.inject(status=429, headers={"Retry-After": "2"}, path="/api/v2/prospects/2")
        assert rec.tenant.targets.get("2").id == "2"
        rec.inject(status=429, path="/api/v2/prospects/3", times=0)
        with pytest.raises(RateLimitError) as limited:
            rec.tenant.targets.get("3")
        assert limited.value.retry_at is not None and limited.value.retryable


def test_maintenance_503_with_an_iso_retry_after(engage_recorder: Any) -> None:
    options = {"deadline": 600.0, "hint_cap": 600.0}
    with engage_recorder("outreach", transport=options) as rec:
        rec.inject(status=503, path="/api/v2/prospects/1")
        assert rec.tenant.targets.get("1").id == "1"  # waited out the window, then OK
    # One attempt: the sandbox's clock is not the wall clock, so the ISO hint reads as
    # "now" and jittered retries would make the recording differ run to run.
    once = {"max_attempts": 1}
    with engage_recorder("outreach", cassette=_sibling(rec, "short"), transport=once) as rec:
        rec.inject(status=503, path="/api/v2/prospects/1", times=0)
        with pytest.raises(UnavailableError) as down:
            rec.tenant.targets.get("1")
        assert down.value.retry_at is not None and not down.value.ambiguous


def _sibling(rec: Any, suffix: str) -> Any:
    return rec.cassette_path.with_name(f"{rec.cassette_path.stem}_{suffix}.yaml")


def test_expired_token_is_refreshed_once(engage_recorder: Any) -> None:
    with engage_recorder("outreach") as rec:
        assert rec.tenant.targets.get("1").id == "1"
        rec.inject(kind="expire_token", path="/api/v2/prospects/2")
        assert rec.tenant.targets.get("2").id == "2"
        assert rec.tenant.adapter.session.auth.refreshes == 2  # the first token, then one
        token_calls = [r for r in rec.cassette.requests if r.path == "/oauth/token"]
        assert len(token_calls) == 2


def test_ambiguous_enroll_looks_up_before_trying_again(engage_recorder: Any) -> None:
    with engage_recorder("outreach") as rec:
        target = rec.tenant.targets.create(email="amb@example.com")
        rec.inject(status=502, method="POST", path="/api/v2/sequenceStates")
        made = rec.tenant.enrollments.enroll(target_id=target.id, sequence_id="1")
        posts = [r for r in rec.cassette.requests if r.method == "POST" and "States" in r.path]
        assert len(posts) == 2 and made.target_id == target.id


def test_large_page_502_is_retried_then_surfaces(engage_recorder: Any) -> None:
    sandbox = SandboxOptions(extras={"page_size_502_above": 500})
    with engage_recorder("outreach", sandbox_options=sandbox) as rec:
        with pytest.raises(UnavailableError) as failed:
            rec.tenant.targets.list(page_size=1000).first()
        assert failed.value.status == 502


def _offline() -> Engage:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise AssertionError(f"no request expected, got {request.url}")

    config = {"vendor": "outreach", "access_token": "static-token-for-offline-tests"}
    return Engage(
        {"t": config},
        plugins=[__import__("engage_outreach")],
        load_entrypoints=False,
        http_transport=httpx.MockTransport(refuse),
    )


@pytest.mark.parametrize(
    ("call", "alternative"),
    [
        (lambda t: t.enrollments.reassign("1", owner_id="2"), "enrollments.remove"),
        (lambda t: t.enrollments.set_outcome("1", outcome="won"), "markComplete"),
        (lambda t: t.tasks.skip("1"), "tasks.advance"),
    ],
)
def test_unsupported_operations_raise_before_any_request(call: Any, alternative: str) -> None:
    with _offline() as eng, pytest.raises(UnsupportedOperationError) as refused:
        call(eng.tenant("t"))
    assert alternative in str(refused.value) and refused.value.vendor == "outreach"


def test_capabilities_are_what_the_adapter_overrides() -> None:
    missing = {c.value for c in OutreachAdapter.alternatives}
    assert missing == {"enrollments.reassign", "enrollments.set_outcome", "tasks.skip"}
    assert not {c.value for c in OutreachAdapter.capabilities} & missing
