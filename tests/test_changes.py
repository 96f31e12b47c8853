"""The change feed against the in-process emulators of all three vendors: a first poll
delivers every record once, and the next one exactly what changed since.

The truth each poll is checked against is a full listing of the emulator, taken
independently of the feed: records new or with a new update time since the last
listing are the changes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

import pytest
from engage_sandbox import SandboxOptions
from engage_testing import inprocess_engage

from engage import Engage, TenantClient
from engage.changes import ChangeEvent, ChangeFeed, Checkpoint
from engage.models import Record

VENDORS = ("salesloft", "outreach", "salesforce")
SMALL = 0.1  # a tenth of the demo data: every list still spans several pages

Key = tuple[str, str, str]  # entity, vendor object type, id


def world(
    vendor: str, *, size: float = SMALL, **clock: Any
) -> tuple[Engage, TenantClient, SandboxOptions]:
    from engage_sandbox import SandboxClock

    options = SandboxOptions(size=size, clock=SandboxClock(**clock))
    engage, _ = inprocess_engage(vendor, options=options)
    return engage, engage.tenant("test"), options


def snapshot(tenant: TenantClient) -> dict[Key, datetime | None]:
    """Every record the emulator holds, with the time a change to it moves."""

    def add(entity: str, records: Iterable[Record], when: str) -> None:
        for record in records:
            found[(entity, record.ref.object_type, record.id)] = getattr(record, when)

    found: dict[Key, datetime | None] = {}
    add("target", tenant.targets.list(), "updated_at")
    sequences = tenant.sequences.list().to_list()
    add("sequence", sequences, "updated_at")
    for sequence in sequences:
        for step in tenant.sequences.steps(sequence.id):
            found[("step", step.ref.object_type, step.id)] = sequence.updated_at
    add("enrollment", tenant.enrollments.list(), "updated_at")
    add("task", tenant.tasks.list(), "updated_at")
    add("activity", tenant.activities.list(), "occurred_at")
    return found


def changed(before: dict[Key, datetime | None], after: dict[Key, datetime | None]) -> set[Key]:
    return {key for key, when in after.items() if key not in before or before[key] != when}


def key(event: ChangeEvent) -> Key:
    assert event.record is not None
    return (event.entity, event.record.ref.object_type, event.id)


def unique_positions(events: list[ChangeEvent]) -> None:
    counts = Counter((e.entity, e.position) for e in events)
    assert [p for p, n in counts.items() if n > 1] == []


def write_some(tenant: TenantClient, now: datetime) -> dict[str, str]:
    """A task created, a target enrolled, a task completed, a call logged."""
    enrolled = {e.target_id for e in tenant.enrollments.list()}
    sequence = next(s for s in tenant.sequences.list() if s.active is not False)
    free = next(t for t in tenant.targets.list() if t.id not in enrolled)
    anyone = tenant.targets.list(limit=1).first()
    assert anyone is not None
    task = tenant.tasks.create(
        target_id=anyone.id, subject="Call back about pricing", due_at=now + timedelta(days=2)
    )
    enrollment = tenant.enrollments.enroll(target_id=free.id, sequence_id=sequence.id)
    open_task = next(
        t for t in tenant.tasks.list(status="open") if t.id != task.id and t.origin == "manual"
    )
    completed = tenant.tasks.complete(open_task.id)
    tenant.activities.log_call(target_id=anyone.id, notes="Spoke about pricing")
    return {"task": task.id, "enrollment": enrollment.id, "completed": completed.id}


@pytest.mark.parametrize("vendor", VENDORS)
def test_a_first_poll_delivers_every_record_once_as_created(vendor: str) -> None:
    engage, tenant, options = world(vendor)
    with engage:
        truth = snapshot(tenant)
        events = list(ChangeFeed(tenant, clock=options.clock.now).poll(None))
    unique_positions(events)
    assert Counter(key(e) for e in events) == Counter(truth.keys())
    assert {e.change for e in events} == {"created"}
    assert {e.entity for e in events} == {
        "target",
        "sequence",
        "step",
        "enrollment",
        "task",
        "activity",
    }
    # In position order within each entity, and every position keyed on the vendor time.
    for entity in {e.entity for e in events}:
        positions = [e.position for e in events if e.entity == entity]
        assert positions == sorted(positions)
    assert all(e.tenant == "test" and e.vendor == vendor for e in events)


@pytest.mark.parametrize("vendor", VENDORS)
def test_the_next_poll_delivers_exactly_what_changed(vendor: str) -> None:
    engage, tenant, options = world(vendor)
    with engage:
        feed = ChangeFeed(tenant, clock=options.clock.now)
        first = feed.poll(None)
        list(first)
        before = snapshot(tenant)
        made = write_some(tenant, options.clock.now())
        after = snapshot(tenant)
        second = feed.poll(first.checkpoint)
        events = list(second)
        third = list(feed.poll(second.checkpoint))
    expected = changed(before, after)
    assert {k[0] for k in expected} >= {"task", "enrollment", "activity"}
    unique_positions(events)
    assert Counter(key(e) for e in events) == Counter(expected)
    by_id = {(e.entity, e.id): e for e in events}
    assert by_id[("task", made["task"])].change == "created"
    assert by_id[("enrollment", made["enrollment"])].change == "created"
    assert by_id[("task", made["completed"])].change == "updated"
    assert third == []


@pytest.mark.parametrize("vendor", VENDORS)
def test_a_checkpoint_survives_a_restart(vendor: str) -> None:
    """Only the checkpoint's text crosses the restart: a new Engage, a new feed."""
    from engage_sandbox import sandbox_for
    from engage_testing import AppTransport, canonical_origin

    from engage import MemoryTokenStore
    from engage._transport import NullPacer  # what inprocess_engage passes too

    options = SandboxOptions(size=SMALL)
    transport = AppTransport(sandbox_for(vendor).create_app(options))  # the vendor lives on
    settings = sandbox_for(vendor).tenant_settings(canonical_origin(vendor))

    def start() -> Engage:
        return Engage(
            {"test": {"vendor": vendor, **settings}},
            http_transport=transport,
            token_store=MemoryTokenStore(),
            pacer=NullPacer(),
            sleep=options.clock.advance,
            clock=options.clock.now,
        )

    with start() as engage:
        tenant = engage.tenant("test")
        poll = ChangeFeed(tenant, clock=options.clock.now).poll(None)
        list(poll)
        saved = str(poll.checkpoint)
        before = snapshot(tenant)
        write_some(tenant, options.clock.now())
        after = snapshot(tenant)
    with start() as engage:
        tenant = engage.tenant("test")
        events = list(ChangeFeed(tenant, clock=options.clock.now).poll(Checkpoint.parse(saved)))
    assert Counter(key(e) for e in events) == Counter(changed(before, after))
