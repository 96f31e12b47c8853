"""``python -m benchmarks.soak``: writes through engage while the emulators misbehave, then count.

Per vendor, ``--writes`` writes (3,000 by default) go through engage to the
vendor's emulator from a small thread pool, while about ``--fault-rate`` (10%)
of the write requests (``POST`` under the vendor's API path) are hit by a
fault: 429 and 503 with ``Retry-After``, a 500 or 502 after the write was
applied, the connection dropped after it, the answer held past the client's
timeout after it, the request held past that timeout *before* it (a late
commit, landing 0.5 s or 5 s after the client gave up), the connection
dropped before it. The writes mix, as each vendor
supports them: ``targets.create``, ``tasks.create``, ``activities.log_call``,
``activities.log_note`` and ``enrollments.enroll`` (of targets created for it
beforehand, with faults off). Each write carries a unique marker
(``soak<seed>x<index>``) in its e-mail address or text.

Afterwards, with faults cleared and every late commit landed, the emulator's
own state is read (not engage: the count must not depend on the code under
test) and every intended write is classified:

* LOST: engage returned success, but no record exists;
* DUPLICATED: more than one record exists for the one write;
* AMBIGUOUS: engage raised ``UnavailableError(ambiguous=True)``; how many of
  those landed is reported beside it;
* WRONG: engage raised a non-ambiguous error, but the record exists;
* other typed errors (any other ``EngageError``) and untyped ones (anything else).

Then, unless ``--no-matrix``, a single-fault matrix: for each operation and
fault kind, one write with exactly one fault on its first write request, on a
quiet emulator. Its cells are the smallest reproductions of what the soak found.

The fault sequence follows ``--seed``; which write meets which fault also
depends on how the threads interleave, so totals vary a little between runs.
Results go to stdout and to ``benchmarks/soak.json``; ``--markdown`` prints the
last run's tables as ``docs/reliability.md`` shows them.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from engage_sandbox import FaultRule, SandboxOptions, SandboxServer, sandbox_for
from rich.table import Table

from engage import Engage, EngageError, MemoryTokenStore, TenantClient, UnavailableError

from ._harness import VENDORS, Stats, console, real_clock
from ._soak_census import VENDORS as SPECS
from ._soak_census import enrollment_key
from ._soak_faults import (
    FaultKind,
    FaultPlan,
    InjectionLog,
    Tagger,
    fault_kinds,
    record_injections,
    rule_fields,
)

OUTPUT = Path(__file__).with_name("soak.json")
OPS = (
    "targets.create",
    "tasks.create",
    "activities.log_call",
    "activities.log_note",
    "enrollments.enroll",
)
ANCHORS = 10  # targets the tasks, calls and notes are written against
SETTLE_MARGIN = 0.5  # s after a late commit reaches the emulator before it is counted
CATEGORIES = ("lost", "duplicated", "ambiguous", "wrong", "typed", "untyped", "id mismatch")


@dataclass(frozen=True)
class Config:
    writes: int = 3000
    vendors: tuple[str, ...] = VENDORS
    seed: int = 1
    fault_rate: float = 0.10
    threads: int = 8
    timeout: float = 1.0
    progress: int = 500
    matrix: bool = True
    size: float = 1.0  # the emulators' demo data (1.0: their default size)
    ops: tuple[str, ...] = OPS
    kinds: tuple[str, ...] = ()  # empty: every kind

    @property
    def transport(self) -> dict[str, Any]:
        """Short timeouts so that a timeout costs about a second, quick backoff."""
        return {
            "timeout": self.timeout,
            "connect_timeout": self.timeout,
            "deadline": 15 * self.timeout + 5,
            # The faults' latest commit lands 5 s after the client gave up.
            "commit_window": self.timeout + 9,
            "max_attempts": 5,
            "backoff_base": 0.2,
            "backoff_cap": 2.0,
            "hint_cap": 5.0,
        }

    def fault_kinds(self) -> tuple[FaultKind, ...]:
        kinds = fault_kinds(self.timeout)
        if not self.kinds:
            return kinds
        unknown = set(self.kinds) - {k.name for k in kinds}
        if unknown:
            raise SystemExit(f"unknown fault kind(s): {', '.join(sorted(unknown))}")
        return tuple(k for k in kinds if k.name in self.kinds)


@dataclass
class Write:
    """One intended write and what became of it."""

    index: int
    op: str
    marker: str
    target_id: str
    outcome: str = "pending"  # ok | ambiguous | typed | untyped
    error: str | None = None
    detail: str | None = None
    returned_id: str | None = None
    seconds: float = 0.0
    faults: list[str] = field(default_factory=list)
    found: list[str] = field(default_factory=list)

    def categories(self, same_id: Callable[[str, str], bool]) -> list[str]:
        n = len(self.found)
        found: list[str] = []
        if self.outcome == "ok" and n == 0:
            found.append("lost")
        if n > 1:
            found.append("duplicated")
        if self.outcome == "ambiguous":
            found.append("ambiguous")
        if self.outcome == "typed":
            found.append("wrong" if n else "typed")
        if self.outcome == "untyped":
            found.append("untyped")
        if (
            self.outcome == "ok"
            and n
            and self.returned_id is not None
            and not any(same_id(self.returned_id, i) for i in self.found)
        ):
            found.append("id mismatch")
        return found

    def verdict(self, same_id: Callable[[str, str], bool]) -> str:
        """One cell of the matrix: what engage said, and what exists."""
        n = len(self.found)
        landed = f"{n} records" if n > 1 else ("landed" if n else "not landed")
        cats = self.categories(same_id)
        if self.outcome == "ok":
            if "lost" in cats:
                return "LOST"
            if "duplicated" in cats:
                return f"DUPLICATED ({n} records)"
            return "ok, wrong id" if "id mismatch" in cats else "ok"
        if self.outcome == "ambiguous":
            return f"ambiguous, {landed}" + (" DUPLICATED" if n > 1 else "")
        if self.outcome == "typed":
            prefix = "WRONG: " if n else ""
            return f"{prefix}{self.error}, {landed}" + (" DUPLICATED" if n > 1 else "")
        return f"UNTYPED {self.error}, {landed}"


# --- engage against one emulator ------------------------------------------------------


class Rig:
    """One vendor's emulator (with the tagger in front) and an engage tenant on it."""

    def __init__(self, vendor: str, config: Config) -> None:
        self.vendor = vendor
        self.config = config
        self.spec = SPECS[vendor]
        self.markers: dict[str, int] = {}
        self.targets: dict[str, int] = {}
        self.app = sandbox_for(vendor).create_app(
            SandboxOptions(seed=7, size=config.size, clock=real_clock(), rate_limit=10**9)
        )
        self.server = SandboxServer(Tagger(self.app, self.markers, self.targets))  # type: ignore[arg-type]
        self.server.start()
        settings = sandbox_for(vendor).tenant_settings(self.server.url)
        tenant = {"vendor": vendor, **settings, "transport": config.transport}
        self.engage = Engage(
            {"soak": tenant}, token_store=MemoryTokenStore(), rng=random.Random(config.seed)
        )
        self.tenant: TenantClient = self.engage.tenant("soak")
        self.log = InjectionLog()
        self._kind_of_rule: dict[int, str] = {}
        record_injections(
            self.server.kit.faults, lambda r: self._kind_of_rule.get(id(r), "?"), self.log
        )
        self.sequence_id = self._sequence()
        self.due = datetime.now(UTC).replace(microsecond=0) + timedelta(days=2)

    def close(self) -> None:
        self.engage.close()
        self.server.stop()

    def _sequence(self) -> str:
        sequences = self.tenant.sequences.list(page_size=100).to_list()
        return next(s for s in sequences if s.active).id

    def ops(self) -> list[str]:
        return [op for op in self.config.ops if self.tenant.supports(op)]

    def make_targets(self, prefix: str, n: int, threads: int) -> list[str]:
        """``n`` targets created with faults off (setup, not part of the measure)."""

        def create(i: int) -> str:
            email = f"soak{self.config.seed}{prefix}{i}@setup.example"
            return self.tenant.targets.create(email=email, first_name="Setup", last_name=str(i)).id

        with ThreadPoolExecutor(threads) as pool:
            return list(pool.map(create, range(n)))

    def plan(self, n: int, rng: random.Random, anchors: Sequence[str]) -> list[Write]:
        """``n`` writes over this vendor's operations, in a seeded order, with their targets."""
        ops = self.ops()
        order = [ops[i % len(ops)] for i in range(n)]
        rng.shuffle(order)
        enrolls = self.make_targets("e", order.count("enrollments.enroll"), self.config.threads)
        writes = []
        for index, op in enumerate(order):
            marker = f"soak{self.config.seed}x{index:05d}"
            target = enrolls.pop() if op == "enrollments.enroll" else anchors[index % len(anchors)]
            writes.append(Write(index, op, marker, target))
            self.markers[marker] = index
            if op == "enrollments.enroll":
                self.targets[target] = index
        return writes

    def perform(self, write: Write) -> None:
        t, m = self.tenant, write.marker
        started = time.perf_counter()
        try:
            if write.op == "targets.create":
                record: Any = t.targets.create(
                    email=f"{m}@soak.example", first_name="Soak", last_name=m
                )
            elif write.op == "tasks.create":
                record = t.tasks.create(
                    target_id=write.target_id,
                    subject=f"soak task {m}",
                    due_at=self.due + timedelta(minutes=write.index),
                    note=f"soak task note {m}",
                )
            elif write.op == "activities.log_call":
                record = t.activities.log_call(target_id=write.target_id, notes=f"soak call {m}")
            elif write.op == "activities.log_note":
                record = t.activities.log_note(target_id=write.target_id, body=f"soak note {m}")
            else:
                record = t.enrollments.enroll(
                    target_id=write.target_id, sequence_id=self.sequence_id
                )
        except UnavailableError as exc:
            write.outcome = "ambiguous" if exc.ambiguous else "typed"
            write.error, write.detail = type(exc).__name__, str(exc)[:300]
        except EngageError as exc:
            write.outcome = "typed"
            write.error, write.detail = type(exc).__name__, str(exc)[:300]
        except Exception as exc:
            write.outcome = "untyped"
            write.error, write.detail = type(exc).__name__, str(exc)[:300]
        else:
            write.outcome = "ok"
            write.returned_id = str(record.id)
        write.seconds = time.perf_counter() - started

    def add_faults(self, rules: Sequence[FaultRule], kinds: Sequence[str]) -> None:
        for rule, kind in zip(rules, kinds, strict=True):
            self._kind_of_rule[id(rule)] = kind
            self.server.kit.faults.add(rule)

    def settle(self) -> None:
        """Let every late commit land (and its handler finish), then switch faults off."""
        time.sleep(max(0.0, self.log.settled_at() + SETTLE_MARGIN - time.monotonic()))
        self.server.kit.faults.clear()

    def count(self, writes: Sequence[Write]) -> None:
        """Fill each write's ``found`` (records of it in the emulator) and ``faults``."""
        census = self.spec.census(self.app, self.sequence_id)
        for write in writes:
            key = write.marker
            if write.op == "enrollments.enroll":
                key = enrollment_key(self.vendor, write.target_id)
            write.found = census[write.op].get(key, [])
        by_write: dict[int, list[str]] = {}
        for entry in self.log.snapshot():
            if entry.write is not None:
                by_write.setdefault(entry.write, []).append(entry.kind)
        for write in writes:
            write.faults = by_write.get(write.index, [])


# --- the soak ------------------------------------------------------------------------


def soak_vendor(vendor: str, config: Config) -> dict[str, Any]:
    rng = random.Random(f"{config.seed}:{vendor}")
    kinds = config.fault_kinds()
    rig = Rig(vendor, config)
    try:
        anchors = rig.make_targets("a", min(ANCHORS, config.writes), config.threads)
        writes = rig.plan(config.writes, rng, anchors)
        plan = FaultPlan.draw(rng, kinds, rate=config.fault_rate, requests=3 * config.writes + 50)
        rules = plan.rules(vendor, "POST", rig.spec.write_path)
        rig.add_faults(rules, [kind.name for _, kind in plan.hits])
        before = Stats.of(rig.server)
        done = [0]
        lock = threading.Lock()
        started = time.perf_counter()

        def one(write: Write) -> None:
            rig.perform(write)
            with lock:
                done[0] += 1
                if config.progress and done[0] % config.progress == 0:
                    console.print(
                        f"  {vendor}: {done[0]:,}/{len(writes):,} writes, "
                        f"{len(rig.log.snapshot())} faults injected, "
                        f"{time.perf_counter() - started:.0f} s"
                    )

        with ThreadPoolExecutor(config.threads) as pool:
            list(pool.map(one, writes))
        wall = time.perf_counter() - started
        rig.settle()
        spent = Stats.of(rig.server) - before
        rig.count(writes)
        injections = rig.log.snapshot()
    finally:
        rig.close()
    return summarise(vendor, rig, writes, injections, spent, wall)


def summarise(
    vendor: str,
    rig: Rig,
    writes: Sequence[Write],
    injections: Sequence[Any],
    spent: Stats,
    wall: float,
) -> dict[str, Any]:
    same = rig.spec.same_id
    cats = {w.index: w.categories(same) for w in writes}
    by_op: dict[str, Counter[str]] = {}
    for w in writes:
        row = by_op.setdefault(w.op, Counter())
        row["writes"] += 1
        row["ok"] += w.outcome == "ok"
        row["ambiguous landed"] += w.outcome == "ambiguous" and bool(w.found)
        for c in cats[w.index]:
            row[c] += 1
    findings: Counter[tuple[str, str, str, str]] = Counter()
    examples: dict[tuple[str, str, str, str], dict[str, Any]] = {}
    for w in writes:
        for c in cats[w.index]:
            key = (c, w.op, " + ".join(w.faults) or "none", w.error or "ok")
            findings[key] += 1
            examples.setdefault(
                key,
                {
                    "index": w.index,
                    "marker": w.marker,
                    "records": len(w.found),
                    "detail": w.detail,
                },
            )
    write_requests = spent.routes_matching("POST", rig.spec.write_path.rstrip("*"))
    return {
        "vendor": vendor,
        "sequence_id": rig.sequence_id,
        "writes": len(writes),
        "ops": dict(Counter(w.op for w in writes)),
        "faults": dict(Counter(i.kind for i in injections)),
        "faults_total": len(injections),
        "faults_unattributed": sum(1 for i in injections if i.write is None),
        "write_requests": write_requests,
        "requests": spent.requests,
        "seconds": round(wall, 1),
        "ok": sum(1 for w in writes if w.outcome == "ok"),
        "lost": sum("lost" in cats[w.index] for w in writes),
        "duplicated": sum("duplicated" in cats[w.index] for w in writes),
        "extra_records": sum(max(0, len(w.found) - 1) for w in writes),
        "ambiguous": sum(w.outcome == "ambiguous" for w in writes),
        "ambiguous_landed": sum(w.outcome == "ambiguous" and bool(w.found) for w in writes),
        "wrong": sum("wrong" in cats[w.index] for w in writes),
        "typed_errors": dict(
            Counter(w.error for w in writes if w.outcome == "typed" and w.error is not None)
        ),
        "typed_not_landed": sum("typed" in cats[w.index] for w in writes),
        "untyped": dict(
            Counter(w.error for w in writes if w.outcome == "untyped" and w.error is not None)
        ),
        "untyped_landed": sum(w.outcome == "untyped" and bool(w.found) for w in writes),
        "id_mismatch": sum("id mismatch" in cats[w.index] for w in writes),
        "by_op": {op: dict(row) for op, row in sorted(by_op.items())},
        "findings": [
            {
                "category": c,
                "op": op,
                "faults": faults,
                "answer": answer,
                "count": n,
                "example": examples[(c, op, faults, answer)],
            }
            for (c, op, faults, answer), n in sorted(
                findings.items(), key=lambda kv: (CATEGORIES.index(kv[0][0]), -kv[1], kv[0])
            )
        ],
    }


# --- the single-fault matrix ---------------------------------------------------------------


def matrix_vendor(vendor: str, config: Config) -> list[dict[str, Any]]:
    """One write per (operation, fault kind), one fault on its first write request."""
    kinds = config.fault_kinds()
    rig = Rig(vendor, config)
    cells: list[dict[str, Any]] = []
    try:
        ops = rig.ops()
        anchors = rig.make_targets("a", 2, 1)
        enrolls = rig.make_targets("m", len(kinds) + 1, 1)
        index = 0
        for op in ops:
            for kind in [None, *kinds]:  # None: the same write without a fault
                target = enrolls.pop() if op == "enrollments.enroll" else anchors[index % 2]
                marker = f"soak{config.seed}x{90000 + index:05d}"
                write = Write(90000 + index, op, marker, target)
                index += 1
                rig.markers[marker] = write.index
                if op == "enrollments.enroll":
                    rig.targets[target] = write.index
                if kind is not None:
                    fields = rule_fields(kind, vendor)
                    rule = FaultRule.from_dict(
                        {**fields, "method": "POST", "path": rig.spec.write_path, "times": 1}
                    )
                    rig.add_faults([rule], [kind.name])
                rig.perform(write)
                rig.settle()
                rig.count([write])
                cells.append(
                    {
                        "vendor": vendor,
                        "op": op,
                        "kind": kind.name if kind else "none",
                        "hit": kind is None or bool(write.faults),
                        "verdict": write.verdict(rig.spec.same_id),
                        "outcome": write.outcome,
                        "error": write.error,
                        "detail": write.detail,
                        "records": len(write.found),
                        "seconds": round(write.seconds, 2),
                    }
                )
    finally:
        rig.close()
    return cells


BAD = ("LOST", "DUPLICATED", "WRONG", "UNTYPED", "wrong id")


def is_bad(verdict: str) -> bool:
    return any(word in verdict for word in BAD)


# --- tables ---------------------------------------------------------------------------


def _errors(counts: dict[str, int]) -> str:
    return ", ".join(f"{k} {v}" for k, v in sorted(counts.items())) or "0"


def _red(value: int) -> str:
    return f"[red]{value:,}[/red]" if value else "0"


SUMMARY_COLUMNS = (
    "vendor",
    "writes",
    "faults injected",
    "lost",
    "duplicated",
    "ambiguous (landed)",
    "wrong",
    "other typed errors",
    "untyped",
    "requests (writes)",
    "wall s",
)


def summary_rows(results: Sequence[dict[str, Any]]) -> list[list[str]]:
    rows = []
    for r in results:
        rows.append(
            [
                r["vendor"],
                f"{r['writes']:,}",
                f"{r['faults_total']:,} ({r['faults_total'] / max(1, r['write_requests']):.1%}"
                " of write requests)",
                f"{r['lost']:,}",
                f"{r['duplicated']:,}",
                f"{r['ambiguous']:,} ({r['ambiguous_landed']:,})",
                f"{r['wrong']:,}",
                _errors(r["typed_errors"]),
                _errors(r["untyped"]),
                f"{r['requests']:,} ({r['write_requests']:,})",
                f"{r['seconds']:.0f}",
            ]
        )
    return rows


def kinds_of(results: Sequence[dict[str, Any]]) -> list[str]:
    names = [k.name for k in fault_kinds(1.0)]
    seen = {k for r in results for k in r["faults"]}
    return [n for n in names if n in seen] + sorted(seen - set(names))


def fault_rows(results: Sequence[dict[str, Any]]) -> tuple[list[str], list[list[str]]]:
    kinds = kinds_of(results)
    columns = ["vendor", *kinds, "total", "not attributed"]
    rows = [
        [
            r["vendor"],
            *(str(r["faults"].get(k, 0)) for k in kinds),
            str(r["faults_total"]),
            str(r["faults_unattributed"]),
        ]
        for r in results
    ]
    return columns, rows


OP_COLUMNS = ("vendor", "operation", "writes", "ok", *CATEGORIES, "ambiguous landed")


def op_rows(results: Sequence[dict[str, Any]]) -> list[list[str]]:
    rows = []
    for r in results:
        for op, row in r["by_op"].items():
            cells = [r["vendor"], op, str(row.get("writes", 0)), str(row.get("ok", 0))]
            cells += [str(row.get(c, 0)) for c in CATEGORIES]
            cells.append(str(row.get("ambiguous landed", 0)))
            rows.append(cells)
    return rows


FINDING_COLUMNS = ("vendor", "finding", "operation", "faults on the write", "engage said", "writes")


def finding_rows(results: Sequence[dict[str, Any]]) -> list[list[str]]:
    """The writes engage was wrong about (ambiguous and typed failures are not listed)."""
    keep = {"lost", "duplicated", "wrong", "untyped", "id mismatch"}
    return [
        [r["vendor"], f["category"], f["op"], f["faults"], f["answer"], str(f["count"])]
        for r in results
        for f in r["findings"]
        if f["category"] in keep
    ]


def matrix_grid(cells: Sequence[dict[str, Any]], vendor: str) -> tuple[list[str], list[list[str]]]:
    mine = [c for c in cells if c["vendor"] == vendor]
    kinds = list(dict.fromkeys(c["kind"] for c in mine))
    ops = list(dict.fromkeys(c["op"] for c in mine))
    at = {(c["op"], c["kind"]): c for c in mine}
    rows = []
    for op in ops:
        row = [op]
        for kind in kinds:
            cell = at.get((op, kind))
            text = "-" if cell is None else cell["verdict"]
            if cell is not None and not cell["hit"]:
                text += " (fault not hit)"
            row.append(text)
        rows.append(row)
    return ["operation", *kinds], rows


def _table(title: str, columns: Sequence[str], rows: Sequence[Sequence[str]]) -> Table:
    table = Table(title=title, title_justify="left")
    for column in columns:
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(*row)
    return table


def _marked(text: str) -> str:
    """Bad verdicts in red for the terminal."""
    return f"[red]{text}[/red]" if is_bad(text) else text


def print_results(payload: dict[str, Any]) -> None:
    results = payload["vendors"]
    if results:
        rows = summary_rows(results)
        for row, r in zip(rows, results, strict=True):
            row[3], row[4], row[6] = _red(r["lost"]), _red(r["duplicated"]), _red(r["wrong"])
            if r["untyped"]:
                row[8] = f"[red]{row[8]}[/red]"
        console.print(_table("soak: what engage said, against what exists", SUMMARY_COLUMNS, rows))
        console.print(_table("faults injected, by kind", *fault_rows(results)))
        console.print(_table("by operation", OP_COLUMNS, op_rows(results)))
        found = finding_rows(results)
        if found:
            console.print(
                _table(
                    "lost / duplicated / wrong / untyped, by the faults the write met",
                    FINDING_COLUMNS,
                    found,
                )
            )
    for vendor in dict.fromkeys(c["vendor"] for c in payload.get("matrix", [])):
        columns, rows = matrix_grid(payload["matrix"], vendor)
        rows = [[row[0], *(_marked(c) for c in row[1:])] for row in rows]
        console.print(_table(f"single-fault matrix: {vendor}", columns, rows))


# --- markdown for the docs -------------------------------------------------------------


def _md(columns: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    def cell(value: str) -> str:
        return str(value).replace("|", "\\|").replace("\n", " ")

    lines = ["| " + " | ".join(cell(c) for c in columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]
    return lines


def markdown(payload: dict[str, Any]) -> str:
    """The tables of a run, as docs/reliability.md shows them."""
    results = payload["vendors"]
    lines = [
        f"Produced by `{payload['command'].strip()}` on {payload['when'][:10]} "
        f"({payload['machine']}, Python {payload['python']}, {payload['threads']} threads, "
        f"seed {payload['seed']}, fault rate {payload['fault_rate']:.0%}); "
        f"{payload['seconds']:.0f} s in all.",
        "",
    ]
    if results:
        lines += _md(SUMMARY_COLUMNS, summary_rows(results))
        lines += ["", "Faults injected, by kind:", ""]
        lines += _md(*fault_rows(results))
        lines += ["", "By operation:", ""]
        lines += _md(OP_COLUMNS, op_rows(results))
        found = finding_rows(results)
        lines += ["", "Lost, duplicated, wrong and untyped writes, by the faults each met:", ""]
        lines += _md(FINDING_COLUMNS, found) if found else ["None."]
    for vendor in dict.fromkeys(c["vendor"] for c in payload.get("matrix", [])):
        lines += ["", f"Single-fault matrix, {vendor}:", ""]
        columns, rows = matrix_grid(payload["matrix"], vendor)
        rows = [[row[0], *(f"**{c}**" if is_bad(c) else c for c in row[1:])] for row in rows]
        lines += _md(columns, rows)
    return "\n".join(lines) + "\n"


# --- command line ------------------------------------------------------------------------


def _names(value: str, known: Sequence[str], what: str) -> tuple[str, ...]:
    names = tuple(v.strip() for v in value.split(",") if v.strip())
    unknown = sorted(set(names) - set(known))
    if unknown:
        raise argparse.ArgumentTypeError(
            f"unknown {what} {', '.join(unknown)}; choose from {', '.join(known)}"
        )
    return names


def parse(argv: Sequence[str] | None) -> tuple[Config, argparse.Namespace]:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.soak", description=(__doc__ or "").split("\n", 1)[0]
    )
    parser.add_argument("--writes", type=int, default=3000, help="writes per vendor (3000)")
    parser.add_argument(
        "--vendors",
        type=lambda v: _names(v, VENDORS, "vendor"),
        default=VENDORS,
        help="comma-separated (salesloft,outreach,salesforce)",
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--fault-rate", type=float, default=0.10)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--timeout", type=float, default=1.0, help="engage's request timeout, s")
    parser.add_argument("--progress", type=int, default=500, help="print every N writes (0: never)")
    parser.add_argument(
        "--ops", type=lambda v: _names(v, OPS, "operation"), default=OPS, help="comma-separated"
    )
    parser.add_argument(
        "--kinds",
        type=lambda v: _names(v, [k.name for k in fault_kinds(1.0)], "fault kind"),
        default=(),
        help="comma-separated fault kinds (default: all)",
    )
    parser.add_argument("--size", type=float, default=1.0, help="emulator demo data size (1.0)")
    parser.add_argument("--no-matrix", action="store_true", help="skip the single-fault matrix")
    parser.add_argument("--matrix-only", action="store_true", help="run only the matrix")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    parser.add_argument(
        "--markdown", action="store_true", help="print the last run (the output file) as Markdown"
    )
    args = parser.parse_args(argv)
    if args.writes < 1:
        parser.error("--writes must be at least 1")
    if not 0 <= args.fault_rate <= 1:
        parser.error("--fault-rate must be within [0, 1]")
    config = Config(
        writes=args.writes,
        vendors=args.vendors,
        seed=args.seed,
        fault_rate=args.fault_rate,
        threads=max(1, args.threads),
        timeout=args.timeout,
        progress=args.progress,
        matrix=not args.no_matrix,
        size=args.size,
        ops=args.ops,
        kinds=args.kinds,
    )
    return config, args


def main(argv: Sequence[str] | None = None) -> int:
    config, args = parse(argv)
    if args.markdown:
        print(markdown(json.loads(args.output.read_text())), end="")
        return 0
    started = time.perf_counter()
    results: list[dict[str, Any]] = []
    cells: list[dict[str, Any]] = []
    for vendor in config.vendors:
        if not args.matrix_only:
            console.rule(f"[bold]soak: {vendor}")
            results.append(soak_vendor(vendor, config))
            print_results({"vendors": results[-1:]})
        if config.matrix or args.matrix_only:
            console.rule(f"[bold]single-fault matrix: {vendor}")
            cells += matrix_vendor(vendor, config)
    total = time.perf_counter() - started
    payload = {
        "command": "python -m benchmarks.soak " + " ".join(sys.argv[1:] if argv is None else argv),
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "machine": f"{platform.system()} {platform.machine()}",
        "seed": config.seed,
        "writes_per_vendor": config.writes,
        "fault_rate": config.fault_rate,
        "threads": config.threads,
        "emulator_size": config.size,
        "transport": config.transport,
        "fault_kinds": {k.name: k.doc for k in config.fault_kinds()},
        "seconds": round(total, 1),
        "vendors": results,
        "matrix": cells,
    }
    console.rule("[bold]results")
    print_results(payload)
    console.print(f"{len(config.vendors)} vendors in {total:.0f} s")
    args.output.write_text(json.dumps(payload, indent=2) + "\n")
    console.print(f"results written to {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
