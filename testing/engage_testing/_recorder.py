"""Record against the sandbox, replay offline: one tenant client per test.

When recording (``--record-mode`` other than ``none``) the vendor's emulator is
started fresh on a loopback port and the tenant talks to it; the recording is
scrubbed and written with the sandbox's origin replaced by a fixed one. When
replaying, no server runs: the tenant talks to the fixed origin and vcrpy
answers from the cassette, failing on any request that was not recorded.
"""

from __future__ import annotations

import os
import random
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit

from engage_sandbox import SandboxOptions, SandboxServer, SandboxVendor, sandbox_for

from engage._client import Engage, TenantClient
from engage._transport import MemoryTokenStore, NullPacer, Pacer
from engage.config import EngageSettings, MappingTenantSource, TenantConfig, require_tenant
from engage.errors import ConfigurationError

from ._scrub import Rewriter
from ._vcr import make_vcr

REPLAY_MODES = frozenset({"none"})
# Appended to a cassette recorded with personal data pseudonymised, so that a
# replay pseudonymises its own requests the same way before matching them.
PERSONAL_MARK = "engage_personal: true\n"


def live_origin(settings: dict[str, Any]) -> str:
    """The API origin a real tenant's settings point at (``base_url`` or ``instance_url``)."""
    for key in ("base_url", "instance_url"):
        value = settings.get(key)
        if isinstance(value, str) and value:
            parts = urlsplit(value)
            return f"{parts.scheme}://{parts.netloc}"
    raise ConfigurationError(
        "a live recording needs base_url or instance_url in the tenant's settings"
    )


def live_tenant(vendor: str) -> TenantConfig | None:
    """The real tenant to record ``vendor`` against: ``ENGAGE_LIVE_TENANT_<VENDOR>=<name>``."""
    name = os.environ.get(f"ENGAGE_LIVE_TENANT_{vendor.upper()}")
    if not name:
        return None
    settings = EngageSettings.load()
    return require_tenant(MappingTenantSource(settings.tenants), name)


def canonical_origin(vendor: str) -> str:
    """The fixed origin recorded in place of the sandbox's random port."""
    return f"https://{vendor}.sandbox.engage.test"


class Recorder:
    """A tenant client wired to a cassette (and, when recording, to a sandbox)."""

    def __init__(
        self,
        *,
        vendor: str,
        cassette: Path,
        record_mode: str = "none",
        tenant: str = "test",
        plugins: Iterable[object] = (),
        sandbox_options: SandboxOptions | None = None,
        sandbox: SandboxVendor | None = None,
        app: Any = None,
        transport: Mapping[str, Any] | None = None,
        pacer: Pacer | None = None,
        personal: bool = False,
        live: TenantConfig | None = None,
    ) -> None:
        self.vendor = vendor
        self.cassette_path = Path(cassette)
        self.record_mode = record_mode
        self.tenant_name = tenant
        self._plugins = list(plugins)
        self._sandbox_options = sandbox_options
        self._sandbox = sandbox
        self._app = app
        self._transport = dict(transport or {})
        self._pacer = pacer
        self._personal = personal or live is not None
        self._live = live
        self.server: SandboxServer | None = None
        self.engage: Engage | None = None
        self._cassette_cm: Any = None
        self.cassette: Any = None

    @property
    def recording(self) -> bool:
        if self.record_mode in REPLAY_MODES:
            return False
        if self.record_mode in {"all", "rewrite", "new_episodes"}:
            return True
        return not self.cassette_path.exists()  # "once"

    @property
    def tenant(self) -> TenantClient:
        if self.engage is None:
            raise RuntimeError("use the Recorder as a context manager first")
        return self.engage.tenant(self.tenant_name)

    def _sandbox_vendor(self) -> SandboxVendor:
        return self._sandbox or sandbox_for(self.vendor)

    def __enter__(self) -> Recorder:
        canonical = canonical_origin(self.vendor)
        live: str | None = None
        settings: dict[str, Any]
        if self.recording and self._live is not None:
            # A real account: its own settings, its API origin hidden in the recording.
            settings = self._live.vendor_settings
            live = live_origin(settings)
        elif self.recording:
            sandbox = self._sandbox_vendor()
            app = self._app or sandbox.create_app(self._sandbox_options or SandboxOptions())
            self.server = SandboxServer(app).start()
            live = self.server.url
            settings = sandbox.tenant_settings(live)
        else:
            settings = self._sandbox_vendor().tenant_settings(canonical)
        mode = self.record_mode
        if mode in {"rewrite", "all"}:
            # Start from an empty cassette so a re-recording is a whole new file.
            self.cassette_path.unlink(missing_ok=True)
            mode = "all"
        if not self.recording and self.cassette_path.exists():
            self._personal = self._personal or self.cassette_path.read_text().endswith(
                PERSONAL_MARK
            )
        recorder = make_vcr(mode, Rewriter(live, canonical), personal=self._personal)
        self.cassette_path.parent.mkdir(parents=True, exist_ok=True)
        self._cassette_cm = recorder.use_cassette(str(self.cassette_path))
        self.cassette = self._cassette_cm.__enter__()
        # Batches run one item at a time so that a recording has one order.
        transport = {"batch_concurrency": 1, **self._transport}
        self.engage = Engage(
            {self.tenant_name: {"vendor": self.vendor, **settings, "transport": transport}},
            plugins=self._plugins,
            token_store=MemoryTokenStore(),
            pacer=self._pacer or NullPacer(),
            sleep=self._sleep,
            clock=self._now,
            rng=random.Random(0),
        )
        return self

    def _now(self) -> datetime:
        if self.server is not None:
            return self.server.kit.clock.now()  # type: ignore[no-any-return]
        return datetime.now(UTC)

    def _sleep(self, seconds: float) -> None:
        # Recording: let the sandbox's clock pass instead of the wall clock.
        # Replaying: the answers are already on disk, so waiting is pointless.
        if self.server is not None:
            self.server.kit.clock.advance(seconds)

    def inject(self, **fault: Any) -> None:
        """Add a fault to the sandbox (recording only; the cassette holds its effect)."""
        if self.server is not None:
            self.server.kit.faults.add(**fault)

    def advance(self, seconds: float) -> None:
        """Move the sandbox clock (recording only)."""
        if self.server is not None:
            self.server.kit.clock.advance(seconds)

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            if self.engage is not None:
                self.engage.close()
        finally:
            try:
                if self._cassette_cm is not None:
                    self._cassette_cm.__exit__(exc_type, exc, tb)
                    if self.recording and self._personal and self.cassette_path.exists():
                        with self.cassette_path.open("a") as cassette:
                            cassette.write(PERSONAL_MARK)
            finally:
                if self.server is not None:
                    self.server.stop()
