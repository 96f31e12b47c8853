"""The emulated team: its records, list cache and rate limiter, rebuilt by ``reset``.

One :class:`Emulator` backs one app (``app.state.emulator``). The records and
their indexes are the :class:`~._state_store.State` it holds; ``reset`` builds
them again from the same seed, so a reset emulator answers as a fresh one.
"""

from __future__ import annotations

import threading
from typing import Any

from .._app import SandboxKit, SandboxOptions
from .._ratelimit import CostWindowLimiter
from ._data import build_state
from ._errors import error_body_for
from ._routes_costs import DEFAULT_LIMIT, DEFAULT_WINDOW, team_scope
from ._routes_listing import ListCache
from ._state_options import Extras, apply_extras, read_extras
from ._state_store import State


class Emulator:
    """One emulator instance: its state, list cache and rate limiter."""

    def __init__(self, options: SandboxOptions, kit: SandboxKit) -> None:
        self.options = options
        self.kit = kit
        self.now0 = options.clock.now()
        self.limiter = CostWindowLimiter(
            options.rate_limit or DEFAULT_LIMIT,
            options.rate_window or DEFAULT_WINDOW,
            options.clock,
        )
        self.cache = ListCache()
        self.lock = threading.Lock()
        self.extras: Extras = read_extras(options.extras)
        self.state: State = self._build()

    def _build(self) -> State:
        state = build_state(self.options.seed, self.options.size, self.now0)
        apply_extras(state, self.extras)
        return state

    def reset(self) -> None:
        with self.lock:
            self.state = self._build()
            self.cache.clear()
            self.limiter.reset()

    @property
    def scope(self) -> str:
        return team_scope(self.state.team["id"])

    def error_body(self, status: int) -> tuple[Any, dict[str, str]]:
        """Bodies for injected faults; a 429 says when the current window ends."""
        headers: dict[str, str] = {}
        if status == 429:
            now = self.options.clock.timestamp()
            window = self.limiter.window
            remaining = window - (now % window)
            headers["retry-after"] = str(max(1, int(remaining + 0.999)))
            headers["x-ratelimit-remaining-minute"] = "0"
        return error_body_for(status), headers
