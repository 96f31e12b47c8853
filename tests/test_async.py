"""AsyncEngage: the same namespaces for asyncio code, calls in bounded worker threads."""

from __future__ import annotations

import anyio
import pytest
from engage_testing import AppTransport

from engage import (
    AsyncEngage,
    AsyncPager,
    Engage,
    InputError,
    NotFoundError,
    UnsupportedOperationError,
)
from tests.support import toyvendor

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def aeng(toy_engage: Engage) -> AsyncEngage:
    return AsyncEngage.wrap(toy_engage, max_threads=4)


async def test_same_namespaces_awaitable(aeng: AsyncEngage) -> None:
    acme = aeng.tenant("acme")
    assert acme.vendor == "toy" and acme.supports("targets.get")
    person = await acme.targets.get("3")
    assert person.email == "person3@example.com"
    found = await acme.targets.find_by_email("person4@example.com")
    assert found is not None and found.id == "4"
    done = await acme.tasks.complete("1")
    assert done.status.value == "completed"
    assert await acme.vendor_action("echo", x=1) == {"x": 1}
    results = await acme.tasks.complete_many(["2", "404"])
    assert [item.ok for item in results] == [True, False]


async def test_async_pagers_are_lazy(aeng: AsyncEngage, toy_transport: AppTransport) -> None:
    pager = aeng.tenant("acme").targets.list(page_size=10)
    assert isinstance(pager, AsyncPager) and toy_transport.requests == []
    ids = [t.id async for t in pager]
    assert ids == [str(i) for i in range(1, 26)] and len(toy_transport.requests) == 3
    pages = [
        len(p.items) async for p in aeng.tenant("acme").targets.list(page_size=10).iter_pages()
    ]
    assert pages == [10, 10, 5]
    first = await aeng.tenant("acme").targets.list(limit=3).to_list()
    assert [t.id for t in first] == ["1", "2", "3"]
    assert (await aeng.tenant("acme").targets.list().first()).id == "1"  # type: ignore[union-attr]


async def test_errors_arrive_as_in_the_sync_client(
    aeng: AsyncEngage, toy_transport: AppTransport
) -> None:
    acme = aeng.tenant("acme")
    with pytest.raises(NotFoundError) as info:
        await acme.targets.get("999")
    assert info.value.operation == "targets.get" and info.value.tenant == "acme"
    with pytest.raises(UnsupportedOperationError):
        await acme.enrollments.pause("1")
    before = len(toy_transport.requests)
    with pytest.raises(InputError):
        acme.targets.list(updated_since="yesterday")  # type: ignore[arg-type]
    with pytest.raises(InputError):
        await acme.targets.create(email="nope")
    assert len(toy_transport.requests) == before


async def test_many_calls_run_concurrently_within_the_thread_bound(toy_engage: Engage) -> None:
    aeng = AsyncEngage.wrap(toy_engage, max_threads=3)
    acme = aeng.tenant("acme")
    results: list[str] = []

    async def read(i: int) -> None:
        results.append((await acme.targets.get(str(i))).id)

    async with anyio.create_task_group() as group:
        for i in range(1, 21):
            group.start_soon(read, i)
    assert sorted(results, key=int) == [str(i) for i in range(1, 21)]
    assert aeng.limiter.total_tokens == 3


async def test_from_config_and_close(tmp_path: object) -> None:
    from pathlib import Path

    config = Path(str(tmp_path)) / "engage.toml"
    config.write_text('[tenants.acme]\nvendor = "toy"\napi_key = "k-123"\n')
    async with AsyncEngage.from_config(config, plugins=[toyvendor]) as aeng:
        assert aeng.tenant_names() == ["acme"] and "toy" in aeng.vendors
        assert repr(aeng.tenant("acme")) == "AsyncTenantClient(tenant='acme', vendor='toy')"
