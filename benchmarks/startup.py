"""8. Start-up: ``import engage``, then the first Salesloft tenant, in fresh interpreters.

Each sample is a new ``python`` process (nothing cached in ``sys.modules``)
that times, with ``perf_counter``, ``import engage`` and then
``Engage({...one Salesloft tenant...}).tenant(name)``; the interpreter's own
start is left out. The median of several processes is reported (the machine
is shared, so single samples are noisy), with the modules the process loaded.
No request is sent: opening a tenant builds its client and adapter only.
Target (issue 16): import plus first tenant under 0.5 s.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys

from ._harness import Result, Summary, Timer

NAME = "startup"
TARGET = 0.5
WATCHED: tuple[str, ...] = ("httpx", "pydantic", "engage_salesloft", "engage_salesforce")
WATCHED += ("simple_salesforce", "typer", "rich", "redis", "sqlite3", "limits")
WATCHED += ("pydantic_settings", "anyio")

PROBE = f"""
import json, sys, time
t0 = time.perf_counter()
import engage
t1 = time.perf_counter()
eng = engage.Engage({{"acme": {{"vendor": "salesloft", "base_url": "http://127.0.0.1:9",
                               "api_key": "not-a-real-key"}}}})
eng.tenant("acme")
t2 = time.perf_counter()
print(json.dumps({{"import": t1 - t0, "tenant": t2 - t1, "modules": len(sys.modules),
                  "loaded": [m for m in {WATCHED!r} if m in sys.modules]}}))
"""


def _sample() -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, check=True, timeout=120
    )
    sample: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return sample


def run(scale: float = 1.0) -> Result:
    runs = 7 if scale >= 1 else 2
    result = Result(
        NAME,
        "8. Start-up in a fresh interpreter: import engage, then the first Salesloft tenant",
        ["step", "median s", "best s", "worst s", "processes"],
    )
    with Timer() as timer:
        samples = [_sample() for _ in range(runs)]
    result.seconds = timer.wall
    imports = [float(s["import"]) for s in samples]  # type: ignore[arg-type]
    tenants = [float(s["tenant"]) for s in samples]  # type: ignore[arg-type]
    totals = [i + t for i, t in zip(imports, tenants, strict=True)]
    for label, values in (
        ("import engage", imports),
        ("first Salesloft tenant (after the import)", tenants),
        ("import + first tenant", totals),
    ):
        result.rows.append([label, statistics.median(values), min(values), max(values), runs])
    total = statistics.median(totals)
    loaded = samples[-1]["loaded"]
    result.notes.append(
        f"modules loaded after the first tenant: {samples[-1]['modules']}; of the watched heavy "
        f"ones: {', '.join(loaded) if isinstance(loaded, list) and loaded else 'none'}"
    )
    result.summary.append(
        Summary(
            "import engage + first Salesloft tenant (median of fresh processes)",
            f"{total:.2f} s",
            "1.9-2.1 s before issue 16 (import 1.3-1.5 s, first Engage() 0.6 s)",
            f"{total / TARGET:.2f}x target",
            f"< {TARGET} s",
            total < TARGET,
            ""
            if total < TARGET
            else f"import engage alone: {statistics.median(imports):.2f} s; the tenant pulls in "
            "httpx (which imports rich and click for its own CLI), pydantic-settings, limits "
            "and the models",
        )
    )
    return result
