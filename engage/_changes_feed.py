"""Polling a tenant for changes, from a checkpoint, with nothing missed or repeated.

One poll reads, per stream, every record changed at or after the stream's ``low``
(a keyset read by update time, whatever order the vendor answers in), skips the
positions the checkpoint says were delivered, and hands out the rest. Only when a
stream's read has walked its whole window does its ``low`` move, and then only to
the newest update read that is not later than ``clock()``, minus ``lag``. A record
that shows up later with an earlier time than the newest one seen (clock skew
between the vendor's servers, a transaction that commits late) is still at or
after ``low``; the vendor's own times bound ``low`` when its clock is behind ours,
and ``clock()`` bounds it against data dated in the future. Positions at or after
``low`` stay in the checkpoint, so those records are not delivered twice.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from ._changes_checkpoint import (
    Checkpoint,
    StreamState,
    decode_checkpoint,
    encode_checkpoint,
    tenant_tag,
)
from ._changes_event import ENTITIES, ChangeEntity, ChangeEvent, ChangeKind, make_position
from ._changes_sources import (
    SOURCES,
    Seen,
    Source,
    deletion_source,
    reports_deletions,
    required_capabilities,
)
from ._changes_tenant import FeedTenant
from ._checkpoints import CheckpointStore
from .errors import InputError

__all__ = ["ChangeFeed", "ChangePoll", "SyncResult"]

DEFAULT_LAG = timedelta(minutes=2)
"""How far behind the vendor's "now" a window's end stays (late commits, clock skew)."""
DEFAULT_ACTIVITY_LAG = timedelta(days=1)
"""Activities are keyed on when they happened, and a call may be logged hours later."""
CREATED_WITHIN = timedelta(seconds=1)
"""A record updated within this of its creation is reported as created."""
# Asked for a little before ``low``: a vendor that truncates the filter's time to the
# second, or compares strictly, still answers the records at ``low`` itself.
_OVERLAP = timedelta(seconds=1)


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class _Stream:
    name: str  # the key in the checkpoint
    entity: ChangeEntity
    source: Source
    deleted: bool
    lag: timedelta


@dataclass(frozen=True)
class SyncResult:
    """What :meth:`ChangeFeed.sync` did: events handled, and whether its commit won."""

    events: int
    committed: bool
    checkpoint: Checkpoint


class ChangePoll(Iterator[ChangeEvent]):
    """The events of one poll, and :attr:`checkpoint`, where the next poll starts.

    ``checkpoint`` covers every event handed out so far: read it after processing
    them, then store it (processing, then committing, is at-least-once: a crash in
    between delivers those events again, with the same positions). It can be taken
    at any time, after the last event or part-way through.
    """

    def __init__(self, feed: ChangeFeed, tag: str, states: dict[str, StreamState]) -> None:
        self._feed = feed
        self._tag = tag
        self._states = states  # settled streams, and the start of those still to read
        self._delivered: dict[str, set[str]] = {}  # per stream being read: handed out
        self._events = self._run()
        self.complete = False

    def __iter__(self) -> ChangePoll:
        return self

    def __next__(self) -> ChangeEvent:
        return next(self._events)

    @property
    def checkpoint(self) -> Checkpoint:
        states = dict(self._states)
        for name, delivered in self._delivered.items():
            # A stream read part-way keeps its window's start, and what it handed out.
            base = states[name]
            states[name] = StreamState(base.low, base.seen | delivered)
        return Checkpoint(encode_checkpoint(self._tag, states))

    def _run(self) -> Iterator[ChangeEvent]:
        for stream in self._feed.streams:
            yield from self._read(stream)
        self.complete = True

    def _read(self, stream: _Stream) -> Iterator[ChangeEvent]:
        feed = self._feed
        state = self._states.setdefault(stream.name, StreamState())
        low = state.low
        now = feed.clock()  # before reading: nothing read can be later than the vendor's now
        delivered = self._delivered[stream.name] = set()
        newest: datetime | None = None
        held: dict[str, Seen] = {}  # ordered: read, not yet handed out
        since = None if low is None else low - _OVERLAP
        for seen in stream.source(feed.tenant, since, feed.page_size):
            if low is not None and seen.moment < low:
                continue  # before the window: delivered by an earlier poll
            if seen.moment <= now:  # a later time is future-dated data, or a clock ahead
                newest = seen.moment if newest is None else max(newest, seen.moment)
            position = make_position(seen.moment, seen.object_type, seen.id, deleted=stream.deleted)
            if position in state.seen or position in delivered or position in held:
                continue  # delivered before, or a repeat within this read
            if feed.ordered:
                held[position] = seen
                continue
            delivered.add(position)
            yield self._event(stream, position, seen, first=low is None)
        for position in sorted(held):
            delivered.add(position)  # handed out: the checkpoint covers it from now on
            yield self._event(stream, position, held[position], first=low is None)
        # The whole window was read: the stream's start may move on.
        upper = None if newest is None else newest - stream.lag
        self._states[stream.name] = StreamState(low, state.seen | delivered).advanced(upper)
        del self._delivered[stream.name]

    def _event(self, stream: _Stream, position: str, seen: Seen, *, first: bool) -> ChangeEvent:
        change: ChangeKind
        if stream.deleted:
            change = "deleted"
        elif first or stream.entity == "activity":
            change = "created"  # new to whoever starts from nothing
        elif seen.created_at is not None and seen.moment - seen.created_at <= CREATED_WITHIN:
            change = "created"
        else:
            change = "updated"
        tenant = self._feed.tenant
        return ChangeEvent(
            tenant=tenant.name,
            vendor=tenant.vendor,
            entity=stream.entity,
            change=change,
            id=seen.id,
            record=seen.record,
            vendor_time=seen.moment,
            position=position,
        )


class ChangeFeed:
    """Changes to one tenant's records, polled from a durable checkpoint.

    ``entities`` defaults to every one the tenant's vendor can list. ``clock`` is
    "now" as the vendor sees it (ours by default): a window never ends later than
    ``clock() - lag``, nor later than the newest update read minus ``lag``.
    ``ordered`` hands each entity's events out in position order (holding one
    window of one entity in memory); ``ordered=False`` hands them out as the vendor
    answers, for backfills too large to hold. ``store`` and ``key`` are for
    :meth:`sync`.
    """

    def __init__(
        self,
        tenant: FeedTenant,
        entities: Iterable[ChangeEntity] | None = None,
        *,
        store: CheckpointStore | None = None,
        key: str | None = None,
        lag: timedelta = DEFAULT_LAG,
        activity_lag: timedelta = DEFAULT_ACTIVITY_LAG,
        clock: Callable[[], datetime] = _now,
        page_size: int | None = None,
        ordered: bool = True,
    ) -> None:
        if lag < timedelta(0) or activity_lag < timedelta(0):
            raise InputError("lag must not be negative")
        self.tenant = tenant
        self.entities = self._entities(tenant, entities)
        self.store = store
        self.key = key or f"{tenant.vendor}/{tenant.name}/{'+'.join(self.entities)}"
        self.clock = clock
        self.page_size = page_size
        self.ordered = ordered
        self.deletions_reported = reports_deletions(tenant.adapter)
        self.streams: list[_Stream] = []
        for entity in self.entities:
            wait = activity_lag if entity == "activity" else lag
            self.streams.append(_Stream(entity, entity, SOURCES[entity], False, wait))
            if self.deletions_reported and entity != "step":
                self.streams.append(
                    _Stream(f"{entity}:deleted", entity, deletion_source(entity), True, lag)
                )
        self._tag = tenant_tag(tenant.vendor, tenant.name)

    @staticmethod
    def _entities(
        tenant: FeedTenant, entities: Iterable[ChangeEntity] | None
    ) -> tuple[ChangeEntity, ...]:
        if entities is None:
            return tuple(
                e for e in ENTITIES if all(tenant.supports(c) for c in required_capabilities(e))
            )
        if isinstance(entities, str):
            raise InputError("entities is a list of entity names, not one string")
        chosen = tuple(dict.fromkeys(entities))
        for entity in chosen:
            if entity not in ENTITIES:
                raise InputError(f"unknown entity {entity!r}: one of {', '.join(ENTITIES)}")
            for capability in required_capabilities(entity):
                if not tenant.supports(capability):
                    raise tenant.adapter.unsupported(capability)
        if not chosen:
            raise InputError("a change feed needs at least one entity")
        return tuple(e for e in ENTITIES if e in chosen)  # one fixed reading order

    def poll(self, since: Checkpoint | str | None = None) -> ChangePoll:
        """The changes after ``since`` (``None``: every record, each as created)."""
        if since is None:
            return ChangePoll(self, self._tag, {})
        tag, states = decode_checkpoint(since)
        if tag != self._tag:
            raise InputError(
                "this checkpoint belongs to another tenant's feed; resume a feed only "
                "with a checkpoint it gave"
            )
        return ChangePoll(self, self._tag, states)

    def load(self) -> Checkpoint | None:
        """The checkpoint last committed to the store under :attr:`key`."""
        text = self._store().get(self.key)
        return None if text is None else Checkpoint(text)

    def sync(
        self, handle: Callable[[ChangeEvent], object], *, commit_every: int | None = None
    ) -> SyncResult:
        """Poll from the stored checkpoint, ``handle`` each event, commit the new one.

        The commit is a compare-and-set against the checkpoint read at the start:
        when another worker committed first, nothing is written and ``committed``
        is ``False`` (the events handled here were handled there too). With
        ``commit_every=N`` progress is committed every N events, so a crash in a
        long first poll loses at most N events' work. If ``handle`` raises, nothing
        more is committed and the exception propagates: those events come again.
        """
        if commit_every is not None and commit_every < 1:
            raise InputError("commit_every must be at least 1")
        store = self._store()
        expected = store.get(self.key)
        poll = self.poll(expected)
        count = 0
        for event in poll:
            handle(event)
            count += 1
            if commit_every and count % commit_every == 0:
                progress = str(poll.checkpoint)
                if not store.commit(self.key, expected, progress):
                    return SyncResult(count, False, poll.checkpoint)
                expected = progress
        final = poll.checkpoint
        return SyncResult(count, store.commit(self.key, expected, str(final)), final)

    def _store(self) -> CheckpointStore:
        if self.store is None:
            raise InputError("this feed has no checkpoint store: pass store= to ChangeFeed")
        return self.store

    def __repr__(self) -> str:
        entities = ", ".join(self.entities)
        return f"ChangeFeed(tenant={self.tenant.name!r}, entities=[{entities}])"
