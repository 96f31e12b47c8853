from __future__ import annotations

import pytest

from engage import InputError, Page, Pager
from engage.pagination import decode_cursor, encode_cursor


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
