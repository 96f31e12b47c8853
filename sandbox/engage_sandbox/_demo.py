"""``engage demo``: the contract scenario against every installed vendor's sandbox."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import ExitStack

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn
from rich.table import Table

from engage import Engage, EngageError, MemoryTokenStore

from ._app import SandboxOptions
from ._registry import installed_sandboxes
from ._runner import SandboxServer
from .scenario import STEP_CAPABILITY, Scenario, ScenarioResult, StepResult


def demo_vendors(eng: Engage) -> list[str]:
    """The vendors with both an installed adapter and an installed sandbox."""
    return [vendor for vendor in installed_sandboxes() if vendor in eng.vendors]


def run_demo(console: Console, vendors: Sequence[str] | None = None) -> list[ScenarioResult]:
    """Start the sandboxes, run the scenario for one tenant per vendor, print a comparison."""
    sandboxes = installed_sandboxes()
    chosen = list(vendors) if vendors is not None else demo_vendors(Engage(tenants={}))
    if not chosen:
        raise EngageError(
            "no vendor has both an adapter and a sandbox installed; "
            'try pip install "engage-core[all,sandbox]"'
        )
    with ExitStack() as stack:
        tenants: dict[str, dict[str, object]] = {}
        for vendor in chosen:
            sandbox = sandboxes[vendor]
            server = stack.enter_context(SandboxServer(sandbox.create_app(SandboxOptions())))
            tenants[f"demo-{vendor}"] = {"vendor": vendor, **sandbox.tenant_settings(server.url)}
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
    table = Table(title="One workflow, every vendor (neutral results)", show_lines=False)
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


__all__ = ["comparison_table", "demo_vendors", "run_demo"]
