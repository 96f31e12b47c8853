"""What every benchmark shares: sandboxes, tenants, emulator stats, results, tables.

A benchmark module exposes ``run(scale: float = 1.0) -> Result``. ``scale``
shrinks the workload (the smoke test runs every module at a tiny scale);
``make bench`` runs them at 1.0. Numbers come from the emulators' own counters
(``server.kit.stats``: requests, cost units, 429s) and from wall and CPU clocks;
a result row never depends on a number being good.
"""

from __future__ import annotations

import contextlib
import gc
import math
import time
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from engage_sandbox import SandboxClock, SandboxOptions, SandboxServer, create_app, sandbox_for
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from engage import Engage

VENDORS = ("salesloft", "outreach", "salesforce")
OAUTH_PATHS = ("/oauth/token", "/services/oauth2/token")


# --- results -------------------------------------------------------------------------


@dataclass
class Summary:
    """One line of the summary table: engage against its baseline(s) and the target."""

    measure: str
    engage: str
    baseline: str
    ratio: str
    target: str
    met: bool | None  # None: the target does not apply (the note says why)
    note: str = ""

    @property
    def verdict(self) -> str:
        if self.met is None:
            return "n/a"
        return "yes" if self.met else "NO"


@dataclass
class Result:
    """A benchmark's outcome: a detail table and its summary lines."""

    name: str
    title: str
    columns: list[str]
    rows: list[list[Any]] = field(default_factory=list)
    summary: list[Summary] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "title": self.title,
            "seconds": round(self.seconds, 2),
            "columns": self.columns,
            "rows": [[_plain(v) for v in row] for row in self.rows],
            "summary": [asdict(s) | {"verdict": s.verdict} for s in self.summary],
            "notes": self.notes,
        }


def _plain(value: Any) -> Any:
    if isinstance(value, float):
        return round(value, 4)
    return value


def fmt(value: float, digits: int = 2) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    if isinstance(value, int) or (float(value).is_integer() and abs(value) >= 100):
        return f"{int(value):,}"
    return f"{value:,.{digits}f}"


def pct(value: float) -> str:
    return f"{value * 100:.1f}%"


def detail_table(result: Result) -> Table:
    table = Table(title=f"{result.title} ({result.seconds:.1f} s)", title_justify="left")
    for column in result.columns:
        table.add_column(column, overflow="fold")
    for row in result.rows:
        table.add_row(*(escape(v) if isinstance(v, str) else fmt(v) for v in row))
    return table


def summary_table(results: list[Result]) -> Table:
    table = Table(title="engage benchmarks: summary", title_justify="left")
    for column in ("benchmark", "measure", "engage", "baseline(s)", "ratio", "target", "met?"):
        table.add_column(column, overflow="fold")
    table.add_column("why not / note", overflow="fold")
    for result in results:
        for s in result.summary:
            colour = {"yes": "green", "NO": "red"}.get(s.verdict, "yellow")
            # Cells are plain text: "updated_at[gte]" is not rich markup.
            cells = (result.name, s.measure, s.engage, s.baseline, s.ratio, s.target)
            table.add_row(*map(escape, cells), f"[{colour}]{s.verdict}[/{colour}]", escape(s.note))
    return table


def summary_markdown(results: list[Result]) -> str:
    lines = [
        "| benchmark | measure | engage | baseline(s) | ratio | target | met? | why not / note |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for result in results:
        for s in result.summary:
            cells = [result.name, s.measure, s.engage, s.baseline, s.ratio, s.target]
            cells += [s.verdict, s.note]
            lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines)


console = Console(width=160)


# --- sandboxes and tenants -------------------------------------------------------------


def real_clock() -> SandboxClock:
    """A sandbox clock that follows the wall clock from now (rate-limit windows, resets)."""
    return SandboxClock(datetime.now(UTC), real=True)


@contextlib.contextmanager
def sandbox(
    vendor: str,
    *,
    size: float = 1.0,
    real_time: bool = False,
    rate_limit: int | None = None,
    rate_window: float | None = None,
    clock: SandboxClock | None = None,
    **extras: Any,
) -> Iterator[SandboxServer]:
    """One emulator on a loopback port, stopped on exit (``clock``: e.g. a ``SimTime``'s)."""
    options = SandboxOptions(
        size=size,
        clock=clock or (real_clock() if real_time else SandboxClock()),
        rate_limit=rate_limit,
        rate_window=rate_window,
        extras=dict(extras),
    )
    server = SandboxServer(create_app(vendor, options))
    server.start()
    try:
        yield server
    finally:
        server.stop()


def tenant_config(
    vendor: str, url: str, *, transport: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """A tenant pointed at a sandbox, with the adapter's own demo credentials."""
    settings = sandbox_for(vendor).tenant_settings(url)
    config: dict[str, Any] = {"vendor": vendor, **settings}
    if transport:
        config["transport"] = dict(transport)
    return config


def engage_for(tenants: Mapping[str, Mapping[str, Any]], **kwargs: Any) -> Engage:
    return Engage(dict(tenants), **kwargs)


def one_tenant(
    vendor: str, server: SandboxServer, *, transport: Mapping[str, Any] | None = None, **kw: Any
) -> tuple[Engage, Any]:
    eng = engage_for({"t": tenant_config(vendor, server.url, transport=transport)}, **kw)
    return eng, eng.tenant("t")


# --- emulator stats --------------------------------------------------------------------


@dataclass
class Stats:
    requests: int
    cost: int
    rate_limited: int
    by_route: dict[str, int]
    by_status: dict[str, int]

    @classmethod
    def of(cls, server: SandboxServer) -> Stats:
        snap = server.kit.stats.snapshot()
        return cls(
            snap["requests"],
            snap["cost"],
            snap["rate_limited"],
            dict(snap["by_route"]),
            dict(snap["by_status"]),
        )

    def __sub__(self, other: Stats) -> Stats:
        routes = {k: v - other.by_route.get(k, 0) for k, v in self.by_route.items()}
        statuses = {k: v - other.by_status.get(k, 0) for k, v in self.by_status.items()}
        return Stats(
            self.requests - other.requests,
            self.cost - other.cost,
            self.rate_limited - other.rate_limited,
            {k: v for k, v in routes.items() if v},
            {k: v for k, v in statuses.items() if v},
        )

    @property
    def api_requests(self) -> int:
        """Requests other than OAuth token exchanges (a login is not part of an operation)."""
        return self.requests - self.token_requests

    @property
    def token_requests(self) -> int:
        return sum(n for route, n in self.by_route.items() if route.split(" ", 1)[1] in OAUTH_PATHS)

    def routes_matching(self, method: str, prefix: str) -> int:
        return sum(
            n
            for route, n in self.by_route.items()
            if route.startswith(f"{method} ") and route.split(" ", 1)[1].startswith(prefix)
        )


@contextlib.contextmanager
def measured(server: SandboxServer) -> Iterator[list[Stats]]:
    """``with measured(server) as out: ...`` then ``out[0]`` is what the block cost."""
    out: list[Stats] = []
    before = Stats.of(server)
    yield out
    out.append(Stats.of(server) - before)


# --- clocks and memory -----------------------------------------------------------------


class Timer:
    def __enter__(self) -> Timer:
        self.wall0, self.cpu0 = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall = time.perf_counter() - self.wall0
        self.cpu = time.process_time() - self.cpu0


def _status_kb(field_name: str, path: str = "/proc/self/status") -> int:
    for line in Path(path).read_text().splitlines():
        if line.startswith(field_name + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"{field_name} not in {path}")


def rss_kb() -> int:
    """Current resident set size of this process, in KiB."""
    return _status_kb("VmRSS")


def peak_rss_kb() -> int:
    """Peak resident set size since the last :func:`reset_peak_rss`, in KiB."""
    return _status_kb("VmHWM")


def reset_peak_rss() -> bool:
    """Reset the kernel's peak-RSS mark (Linux >= 4.0); False when not allowed."""
    gc.collect()
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def scaled(value: int, scale: float, minimum: int = 1) -> int:
    return max(minimum, round(value * scale))
