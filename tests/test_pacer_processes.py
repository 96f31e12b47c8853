"""Pacing shared across processes: three product processes on one vendor budget.

Each process runs four threads that list targets one per page, against one
Outreach emulator that limits the user to 40 requests per 2 s on the wall
clock. With ``pacer_storage = redis://`` the processes spend from one count of
what the vendor said, so almost nothing is refused; with ``memory://`` each
trusts its own copy and the vendor refuses many (the control: it shows the
emulator really limits).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from engage_sandbox import SandboxClock, SandboxOptions, SandboxServer, sandbox_for

ROOT = Path(__file__).resolve().parent.parent
PROCESSES, THREADS, LISTS_PER_THREAD = 3, 4, 20

PRODUCT = """
import json, sys
from concurrent.futures import ThreadPoolExecutor
from engage import Engage, EngageError
settings = json.loads(sys.argv[1])
eng = Engage({"acme": settings})
tenant = eng.tenant("acme")
def work(_):
    refused = 0
    for _ in range(int(sys.argv[2])):
        try:
            list(tenant.targets.list(page_size=1, limit=3))
        except EngageError:
            refused += 1
    return refused
with ThreadPoolExecutor(int(sys.argv[3])) as pool:
    print(json.dumps({"refused": sum(pool.map(work, range(int(sys.argv[3]))))}))
eng.close()
"""


def _run_products(storage: str, tmp_path: Path) -> tuple[int, int, int]:
    """(requests the vendor saw, of them refused with 429, calls that failed for a caller)."""
    options = SandboxOptions(
        rate_limit=40, rate_window=2, clock=SandboxClock(datetime.now(UTC), real=True)
    )
    sandbox = sandbox_for("outreach")
    with SandboxServer(sandbox.create_app(options)) as server:
        settings = {"vendor": "outreach", **sandbox.tenant_settings(server.url)}
        env = {k: v for k, v in os.environ.items() if not k.startswith("ENGAGE_")}
        env |= {"ENGAGE_PACER_STORAGE": storage, "XDG_DATA_HOME": str(tmp_path / "data")}
        args = [json.dumps(settings), str(LISTS_PER_THREAD), str(THREADS)]
        products = [
            subprocess.Popen(
                [sys.executable, "-c", PRODUCT, *args],
                cwd=ROOT,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(PROCESSES)
        ]
        failed = 0
        try:
            for product in products:
                out, err = product.communicate(timeout=300)
                assert product.returncode == 0, err
                failed += json.loads(out.strip().splitlines()[-1])["refused"]
        finally:
            for product in products:
                product.kill()
                product.communicate()
        stats = server.kit.stats.snapshot()
    return stats["requests"], stats["by_status"].get("429", 0), failed


def test_processes_sharing_redis_stay_within_the_vendor_budget(
    redis_url: str, tmp_path: Path
) -> None:
    seen, refused, failed = _run_products(redis_url, tmp_path)
    assert seen >= PROCESSES * THREADS * LISTS_PER_THREAD
    assert refused <= seen // 100, f"{refused} of {seen} requests refused with 429"
    assert failed == 0


@pytest.mark.parametrize("storage", ["memory://"])
def test_processes_pacing_alone_overspend_the_budget(storage: str, tmp_path: Path) -> None:
    seen, refused, _ = _run_products(storage, tmp_path)
    assert refused > seen // 100, f"only {refused} of {seen} refused: the emulator did not limit"
