"""Outreach reads at the minimum number of requests by default, counted at the emulator.

Outreach documents ``page[size]`` up to 1000, so a default read of N records costs
ceil(N/1000) requests; a 502 on a large page (``page_size_502_above``) halves the
size once and the tenant keeps the smaller size; records sharing one ``updatedAt``
cost nothing extra (pages follow ``links.next`` cursors, never a timestamp).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

import pytest
from engage_sandbox import SandboxOptions, create_app
from engage_sandbox.outreach import tenant_settings
from engage_testing import AppTransport

from engage import ConfigurationError, Engage, InputError, MemoryTokenStore, UnavailableError
from engage._transport import NullPacer

ORIGIN = "https://outreach.sandbox.engage.test"


class Org:
    """A tenant on a fresh in-process emulator, with the emulator's records at hand."""

    def __init__(self, extras: dict[str, Any] | None = None, **settings: Any) -> None:
        options = SandboxOptions(seed=5, size=1.0, extras=extras or {})
        self.app = create_app("outreach", options)
        self.transport = AppTransport(self.app)
        config = {"vendor": "outreach", **tenant_settings(ORIGIN), **settings}
        self.engage = Engage(
            {"t": config},
            http_transport=self.transport,
            token_store=MemoryTokenStore(),
            pacer=NullPacer(),
            sleep=options.clock.advance,
            clock=options.clock.now,
        )
        self.tenant = self.engage.tenant("t")

    def count(self, table: str) -> int:
        return int(self.app.state.outreach.store.count(table))

    def reads(self, plural: str) -> list[Any]:
        """The GETs of the collection ``plural`` so far, with their answers' status."""
        return [r for r in self.transport.requests if r.url.path == f"/api/v2/{plural}"]


@pytest.fixture
def org() -> Iterator[Org]:
    made = Org()
    yield made
    made.engage.close()


def test_a_default_read_costs_one_request_per_thousand_records(org: Org) -> None:
    total = org.count("prospect")
    assert total > 2000  # more than two of Outreach's largest pages
    targets = org.tenant.targets.list().to_list()
    assert len({t.id for t in targets}) == total
    assert len(org.reads("prospects")) == math.ceil(total / 1000)
    sizes = {r.url.params.get("page[size]") for r in org.reads("prospects")}
    assert sizes == {"1000"}


def test_every_default_list_asks_for_the_largest_page(org: Org) -> None:
    org.tenant.tasks.list().first()
    org.tenant.enrollments.list().first()
    org.tenant.sequences.list().first()
    org.tenant.activities.list().first()
    for plural in ("tasks", "sequenceStates", "sequences", "mailings", "calls"):
        assert [r.url.params["page[size]"] for r in org.reads(plural)] == ["1000"], plural


def test_records_sharing_one_updated_at_cost_no_extra_request(org: Org) -> None:
    store = org.app.state.outreach.store
    moment = "2026-01-05T10:00:00.000Z"
    for record in store.iter("prospect"):
        record.attributes["updatedAt"] = moment
    total = org.count("prospect")
    since = org.tenant.targets.list(page_size=1).first().updated_at
    assert since is not None
    before = len(org.reads("prospects"))
    tied = org.tenant.targets.list(updated_since=since).to_list()
    assert len({t.id for t in tied}) == total
    assert len(org.reads("prospects")) - before == math.ceil(total / 1000)


def test_a_502_on_large_pages_halves_the_default_once_and_the_tenant_keeps_it() -> None:
    org = Org(extras={"page_size_502_above": 500})
    with org.engage:
        total = org.count("prospect")
        targets = org.tenant.targets.list().to_list()
        assert len({t.id for t in targets}) == total
        sizes = [r.url.params["page[size]"] for r in org.reads("prospects")]
        assert sizes == ["1000"] + ["500"] * math.ceil(total / 500)  # one failed request
        again = len(org.reads("prospects"))
        assert len(org.tenant.targets.list().to_list()) == total
        assert len(org.reads("prospects")) - again == math.ceil(total / 500)  # none failed
        org.tenant.tasks.list().first()  # every collection of the tenant: no 502 again
        assert [r.url.params["page[size]"] for r in org.reads("tasks")] == ["500"]


def test_a_502_midway_resizes_the_next_link() -> None:
    org = Org()
    with org.engage:
        total = org.count("prospect")
        pages = org.tenant.targets.list().iter_pages()
        read = len(next(pages).items)
        org.app.state.outreach.kit.options.extras["page_size_502_above"] = 500
        read += sum(len(page.items) for page in pages)
        assert read == total
        sizes = [r.url.params["page[size]"] for r in org.reads("prospects")]
        assert sizes == ["1000", "1000"] + ["500"] * math.ceil((total - 1000) / 500)


def test_an_explicit_page_size_is_exactly_that_size() -> None:
    org = Org(extras={"page_size_502_above": 500})
    with org.engage, pytest.raises(UnavailableError) as failed:
        org.tenant.targets.list(page_size=501).first()
    assert failed.value.status == 502
    assert {r.url.params["page[size]"] for r in org.reads("prospects")} == {"501"}


def test_an_explicit_page_size_is_honoured_and_beyond_1000_refused(org: Org) -> None:
    assert len(org.tenant.targets.list(page_size=7).fetch_page(None).items) == 7
    with pytest.raises(InputError, match="page_size"):
        org.tenant.targets.list(page_size=1001)
    with pytest.raises(ConfigurationError, match="1000"):
        Engage({"x": {"vendor": "outreach", "access_token": "t", "page_size": 1001}}).tenant("x")
    assert [r.url.params["page[size]"] for r in org.reads("prospects")] == ["7"]


def test_a_configured_page_size_is_the_tenants_default() -> None:
    org = Org(page_size=250)
    with org.engage:
        org.tenant.targets.list().first()
        assert [r.url.params["page[size]"] for r in org.reads("prospects")] == ["250"]
