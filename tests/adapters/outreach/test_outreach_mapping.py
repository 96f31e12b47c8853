"""One validation per record: the neutral model's guarantees, from a plain-Python mapping."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pydantic
import pytest
from engage_outreach import _read as read
from engage_outreach._wire import Document

from engage import EnrollmentState, MappingError, TaskKind, TaskStatus


def _task(**attributes: Any) -> dict[str, Any]:
    return {
        "type": "task",
        "id": 7,
        "attributes": {"action": "call", "state": "incomplete", **attributes},
        "relationships": {"prospect": {"data": {"type": "prospect", "id": 3}}},
        "links": {"self": "https://api.outreach.io/api/v2/tasks/7"},
        "somethingNew": {"kept": True},
    }


def test_raw_is_the_payload_itself_and_dates_are_aware_utc() -> None:
    payload = _task(dueAt="2026-03-02T10:00:00", createdAt="2026-03-02T12:00:00+02:00")
    task = read.to_task(payload)
    assert task.raw is payload  # kept as sent, not copied
    assert task.due_at == datetime(2026, 3, 2, 10, tzinfo=UTC)  # naive means UTC
    assert task.created_at == datetime(2026, 3, 2, 10, tzinfo=UTC)
    assert task.ref.url == "https://api.outreach.io/api/v2/tasks/7" and task.id == "7"


def test_unknown_words_map_to_other_and_wrong_types_name_the_field() -> None:
    task = read.to_task(_task(action="hologram", state="levitating"))
    assert task.kind is TaskKind.OTHER and task.vendor_kind == "hologram"
    assert task.status is TaskStatus.OTHER and task.vendor_status == "levitating"
    state = {"type": "sequenceState", "id": 1, "attributes": {"state": "rebooting"}}
    assert read.to_enrollment(state).state is EnrollmentState.OTHER
    with pytest.raises(MappingError, match="vendor_state"):
        read.to_enrollment({**state, "attributes": {"state": ["not", "a", "word"]}})
    with pytest.raises(MappingError, match="due_at") as bad:
        read.to_task(_task(dueAt="next tuesday"))
    assert not isinstance(bad.value, pydantic.ValidationError)
    with pytest.raises(MappingError, match="no id"):
        read.to_target({"type": "prospect", "attributes": {}})


def test_a_prospect_side_loaded_by_many_tasks_is_mapped_once_per_page() -> None:
    prospect = {"type": "prospect", "id": 3, "attributes": {"emails": ["p@example.com"]}}
    doc = Document.parse({"data": [_task(), {**_task(), "id": 8}], "included": [prospect]})
    index = doc.index()
    first, second = (read.to_task(row, index) for row in doc.rows())
    assert first.target is not None and first.target is second.target
    assert first.target.email == "p@example.com"
