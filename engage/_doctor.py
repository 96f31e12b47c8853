"""``engage doctor``: is this tenant usable, and how much budget is left?"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from . import _cli_config
from ._cli_errors import ExitCode, exit_code_for, one_line
from ._client import TenantClient
from ._transport import TenantPacer
from .adapter import Capability
from .errors import EngageError


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str
    code: ExitCode = ExitCode.OK  # the family of the failure, when it failed

    def as_json(self) -> dict[str, Any]:
        return {"name": self.name, "ok": self.ok, "detail": self.detail}


def _failed(name: str, error: BaseException) -> Check:
    return Check(name, False, one_line(error), exit_code_for(error))


def _probe(tenant: TenantClient) -> Check:
    """The cheapest read the vendor supports, to prove credentials and connectivity."""
    reads: list[tuple[Capability, Callable[[], object]]] = [
        (Capability.SEQUENCES_LIST, lambda: tenant.sequences.list(limit=1).to_list()),
        (Capability.TARGETS_LIST, lambda: tenant.targets.list(limit=1).to_list()),
        (Capability.TASKS_LIST, lambda: tenant.tasks.list(limit=1).to_list()),
    ]
    for capability, read in reads:
        if tenant.supports(capability):
            started = time.monotonic()
            try:
                read()
            except EngageError as exc:
                code = exit_code_for(exc)
                return _failed("credentials" if code is ExitCode.AUTH else "connectivity", exc)
            elapsed = (time.monotonic() - started) * 1000
            return Check(
                "credentials and connectivity",
                True,
                f"{capability.value} answered in {elapsed:.0f} ms",
            )
    return Check(
        "credentials and connectivity",
        False,
        "the adapter supports no read to probe with",
        ExitCode.FAILED,
    )


def _headroom(tenant: TenantClient) -> Check:
    pacer = tenant.adapter.context.pacer
    if not isinstance(pacer, TenantPacer):
        return Check("rate-limit headroom", True, "not tracked by this pacer")
    seen = pacer.last_observation
    if seen is None or seen.remaining is None:
        return Check("rate-limit headroom", True, "the vendor reported no budget on that response")
    parts = [f"{seen.remaining}" + (f" of {seen.limit}" if seen.limit else "") + " left"]
    if seen.reset_at is not None:
        parts.append(f"resets {datetime.fromtimestamp(seen.reset_at, tz=UTC).isoformat()}")
    return Check("rate-limit headroom", True, ", ".join(parts) + f" (scope {pacer.last_scope})")


def diagnose(config: Path | None, tenant_name: str) -> list[Check]:
    """The checks, in order; the first failure ends them (later ones would fail with it)."""
    try:
        eng = _cli_config.open_engage(config)
        tenant = eng.tenant(tenant_name)
    except EngageError as exc:
        return [_failed("configuration", exc)]
    try:
        checks = [
            Check(
                "configuration",
                True,
                f"vendor {tenant.vendor}, {len(tenant.capabilities)} operations",
            )
        ]
        probe = _probe(tenant)
        checks.append(probe)
        if probe.ok:
            checks.append(_headroom(tenant))
        return checks
    finally:
        eng.close()
