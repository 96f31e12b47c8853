"""AsyncPager has the sync pager's ``limit`` and resume: same counts, same cursors."""

from __future__ import annotations

import anyio.to_thread
import pytest
from engage_testing import AppTransport

from engage import AsyncEngage, AsyncPager, Engage, InputError, Target

pytestmark = pytest.mark.anyio

ALL = [str(i) for i in range(1, 26)]  # the toy vendor's 25 targets, in list order


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def aeng(toy_engage: Engage) -> AsyncEngage:
    return AsyncEngage.wrap(toy_engage, max_threads=2)


def _ids(targets: list[Target]) -> list[str]:
    return [t.id for t in targets]


async def test_limit_stops_after_count_items_and_fetches_only_their_pages(
    aeng: AsyncEngage, toy_transport: AppTransport
) -> None:
    pager = aeng.tenant("acme").targets.list(page_size=10)
    limited = pager.limit(12)
    assert isinstance(limited, AsyncPager) and toy_transport.requests == []
    assert _ids(await limited.to_list()) == ALL[:12]
    assert len(toy_transport.requests) == 2  # pages 1 and 2, never page 3
    assert pager.cursor is None  # limit() made a fresh pager; this one read nothing
    assert _ids(await pager.to_list()) == ALL


async def test_limited_cursor_is_the_sync_pagers_cursor(
    aeng: AsyncEngage, toy_engage: Engage
) -> None:
    limited = aeng.tenant("acme").targets.list(page_size=10).limit(13)
    await limited.to_list()
    sync = toy_engage.tenant("acme").targets.list(page_size=10).limit(13)
    await anyio.to_thread.run_sync(sync.to_list)  # the in-process vendor needs its own loop
    assert limited.cursor is not None and limited.cursor == sync.cursor
    assert not limited.exhausted and not sync.exhausted


async def test_resume_goes_on_right_after_a_break_mid_page(aeng: AsyncEngage) -> None:
    pager = aeng.tenant("acme").targets.list(page_size=10)
    taken: list[str] = []
    async for target in pager:
        taken.append(target.id)
        if len(taken) == 14:
            break
    rest = pager.resume(pager.cursor)
    assert isinstance(rest, AsyncPager)
    assert taken + _ids(await rest.to_list()) == ALL
    assert rest.exhausted and rest.cursor is None


async def test_reading_in_limited_resumed_chunks_reads_each_record_once(
    aeng: AsyncEngage,
) -> None:
    pager = aeng.tenant("acme").targets.list(page_size=10).limit(7)
    read: list[str] = []
    chunk = pager
    for _ in range(10):
        read += _ids(await chunk.to_list())
        if chunk.exhausted or chunk.cursor is None:
            break
        chunk = chunk.resume(chunk.cursor)  # a resumed pager keeps its limit, like Pager's
    assert read == ALL


async def test_resume_from_none_starts_at_the_first_item(aeng: AsyncEngage) -> None:
    pager = aeng.tenant("acme").targets.list(page_size=10, limit=3)
    await pager.to_list()
    assert _ids(await pager.resume(None).to_list()) == ALL[:3]


async def test_a_bad_cursor_or_limit_is_an_input_error_before_any_request(
    aeng: AsyncEngage, toy_transport: AppTransport
) -> None:
    pager = aeng.tenant("acme").targets.list(page_size=10)
    with pytest.raises(InputError):
        pager.resume("not-a-cursor")
    with pytest.raises(InputError):
        pager.limit(-1)
    assert toy_transport.requests == []


async def test_first_of_a_resumed_pager_is_the_next_item(aeng: AsyncEngage) -> None:
    pager = aeng.tenant("acme").targets.list(page_size=10).limit(10)
    await pager.to_list()
    following = await pager.resume(pager.cursor).first()
    assert following is not None and following.id == "11"
