"""The capability matrix, generated from what each adapter declares."""

from __future__ import annotations

from collections.abc import Mapping

from .adapter import Adapter, Capability

HEADER = (
    "# Capability matrix\n\n"
    "Generated from the adapters' declared capabilities by `engage capabilities --markdown`;\n"
    "a test fails when this page and the code disagree. ✅ supported;\n"
    "❌ raises `UnsupportedOperationError` before any request (the nearest alternative below).\n"
)


def capability_rows(adapters: Mapping[str, type[Adapter]]) -> list[list[str]]:
    vendors = sorted(adapters)
    rows = []
    for capability in Capability:
        cells = [f"`{capability.value}`"]
        for vendor in vendors:
            adapter = adapters[vendor]
            cells.append("✅" if capability in adapter.capabilities else "❌")
        rows.append(cells)
    return rows


def capability_markdown(adapters: Mapping[str, type[Adapter]]) -> str:
    vendors = sorted(adapters)
    lines = [HEADER, "| operation | " + " | ".join(vendors) + " |"]
    lines.append("|---|" + "---|" * len(vendors))
    lines += ["| " + " | ".join(row) + " |" for row in capability_rows(adapters)]
    notes = [
        f"- **{vendor}** `{cap.value}`: {text}"
        for vendor in vendors
        for cap, text in sorted(adapters[vendor].alternatives.items())
        if cap not in adapters[vendor].capabilities
    ]
    if notes:
        lines += ["", "## Nearest alternatives", "", *notes]
    return "\n".join(lines) + "\n"
