"""The facade dispatches to the adapter, refuses what it cannot do, and pages lazily."""

from __future__ import annotations

from datetime import datetime

import pytest
from engage_testing import AppTransport

from engage import (
    Capability,
    InputError,
    NotFoundError,
    TenantClient,
    UnsupportedOperationError,
    ValidationError,
)


def test_capabilities_and_supports(toy: TenantClient) -> None:
    assert toy.supports("targets.list")
    assert not toy.supports(Capability.TASKS_ADVANCE)
    assert Capability.RAW in toy.capabilities


def test_get_and_find_and_create(toy: TenantClient) -> None:
    person = toy.targets.get("3")
    assert person.email == "person3@example.com"
    assert person.ref.vendor == "toy" and person.raw["id"] == 3
    assert toy.targets.find_by_email("person7@example.com").id == "7"  # type: ignore[union-attr]
    assert toy.targets.find_by_email("nobody@example.com") is None
    created = toy.targets.create(email="new@example.com", first_name="New")
    assert created.id == "26" and created.first_name == "New"
    assert toy.targets.get(26).email == "new@example.com"  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("call", "operation"),
    [
        (lambda t: t.enrollments.pause("1"), "enrollments.pause"),
        (lambda t: t.tasks.advance("1"), "tasks.advance"),
        (lambda t: t.activities.list(), "activities.list"),
        (lambda t: t.sequences.steps("9"), "sequences.steps"),
        (
            lambda t: t.enrollments.enroll_many([{"target_id": "1", "sequence_id": "2"}]),
            "enrollments.enroll_many",
        ),
    ],
)
def test_unsupported_operations_raise_before_any_request(
    toy: TenantClient, toy_transport: AppTransport, call, operation: str
) -> None:
    with pytest.raises(UnsupportedOperationError) as info:
        call(toy)
    assert info.value.vendor == "toy" and info.value.operation == operation
    assert toy_transport.requests == []


def test_unsupported_error_names_the_nearest_alternative(toy: TenantClient) -> None:
    with pytest.raises(
        UnsupportedOperationError, match=r"nearest alternative: enrollments\.remove"
    ):
        toy.enrollments.pause("1")


@pytest.mark.parametrize(
    "call",
    [
        lambda t: t.targets.get(""),
        lambda t: t.targets.find_by_email("not an address"),
        lambda t: t.targets.create(email="bad"),
        lambda t: t.targets.create({"email": "a@example.com"}, first_name="x"),
        lambda t: t.targets.list(updated_since=datetime(2026, 1, 1)),  # naive
        lambda t: t.tasks.list(page_size=0),
        lambda t: t.tasks.list(
            status="open",
            due_after=datetime(2026, 2, 1).astimezone(),
            due_before=datetime(2026, 1, 1).astimezone(),
        ),
        lambda t: t.tasks.complete(None),
        lambda t: t.vendor_action(""),
    ],
)
def test_bad_input_raises_input_error_before_any_request(
    toy: TenantClient, toy_transport: AppTransport, call
) -> None:
    with pytest.raises(InputError):
        call(toy)
    assert toy_transport.requests == []


def test_input_is_checked_before_capability(toy: TenantClient, toy_transport: AppTransport) -> None:
    with pytest.raises(InputError):
        toy.tasks.snooze("1", until=datetime(2026, 1, 1))
    assert toy_transport.requests == []


def test_pagers_are_lazy_and_page_to_the_end(
    toy: TenantClient, toy_transport: AppTransport
) -> None:
    pager = toy.targets.list(page_size=10)
    assert toy_transport.requests == []
    people = list(pager)
    assert [p.id for p in people] == [str(i) for i in range(1, 26)]
    assert len(toy_transport.requests) == 3
    assert pager.exhausted and pager.cursor is None


def test_pages_and_resumable_cursor(toy: TenantClient) -> None:
    pager = toy.targets.list(page_size=10)
    pages = pager.iter_pages()
    first = next(pages)
    assert len(first.items) == 10 and first.next_cursor is not None
    cursor = pager.cursor
    assert cursor == first.next_cursor
    rest = toy.targets.list(page_size=10, cursor=cursor)
    assert next(p.id for p in rest) == "11"


def test_limit_stops_early(toy: TenantClient, toy_transport: AppTransport) -> None:
    assert [p.id for p in toy.targets.list(page_size=10, limit=12)] == [
        str(i) for i in range(1, 13)
    ]
    assert len(toy_transport.requests) == 2
    assert toy.targets.list(page_size=10).first().id == "1"  # type: ignore[union-attr]


def test_a_garbled_cursor_is_an_input_error(toy: TenantClient) -> None:
    with pytest.raises(InputError, match="cursor"):
        list(toy.targets.list(cursor="%%%not-a-cursor"))


def test_vendor_errors_carry_vendor_tenant_operation_status_code_request_id(
    toy: TenantClient,
) -> None:
    with pytest.raises(NotFoundError) as info:
        toy.targets.get("999")
    error = info.value
    assert (error.vendor, error.tenant, error.operation) == ("toy", "acme", "targets.get")
    assert error.status == 404 and error.code == "not_found"
    assert error.request_id is not None and error.request_id.startswith("req-")
    assert not error.retryable
    assert "operation=targets.get" in str(error)


def test_errors_raised_while_paging_carry_the_operation(toy: TenantClient, toy_app) -> None:
    toy_app.state.kit.faults.add(status=422, path="/people", after=1, times=1)
    with pytest.raises(ValidationError) as info:
        list(toy.targets.list(page_size=10))
    assert info.value.operation == "targets.list" and info.value.tenant == "acme"


def test_batch_results_keep_each_item(toy: TenantClient) -> None:
    result = toy.tasks.complete_many(["1", "404", "3"])
    assert [item.ok for item in result] == [True, False, True]
    assert [t.id for t in result.succeeded] == ["1", "3"]
    failure = result.failed[0].error
    assert isinstance(failure, NotFoundError)
    assert failure.operation == "tasks.complete_many" and failure.tenant == "acme"


def test_vendor_action_and_raw(toy: TenantClient) -> None:
    assert toy.vendor_action("echo", a=1) == {"a": 1}
    with pytest.raises(InputError, match="no vendor action"):
        toy.vendor_action("launch")
    assert toy.raw.base_url.host == "api.toy.test"


def test_repr_of_client(toy: TenantClient) -> None:
    assert repr(toy) == "TenantClient(tenant='acme', vendor='toy')"
