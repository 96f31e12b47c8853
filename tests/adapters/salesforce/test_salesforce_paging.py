"""page_size on Salesforce: pages of exactly that many records, at the fewest query requests.

Salesforce's query batch (``Sforce-Query-Options: batchSize``) is 200 to 2000;
the adapter asks for batches of whole pages and hands them out page by page,
so a small page_size costs no more requests than a batch of 200 would.
Counted at an in-process emulator, which counts every request it answers.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from engage_sandbox import SandboxOptions
from engage_testing import inprocess_engage

pytestmark = pytest.mark.filterwarnings("error")


@pytest.fixture(scope="module")
def org() -> Iterator[tuple[Any, list[httpx.Request]]]:
    # size 8: more than 2000 Leads, so the default read needs a second (queryMore) batch.
    engage, transport = inprocess_engage("salesforce", options=SandboxOptions(size=8.0))
    yield engage.tenant("test"), transport.requests
    engage.close()


def _queries(requests: list[httpx.Request]) -> list[httpx.Request]:
    return [r for r in requests if "/query" in r.url.path]


def _per_kind(items: list[Any]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for item in items:
        counts[item.kind.value] = counts.get(item.kind.value, 0) + 1
    return counts


def test_a_default_read_costs_one_query_request_per_2000_rows(org: Any) -> None:
    tenant, requests = org
    before = len(_queries(requests))
    items = tenant.targets.list().to_list()
    counts = _per_kind(items)
    assert counts["lead"] > 2000  # the point: a second batch is needed
    sent = _queries(requests)[before:]
    assert len(sent) == sum(math.ceil(n / 2000) for n in counts.values())
    assert all(r.headers.get("Sforce-Query-Options") in (None, "batchSize=2000") for r in sent)


@pytest.mark.parametrize("page_size", [25, 30, 1, 200, 450])
def test_pages_hold_exactly_page_size_records_at_batch_cost(org: Any, page_size: int) -> None:
    tenant, requests = org
    before = len(_queries(requests))
    pages = list(tenant.targets.list(page_size=page_size).iter_pages())
    items = [item for page in pages for item in page.items]
    counts = _per_kind(items)
    # Every page is full but the last of each object (Leads, then Contacts).
    sizes = [len(page.items) for page in pages]
    lead_pages = math.ceil(counts["lead"] / page_size)
    assert sizes[: lead_pages - 1] == [page_size] * (lead_pages - 1)
    assert sizes[lead_pages:-1] == [page_size] * (len(sizes) - lead_pages - 1)
    assert len({item.id for item in items}) == len(items) == sum(counts.values())
    # A batch is the smallest multiple of page_size Salesforce accepts (at least 200).
    batch = page_size * math.ceil(200 / page_size)
    sent = _queries(requests)[before:]
    assert len(sent) == sum(math.ceil(n / batch) for n in counts.values())


def test_resuming_mid_batch_goes_on_at_the_exact_record(org: Any) -> None:
    tenant, requests = org
    everything = [t.id for t in tenant.targets.list(page_size=25, limit=120)]
    pager = tenant.targets.list(page_size=25, limit=57)
    first = [t.id for t in pager]
    assert first == everything[:57]
    before = len(_queries(requests))
    rest = [t.id for t in tenant.targets.list(page_size=25, cursor=pager.cursor, limit=63)]
    assert rest == everything[57:120]
    # Resuming refetches the batch once, then reads the rest of it from memory.
    assert len(_queries(requests)) - before == 1


def test_a_limit_of_page_size_reads_one_batch(org: Any) -> None:
    tenant, requests = org
    before = len(_queries(requests))
    assert len(tenant.tasks.list(page_size=25, limit=25).to_list()) == 25
    sent = _queries(requests)[before:]
    assert len(sent) == 1
    assert sent[0].headers["Sforce-Query-Options"] == "batchSize=200"
