"""The emulator's ordered indexes: a keyset page costs the page, not the table.

Work is counted, not timed: every record the query runner reads from the
store (a table scan yields it, or it is fetched by id) counts once.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from engage_sandbox.salesforce._state_query import execute
from engage_sandbox.salesforce._state_soql import parse
from engage_sandbox.salesforce._state_store import Record, Store

pytestmark = pytest.mark.filterwarnings("error")

T0 = datetime(2026, 1, 1, tzinfo=UTC)
N = 5000
USER = "0055e0000000001AAA"


class CountingStore(Store):
    """A store that counts the records handed to the query runner."""

    reads = 0

    def rows(self, sobject: str, *, include_deleted: bool = False) -> Iterator[Record]:
        for record in super().rows(sobject, include_deleted=include_deleted):
            self.reads += 1
            yield record

    def get(self, record_id: str | None) -> Record | None:
        self.reads += 1
        return super().get(record_id)


@pytest.fixture
def store() -> CountingStore:
    store = CountingStore()
    stamps = list(range(N))
    random.Random(7).shuffle(stamps)  # modstamp order is not id order
    for number, offset in enumerate(stamps):
        stamp = T0 + timedelta(seconds=offset)
        store.insert(
            "Lead",
            {
                "LastName": f"L{number}",
                "Company": "C",
                "IsConverted": number % 10 == 0,
                "CreatedDate": stamp,
                "LastModifiedDate": stamp,
                "SystemModstamp": stamp,
            },
            user_id=USER,
            now=T0,
        )
    # The sorted keys are built once per table, on the first ordered query, then kept.
    _run(store, "SELECT Id FROM Lead ORDER BY Id LIMIT 1")
    _run(store, "SELECT Id FROM Lead ORDER BY SystemModstamp LIMIT 1")
    store.reads = 0
    return store


def _run(store: Store, text: str, *, deleted: bool = False) -> Any:
    return execute(store, parse(text), T0 + timedelta(days=1), include_deleted=deleted)


def _expected(store: Store, since: datetime, *, live: bool = True) -> list[str]:
    rows = [
        r
        for r in store.tables["Lead"].values()
        if r["SystemModstamp"] >= since and not (live and r["IsDeleted"])
    ]
    return [r["Id"] for r in sorted(rows, key=lambda r: (r["SystemModstamp"], r["Id"]))]


def _stamp(offset: int) -> str:
    return (T0 + timedelta(seconds=offset)).strftime("%Y-%m-%dT%H:%M:%SZ")


def test_a_page_ordered_by_id_reads_the_page(store: CountingStore) -> None:
    result = _run(store, "SELECT Id FROM Lead ORDER BY Id")
    assert len(result.rows) == N
    page = result.rows[:200]
    assert [r["Id"] for r in page] == sorted(store.tables["Lead"])[:200]
    assert store.reads <= 200 + 20


def test_a_keyset_page_reads_the_page(store: CountingStore) -> None:
    text = f"SELECT Id FROM Lead WHERE SystemModstamp >= {_stamp(1000)} ORDER BY SystemModstamp, Id"
    result = _run(store, text)
    expected = _expected(store, T0 + timedelta(seconds=1000))
    assert len(result.rows) == len(expected) == N - 1000
    assert [r["Id"] for r in result.rows[:200]] == expected[:200]
    assert store.reads <= 200 + 20
    assert [r["Id"] for r in result.rows[200:400]] == expected[200:400]
    assert store.reads <= 400 + 20


def test_a_limited_keyset_read_with_a_filter_reads_about_the_limit(store: CountingStore) -> None:
    text = (
        "SELECT Id FROM Lead WHERE IsConverted = false AND SystemModstamp > "
        f"{_stamp(2500)} ORDER BY SystemModstamp, Id LIMIT 50"
    )
    result = _run(store, text)
    wanted = [
        i for i in _expected(store, T0 + timedelta(seconds=2501)) if i not in _converted(store)
    ][:50]
    assert [r["Id"] for r in result.rows] == wanted
    assert store.reads <= 50 * 10 // 9 + 20


def _converted(store: Store) -> set[str]:
    return {i for i, r in store.tables["Lead"].items() if r["IsConverted"]}


def test_the_index_follows_updates_and_deletes(store: CountingStore) -> None:
    first, second = sorted(store.tables["Lead"])[:2]
    later = T0 + timedelta(seconds=N + 5)
    store.update(store.tables["Lead"][first], {"Title": "x"}, user_id=USER, now=later)
    store.delete(store.tables["Lead"][second], user_id=USER, now=later)
    text = (
        f"SELECT Id FROM Lead WHERE SystemModstamp >= {_stamp(N - 3)} ORDER BY SystemModstamp, Id"
    )
    live = [r["Id"] for r in _run(store, text).rows]
    assert live == _expected(store, T0 + timedelta(seconds=N - 3))
    assert live[-1] == first and second not in live
    everything = [r["Id"] for r in _run(store, text.replace("Lead", "Lead"), deleted=True).rows]
    assert everything == _expected(store, T0 + timedelta(seconds=N - 3), live=False)
    assert second in everything
    by_id = [r["Id"] for r in _run(store, "SELECT Id FROM Lead ORDER BY Id").rows]
    assert by_id == sorted(i for i, r in store.tables["Lead"].items() if not r["IsDeleted"])
