from __future__ import annotations

import copy
import pickle
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pytest

from engage import InputError, Page, Pager, ProtocolError
from engage.pagination import decode_cursor, encode_cursor, merge_sorted
from engage.transport import (
    KeysetPaginator,
    LinkPaginator,
    PageNumberPaginator,
    operation_scope,
)


def _pages() -> Pager[int]:
    data = {None: Page([1, 2, 3], "b"), "b": Page([4, 5, 6], "c"), "c": Page([7], None)}
    fetched: list[str | None] = []

    def fetch(cursor: str | None) -> Page[int]:
        fetched.append(cursor)
        return data[cursor]

    pager = Pager(fetch)
    pager.fetched = fetched  # type: ignore[attr-defined]
    return pager


def test_filter_keeps_paging_and_cursors() -> None:
    evens = _pages().filter(lambda n: n % 2 == 0)
    assert list(evens) == [2, 4, 6]
    pages = list(_pages().filter(lambda n: n > 6).iter_pages())
    assert [p.items for p in pages] == [[], [], [7]]
    assert pages[-1].next_cursor is None
    # Each page's next_cursor resumes right after it.
    source = _pages()
    resumed = source.filter(lambda n: n > 6).resume(pages[0].next_cursor)
    assert list(resumed) == [7] and source.fetched == ["b", "c"]  # type: ignore[attr-defined]


def test_map_limit_and_resume() -> None:
    assert list(_pages().map(str).limit(4)) == ["1", "2", "3", "4"]
    first = _pages().limit(6)
    assert list(first) == [1, 2, 3, 4, 5, 6]
    assert list(_pages().resume(first.cursor)) == [7]
    assert _pages().first() == 1


def test_nothing_is_fetched_until_iterated() -> None:
    pager = _pages()
    filtered = pager.filter(bool).map(str).limit(2)
    assert pager.fetched == []  # type: ignore[attr-defined]
    assert filtered.to_list() == ["1", "2"]


def test_cursor_codec_round_trips_and_rejects_garbage() -> None:
    state = {"url": "/v2/people?page=2", "seen": [1, 2]}
    assert decode_cursor(encode_cursor(state)) == state
    with pytest.raises(InputError):
        decode_cursor("bm90IGpzb24")  # base64 of "not json"
    with pytest.raises(InputError):
        Pager(lambda c: Page([]), limit=-1)


# --- resuming exactly after the last item handed out ----------------------------


def _numbers(total: int, size: int) -> Callable[[str | None], Page[int]]:
    def fetch(cursor: str | None) -> Page[int]:
        start = int(cursor or 0)
        nxt = start + size
        return Page(list(range(start, min(nxt, total))), str(nxt) if nxt < total else None)

    return fetch


@pytest.mark.parametrize("stop", [1, 4, 5, 6, 9, 10, 11, 22, 23])
def test_a_saved_cursor_resumes_after_the_last_item_handed_out(stop: int) -> None:
    fetch = _numbers(23, 5)
    with_limit = Pager(fetch, limit=stop)
    head = list(with_limit)
    broken = Pager(fetch)
    taken = []
    for n in broken:
        taken.append(n)
        if len(taken) == stop:
            break
    assert head == taken == list(range(stop))
    assert with_limit.cursor == broken.cursor
    if stop == 23:
        assert with_limit.cursor is None and with_limit.exhausted and broken.exhausted
        return
    assert not with_limit.exhausted
    assert head + list(Pager(fetch).resume(with_limit.cursor)) == list(range(23))


def test_resuming_in_chunks_reads_every_item_once() -> None:
    fetch = _numbers(23, 5)
    for chunk in (1, 2, 3, 5, 7):
        out: list[int] = []
        cursor = None
        while True:
            pager = Pager(fetch, cursor=cursor, limit=chunk)
            out += list(pager)
            cursor = pager.cursor
            if cursor is None:
                break
        assert out == list(range(23)), chunk


def test_pages_count_as_handed_out_when_yielded_and_items_when_iterated() -> None:
    pager = _pages()
    pages = pager.iter_pages()
    first = next(pages)
    assert first.items == [1, 2, 3] and pager.cursor == first.next_cursor
    for n in first.items:  # part-way through the page, as AsyncPager does
        if n == 2:
            break
    assert list(_pages().resume(pager.cursor)) == [3, 4, 5, 6, 7]
    # Once the iteration has moved on, an old page no longer moves the cursor.
    second = next(pages)
    list(first.items)
    assert pager.cursor == second.next_cursor


def test_page_items_copy_and_pickle_as_plain_lists() -> None:
    page = next(_pages().iter_pages())
    assert pickle.loads(pickle.dumps(page.items)) == [1, 2, 3]
    assert type(copy.copy(page.items)) is list and copy.deepcopy(page) == page


@dataclass(frozen=True)
class Rec:
    id: str


def test_a_resumed_page_that_shifted_goes_on_after_the_last_record_read() -> None:
    rows = [Rec(str(i)) for i in range(10)]

    def fetch(cursor: str | None) -> Page[Rec]:
        start = int(cursor or 0)
        return Page(rows[start : start + 5], str(start + 5) if start + 5 < len(rows) else None)

    head = Pager(fetch, limit=3)
    assert [r.id for r in head] == ["0", "1", "2"]
    del rows[0]  # a record above the resume point is gone: the page shifted up
    assert [r.id for r in Pager(fetch).resume(head.cursor)] == ["3", "4", "5", "6", "7", "8", "9"]


def test_corrupted_or_foreign_cursors_are_input_errors() -> None:
    fetch = _numbers(23, 5)
    cursor = Pager(fetch, limit=7)
    list(cursor)
    good = cursor.cursor
    assert good is not None
    for bad in [
        "%%%not-a-cursor",
        "",
        good[:-3],
        good[:10] + ("A" if good[10] != "A" else "B") + good[11:],
        encode_cursor({"page": 2}),  # a page cursor, not a pager position
        encode_cursor({**decode_cursor(good), "n": -1}),
    ]:
        with pytest.raises(InputError):
            Pager(fetch, cursor=bad)
    with pytest.raises(InputError):
        Pager(fetch, cursor=123)  # type: ignore[arg-type]


@contextmanager
def _scope(operation: str, tenant: str = "acme") -> Iterator[None]:
    with operation_scope(vendor="toy", tenant=tenant, operation=operation, deadline_seconds=5):
        yield


def test_a_cursor_of_another_list_is_refused_before_any_fetch() -> None:
    calls: list[str | None] = []

    def fetch(cursor: str | None) -> Page[int]:
        calls.append(cursor)
        return _numbers(23, 5)(cursor)

    targets = Pager(fetch, limit=7).with_scope(lambda: _scope("targets.list"))
    list(targets)
    calls.clear()
    for other in (_scope("tasks.list"), _scope("targets.list", tenant="globex")):
        pager = Pager(fetch, scope=lambda other=other: other).resume(targets.cursor)  # type: ignore[misc]
        with pytest.raises(InputError, match="different list"):
            list(pager)
    assert calls == []
    same = Pager(fetch).with_scope(lambda: _scope("targets.list")).resume(targets.cursor)
    assert list(same) == list(range(7, 23))


# --- merging --------------------------------------------------------------------


def _stream(values: list[int], size: int) -> Callable[[str | None], Page[int]]:
    def fetch(cursor: str | None) -> Page[int]:
        start = int(cursor or 0)
        nxt = start + size
        return Page(values[start:nxt], str(nxt) if nxt < len(values) else None)

    return fetch


def test_merge_sorted_interleaves_lazily_paged_streams() -> None:
    calls = [1, 4, 5, 9, 12, 13, 20]
    notes = [2, 3, 10, 11]
    emails: list[int] = []
    merged = merge_sorted(
        {"calls": _stream(calls, 2), "notes": _stream(notes, 3), "emails": _stream(emails, 5)},
        key=lambda n: n,
        page_size=3,
    )
    pages = list(merged.iter_pages())
    assert [n for p in pages for n in p.items] == sorted(calls + notes)
    assert all(len(p.items) == 3 for p in pages[:-1]) and pages[-1].next_cursor is None


def test_merge_sorted_resumes_from_its_cursor() -> None:
    streams = {"a": _stream([1, 3, 5, 7], 2), "b": _stream([2, 4, 6, 8], 3)}
    first = merge_sorted(streams, key=lambda n: n, page_size=3)
    page = next(first.iter_pages())
    assert page.items == [1, 2, 3]
    rest = merge_sorted(streams, key=lambda n: n, page_size=3).resume(page.next_cursor)
    assert list(rest) == [4, 5, 6, 7, 8]
    with pytest.raises(InputError):
        list(merge_sorted({"x": _stream([1], 1)}, key=lambda n: n).resume(page.next_cursor))


@pytest.mark.parametrize("stop", range(1, 16))
def test_merge_sorted_resumes_mid_page_with_limit_and_break(stop: int) -> None:
    streams = {"a": _stream([1, 3, 5, 7, 9, 11, 13], 2), "b": _stream([2, 4, 6, 8, 10, 12, 14], 3)}
    everything = list(range(1, 15))
    limited = merge_sorted(streams, key=lambda n: n, page_size=4).limit(stop)
    head = list(limited)
    broken = merge_sorted(streams, key=lambda n: n, page_size=4)
    taken = []
    for n in broken:
        taken.append(n)
        if len(taken) == stop:
            break
    assert head == taken == everything[: min(stop, 14)]
    assert limited.cursor == broken.cursor
    if stop >= 14:  # the end: nothing left to resume
        assert limited.cursor is None and limited.exhausted and broken.exhausted
        return
    rest = list(merge_sorted(streams, key=lambda n: n, page_size=4).resume(limited.cursor))
    assert head + rest == everything


# --- the loop guard ---------------------------------------------------------------


def test_a_link_back_to_an_earlier_page_stops_after_one_repeat() -> None:
    seen: list[str | None] = []
    links = {None: ("a", [1]), "a": ("b", [2]), "b": ("a", [3])}

    def fetch(cursor: str | None) -> Page[int]:
        seen.append(cursor)
        nxt, items = links[cursor]
        return Page(items, nxt)

    with _scope("targets.list"), pytest.raises(ProtocolError) as info:
        list(Pager(fetch))
    assert seen == [None, "a", "b"]
    error = info.value
    assert (error.vendor, error.tenant, error.operation) == ("toy", "acme", "targets.list")
    assert error.code == "PAGING_LOOP" and not error.retryable


def test_every_paginator_refuses_a_page_that_points_at_itself() -> None:
    requests: list[object] = []

    def follow(link: str) -> tuple[list[int], str | None]:
        requests.append(link)
        return [2], link  # the next link is the page's own

    links = LinkPaginator(lambda: ([1], "/people?page=2"), follow)
    with pytest.raises(ProtocolError):
        list(links.pager())
    with pytest.raises(ProtocolError):  # also without a Pager around it
        links.fetch(links.fetch(None).next_cursor)
    assert len(requests) == 2

    def numbered(page: int) -> tuple[list[dict[str, int]], bool]:
        requests.append(page)
        return [{"id": 1}, {"id": 2}], True  # every page the same, always "more"

    requests.clear()
    with pytest.raises(ProtocolError):
        list(PageNumberPaginator(numbered).pager())
    assert requests == [1, 2]

    rows = [{"id": str(i), "at": f"2026-01-0{i}"} for i in range(1, 6)]

    def keyset(after: str | None, page: int) -> tuple[list[dict[str, str]], bool]:
        requests.append((after, page))
        return rows, True  # ignores the key filter: the same page again and again

    requests.clear()
    paginator = KeysetPaginator(keyset, key=lambda r: r["at"], ident=lambda r: r["id"])
    with pytest.raises(ProtocolError):
        list(paginator.pager())
    assert len(requests) <= 3


def test_keyset_ties_still_page_through() -> None:
    rows = [{"id": str(i), "at": "2026-01-01" if i < 7 else f"2026-01-{i:02d}"} for i in range(12)]

    def keyset(after: str | None, page: int) -> tuple[list[dict[str, str]], bool]:
        match = [r for r in rows if after is None or r["at"] >= after]
        chunk = match[(page - 1) * 3 : page * 3]
        return chunk, page * 3 < len(match)

    paginator = KeysetPaginator(keyset, key=lambda r: r["at"], ident=lambda r: r["id"])
    assert [r["id"] for r in paginator.pager()] == [str(i) for i in range(12)]


def test_a_merged_stream_that_loops_is_refused() -> None:
    def looping(cursor: str | None) -> Page[int]:
        return Page([], "x" if cursor is None else ("y" if cursor == "x" else "x"))

    merged = merge_sorted({"a": _stream([1, 2, 3], 2), "b": looping}, key=lambda n: n)
    with pytest.raises(ProtocolError, match="b stream"):
        list(merged)


def test_a_non_json_answer_in_a_list_is_a_protocol_error() -> None:
    import json

    def fetch(cursor: str | None) -> Page[int]:
        json.loads("<html>maintenance</html>")
        raise AssertionError  # pragma: no cover

    with _scope("tasks.list"), pytest.raises(ProtocolError) as info:
        list(Pager(fetch))
    assert info.value.code == "MALFORMED_RESPONSE" and info.value.operation == "tasks.list"
