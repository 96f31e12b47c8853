"""Activity operations: Outreach's mailings, calls and prospect notes, merged by time.

Each kind is its own collection, sorted by its own timestamp on the server. The
pager does a k-way merge over those lazily paged streams: it only emits an
item when every stream that may still hold an earlier one has a page in hand,
so the merged order is correct without reading any stream ahead. The cursor
records, per stream, the page being read and how many of its items are spent,
so a resumed pager refetches at most one page per stream. (A single
``links.next`` per cursor, as ``LinkPaginator`` keeps, cannot say that.)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from engage import (
    Activity,
    ActivityKind,
    ActivityQuery,
    CallInput,
    InputError,
    NoteInput,
    Page,
    Pager,
)
from engage.transport import decode_cursor, encode_cursor

from . import _read as r
from . import _write as w
from ._api import API, Session
from ._wire import Document


@dataclass(frozen=True)
class Stream:
    kind: ActivityKind
    path: str
    time_attr: str  # server-side sort and filter key; it is also ``occurred_at``
    owner_filter: str | None
    mapper: Callable[[Mapping[str, Any]], Activity]


STREAMS = (
    Stream(ActivityKind.EMAIL, f"{API}/mailings", "deliveredAt", "user", r.to_mailing_activity),
    Stream(ActivityKind.CALL, f"{API}/calls", "createdAt", "user", r.to_call_activity),
    Stream(ActivityKind.NOTE, f"{API}/prospectNotes", "createdAt", None, r.to_note_activity),
)
DEFAULT_KINDS = (ActivityKind.EMAIL, ActivityKind.CALL)  # notes only when asked for
_EPOCH = datetime.min.replace(tzinfo=UTC)


def streams_for(query: ActivityQuery) -> list[Stream]:
    kinds = query.kinds or DEFAULT_KINDS
    known = {s.kind: s for s in STREAMS}
    missing = [k.value for k in kinds if k not in known]
    if missing:
        raise InputError(
            f"Outreach has no activities of kind {', '.join(missing)}; "
            f"it lists {', '.join(k.value for k in known)}"
        )
    chosen = [s for s in STREAMS if s.kind in kinds]
    if query.owner_id:
        blind = [s.kind.value for s in chosen if s.owner_filter is None]
        if blind:
            raise InputError(f"Outreach cannot filter {', '.join(blind)} activities by owner_id")
    return chosen


Fetch = Callable[[str, Mapping[str, str] | None], Document]


class Merger:
    """The fetch function of the merged pager (see the module docstring)."""

    def __init__(self, streams: list[Stream], query: ActivityQuery, session: Session):
        self.streams = streams
        self.query = query
        # Requests ask for the query's page_size, or the tenant's default (which may
        # shrink after a failed large page); merged pages hold as many as asked then.
        self.size = query.page_size or session.page_size
        self.get: Fetch = (
            session.get if query.page_size or not session.adaptive else session.default_page
        )
        self.request_size = query.page_size or (None if session.adaptive else session.page_size)
        # The last page read per stream, so that iterating in order reads each once.
        self._pages: dict[str, tuple[list[Activity], str | None]] = {}

    def _page(self, stream: Stream, url: str | None) -> tuple[list[Activity], str | None]:
        key = f"{stream.kind.value} {url}"
        if key not in self._pages:
            if url is None:
                params = w.activity_params(
                    self.query,
                    time_attr=stream.time_attr,
                    owner_filter=stream.owner_filter,
                    size=self.request_size,
                )
                doc = self.get(stream.path, params)
            else:
                doc = self.get(url, None)
            items = [stream.mapper(row) for row in doc.rows()]
            self._pages = {k: v for k, v in self._pages.items() if not k.startswith(stream.kind)}
            self._pages[key] = (items, doc.next_url if items else None)
        return self._pages[key]

    def __call__(self, cursor: str | None) -> Page[Activity]:
        state: dict[str, Any] = (
            decode_cursor(cursor)["s"]
            if cursor
            else {s.kind.value: {"url": None, "used": 0} for s in self.streams}
        )
        heads: dict[str, tuple[list[Activity], str | None]] = {}
        for stream in self.streams:
            pos = state.get(stream.kind.value)
            if pos is not None:
                items, nxt = self._page(stream, pos["url"])
                heads[stream.kind.value] = (items[pos["used"] :], nxt)
        out: list[Activity] = []
        while len(out) < self.size:
            live = {k: v for k, v in heads.items() if v[0]}
            # Stop when a stream with more pages has run dry: its next item may be earlier.
            if not live or any(not v[0] and v[1] for v in heads.values()):
                break
            name = min(live, key=lambda k: (live[k][0][0].occurred_at or _EPOCH, k))
            items, nxt = heads[name]
            out.append(items[0])
            heads[name] = (items[1:], nxt)
            state[name] = {**state[name], "used": state[name]["used"] + 1}
        for name, (items, nxt) in heads.items():
            if not items:
                state[name] = {"url": nxt, "used": 0} if nxt else None
        more = any(v is not None for v in state.values())
        return Page(out, encode_cursor({"s": state}) if more else None)


# How far Outreach's clock may be behind ours when a logged call or note is looked for.
CLOCK_SKEW = timedelta(minutes=5)


class ActivityOperations:
    def __init__(self, session: Session) -> None:
        self.session = session

    def pager(self, query: ActivityQuery) -> Pager[Activity]:
        w.check_ids(query)  # now, not when the first page is read
        streams = streams_for(query)
        return Pager(Merger(streams, query, self.session))

    def log_call(self, data: CallInput) -> Activity:
        w.check_ids(data)
        body = w.call_body(data)
        since = self.session.http.retry.now() - CLOCK_SKEW

        def lookup() -> Activity | None:
            # The same prospect, note and direction, created since the first try.
            for row in self.session.get(f"{API}/calls", w.recent_params(data.target_id)).rows():
                found = r.to_call_activity(row)
                same_way = (row.get("attributes") or {}).get("direction") == data.direction.value
                if same_way and r.is_logged(found, data.target_id, data.notes, since):
                    return found
            return None

        return self.session.write_once(
            lookup,
            lambda: r.to_call_activity(
                self.session.one(self.session.send("POST", f"{API}/calls", body))
            ),
        )

    def log_note(self, data: NoteInput) -> Activity:
        w.check_ids(data)
        body = w.note_body(data)
        since = self.session.http.retry.now() - CLOCK_SKEW

        def lookup() -> Activity | None:
            params = w.recent_params(data.target_id)
            for row in self.session.get(f"{API}/prospectNotes", params).rows():
                found = r.to_note_activity(row)
                if r.is_logged(found, data.target_id, data.body, since):
                    return found
            return None

        return self.session.write_once(
            lookup,
            lambda: r.to_note_activity(
                self.session.one(self.session.send("POST", f"{API}/prospectNotes", body))
            ),
        )
