"""``engage demo``: the contract scenario against every installed vendor's sandbox."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import ExitStack

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn
from rich.table import Table

from ._client import Engage
from ._transport import MemoryTokenStore
from .sandbox import SandboxServer
from .testing.contract import STEP_CAPABILITY, Scenario, ScenarioResult, StepResult

DEMO_VENDORS = ("salesloft", "outreach", "salesforce")


def run_demo(console: Console, vendors: Sequence[str] = DEMO_VENDORS) -> list[ScenarioResult]:
    """Start the sandboxes, run the scenario for one tenant per vendor, print a comparison."""
    registry = Engage(tenants={})
    with ExitStack() as stack:
        tenants: dict[str, dict[str, object]] = {}
        for vendor in vendors:
            adapter = registry.adapter_class(vendor)
            server = stack.enter_context(SandboxServer(adapter.create_sandbox_app()))
            tenants[f"demo-{vendor}"] = {"vendor": vendor, **adapter.sandbox_settings(server.url)}
        eng = stack.enter_context(Engage(tenants, token_store=MemoryTokenStore()))
        results = []
        columns = (
            TextColumn("{task.description:<22}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[step]}"),
        )
        with Progress(*columns, console=console, transient=False) as progress:
            for name in tenants:
                tenant = eng.tenant(name)
                bar = progress.add_task(name, total=len(STEP_CAPABILITY), step="")

                def advance(result: StepResult, bar: TaskID = bar) -> None:
                    progress.update(bar, advance=1, step=result.step)

                results.append(Scenario(tenant, on_step=advance).run())
                progress.update(bar, step="done")
    console.print(comparison_table(results))
    return results


def comparison_table(results: Sequence[ScenarioResult]) -> Table:
    table = Table(title="One workflow, three vendors (neutral results)", show_lines=False)
    table.add_column("step")
    for result in results:
        table.add_column(f"{result.vendor}", overflow="fold")
    for step in STEP_CAPABILITY:
        cells = []
        for result in results:
            found = result.by_step().get(step)
            if found is None:
                cells.append("-")
            elif found.outcome != "ok":
                cells.append(f"[yellow]{found.outcome}[/yellow]")
            else:
                cells.append(found.detail)
        table.add_row(step, *cells)
    return table


__all__ = ["DEMO_VENDORS", "comparison_table", "run_demo"]
