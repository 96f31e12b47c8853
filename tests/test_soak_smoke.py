"""The soak harness works (``make soak`` runs it at full scale): tiny runs, seconds in all.

Nothing here asserts that engage lost or duplicated nothing: the soak measures
that and reports it. These tests hold the harness itself: faults land where the
plan puts them, every write is classified, the results file and the docs agree.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from engage_sandbox import FaultInjector

from benchmarks import soak
from benchmarks._soak_faults import FaultPlan, fault_kinds

ROOT = Path(__file__).resolve().parents[1]


def test_each_planned_fault_hits_exactly_its_request() -> None:
    kinds = fault_kinds(1.0)
    plan = FaultPlan.draw(random.Random(3), kinds, rate=0.3, requests=200)
    injector = FaultInjector()
    rules = plan.rules("salesloft", "POST", "/v2/*")
    for rule in rules:
        injector.add(rule)
    hit: dict[int, int] = {}
    for n in range(1, 201):
        injector.take("GET", "/v2/people")  # reads are never hit, nor counted
        injector.take("POST", "/oauth/token")  # nor the token endpoint
        taken = injector.take("POST", "/v2/people")
        if taken is not None:
            hit[n] = next(i for i, r in enumerate(rules) if r is taken)
    assert hit == {position: i for i, (position, _) in enumerate(plan.hits)}
    assert 30 <= len(plan.hits) <= 90


def test_a_tiny_soak_classifies_every_write(tmp_path: Path) -> None:
    out = tmp_path / "soak.json"
    argv = ["--writes", "20", "--threads", "4", "--fault-rate", "0.3", "--timeout", "0.5"]
    argv += ["--size", "0.1", "--progress", "0", "--no-matrix", "--output", str(out)]
    # Every kind but the very late commit, which would hold the run ~5 s to land.
    quick = [k.name for k in fault_kinds(0.5) if k.name != "very late commit"]
    argv += ["--kinds", ",".join(quick)]
    assert soak.main(argv) == 0
    payload = json.loads(out.read_text())
    assert [r["vendor"] for r in payload["vendors"]] == ["salesloft", "outreach", "salesforce"]
    for r in payload["vendors"]:
        assert r["writes"] == 20
        assert sum(r["ops"].values()) == 20
        assert len(r["ops"]) == len(soak.OPS)  # every vendor supports the five writes
        assert r["faults_total"] > 0
        assert r["faults_unattributed"] == 0  # every fault was told apart by its write
        outcomes = r["ok"] + r["ambiguous"] + sum(r["typed_errors"].values())
        assert outcomes + sum(r["untyped"].values()) == 20
        assert r["ambiguous_landed"] <= r["ambiguous"]
        assert r["wrong"] + r["typed_not_landed"] == sum(r["typed_errors"].values())
        assert r["requests"] >= r["write_requests"] >= 20
    assert "| vendor | writes |" in soak.markdown(payload)


def test_the_single_fault_matrix_tells_what_one_fault_does(tmp_path: Path) -> None:
    out = tmp_path / "matrix.json"
    argv = ["--matrix-only", "--vendors", "salesloft", "--ops", "tasks.create"]
    argv += ["--kinds", "503,500 after commit", "--timeout", "0.5", "--size", "0.1"]
    argv += ["--output", str(out)]
    assert soak.main(argv) == 0
    cells = json.loads(out.read_text())["matrix"]
    assert [(c["kind"], c["hit"]) for c in cells] == [
        ("none", True),
        ("503", True),
        ("500 after commit", True),
    ]
    # Salesloft keys a task by its idempotency_key: the repeat finds the first task.
    assert [c["verdict"] for c in cells] == ["ok", "ok", "ok"]


def test_unknown_names_are_refused() -> None:
    with pytest.raises(SystemExit):
        soak.main(["--vendors", "nope"])
    with pytest.raises(SystemExit):
        soak.main(["--kinds", "gremlins"])


def test_the_reliability_page_shows_the_committed_run() -> None:
    page = (ROOT / "docs" / "reliability.md").read_text()
    start, end = "<!-- soak:start -->\n", "<!-- soak:end -->"
    shown = page[page.index(start) + len(start) : page.index(end)]
    assert shown.strip() == soak.markdown(json.loads(soak.OUTPUT.read_text())).strip(), (
        "docs/reliability.md is stale: paste `python -m benchmarks.soak --markdown` between "
        "the markers"
    )
