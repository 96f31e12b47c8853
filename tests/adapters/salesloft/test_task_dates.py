"""A manual task's due time: Salesloft takes a date (``due_date``, YYYY-MM-DD) and a
reminder (``remind_at``, a datetime); engage sends the caller's date and carries the
time of day in the reminder, and reads the two back as the same moment."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest
from engage_salesloft import _read as r
from engage_salesloft import _write as w
from engage_testing import Recorder

from engage import InputError, TaskInput, TenantClient

pytestmark = pytest.mark.engage_vendor("salesloft")

NEW_YORK = timezone(timedelta(hours=-5))
TOKYO = timezone(timedelta(hours=9))


def _bodies(rec: Recorder, method: str) -> list[dict[str, Any]]:
    return [
        json.loads(req.body)
        for req in rec.cassette.requests
        if req.method == method and req.path.startswith("/v2/tasks")
    ]


def test_create_and_reschedule_send_the_callers_date_and_the_time_as_reminder(
    engage_recorder: Callable[..., Recorder],
) -> None:
    with engage_recorder("salesloft") as rec:
        t = rec.tenant
        person = t.targets.list(page_size=1, limit=1).to_list()[0]
        # 21:30 in New York on the 20th is 02:30 UTC on the 21st: the task is due the 20th.
        due = datetime(2026, 1, 20, 21, 30, tzinfo=NEW_YORK)
        task = t.tasks.create(target_id=person.id, subject="Call back", kind="call", due_at=due)
        assert task.due_at == due
        assert t.tasks.get(task.id).due_at == due
        # 08:00 in Tokyo on the 25th is 23:00 UTC on the 24th.
        later = datetime(2026, 1, 25, 8, 0, tzinfo=TOKYO)
        moved = t.tasks.reschedule(task.id, due_at=later)
        assert moved.due_at == later
        window = t.tasks.list(
            target_id=person.id,
            origin="manual",
            due_after=later - timedelta(minutes=1),
            due_before=later + timedelta(minutes=1),
        ).to_list()
        assert task.id in {x.id for x in window}
        created, rescheduled = _bodies(rec, "POST"), _bodies(rec, "PUT")
    assert created[0]["due_date"] == "2026-01-20"
    assert created[0]["remind_at"] == "2026-01-21T02:30:00+00:00"
    assert rescheduled == [{"due_date": "2026-01-25", "remind_at": "2026-01-24T23:00:00+00:00"}]


def test_naive_datetimes_are_refused_before_any_request(engage_tenant: TenantClient) -> None:
    naive = datetime(2026, 1, 20, 9, 0)
    with pytest.raises(InputError, match="timezone-aware"):
        engage_tenant.tasks.create(target_id="1", subject="s", due_at=naive)
    with pytest.raises(InputError, match="timezone-aware"):
        engage_tenant.tasks.reschedule("9000001", due_at=naive)
    with pytest.raises(InputError, match="timezone-aware"):
        engage_tenant.tasks.snooze("9000001", until=naive)


def test_the_write_helpers_refuse_naive_datetimes_and_send_dates_as_they_are() -> None:
    # The adapter's own guard, for callers that reach it without the neutral API.
    naive = datetime(2026, 1, 20, 9, 0)
    with pytest.raises(InputError, match="timezone-aware"):
        w.due_fields(naive)
    with pytest.raises(InputError, match="timezone-aware"):
        w.task_snooze_payload(naive)
    assert w.due_fields(date(2026, 1, 20)) == {"due_date": "2026-01-20"}
    assert w.task_reschedule_payload(datetime(2026, 1, 20, 23, 0, tzinfo=UTC)) == {
        "due_date": "2026-01-20",
        "remind_at": "2026-01-20T23:00:00+00:00",
    }
    data = TaskInput(target_id="1", subject="s", due_at=datetime(2026, 1, 20, 0, 30, tzinfo=TOKYO))
    payload = w.task_payload(data, "1001")
    assert (payload["due_date"], payload["remind_at"]) == (
        "2026-01-20",
        "2026-01-19T15:30:00+00:00",
    )


def _task(**fields: Any) -> dict[str, Any]:
    return {"id": 1, "task_type": "call", "current_state": "scheduled", **fields}


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        # A date alone: the start of that day in UTC.
        ({"due_date": "2026-01-20"}, datetime(2026, 1, 20, tzinfo=UTC)),
        # The reminder is the due time when it falls on the due date somewhere on Earth...
        (
            {"due_date": "2026-01-20", "remind_at": "2026-01-21T02:30:00.000000+00:00"},
            datetime(2026, 1, 21, 2, 30, tzinfo=UTC),
        ),
        (
            {"due_date": "2026-01-20", "remind_at": "2026-01-19T10:00:00.000000+00:00"},
            datetime(2026, 1, 19, 10, tzinfo=UTC),
        ),
        (
            {"due_date": "2026-01-20", "remind_at": "2026-01-21T11:59:00.000000+00:00"},
            datetime(2026, 1, 21, 11, 59, tzinfo=UTC),
        ),
        # ...and not when no UTC offset (-12:00 to +14:00) puts it on that date.
        (
            {"due_date": "2026-01-20", "remind_at": "2026-01-19T09:59:00.000000+00:00"},
            datetime(2026, 1, 20, tzinfo=UTC),
        ),
        (
            {"due_date": "2026-01-20", "remind_at": "2026-01-21T12:00:00.000000+00:00"},
            datetime(2026, 1, 20, tzinfo=UTC),
        ),
        # Salesloft's own due_at comes first, on the same terms.
        (
            {
                "due_date": "2026-01-20",
                "due_at": "2026-01-20T15:00:00.000000+00:00",
                "remind_at": "2026-01-20T14:45:00.000000+00:00",
            },
            datetime(2026, 1, 20, 15, tzinfo=UTC),
        ),
        (
            {
                "due_date": "2026-01-25",
                "due_at": "2026-01-20T15:00:00.000000+00:00",
                "remind_at": "2026-01-25T09:00:00.000000-05:00",
            },
            datetime(2026, 1, 25, 14, tzinfo=UTC),
        ),
        # No due date: due_at if Salesloft gave one, else nothing.
        ({"due_at": "2026-01-20T15:00:00.000000+00:00"}, datetime(2026, 1, 20, 15, tzinfo=UTC)),
        ({"remind_at": "2026-01-20T15:00:00.000000+00:00"}, None),
    ],
)
def test_due_time_read_back(fields: dict[str, Any], expected: datetime | None) -> None:
    assert r.task(_task(**fields)).due_at == expected


@pytest.mark.parametrize("hours", [-12, -5, 0, 5.5, 9, 14])
@pytest.mark.parametrize("minute_of_day", [0, 1, 719, 1439])
def test_what_is_written_reads_back_as_the_same_moment(hours: float, minute_of_day: int) -> None:
    zone = timezone(timedelta(hours=hours))
    due = datetime(2026, 3, 1, tzinfo=zone) + timedelta(minutes=minute_of_day)
    sent = w.due_fields(due)
    raw = _task(due_date=sent["due_date"], remind_at=sent["remind_at"])
    assert r.task(raw).due_at == due
