"""Enrolling twice answers the existing enrollment whatever Salesloft's refusal says: the
membership itself (one per person and cadence) is looked up, not the error's wording."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from engage_sandbox import SandboxOptions
from engage_testing import Recorder

from engage import ConflictError, EnrollmentState, TenantClient, ValidationError, VendorError

pytestmark = pytest.mark.engage_vendor("salesloft")

Make = Callable[..., Recorder]


def _team_cadence(t: TenantClient) -> str:
    return next(c.id for c in t.sequences.list(active=True).to_list() if c.raw["team_cadence"])


def _calls(rec: Recorder) -> list[tuple[str, str, int]]:
    return [
        (req.method, req.path, int(res["status"]["code"]))
        for req, res in zip(rec.cassette.requests, rec.cassette.responses, strict=True)
        if req.path.startswith("/v2/cadence_memberships")
    ]


@pytest.mark.parametrize(
    "extras",
    [
        {"enroll_conflict_body": {"errors": {"base": ["Person is on this cadence"]}}},
        {"enroll_conflict_status": 409},
    ],
    ids=["422-base-wording", "409"],
)
def test_enroll_twice_with_any_wording_returns_the_existing_enrollment(
    engage_recorder: Make, extras: dict[str, Any]
) -> None:
    with engage_recorder("salesloft", sandbox_options=SandboxOptions(extras=extras)) as rec:
        t = rec.tenant
        person = t.targets.create(email="twice@example.com")
        cadence = _team_cadence(t)
        first = t.enrollments.enroll(target_id=person.id, sequence_id=cadence)
        again = t.enrollments.enroll(target_id=person.id, sequence_id=cadence)
        assert again.id == first.id and again.state is EnrollmentState.ACTIVE
        calls = _calls(rec)
    refused = 409 if extras.get("enroll_conflict_status") == 409 else 422
    assert calls == [
        ("POST", "/v2/cadence_memberships", 200),
        ("POST", "/v2/cadence_memberships", refused),
        ("GET", "/v2/cadence_memberships", 200),
    ]


def test_a_refusal_for_another_reason_raises_the_typed_error(engage_recorder: Make) -> None:
    """The person has a membership in the cadence, but not a live one: the 422 (do not
    contact) is raised as it came, after the look-up found nothing to return."""
    with engage_recorder("salesloft") as rec:
        t = rec.tenant
        person = t.targets.create(email="dnc@example.com")
        cadence = _team_cadence(t)
        first = t.enrollments.enroll(target_id=person.id, sequence_id=cadence)
        t.enrollments.remove(first.id)
        t.vendor_action(f"PUT /v2/people/{person.id}", do_not_contact=True)
        with pytest.raises(ValidationError) as info:
            t.enrollments.enroll(target_id=person.id, sequence_id=cadence)
        assert info.value.status == 422
        assert info.value.fields == {"person_id": ["is marked do not contact"]}
        calls = _calls(rec)
    assert calls[-2:] == [
        ("POST", "/v2/cadence_memberships", 422),
        ("GET", "/v2/cadence_memberships", 200),
    ]


def test_a_conflict_with_no_membership_raises_the_typed_error(engage_recorder: Make) -> None:
    with engage_recorder("salesloft", transport={"backoff_base": 0}) as rec:
        rec.inject(status=409, path="/v2/cadence_memberships", method="POST")
        t = rec.tenant
        person = t.targets.create(email="nobody@example.com")
        with pytest.raises(ConflictError) as info:
            t.enrollments.enroll(target_id=person.id, sequence_id=_team_cadence(t))
        assert isinstance(info.value, VendorError) and info.value.status == 409
        calls = _calls(rec)
    assert calls == [
        ("POST", "/v2/cadence_memberships", 409),
        ("GET", "/v2/cadence_memberships", 200),
    ]
