"""A saved ``pager.cursor`` resumes exactly after the last item handed out, on every vendor.

Each vendor's list is read against its emulator with a small page size, stopped
(with ``limit=`` and with ``break``) mid-page, at page boundaries and at the
end, and resumed with ``<resource>.list(cursor=...)``: the two parts together
must be the uninterrupted listing, nothing lost and nothing repeated. Lists
merged from several vendor streams (activities) and lists chained over several
vendor objects (Salesloft tasks, Salesforce targets) are read the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import anyio
import pytest
from engage_sandbox import SandboxOptions, sandbox_for
from engage_testing import AppTransport

import engage
from engage import AsyncEngage, InputError, Pager
from tests.support import toyvendor

ORIGINS = {
    "salesloft": "https://api.salesloft.test",
    "outreach": "https://api.outreach.test",
    "salesforce": "https://acme.my.salesforce.test",
    "toy": "https://toy.test",
}
# Page size and emulator size per vendor: Salesforce pages hold at least 200 records.
PAGE_SIZE = {"salesloft": 7, "outreach": 7, "salesforce": 200, "toy": 4}
DATA_SIZE = {"salesloft": 0.02, "outreach": 0.02, "salesforce": 1.0, "toy": 1.0}
# The lists read per vendor (activities are merged streams where the vendor keeps kinds apart).
LISTS = {
    "salesloft": ("targets", "tasks", "activities"),
    "outreach": ("targets", "activities"),
    "salesforce": ("targets", "activities"),
    "toy": ("targets",),
}
CASES = [(vendor, resource) for vendor, resources in LISTS.items() for resource in resources]


@dataclass
class World:
    """One vendor's emulator, a tenant on it and each list read once without stopping."""

    vendor: str
    engage: engage.Engage
    transport: AppTransport
    full: dict[str, list[str]] = field(default_factory=dict)
    page_lengths: dict[str, list[int]] = field(default_factory=dict)

    @property
    def tenant(self) -> engage.TenantClient:
        return self.engage.tenant("acme")

    def lister(self, resource: str) -> Callable[..., Pager[Any]]:
        namespace = getattr(self.tenant, resource)
        size = PAGE_SIZE[self.vendor]
        return lambda **kw: namespace.list(page_size=size, **kw)


def _world(vendor: str) -> World:
    sandbox = toyvendor.SANDBOX if vendor == "toy" else sandbox_for(vendor)
    app = sandbox.create_app(SandboxOptions(size=DATA_SIZE[vendor], rate_limit=1_000_000))
    transport = AppTransport(app)
    eng = engage.Engage(
        {"acme": {"vendor": vendor, **sandbox.tenant_settings(ORIGINS[vendor])}},
        plugins=[toyvendor],
        http_transport=transport,
        sleep=lambda _: None,
    )
    world = World(vendor, eng, transport)
    for resource in LISTS[vendor]:
        pages = list(world.lister(resource)().iter_pages())
        world.full[resource] = [_key(x) for page in pages for x in page.items]
        world.page_lengths[resource] = [len(page.items) for page in pages]
    return world


def _key(record: Any) -> str:
    return f"{record.ref.object_type}:{record.id}"


@pytest.fixture(scope="module")
def worlds() -> Iterator[dict[str, World]]:
    made: dict[str, World] = {}
    yield made
    for world in made.values():
        world.engage.close()


def world_of(worlds: dict[str, World], vendor: str) -> World:
    if vendor not in worlds:
        worlds[vendor] = _world(vendor)
    return worlds[vendor]


def _stops(world: World, resource: str) -> dict[str, int]:
    lengths = world.page_lengths[resource]
    total = sum(lengths)
    assert len(lengths) >= 3 and total > PAGE_SIZE[world.vendor] + 5, (world.vendor, lengths)
    return {
        "page_size+5": PAGE_SIZE[world.vendor] + 5,
        "first page boundary": lengths[0],
        "second page boundary": lengths[0] + lengths[1],
        "one before a boundary": lengths[0] + lengths[1] - 1,
        "end": total,
    }


def _take(pager: Pager[Any], count: int) -> list[str]:
    taken: list[str] = []
    for record in pager:
        taken.append(_key(record))
        if len(taken) == count:
            break
    return taken


@pytest.mark.parametrize(("vendor", "resource"), CASES)
def test_stopping_and_resuming_loses_and_repeats_nothing(
    worlds: dict[str, World], vendor: str, resource: str
) -> None:
    world = world_of(worlds, vendor)
    listing = world.lister(resource)
    full = world.full[resource]
    assert len(full) == len(set(full)), "the uninterrupted listing repeats a record"
    for where, stop in _stops(world, resource).items():
        limited = listing(limit=stop)
        head = [_key(x) for x in limited]
        broken = listing()
        taken = _take(broken, stop)
        assert head == taken == full[:stop], where
        if stop == len(full):
            assert limited.cursor is None and limited.exhausted and broken.exhausted, where
            assert broken.cursor is None, where
            continue
        # Both runs stand at the same place. (Salesforce issues a new query locator per
        # query, so its two cursors differ in text: each is resumed.)
        runs = [("limit=", limited)]
        if broken.cursor != limited.cursor:
            assert vendor == "salesforce", where
            runs.append(("break", broken))
        for how, pager in runs:
            assert pager.cursor is not None and not pager.exhausted, (where, how)
            rest = [_key(x) for x in listing(cursor=pager.cursor)]
            assert head + rest == full, f"{vendor} {resource}: {how} at {where} ({stop})"


@pytest.mark.parametrize(("vendor", "resource"), CASES)
def test_reading_in_resumed_chunks_reads_each_record_once(
    worlds: dict[str, World], vendor: str, resource: str
) -> None:
    world = world_of(worlds, vendor)
    listing = world.lister(resource)
    chunk = 150 if vendor == "salesforce" else PAGE_SIZE[vendor] - 2
    out: list[str] = []
    cursor: str | None = None
    for _ in range(500):
        pager = listing(cursor=cursor, limit=chunk)
        out += [_key(x) for x in pager]
        cursor = pager.cursor
        if cursor is None:
            break
    assert out == world.full[resource]


@pytest.mark.parametrize(("vendor", "resource"), CASES)
def test_page_cursors_from_iter_pages_resume_after_their_page(
    worlds: dict[str, World], vendor: str, resource: str
) -> None:
    world = world_of(worlds, vendor)
    listing = world.lister(resource)
    pager = listing()
    pages = pager.iter_pages()
    first = next(pages)
    assert pager.cursor == first.next_cursor
    before = len(world.transport.requests)
    rest = [_key(x) for x in listing(cursor=first.next_cursor)]
    assert [_key(x) for x in first.items] + rest == world.full[resource]
    # At a page boundary the resumed pager starts at the next page: no page is refetched
    # (a merge refetches the page in hand of each of its streams, at most three here).
    extra = 3 if resource == "activities" else 0
    assert len(world.transport.requests) - before <= len(world.page_lengths[resource]) + extra


@pytest.mark.parametrize("vendor", list(LISTS))
def test_a_cursor_of_another_list_is_an_input_error_before_any_request(
    worlds: dict[str, World], vendor: str
) -> None:
    world = world_of(worlds, vendor)
    pager = world.tenant.targets.list(page_size=PAGE_SIZE[vendor], limit=3)
    list(pager)
    cursor = pager.cursor
    assert cursor is not None
    sent = len(world.transport.requests)
    foreign = world.tenant.tasks.list(cursor=cursor)
    with pytest.raises(InputError, match="different list"):
        list(foreign)
    for garbled in (cursor[:-4], cursor[:12] + cursor[13:], "not-a-cursor", ""):
        with pytest.raises(InputError):
            list(world.tenant.targets.list(cursor=garbled))
    assert len(world.transport.requests) == sent


def test_a_cursor_of_another_tenant_is_an_input_error() -> None:
    sandbox = toyvendor.SANDBOX
    transport = AppTransport(sandbox.create_app(SandboxOptions()))
    settings = sandbox.tenant_settings(ORIGINS["toy"])
    with engage.Engage(
        {"acme": {"vendor": "toy", **settings}, "globex": {"vendor": "toy", **settings}},
        plugins=[toyvendor],
        http_transport=transport,
    ) as eng:
        pager = eng.tenant("acme").targets.list(page_size=4, limit=6)
        list(pager)
        with pytest.raises(InputError, match="different list"):
            list(eng.tenant("globex").targets.list(cursor=pager.cursor))


@pytest.mark.parametrize("vendor", ["toy", "outreach"])
def test_async_iteration_stopped_mid_page_resumes_after_the_last_item(
    worlds: dict[str, World], vendor: str
) -> None:
    world = world_of(worlds, vendor)
    size = PAGE_SIZE[vendor]
    full = world.full["targets"]

    async def main() -> tuple[list[str], list[str], list[str]]:
        aeng = AsyncEngage.wrap(world.engage, max_threads=2)
        tenant = aeng.tenant("acme")
        pager = tenant.targets.list(page_size=size)
        taken: list[str] = []
        async for record in pager:
            taken.append(_key(record))
            if len(taken) == size + 5:
                break
        rest = [_key(x) async for x in tenant.targets.list(page_size=size, cursor=pager.cursor)]
        limited = tenant.targets.list(page_size=size, limit=size + 5)
        head = await limited.to_list()
        assert limited.cursor == pager.cursor
        return taken, rest, [_key(x) for x in head]

    taken, rest, head = anyio.run(main)
    assert taken == head == full[: size + 5]
    assert taken + rest == full
