"""Resuming the change feed: stopped or failed half-way, ties at the window's edge,
expired Salesforce locators, unordered lists and clocks that disagree."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterator
from datetime import datetime, timedelta
from itertools import islice

import httpx
import pytest
from engage_sandbox import SandboxOptions
from engage_testing import inprocess_engage

from engage import Engage, EngageError, TenantClient, ValidationError
from engage import _changes_sources as sources
from engage.changes import ChangeEvent, ChangeFeed, MemoryCheckpointStore
from tests.test_changes import SMALL, VENDORS, changed, key, snapshot, world, write_some


def positions(events: list[ChangeEvent]) -> set[tuple[str, str]]:
    return {(e.entity, e.position) for e in events}


@pytest.mark.parametrize("ordered", [True, False], ids=["ordered", "as-answered"])
@pytest.mark.parametrize("vendor", VENDORS)
def test_a_poll_stopped_half_way_resumes_with_nothing_lost_or_repeated(
    vendor: str, ordered: bool
) -> None:
    engage, tenant, options = world(vendor)
    with engage:
        truth = snapshot(tenant)
        feed = ChangeFeed(tenant, clock=options.clock.now, ordered=ordered)
        poll = feed.poll(None)
        half = list(islice(poll, len(truth) // 2))
        saved = str(poll.checkpoint)  # the caller processed `half`, then committed
        del poll
        rest = list(feed.poll(saved))
    assert len(half) == len(truth) // 2
    assert Counter(key(e) for e in half + rest) == Counter(truth.keys())


def _fault(transport: httpx.BaseTransport, method: str, **rule: object) -> None:
    # The emulator's admin route, answered in-process like every other request.
    request = httpx.Request(method, "https://sandbox.test/_sandbox/faults", json=rule or None)
    assert transport.handle_request(request).status_code == 200


@pytest.mark.parametrize("vendor", VENDORS)
def test_a_vendor_failing_mid_read_then_a_resume_delivers_every_change_once_by_position(
    vendor: str,
) -> None:
    options = SandboxOptions(size=SMALL)
    engage, transport = inprocess_engage(vendor, options=options)
    store = MemoryCheckpointStore()
    sink: list[ChangeEvent] = []
    with engage:
        tenant = engage.tenant("test")
        truth = snapshot(tenant)
        feed = ChangeFeed(tenant, clock=options.clock.now, store=store, ordered=False)
        # Every request from the 12th on fails, past the retries: the vendor is down.
        _fault(transport, "POST", kind="status", status=503, times=0, after=12)
        with pytest.raises(EngageError):
            feed.sync(sink.append, commit_every=7)
        interrupted = len(sink)
        _fault(transport, "DELETE")
        result = feed.sync(sink.append, commit_every=7)
        assert result.committed
        assert list(feed.poll(feed.load())) == []
    assert 0 < interrupted < len(truth)
    assert len(sink) >= len(truth)  # at least once: what was not committed comes again
    once = {(e.entity, e.position): e for e in sink}
    assert Counter(key(e) for e in once.values()) == Counter(truth.keys())


def test_the_checkpoint_after_a_failed_read_covers_only_what_was_handed_out() -> None:
    """Ordered: a window is read whole before its events go out; a failure part-way
    through the read hands out none of it, and the checkpoint claims none of it."""
    options = SandboxOptions(size=SMALL)
    engage, transport = inprocess_engage("salesloft", options=options)
    with engage:
        tenant = engage.tenant("test")
        truth = snapshot(tenant)
        feed = ChangeFeed(tenant, clock=options.clock.now)
        poll = feed.poll(None)
        got: list[ChangeEvent] = []
        _fault(transport, "POST", kind="status", status=503, times=0, after=20)
        with pytest.raises(EngageError):
            got.extend(poll)  # the events handed out before the failure stay in `got`
        _fault(transport, "DELETE")
        rest = list(feed.poll(poll.checkpoint))
    assert 0 < len(got) < len(truth)
    assert Counter(key(e) for e in got + rest) == Counter(truth.keys())


@pytest.mark.parametrize("vendor", VENDORS)
def test_records_sharing_the_window_edge_time_are_neither_lost_nor_repeated(vendor: str) -> None:
    # The clock stands still: every write lands on the same timestamp as the edge.
    engage, tenant, options = world(vendor, tick=timedelta(0))
    with engage:
        feed = ChangeFeed(tenant, ["task"], clock=options.clock.now, lag=timedelta(0))
        first = feed.poll(None)
        list(first)
        anyone = tenant.targets.list(limit=1).first()
        assert anyone is not None
        due = options.clock.now() + timedelta(days=1)

        def create(count: int) -> set[str]:
            return {
                tenant.tasks.create(target_id=anyone.id, subject=f"Tie {i}", due_at=due).id
                for i in range(count)
            }

        batch1 = create(6)
        second = feed.poll(first.checkpoint)
        got1 = list(second)
        batch2 = create(6)
        third = feed.poll(second.checkpoint)
        part = list(islice(third, 2))
        saved = third.checkpoint
        rest = list(feed.poll(saved))
    assert {e.id for e in got1} == batch1
    stamps = {e.vendor_time for e in got1 + part + rest}
    assert stamps == {options.clock.now()}  # one shared time: a real tie
    assert sorted(e.id for e in part + rest) == sorted(batch2)


def test_a_salesforce_checkpoint_outlives_the_query_locators_it_read_through() -> None:
    engage, tenant, options = world("salesforce", size=1.0)
    with engage:
        truth = {k for k in snapshot(tenant) if k[0] == "target"}
        # What a saved vendor cursor does a while later: its locator has expired.
        pager = tenant.targets.list(page_size=200)  # the smallest batch Salesforce takes
        list(islice(pager, 250))  # into the second page: its locator is in the cursor
        cursor = pager.cursor
        assert cursor is not None
        options.clock.advance(timedelta(hours=1))
        with pytest.raises(ValidationError, match="INVALID_QUERY_LOCATOR"):
            list(tenant.targets.list(cursor=cursor))
        # The feed keeps no locator: the same wait, then a resume, reads on by time.
        feed = ChangeFeed(tenant, ["target"], clock=options.clock.now, page_size=200, ordered=False)
        poll = feed.poll(None)
        half = list(islice(poll, 250))
        saved = poll.checkpoint
        options.clock.advance(timedelta(hours=1))
        rest = list(feed.poll(saved))
    assert Counter(key(e) for e in half + rest) == Counter(truth)


def test_an_unordered_list_stopped_half_way_loses_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    """A list in no time order: the newest time among what was read is no checkpoint."""
    real = sources.SOURCES["task"]

    def shuffled(
        t: TenantClient, since: datetime | None, size: int | None
    ) -> Iterator[sources.Seen]:
        seen = list(real(t, since, size))
        random.Random(5).shuffle(seen)
        return iter(seen)

    monkeypatch.setitem(sources.SOURCES, "task", shuffled)
    engage, tenant, options = world("salesloft")
    with engage:
        truth = {k for k in snapshot(tenant) if k[0] == "task"}
        feed = ChangeFeed(tenant, ["task"], clock=options.clock.now, ordered=False)
        poll = feed.poll(None)
        half = list(islice(poll, len(truth) // 3))
        moments = [e.vendor_time for e in half]
        assert moments != sorted(moments)  # the list really is unordered
        rest = list(feed.poll(poll.checkpoint))
    assert Counter(key(e) for e in half + rest) == Counter(truth)


def _next_changes(
    engage: Engage, tenant: TenantClient, feed: ChangeFeed, options: SandboxOptions
) -> tuple[set[tuple[str, str, str]], list[ChangeEvent]]:
    with engage:
        first = feed.poll(None)
        list(first)
        before = snapshot(tenant)
        write_some(tenant, options.clock.now())
        after = snapshot(tenant)
        return changed(before, after), list(feed.poll(first.checkpoint))


@pytest.mark.parametrize("vendor", VENDORS)
def test_a_vendor_clock_behind_ours_loses_nothing(vendor: str) -> None:
    engage, tenant, options = world(vendor)
    ours = lambda: options.clock.now() + timedelta(hours=1)  # noqa: E731
    expected, events = _next_changes(engage, tenant, ChangeFeed(tenant, clock=ours), options)
    assert Counter(key(e) for e in events) == Counter(expected)


def test_seed_data_dated_after_the_vendor_clock_does_not_hide_later_changes() -> None:
    engage, tenant, options = world("outreach")
    future = [t for t in tenant.tasks.list() if t.updated_at and t.updated_at > options.clock.now()]
    assert future  # the Outreach seeds carry tasks updated up to a month ahead
    feed = ChangeFeed(tenant, clock=options.clock.now)
    expected, events = _next_changes(engage, tenant, feed, options)
    assert Counter(key(e) for e in events) == Counter(expected)


@pytest.mark.parametrize("vendor", VENDORS)
def test_a_change_stamped_before_the_newest_one_seen_is_still_delivered(vendor: str) -> None:
    """Within the lag: a write that commits late, or another vendor server's clock."""
    engage, tenant, options = world(vendor)
    feed = ChangeFeed(tenant, clock=options.clock.now)
    with engage:
        first = feed.poll(None)
        now = options.clock.now()
        newest = max(e.vendor_time for e in first if e.vendor_time <= now)
        before = snapshot(tenant)
        # The vendor now stamps writes 30 s before the newest update already read.
        options.clock.advance(newest - options.clock.now() - timedelta(seconds=30))
        made = write_some(tenant, options.clock.now())
        after = snapshot(tenant)
        events = list(feed.poll(first.checkpoint))
    created = next(e for e in events if e.id == made["task"])
    assert created.vendor_time < newest
    assert Counter(key(e) for e in events) == Counter(changed(before, after))
