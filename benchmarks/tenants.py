"""7. Many tenants: ``AsyncEngage`` listing tasks for 200 tenants at once.

200 tenants spread over the three emulators (each tenant its own client,
credentials and token) each list one page of open tasks. The emulators run in
processes of their own (so their CPU does not share the client's GIL) and
add 20 ms of latency to every request (a ``timeout`` fault with a delay,
which sleeps without blocking the server), standing in for a vendor's network
and processing time. Three ways, each with a fresh client (so each logs in):

* sequentially, with the sync client;
* the sync client with a thread pool of 32;
* ``AsyncEngage`` (``asyncio.gather`` over the tenants; calls run in worker
  threads bounded by ``max_threads=64``).

Also measured: the client CPU spent making the 200 tenant clients before any
request (TLS context, httpx client, adapter), which used to be about 43 ms
per tenant and is now shared. Target (issue 8): AsyncEngage at least 4x
faster than the sequential loop.
"""

from __future__ import annotations

import asyncio
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from typing import Any

from engage import Engage

from ._harness import VENDORS, Result, Summary, scaled, tenant_config
from ._procs import sandbox_process

NAME = "tenants"
LATENCY = 0.02
PAGE = 25


def _configs(urls: dict[str, str], count: int) -> dict[str, dict[str, Any]]:
    return {
        f"tenant-{i:03d}": tenant_config(VENDORS[i % len(VENDORS)], urls[VENDORS[i % len(VENDORS)]])
        for i in range(count)
    }


def _read(tenant: Any) -> int:
    return len(tenant.tasks.list(status="open", page_size=PAGE, limit=PAGE).to_list())


def _setup_cpu(configs: dict[str, dict[str, Any]]) -> float:
    """Client CPU seconds to make every tenant's client, before the first request."""
    with Engage(configs) as eng:
        eng.tenant(next(iter(configs)))  # the adapters' first import is not per-tenant work
        start = time.process_time()
        for name in configs:
            eng.tenant(name)
        return time.process_time() - start


def _sequential(configs: dict[str, dict[str, Any]]) -> tuple[float, int]:
    with Engage(configs) as eng:
        start = time.perf_counter()
        total = sum(_read(eng.tenant(name)) for name in configs)
        return time.perf_counter() - start, total


def _threads(configs: dict[str, dict[str, Any]], workers: int = 32) -> tuple[float, int]:
    with Engage(configs) as eng, ThreadPoolExecutor(workers) as pool:
        start = time.perf_counter()
        total = sum(pool.map(lambda name: _read(eng.tenant(name)), configs))
        return time.perf_counter() - start, total


def _async(configs: dict[str, dict[str, Any]]) -> tuple[float, int]:
    from engage import AsyncEngage  # the lead's async client

    async def main() -> tuple[float, int]:
        async with AsyncEngage(configs, max_threads=64) as eng:

            async def read(name: str) -> int:
                tasks = (
                    await eng.tenant(name)
                    .tasks.list(status="open", page_size=PAGE, limit=PAGE)
                    .to_list()
                )
                return len(tasks)

            start = time.perf_counter()
            counts = await asyncio.gather(*(read(name) for name in configs))
            return time.perf_counter() - start, sum(counts)

    return asyncio.run(main())


def run(scale: float = 1.0) -> Result:
    count = scaled(200, scale, 6)
    result = Result(
        NAME,
        f"7. Many tenants: one page of open tasks for each of {count} tenants "
        f"({LATENCY * 1000:.0f} ms emulated latency)",
        ["mode", "tenants", "tasks read", "wall s", "requests", "speed-up vs sequential"],
    )
    started = time.perf_counter()
    with ExitStack() as stack:
        servers = {
            vendor: stack.enter_context(sandbox_process(vendor, rate_limit=10**7))
            for vendor in VENDORS
        }
        for server in servers.values():
            server.add_fault(kind="timeout", delay=LATENCY, times=0)
        configs = _configs({v: s.url for v, s in servers.items()}, count)
        setup_cpu = _setup_cpu(configs)

        def requests() -> int:
            return sum(s.requests() for s in servers.values())

        runs: list[tuple[str, float, int, int]] = []
        for label, fn in (
            ("sync, sequential", _sequential),
            ("sync, thread pool of 32", _threads),
            ("AsyncEngage, gather", _async),
        ):
            before = requests()
            seconds, tasks = fn(configs)
            runs.append((label, seconds, tasks, requests() - before))
    result.seconds = time.perf_counter() - started
    sequential = runs[0][1]
    for label, seconds, tasks, reqs in runs:
        result.rows.append([label, count, tasks, seconds, reqs, f"{sequential / seconds:.1f}x"])
    async_s, pool_s = runs[2][1], runs[1][1]
    speedup = sequential / async_s
    result.notes.append(
        f"client CPU to make {count} tenant clients before the first request: "
        f"{setup_cpu:.2f} s ({setup_cpu / count * 1000:.1f} ms per tenant)"
    )
    result.summary.append(
        Summary(
            f"wall time, {count} tenants listing tasks (AsyncEngage)",
            f"{async_s:.2f} s",
            f"sequential {sequential:.2f} s; thread pool {pool_s:.2f} s",
            f"{speedup:.1f}x faster than sequential; "
            f"{pool_s / async_s:.2f}x the thread pool's speed",
            ">= 4x faster than sequential",
            speedup >= 4,
            f"client CPU before the first request: {setup_cpu * 1000 / count:.1f} ms per tenant "
            "(one TLS context shared by all tenants)",
        )
    )
    return result
