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

from rich.markup import escape

from . import BENCHMARKS
from ._harness import Result, console, detail_table, summary_table

RESULTS = Path(__file__).with_name("results.json")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("names", nargs="*", metavar="name", help=", ".join(BENCHMARKS))
    parser.add_argument("--scale", type=float, default=1.0, help="workload scale (1.0: full)")
    parser.add_argument("--output", type=Path, default=RESULTS)
    parser.add_argument(
        "--markdown",
        action="store_true",
        help="print the results of the last run (results.json) as the docs' Markdown, run nothing",
    )
    args = parser.parse_args(argv)
    if args.markdown:
        print(markdown(json.loads(args.output.read_text())), end="")
        return 0
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
            console.print(f"[dim]{escape(note)}[/dim]")
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


def _cell(value: object) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ")


def markdown(payload: dict[str, object]) -> str:
    """The summary and detail tables of a run, as docs/performance.md shows them."""
    results = payload["results"]
    assert isinstance(results, list)
    lines = [
        f"Produced by `{payload['command'].strip()}` ({payload['machine']}, Python "
        f"{payload['python']}, scale {payload['scale']}); {payload['seconds']:.0f} s in all.",
        "",
        "| benchmark | measure | engage | baseline(s) | ratio | target | met? | why not / note |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for result in results:
        for row in result["summary"]:
            verdict = "**NO**" if row["verdict"] == "NO" else row["verdict"]
            cells = [result["name"], row["measure"], row["engage"], row["baseline"]]
            cells += [row["ratio"], row["target"], verdict, row["note"]]
            lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    for result in results:
        lines += ["", f"### {result['title']}", ""]
        lines.append("| " + " | ".join(_cell(c) for c in result["columns"]) + " |")
        lines.append("|" + "---|" * len(result["columns"]))
        lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in result["rows"]]
        lines += [""] + [f"- {_cell(note)}" for note in result["notes"]] if result["notes"] else []
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
