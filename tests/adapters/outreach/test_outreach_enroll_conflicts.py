"""Enrolling twice answers the existing enrollment, whatever words Outreach refuses in.

No real sample of Outreach's refusal of a second enrolment exists, so the adapter
does not read it: after any 409/422 from ``POST /sequenceStates`` it looks the
prospect's live sequence state in that sequence up, and answers it; found none, the
refusal stands. The emulator's wording and status are set per test
(``already_enrolled_detail`` / ``already_enrolled_status``).
"""

from __future__ import annotations

from typing import Any

import engage_outreach
import httpx
import pytest
from engage_sandbox import SandboxOptions

import engage
from engage import ConflictError, EnrollmentState, ValidationError

pytestmark = pytest.mark.engage_vendor("outreach")

SEQUENCE = "1"


def _calls(rec: Any) -> list[tuple[str, str, int]]:
    """(method, path, status) of every API request in the cassette, in order."""
    return [
        (request.method, request.path, response["status"]["code"])
        for request, response in zip(rec.cassette.requests, rec.cassette.responses, strict=True)
        if request.path.startswith("/api/v2/sequenceStates")
    ]


def _lookups(rec: Any) -> list[str]:
    return [
        r.uri
        for r in rec.cassette.requests
        if r.method == "GET" and r.path == "/api/v2/sequenceStates" and "filter%5Bstate%5D" in r.uri
    ]


@pytest.mark.parametrize(
    ("extras", "status"),
    [
        ({"already_enrolled_detail": "Prospect has already been added"}, 422),
        ({"already_enrolled_detail": "Validation error", "already_enrolled_status": 409}, 409),
    ],
    ids=["added-422", "generic-409"],
)
def test_enrolling_twice_answers_the_existing_one_whatever_the_words(
    engage_recorder: Any, extras: dict[str, Any], status: int
) -> None:
    sandbox = SandboxOptions(extras=extras)
    with engage_recorder("outreach", sandbox_options=sandbox) as rec:
        target = rec.tenant.targets.create(email="twice@example.com", first_name="Twice")
        first = rec.tenant.enrollments.enroll(target_id=target.id, sequence_id=SEQUENCE)
        again = rec.tenant.enrollments.enroll(target_id=target.id, sequence_id=SEQUENCE)
        assert again.id == first.id and again.state is EnrollmentState.ACTIVE
        assert again.target_id == target.id and again.sequence_id == SEQUENCE
        posts = [c for c in _calls(rec) if c[0] == "POST"]
        assert [code for _, _, code in posts] == [201, status]
        (lookup,) = _lookups(rec)  # one filtered GET, after the refusal
        assert f"filter%5Bprospect%5D%5Bid%5D={target.id}" in lookup
        assert f"filter%5Bsequence%5D%5Bid%5D={SEQUENCE}" in lookup


def test_a_refusal_for_a_target_not_enrolled_stands_after_the_lookup(
    engage_recorder: Any,
) -> None:
    with engage_recorder("outreach") as rec:
        target = rec.tenant.targets.create(email="nobox@example.com", first_name="Nobox")
        # A mailbox that does not exist: Outreach's 422 names the relationship.
        with pytest.raises(ValidationError) as refused:
            rec.tenant.enrollments.enroll(
                target_id=target.id,
                sequence_id=SEQUENCE,
                vendor_fields={"mailbox_id": "999999"},
            )
        assert refused.value.status == 422 and "mailbox" in (refused.value.fields or {})
        assert not isinstance(refused.value, ConflictError)
        assert len(_lookups(rec)) == 1  # looked for a live enrollment, found none
        assert rec.tenant.enrollments.list(target_id=target.id).to_list() == []


def test_the_already_wording_is_a_hint_for_the_error_class_only(engage_recorder: Any) -> None:
    """A 422 that says "already in this sequence" for a prospect with no live sequence
    state (a stale answer, a race with a finish) is looked up too: nothing is found, so
    it surfaces, as the ConflictError its words suggest."""
    with engage_recorder("outreach") as rec:
        target = rec.tenant.targets.create(email="hint@example.com", first_name="Hint")
        detail = f"Prospect {target.id} is already in this sequence."
        rec.inject(
            status=422,
            method="POST",
            path="/api/v2/sequenceStates",
            body={
                "errors": [{"id": "validationError", "title": "Validation Error", "detail": detail}]
            },
        )
        with pytest.raises(ConflictError) as refused:
            rec.tenant.enrollments.enroll(target_id=target.id, sequence_id=SEQUENCE)
        assert refused.value.status == 422 and refused.value.message == detail
        assert len(_lookups(rec)) == 1


def _state_row(prospect: str, sequence: str, state: str) -> dict[str, Any]:
    return {
        "type": "sequenceState",
        "id": 77,
        "attributes": {"state": state, "createdAt": "2026-01-15T09:00:00.000Z"},
        "relationships": {
            "prospect": {"data": {"type": "prospect", "id": int(prospect)}},
            "sequence": {"data": {"type": "sequence", "id": int(sequence)}},
            "mailbox": {"data": {"type": "mailbox", "id": 1}},
        },
    }


@pytest.mark.parametrize(
    ("row", "answered"),
    [
        (_state_row("42", "1", "active"), True),
        (_state_row("42", "1", "paused"), True),
        (_state_row("43", "1", "active"), False),  # the filters ignored: another prospect
        (_state_row("42", "2", "active"), False),  # ... another sequence
        (_state_row("42", "1", "finished"), False),  # ... a state that is not live
        (None, False),
    ],
)
def test_only_a_live_state_of_this_prospect_and_sequence_is_the_answer(
    row: dict[str, Any] | None, answered: bool
) -> None:
    """The lookup's answer is checked, not trusted (a server that ignores a filter)."""
    seen: list[str] = []

    def vendor(request: httpx.Request) -> httpx.Response:
        seen.append(f"{request.method} {request.url.path}")
        if request.method == "POST":
            refusal = {"errors": [{"id": "validationError", "detail": "Validation error"}]}
            return httpx.Response(422, json=refusal)
        return httpx.Response(200, json={"data": [row] if row else [], "links": {}})

    config = {"vendor": "outreach", "access_token": "static-token-for-offline-tests"}
    with engage.Engage(
        {"t": config},
        plugins=[engage_outreach],
        load_entrypoints=False,
        http_transport=httpx.MockTransport(vendor),
    ) as eng:
        enroll = eng.tenant("t").enrollments.enroll
        kwargs: dict[str, Any] = {
            "target_id": "42",
            "sequence_id": "1",
            "vendor_fields": {"mailbox_id": "1"},
        }
        if answered:
            assert enroll(**kwargs).id == "77"
        else:
            with pytest.raises(ValidationError, match="Validation error"):
                enroll(**kwargs)
    assert seen == ["POST /api/v2/sequenceStates", "GET /api/v2/sequenceStates"]
