from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pydantic
import pytest

from engage import (
    ActivityKind,
    BatchResult,
    EnrollmentState,
    InputError,
    ItemResult,
    NotFoundError,
    PartialFailure,
    StepKind,
    Target,
    TargetInput,
    TaskInput,
    TaskKind,
    TaskOrigin,
    TaskStatus,
    VendorRef,
)
from engage.models import Enrollment, _OpenEnum

REF = VendorRef(vendor="v", object_type="person", id="1")


@pytest.mark.parametrize(
    "enum", [EnrollmentState, TaskOrigin, TaskKind, TaskStatus, StepKind, ActivityKind]
)
def test_every_enum_has_other_and_unknown_values_map_to_it(enum: type[_OpenEnum]) -> None:
    assert enum("other") is enum.OTHER
    assert enum("a-value-invented-tomorrow") is enum.OTHER


def test_enum_values_are_case_insensitive() -> None:
    assert EnrollmentState("PAUSED") is EnrollmentState.PAUSED


def test_unknown_enum_value_in_a_record_is_kept_raw() -> None:
    e = Enrollment(ref=REF, target_id="1", sequence_id="2", state="on_hold", vendor_state="on_hold")
    assert e.state is EnrollmentState.OTHER
    assert e.vendor_state == "on_hold"


def test_records_are_frozen() -> None:
    t = Target(ref=REF, email="a@example.com")
    with pytest.raises(pydantic.ValidationError):
        t.email = "b@example.com"  # type: ignore[misc]


def test_datetimes_become_utc() -> None:
    naive = Target(ref=REF, updated_at=datetime(2026, 1, 1, 12))
    assert naive.updated_at == datetime(2026, 1, 1, 12, tzinfo=UTC)
    plus2 = Target(
        ref=REF, updated_at=datetime(2026, 1, 1, 14, tzinfo=timezone(timedelta(hours=2)))
    )
    assert plus2.updated_at == datetime(2026, 1, 1, 12, tzinfo=UTC)
    assert plus2.updated_at.tzinfo is UTC
    parsed = Target(ref=REF, updated_at="2026-01-01T12:00:00Z")  # type: ignore[arg-type]
    assert parsed.updated_at == datetime(2026, 1, 1, 12, tzinfo=UTC)


def test_raw_is_kept_but_not_in_repr() -> None:
    t = Target(ref=REF, raw={"secret_field": "x"}, email="a@example.com")
    assert t.raw == {"secret_field": "x"}
    assert "secret_field" not in repr(t)
    assert t.id == "1" and t.vendor == "v"


def test_inputs_raise_input_error_with_field_names() -> None:
    with pytest.raises(InputError, match="email"):
        TargetInput(email="not-an-address")
    with pytest.raises(InputError, match="due_at"):
        TaskInput(target_id="1", subject="x", due_at=datetime(2026, 1, 1))  # naive
    with pytest.raises(InputError, match="extra_field"):
        TargetInput(email="a@example.com", extra_field=1)
    with pytest.raises(InputError, match="target_id"):
        TaskInput(target_id="  ", subject="x", due_at=datetime(2026, 1, 1, tzinfo=UTC))


def test_task_input_carries_a_stable_idempotency_key() -> None:
    task = TaskInput(target_id="1", subject="x", due_at=datetime(2026, 1, 1, tzinfo=UTC))
    assert len(task.idempotency_key) == 32
    assert task.model_copy().idempotency_key == task.idempotency_key


def test_batch_result_keeps_successes_next_to_failures() -> None:
    error = NotFoundError("gone", vendor="v")
    result = BatchResult(
        (ItemResult(0, value="a"), ItemResult(1, error=error), ItemResult(2, value="c"))
    )
    assert result.succeeded == ["a", "c"]
    assert [f.index for f in result.failed] == [1]
    assert not result.ok and len(result) == 3
    with pytest.raises(PartialFailure) as info:
        result.raise_for_failures(vendor="v", tenant="t")
    assert info.value.results is result
    assert "1 of 3" in str(info.value)


def test_a_tenants_batch_result_knows_its_vendor_and_tenant(toy_engage: Any) -> None:
    """``result.raise_for_failures()`` needs no arguments on a batch a tenant ran."""
    tenant = toy_engage.tenant("acme")
    result = tenant.tasks.complete_many(["no-such-task"])
    assert (result.vendor, result.tenant) == (tenant.vendor, "acme")
    with pytest.raises(PartialFailure) as info:
        result.raise_for_failures()
    assert info.value.vendor == tenant.vendor and info.value.tenant == "acme"
