"""The sandbox clock: fixed by default so that recordings are byte-identical."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta

DEFAULT_EPOCH = datetime(2026, 1, 15, 9, 0, 0, tzinfo=UTC)


class SandboxClock:
    """Time as the emulators see it.

    In fixed mode (the default) time starts at ``start`` and moves only when a
    request arrives (by ``tick``) or when a test calls :meth:`advance`, so the
    same scenario always sees the same timestamps. In real mode it follows the
    wall clock from ``start`` on, which rate-limit benchmarks need.
    """

    def __init__(
        self,
        start: datetime = DEFAULT_EPOCH,
        *,
        tick: timedelta = timedelta(seconds=1),
        real: bool = False,
    ) -> None:
        if start.tzinfo is None:
            raise ValueError("the sandbox clock needs a timezone-aware start")
        self._start = start.astimezone(UTC)
        self._offset = timedelta(0)
        self._tick = tick
        self._real = real
        self._t0 = time.monotonic()
        self._lock = threading.Lock()

    @property
    def real(self) -> bool:
        return self._real

    def now(self) -> datetime:
        with self._lock:
            now = self._start + self._offset
            if self._real:
                now += timedelta(seconds=time.monotonic() - self._t0)
            return now

    def timestamp(self) -> float:
        return self.now().timestamp()

    def advance(self, delta: timedelta | float) -> None:
        if not isinstance(delta, timedelta):
            delta = timedelta(seconds=delta)
        with self._lock:
            self._offset += delta

    def reset(self) -> None:
        """Back to ``start``, as a fresh sandbox would be."""
        with self._lock:
            self._offset = timedelta(0)
            self._t0 = time.monotonic()

    def on_request(self) -> None:
        """Called once per request: fixed clocks move by one tick."""
        if not self._real:
            self.advance(self._tick)

    def sleep(self, seconds: float) -> None:
        """Wait ``seconds`` of sandbox time (real sleep only in real mode)."""
        if self._real:
            time.sleep(seconds)
        else:
            self.advance(seconds)
