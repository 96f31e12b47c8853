from __future__ import annotations

from collections.abc import Callable

import pytest

from engage import InputError, Page, Pager
from engage.pagination import decode_cursor, encode_cursor, merge_sorted


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
    assert [p.next_cursor for p in pages] == ["b", "c", None]


def test_map_limit_and_resume() -> None:
    assert list(_pages().map(str).limit(4)) == ["1", "2", "3", "4"]
    assert list(_pages().resume("c")) == [7]
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
