"""Simulated time: vendor budgets at their real window length, never waited out.

The emulator's clock is frozen (it does not tick per request) and moves only
when every client thread is waiting: engage's pacer and retry policy get this
module's ``sleep`` and ``clock``. A sleeping thread registers when it wants to
wake; once no request has reached the emulator and no thread has read the
clock for a short quiet spell, the clock jumps to the earliest wake-up (a
discrete-event simulation, so a thread waiting 60 s for Salesloft's next
minute does not carry the clock past another thread that meant to try again
after 1 s). The time a run needs at the vendor's real budget is the clock's
advance; request latency is left out (zero on this clock), so the figure is
the budget's lower bound on the duration.
"""

from __future__ import annotations

import contextlib
import threading
import time
import types
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import limits.storage.memory
import limits.strategies
from engage_sandbox import SandboxClock

from engage import Engage
from engage._transport import BudgetPacer

QUIET = 0.03  # real seconds without activity before the clock may jump


class _Clock(SandboxClock):
    """A frozen sandbox clock that notes each request the emulator serves."""

    def __init__(self, owner: SimTime) -> None:
        super().__init__(tick=timedelta(0))
        self._owner = owner

    def on_request(self) -> None:
        self._owner.touch()


class SimTime:
    """A frozen emulator clock and the ``sleep``/``clock`` pair that moves it."""

    def __init__(self) -> None:
        self.clock: SandboxClock = _Clock(self)
        self.start = self.clock.timestamp()
        self._seen = threading.local()
        self._cond = threading.Condition()
        self._wakeups: list[float] = []
        self._active = time.monotonic()
        self._keeper: threading.Thread | None = None
        self._stopped = False

    def touch(self) -> None:
        self._active = time.monotonic()

    def timestamp(self) -> float:
        self.touch()
        now = self.clock.timestamp()
        self._seen.at = now
        return now

    def now(self) -> datetime:
        self.touch()
        now = self.clock.now()
        self._seen.at = now.timestamp()
        return now

    def sleep(self, seconds: float) -> None:
        """Wait until the clock reaches ``seconds`` after what this thread last read of it."""
        base = getattr(self._seen, "at", None)
        target = (self.clock.timestamp() if base is None else base) + max(0.0, seconds)
        with self._cond:
            if self._keeper is None:
                self._keeper = threading.Thread(target=self._keep, daemon=True)
                self._keeper.start()
            self._wakeups.append(target)
            try:
                while self.clock.timestamp() < target and not self._stopped:
                    self._cond.wait(0.01)
            finally:
                self._wakeups.remove(target)
        self.touch()

    def _keep(self) -> None:
        """Jump the clock to the earliest wake-up whenever everyone is waiting."""
        while not self._stopped:
            time.sleep(QUIET / 3)
            with self._cond:
                if not self._wakeups or time.monotonic() - self._active < QUIET:
                    continue
                earliest = min(self._wakeups)
                now = self.clock.timestamp()
                if earliest > now:
                    self.clock.advance(earliest - now)
                self._cond.notify_all()

    def close(self) -> None:
        with self._cond:
            self._stopped = True
            self._cond.notify_all()

    def elapsed(self) -> float:
        """Simulated seconds since this clock was made."""
        return self.clock.timestamp() - self.start

    @contextlib.contextmanager
    def patched_limits(self) -> Iterator[None]:
        """The ``limits`` library's moving window (engage's own count in ``BudgetPacer``)
        on this clock too: it reads ``time.time()`` itself, which the pacer's ``clock``
        argument does not reach, so on a simulated clock its windows would never end."""
        shim = types.SimpleNamespace(time=self.clock.timestamp, sleep=time.sleep)
        modules = (limits.storage.memory, limits.strategies)
        saved = [module.time for module in modules]
        try:
            for module in modules:
                module.time = shim  # type: ignore[attr-defined]
            yield
        finally:
            for module, original in zip(modules, saved, strict=True):
                module.time = original  # type: ignore[attr-defined]
            self.close()

    def engage(self, tenants: dict[str, Any], **kwargs: Any) -> Engage:
        """An :class:`Engage` whose pacer and retries wait on this clock."""
        pacer = BudgetPacer(sleep=self.sleep, clock=self.timestamp)
        return Engage(tenants, sleep=self.sleep, clock=self.now, pacer=pacer, **kwargs)
