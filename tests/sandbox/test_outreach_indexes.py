"""The Outreach emulator's list pages cost O(page) + O(log n), not O(all rows).

Work is counted, not timed: records handed out by ``Store.iter`` (what a full
scan or an index build reads) plus the rows a page walk looks at.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from engage_sandbox import SandboxOptions, create_app
from engage_sandbox.outreach import demo_token
from engage_sandbox.outreach._state_store import Record, Store
from engage_testing import AppTransport


class Counted:
    def __init__(self, monkeypatch: pytest.MonkeyPatch, size: float = 1.0) -> None:
        self.app = create_app("outreach", SandboxOptions(seed=3, size=size))
        self.store: Store = self.app.state.outreach.store
        self.yielded = 0
        real = Store.iter

        def counting(store: Store, type_: str) -> Iterator[Record]:
            for record in real(store, type_):
                self.yielded += 1
                yield record

        monkeypatch.setattr(Store, "iter", counting)
        headers = {"Authorization": f"Bearer {demo_token(self.app)}"}
        self.client = httpx.Client(
            transport=AppTransport(self.app), base_url="https://o.test", headers=headers
        )

    @property
    def work(self) -> int:
        return self.yielded + getattr(self.store, "rows_examined", 0)

    def walk(self, path: str, **params: str) -> list[dict[str, Any]]:
        body = self.client.get(path, params=params).json()
        rows = list(body["data"])
        while "next" in body["links"]:
            body = self.client.get(body["links"]["next"]).json()
            rows.extend(body["data"])
        return rows


def test_walking_a_collection_reads_each_row_a_bounded_number_of_times(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    org = Counted(monkeypatch)
    total = org.store.count("prospect")
    size, pages = 100, -(-total // 100)
    before = org.work
    rows = org.walk("/api/v2/prospects", **{"page[size]": str(size), "sort": "updatedAt"})
    assert len({r["id"] for r in rows}) == total
    # One index build (n) and, per page, its rows plus one to know there is more
    # and one to know there is a page before: never n per page.
    assert org.work - before <= total + pages * (size + 2)
    again = org.work
    org.walk("/api/v2/prospects", **{"page[size]": str(size), "sort": "updatedAt"})
    assert org.work - again <= pages * (size + 2)  # the index is kept between reads


def test_a_change_is_seen_by_the_next_page(monkeypatch: pytest.MonkeyPatch) -> None:
    org = Counted(monkeypatch, size=0.05)
    params = {"page[size]": "1000", "sort": "-updatedAt"}
    newest = org.walk("/api/v2/prospects", **params)[0]["id"]
    oldest = org.walk("/api/v2/prospects", **params)[-1]["id"]
    assert newest != oldest
    org.store.get("prospect", oldest).attributes["updatedAt"] = "2099-01-01T00:00:00.000Z"
    assert org.walk("/api/v2/prospects", **params)[0]["id"] == oldest
    made = org.client.post(
        "/api/v2/prospects",
        json={"data": {"type": "prospect", "attributes": {"emails": ["new@example.com"]}}},
        headers={"Content-Type": "application/vnd.api+json"},
    )
    assert made.status_code == 201, made.text
    ids = [r["id"] for r in org.walk("/api/v2/prospects", **{"sort": "id", "page[size]": "1000"})]
    assert ids[-1] == made.json()["data"]["id"]
    org.store.delete("prospect", oldest)
    assert oldest not in {r["id"] for r in org.walk("/api/v2/prospects", **params)}
