"""One validation per record: the plain-Python read and the tolerant wire-model read agree.

Every record is mapped from the payload in plain Python and validated once, by the
neutral model; a payload with a field outside its usual shape is read through the
tolerant wire models instead. These tests hold the two paths together on emulator
pages of every entity, and show the tolerant path taking over for unusual fields.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from engage_salesloft import _read as r
from engage_salesloft import _read_fields as f
from engage_salesloft import _wire as w
from engage_sandbox import SandboxOptions
from engage_testing import inprocess_engage

from engage import MappingError, Record

USERS = {"guid-1": "1001"}
READS: dict[str, tuple[str, type[w.Wire], Callable[[dict[str, Any]], Record]]] = {
    "people": ("/v2/people", w.Person, r.target),
    "cadences": ("/v2/cadences", w.Cadence, r.sequence),
    "steps": ("/v2/steps", w.Step, r.step),
    "memberships": ("/v2/cadence_memberships", w.Membership, r.enrollment),
    "tasks": ("/v2/tasks", w.Task, r.task),
    "actions": ("/v2/actions", w.Action, r.action_task),
    "histories": ("/v2/activity_histories", w.History, lambda d: r.history_activity(d, USERS)),
    "calls": ("/v2/activities/calls", w.Call, r.call_activity),
    "notes": ("/v2/notes", w.Note, r.note_activity),
    "emails": ("/v2/activities/emails", w.Email, r.email_activity),
}


@pytest.fixture(scope="module")
def pages() -> dict[str, list[dict[str, Any]]]:
    engage, _ = inprocess_engage("salesloft", options=SandboxOptions(seed=7, size=0.2))
    with engage:
        tenant = engage.tenant("test")
        out: dict[str, list[dict[str, Any]]] = {}
        for name, (path, _, _) in READS.items():
            body = tenant.vendor_action(f"GET {path}", per_page=100)
            assert isinstance(body, dict)
            out[name] = body["data"]
        return out


@pytest.mark.parametrize("name", list(READS))
def test_the_plain_read_equals_the_tolerant_read(
    name: str, pages: dict[str, list[dict[str, Any]]]
) -> None:
    _, wire, read = READS[name]
    rows = pages[name]
    assert rows
    for row in rows:
        plain = read(row)
        assert plain.raw is row  # kept as sent, not copied
        # The wire model's dump has every field in its usual shape (datetimes parsed,
        # references as dicts): what the tolerant path reads.
        tolerant = read(wire.model_validate(row).model_dump(by_alias=True))
        assert plain.model_dump(exclude={"raw"}) == tolerant.model_dump(exclude={"raw"})


def test_unusual_fields_are_read_through_the_wire_model() -> None:
    cadence = {
        "id": "7",
        "name": "Q3",
        "draft": "false",  # a boolean as text: plain Python would read it as true
        "archived_at": None,
        "owner": {"id": 1001},
        "updated_at": 1767225600,  # Unix seconds
    }
    seq = r.sequence(cadence)
    assert seq.active is True
    assert seq.updated_at == datetime(2026, 1, 1, tzinfo=UTC)
    assert seq.raw is cadence


def test_a_field_of_the_wrong_kind_is_a_mapping_error_naming_it() -> None:
    with pytest.raises(MappingError, match="first_name"):
        r.target({"id": 1, "first_name": 5})
    with pytest.raises(MappingError, match="owner"):
        r.target({"id": 1, "owner": "1001"})


@pytest.mark.parametrize(
    ("value", "usual"),
    [
        ("2026-01-15T08:52:31.724720+00:00", True),
        ("2026-01-15T03:52:31.724720-05:00", True),
        ("2026-01-15T08:52:31Z", True),
        ("yesterday", False),
        (1767225600, False),
    ],
)
def test_timestamps_read_in_plain_python_are_aware_utc(value: Any, usual: bool) -> None:
    if not usual:
        with pytest.raises(f.Unusual):
            f.moment(value)
        return
    moment = f.moment(value)
    assert moment is not None and moment.tzinfo is UTC
