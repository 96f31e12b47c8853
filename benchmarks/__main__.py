"""``python -m benchmarks [name ...] [--scale S]``: run, print, write results.json."""

from __future__ import annotations

import argparse
import importlib
import json
import platform
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from . import BENCHMARKS
from ._harness import Result, console, detail_table, summary_table

RESULTS = Path(__file__).with_name("results.json")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("names", nargs="*", metavar="name", help=", ".join(BENCHMARKS))
    parser.add_argument("--scale", type=float, default=1.0, help="workload scale (1.0: full)")
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    names = args.names or list(BENCHMARKS)
    unknown = sorted(set(names) - set(BENCHMARKS))
    if unknown:
        parser.error(f"unknown benchmark {', '.join(unknown)}; choose from {', '.join(BENCHMARKS)}")
    results: list[Result] = []
    started = time.perf_counter()
    for name in names:
        console.rule(f"[bold]{name}")
        module = importlib.import_module(f"benchmarks.{name}")
        result: Result = module.run(args.scale)
        results.append(result)
        console.print(detail_table(result))
        for note in result.notes:
            console.print(f"[dim]{note}[/dim]")
    console.rule("[bold]summary")
    console.print(summary_table(results))
    total = time.perf_counter() - started
    console.print(f"{len(results)} benchmarks in {total:.0f} s")
    payload = {
        "command": "python -m benchmarks " + " ".join(sys.argv[1:] if argv is None else argv),
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "machine": f"{platform.system()} {platform.machine()}",
        "scale": args.scale,
        "seconds": round(total, 1),
        "results": [r.to_json() for r in results],
    }
    args.output.write_text(json.dumps(payload, indent=2) + "\n")
    console.print(f"results written to {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
