"""A downstream test on the in-process emulators sends nothing to the network, for
every vendor (Salesforce's login and its simple-salesforce calls included)."""

from __future__ import annotations

import socket
from typing import Any

import pytest
from engage_testing import inprocess_engage

VENDORS = ("salesloft", "outreach", "salesforce")


class NetworkUsed(AssertionError):
    pass


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Any attempt to resolve a name or open a connection fails the test."""
    attempts: list[Any] = []

    def refuse(*args: Any, **kwargs: Any) -> Any:
        attempts.append(args)
        raise NetworkUsed(f"network used: {args!r}")

    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    return attempts


def _workflow(vendor: str, **settings: Any) -> int:
    engage, transport = inprocess_engage(vendor, **settings)
    with engage:
        tenant = engage.tenant("test")
        sequence = tenant.sequences.list(limit=1).first()
        target = tenant.targets.list(limit=1).first()
        assert sequence is not None and target is not None
        assert list(tenant.sequences.steps(sequence.id))
        enrollment = tenant.enrollments.enroll(target_id=target.id, sequence_id=sequence.id)
        assert enrollment.sequence_id == sequence.id
        assert tenant.tasks.list(limit=3).to_list()
        tenant.activities.log_note(target_id=target.id, body="in-process note")
        # The raw vendor client rides the same transport.
        assert tenant.raw is not None
    return len(transport.requests)


@pytest.mark.parametrize("vendor", VENDORS)
def test_a_downstream_workflow_stays_in_process(vendor: str, no_network: list[Any]) -> None:
    assert _workflow(vendor) > 0
    assert no_network == []


def test_salesforce_with_a_real_looking_org_stays_in_process(no_network: list[Any]) -> None:
    """An org URL and the default login host, as a product's config would have them."""
    requests = _workflow("salesforce", origin="https://acme.my.salesforce.com")
    assert requests > 0
    assert no_network == []


def test_the_guard_itself_catches_a_connection(no_network: list[Any]) -> None:
    with pytest.raises(NetworkUsed):
        socket.create_connection(("example.com", 443))
    assert len(no_network) == 1


@pytest.mark.parametrize("vendor", VENDORS)
def test_the_inprocess_fixture_serves_every_vendor_offline(
    vendor: str, engage_inprocess: Any, no_network: list[Any]
) -> None:
    tenant = engage_inprocess(vendor)
    assert tenant.vendor == vendor
    assert tenant.sequences.list(limit=1).first() is not None
    assert no_network == []
