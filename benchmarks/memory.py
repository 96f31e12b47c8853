"""6. Memory: streaming 200,000 records through a pager.

``tenant.targets.list()`` (Salesloft, ``updated_at`` keyset paging, 100 a page)
iterated to the end, keeping nothing. The pages come from an in-process
``httpx`` transport that renders Salesloft people on demand from one real
emulator record (ids and ``updated_at`` counting up), so the measured process
holds only the client: an emulator seeded with 200,000 people would itself
take gigabytes. Peak RSS growth is the kernel's high-water mark (``VmHWM``,
reset through ``/proc/self/clear_refs``) minus the RSS before the stream.
"""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
import tempfile
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from engage_sandbox.salesloft import SANDBOX_SALESLOFT_API_KEY

from engage import Engage

from ._harness import (
    Result,
    Summary,
    Timer,
    one_tenant,
    peak_rss_kb,
    reset_peak_rss,
    rss_kb,
    sandbox,
    scaled,
)

NAME = "memory"
TARGET_MB = 50.0


class PeopleFeed:
    """Serves ``GET /v2/people`` sorted by ``updated_at`` for ``total`` synthetic people."""

    def __init__(self, template: dict[str, Any], total: int) -> None:
        self.template = template
        self.total = total
        self.base = datetime.fromisoformat(template["updated_at"])
        self.requests = 0

    def _moment(self, i: int) -> datetime:
        return self.base + timedelta(seconds=i)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests += 1
        params = request.url.params
        per_page = int(params.get("per_page", "25"))
        page = int(params.get("page", "1"))
        start = 0
        if (since := params.get("updated_at[gte]")) is not None:
            start = max(0, int((datetime.fromisoformat(since) - self.base).total_seconds()))
        start += (page - 1) * per_page
        rows = []
        for i in range(start, min(self.total, start + per_page)):
            row = copy.copy(self.template)
            row["id"] = 5_000_000 + i
            row["email_address"] = f"person.{i}@example.com"
            row["updated_at"] = self._moment(i).isoformat()
            rows.append(row)
        more = start + per_page < self.total
        body = {
            "metadata": {
                "filtering": {},
                "paging": {
                    "per_page": per_page,
                    "current_page": page,
                    "next_page": page + 1 if more else None,
                    "prev_page": page - 1 if page > 1 else None,
                },
                "sorting": {"sort_by": "updated_at", "sort_direction": "ASC"},
            },
            "data": rows,
        }
        headers = {"x-ratelimit-remaining-minute": "100000", "x-ratelimit-endpoint-cost": "1"}
        return httpx.Response(200, content=json.dumps(body).encode(), headers=headers)


CHILD = "ENGAGE_BENCH_MEMORY_CHILD"


def run(scale: float = 1.0) -> Result:
    """Measured in a fresh interpreter: earlier benchmarks' heaps would blur the peak."""
    if os.environ.get(CHILD) == "1":
        return _measure(scale)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "memory.json"
        command = [sys.executable, "-m", "benchmarks", NAME, "--scale", str(scale)]
        subprocess.run(
            [*command, "--output", str(out)],
            env={**os.environ, CHILD: "1"},
            check=True,
            capture_output=True,
        )
        data = json.loads(out.read_text())["results"][0]
    summary = [
        Summary(**{k: v for k, v in row.items() if k != "verdict"}) for row in data["summary"]
    ]
    return Result(
        data["name"],
        data["title"],
        data["columns"],
        data["rows"],
        summary=summary,
        notes=data["notes"],
        seconds=data["seconds"],
    )


def _measure(scale: float) -> Result:
    total = scaled(200_000, scale, 1000)
    result = Result(
        NAME,
        f"6. Memory: streaming {total:,} Salesloft people through a pager",
        ["records", "requests", "seconds", "records/s", "RSS before MB", "peak growth MB"],
    )
    with sandbox("salesloft") as server:
        eng, tenant = one_tenant("salesloft", server)
        template = tenant.raw.get("/v2/people", params={"per_page": "1"}).json()["data"][0]
        eng.close()
    feed = PeopleFeed(template, total)
    eng = Engage(
        {
            "m": {
                "vendor": "salesloft",
                "base_url": "https://api.salesloft.test",
                "api_key": SANDBOX_SALESLOFT_API_KEY,
            }
        },
        http_transport=httpx.MockTransport(feed),
    )
    tenant = eng.tenant("m")
    tenant.targets.list(page_size=100).first()  # warm up: imports, pydantic caches, client
    before = rss_kb()
    exact = reset_peak_rss()
    count = 0
    with Timer() as timer:
        for target in tenant.targets.list(page_size=100):
            count += 1
            del target
    peak = peak_rss_kb() if exact else max(peak_rss_kb(), rss_kb())
    eng.close()
    growth = (peak - before) / 1024
    result.seconds = timer.wall
    result.rows.append(
        [count, feed.requests, timer.wall, count / timer.wall, before / 1024, growth]
    )
    result.summary.append(
        Summary(
            f"peak RSS growth streaming {count:,} records",
            f"{growth:.1f} MB",
            "-",
            f"{growth / TARGET_MB:.2f}x target",
            f"< {TARGET_MB:.0f} MB",
            growth < TARGET_MB,
            "" if exact else "VmHWM could not be reset: the peak includes the set-up",
        )
    )
    return result
