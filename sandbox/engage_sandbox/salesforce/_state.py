"""One emulated org: its records, sessions, API budget and open query cursors."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from .._app import SandboxKit
from .._ratelimit import Charge, CostWindowLimiter
from ._auth import DEMO_REFRESH_TOKEN
from ._data import DemoOrg
from ._errors import ApiError, limit_exceeded
from ._state_profile import OrgProfile
from ._state_store import Record, Store

DEFAULT_DAILY_LIMIT = 15000  # Developer Edition's daily API request allocation
DAY = 86400.0
CURSOR_IDLE = timedelta(minutes=15)  # query locators die after 15 minutes unused
MAX_CURSORS = 10_000


@dataclass
class Cursor:
    locator: str
    sobject: str
    rows: Sequence[Record]
    tree: dict[str, object]
    batch: int
    version: str
    endpoint: str
    touched: datetime


class SalesforceOrg:
    """Shared state behind the routes; ``reset`` rebuilds it from the same seed."""

    def __init__(self, kit: SandboxKit) -> None:
        self.kit = kit
        options = kit.options
        self.profile = OrgProfile.from_extras(options.extras)
        self.limiter = CostWindowLimiter(
            options.rate_limit or DEFAULT_DAILY_LIMIT, options.rate_window or DAY, kit.clock
        )
        self.lock = threading.RLock()
        self.refresh_tokens: dict[str, str] = {}
        self.cursors: dict[str, Cursor] = {}
        self.store = Store()
        self.org_id = ""
        self.admin_id = ""
        self.reset()

    def reset(self) -> None:
        with self.lock:
            self.store = Store()
            demo = DemoOrg(
                self.store, seed=self.kit.options.seed, size=self.kit.options.size, now=self.now()
            )
            demo.build()
            self.org_id, self.admin_id = demo.org_id, demo.admin_id
            self.refresh_tokens = {DEMO_REFRESH_TOKEN: self.admin_id}
            self.cursors = {}
            self.limiter.reset()

    def now(self) -> datetime:
        return self.kit.clock.now()

    def user_by_username(self, username: str) -> Record | None:
        for user in self.store.rows("User"):
            if user["Username"].lower() == username.lower() and user["IsActive"]:
                return user
        return None

    def charge(self) -> Charge:
        charge = self.limiter.charge(self.org_id)
        if not charge.allowed:
            raise limit_exceeded()
        self.kit.stats.add_cost(1)
        return charge

    def usage_header(self, charge: Charge) -> dict[str, str]:
        return {"Sforce-Limit-Info": f"api-usage={charge.limit - charge.remaining}/{charge.limit}"}

    def open_cursor(self, cursor: Cursor) -> None:
        self.cursors[cursor.locator] = cursor
        if len(self.cursors) > MAX_CURSORS:
            oldest = min(self.cursors.values(), key=lambda c: c.touched)
            del self.cursors[oldest.locator]

    def cursor(self, locator: str) -> Cursor:
        cursor = self.cursors.get(locator)
        if cursor is None or self.now() - cursor.touched > CURSOR_IDLE:
            self.cursors.pop(locator, None)
            raise ApiError(400, "INVALID_QUERY_LOCATOR", "invalid query locator")
        cursor.touched = self.now()
        return cursor
