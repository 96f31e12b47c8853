"""The change feed's contract: deletions and their capability, the checkpoint's
opacity and checks, the event's shape, and sync's compare-and-set commits."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from itertools import islice

import pytest
from engage_outreach import OutreachAdapter
from engage_salesforce import SalesforceAdapter
from engage_salesloft import SalesloftAdapter
from engage_testing import inprocess_engage

from engage import InputError, UnsupportedOperationError
from engage.adapter import Adapter
from engage.changes import (
    ChangeEntity,
    ChangeEvent,
    ChangeFeed,
    Checkpoint,
    Deletion,
    MemoryCheckpointStore,
    reports_deletions,
)
from engage.pagination import Page, Pager
from tests.test_changes import world


@pytest.mark.parametrize("adapter", [SalesloftAdapter, OutreachAdapter, SalesforceAdapter])
def test_no_vendor_adapter_reports_deletions_yet(adapter: type[Adapter]) -> None:
    assert not reports_deletions(adapter)


def test_a_feed_says_when_deletions_go_unreported_and_what_to_do_instead() -> None:
    engage, tenant, options = world("salesloft")
    with engage:
        feed = ChangeFeed(tenant, ["task"], clock=options.clock.now)
        assert feed.deletions_reported is False
        assert [s.name for s in feed.streams] == ["task"]
        with pytest.raises(UnsupportedOperationError, match="list the ids periodically"):
            tenant.adapter.list_deleted("task", None)


DELETED: list[Deletion] = []


class _Deleting(SalesloftAdapter):
    """The in-process Salesloft adapter, taught to report deletions from a list."""

    def list_deleted(self, entity: ChangeEntity, since: datetime | None) -> Pager[Deletion]:
        if entity != "task":
            raise self.unsupported_deletions()
        found: Sequence[Deletion] = [
            d for d in DELETED if d.entity == entity and (since is None or d.deleted_at >= since)
        ]
        return Pager(lambda cursor: Page(found))

    def unsupported_deletions(self) -> UnsupportedOperationError:
        return UnsupportedOperationError(self.vendor, "changes.deletions")


def test_an_adapter_that_lists_deletions_feeds_deleted_events_once() -> None:
    assert reports_deletions(_Deleting)
    engage, tenant, options = world("salesloft")
    with engage:
        tenant.adapter.__class__ = _Deleting
        feed = ChangeFeed(tenant, ["task", "enrollment"], clock=options.clock.now)
        assert feed.deletions_reported
        now = options.clock.now()
        DELETED[:] = [Deletion(entity="task", id="9000001", object_type="task", deleted_at=now)]
        first = feed.poll(None)
        gone = [e for e in first if e.change == "deleted"]
        DELETED.append(
            Deletion(entity="task", id="9000002", object_type="task", deleted_at=now + timedelta(1))
        )
        again = [e for e in feed.poll(first.checkpoint) if e.change == "deleted"]
    assert [(e.entity, e.id, e.record) for e in gone] == [("task", "9000001", None)]
    assert [e.id for e in again] == ["9000002"]


def test_a_checkpoint_is_opaque_versioned_and_checked() -> None:
    engage, tenant, options = world("salesloft")
    with engage:
        feed = ChangeFeed(tenant, ["sequence"], clock=options.clock.now)
        poll = feed.poll(None)
        list(poll)
        token = str(poll.checkpoint)
        assert token.startswith("ecp1.")
        assert "Checkpoint(" in repr(poll.checkpoint) and token not in repr(poll.checkpoint)
        assert Checkpoint.parse(token) == poll.checkpoint
        for bad in ("", "ecp1.", "ecp2." + token[5:], token[:-4] + "AAAA", "garbage"):
            with pytest.raises(InputError, match="checkpoint"):
                feed.poll(bad)
    other_engage, _ = inprocess_engage("salesloft", tenant="acme")
    with other_engage:
        other = ChangeFeed(other_engage.tenant("acme"), ["sequence"])
        with pytest.raises(InputError, match="another tenant"):
            other.poll(token)


def test_a_feed_refuses_what_it_cannot_read() -> None:
    engage, tenant, _ = world("salesloft")
    with engage:
        with pytest.raises(InputError, match="unknown entity"):
            ChangeFeed(tenant, ["account"])  # type: ignore[list-item]
        with pytest.raises(InputError, match="not one string"):
            ChangeFeed(tenant, "task")  # type: ignore[arg-type]
        with pytest.raises(InputError, match="negative"):
            ChangeFeed(tenant, lag=timedelta(seconds=-1))
        with pytest.raises(InputError, match="no checkpoint store"):
            ChangeFeed(tenant).load()


def test_an_event_is_a_creation_update_or_deletion_with_the_matching_payload() -> None:
    when = datetime(2026, 1, 1, tzinfo=UTC)
    engage, tenant, _ = world("salesloft")
    with engage:
        record = tenant.sequences.list(limit=1).first()
    with pytest.raises(ValueError, match="only the id"):
        ChangeEvent(
            tenant="t",
            vendor="v",
            entity="sequence",
            change="deleted",
            id="1",
            record=record,
            vendor_time=when,
            position="p",
        )
    with pytest.raises(ValueError, match="carries the record"):
        ChangeEvent(
            tenant="t",
            vendor="v",
            entity="task",
            change="updated",
            id="1",
            vendor_time=when,
            position="p",
        )


def test_sync_commits_once_per_window_and_a_second_worker_loses_the_race() -> None:
    engage, tenant, options = world("salesloft")
    store = MemoryCheckpointStore()
    with engage:
        a = ChangeFeed(tenant, ["sequence", "task"], store=store, clock=options.clock.now)
        b = ChangeFeed(tenant, ["sequence", "task"], store=store, clock=options.clock.now)
        assert a.key == b.key
        handled_by_b: list[ChangeEvent] = []

        def a_handles(event: ChangeEvent) -> None:
            if not handled_by_b:  # b polls the same window and commits first
                assert b.sync(handled_by_b.append).committed

        lost = a.sync(a_handles)
        assert lost.committed is False
        assert store.get(a.key) == str(b.load())
        assert lost.events == len(handled_by_b) > 0
        # The next window starts where b committed: nothing left.
        assert a.sync(lambda e: None).events == 0


def test_sync_commit_every_keeps_progress_made_before_a_failing_handler() -> None:
    engage, tenant, options = world("salesloft")
    store = MemoryCheckpointStore()
    with engage:
        feed = ChangeFeed(tenant, ["task"], store=store, clock=options.clock.now, ordered=False)
        total = len(list(feed.poll(None)))
        seen: list[ChangeEvent] = []

        def fail_at_25(event: ChangeEvent) -> None:
            if len(seen) == 25:
                raise RuntimeError("the sink is down")
            seen.append(event)

        with pytest.raises(RuntimeError):
            feed.sync(fail_at_25, commit_every=10)
        rest: list[ChangeEvent] = []
        feed.sync(rest.append)
    assert len(rest) == total - 20  # the commit after 20 held; events 21-25 come again
    assert {e.position for e in seen[:20]}.isdisjoint(e.position for e in rest)
    assert len(list(islice(seen, 25))) == 25


def test_the_tenant_offers_its_change_feed() -> None:
    """``tenant.changes(since)`` is the feed's poll: a checkpoint string resumes it."""
    from engage_testing import inprocess_engage

    engage, _ = inprocess_engage("salesloft")
    with engage:
        tenant = engage.tenant("test")
        first = tenant.changes(entities=["sequence"])
        delivered = [event.id for event in first]
        assert delivered and len(delivered) == len(set(delivered))
        again = list(tenant.changes(str(first.checkpoint), entities=["sequence"]))
        assert again == []
