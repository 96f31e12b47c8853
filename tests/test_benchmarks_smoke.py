"""The benchmark harness works: each benchmark runs at a tiny scale and produces rows.

Performance numbers are never asserted here; ``make bench`` measures them.
"""

from __future__ import annotations

import importlib
import json
import threading
from collections import Counter
from pathlib import Path

import pytest

from benchmarks import BENCHMARKS
from benchmarks.__main__ import main
from benchmarks._sim import SimTime
from benchmarks.defaults import minimum
from benchmarks.requests import _minimums

# Tiny workloads: enough for every code path, seconds in all.
SCALE = 0.01


@pytest.mark.parametrize("name", [b for b in BENCHMARKS if b not in ("utilisation", "tenants")])
def test_benchmark_produces_a_result_row(name: str) -> None:
    result = importlib.import_module(f"benchmarks.{name}").run(SCALE)
    assert result.rows
    assert result.summary
    assert all(s.verdict in {"yes", "NO", "n/a"} for s in result.summary)


def test_the_command_writes_results_json(tmp_path: Path) -> None:
    out = tmp_path / "results.json"
    assert main(["utilisation", "tenants", "--scale", str(SCALE), "--output", str(out)]) == 0
    payload = json.loads(out.read_text())
    assert [r["name"] for r in payload["results"]] == ["utilisation", "tenants"]
    assert all(r["rows"] and r["summary"] for r in payload["results"])


def test_unknown_benchmark_is_refused() -> None:
    with pytest.raises(SystemExit):
        main(["nope"])


def test_performance_page_shows_the_committed_results() -> None:
    from benchmarks.__main__ import RESULTS, markdown

    root = Path(__file__).resolve().parents[1]
    page = (root / "docs" / "performance.md").read_text()
    start, end = "<!-- results:start -->\n", "<!-- results:end -->"
    shown = page[page.index(start) + len(start) : page.index(end)]
    assert shown.strip() == markdown(json.loads(RESULTS.read_text())).strip(), (
        "docs/performance.md is stale: paste `python -m benchmarks --markdown` between the markers"
    )


def test_simulated_sleeps_wake_in_order() -> None:
    """A thread waiting 60 s must not carry the clock past one that waits 1 s."""
    sim = SimTime()
    start = sim.timestamp()
    woke: dict[str, float] = {}

    def nap(name: str, seconds: float) -> None:
        sim.timestamp()
        sim.sleep(seconds)
        woke[name] = sim.timestamp() - start

    threads = [threading.Thread(target=nap, args=a) for a in (("long", 60.0), ("short", 1.0))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    sim.close()
    assert woke == {"short": 1.0, "long": 60.0}


def test_minimums_count_the_documented_bulk_endpoints() -> None:
    enroll = "enroll 1,000 targets"
    # Outreach prospectsAddToSequence + one poll + one read-back; Salesloft bulk job:
    # create, upload, ready, poll, then results at 100 a page.
    assert _minimums("outreach", 1, 1000, 500)[enroll] == 3
    assert _minimums("salesloft", 1, 1000, 500)[enroll] == 14
    assert _minimums("salesforce", 1, 1000, 500)[enroll] == 5
    assert minimum("salesforce", Counter({"Lead": 2001, "Contact": 10})) == 3
    assert minimum("outreach", Counter({"prospect": 3000})) == 3
