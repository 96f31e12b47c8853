"""Where change-feed checkpoints are kept: memory, an SQLite file, or Redis.

Every store compares and sets: ``commit(key, expected, new)`` writes ``new`` only
if the stored value is still ``expected`` (``None``: nothing stored yet) and says
whether it did. Two workers that polled the same window from the same checkpoint
both try to commit; exactly one wins, and the other knows its window was taken.
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from ._transport._redis_url import redis_from_url
from .errors import InputError

__all__ = [
    "CheckpointStore",
    "MemoryCheckpointStore",
    "RedisCheckpointStore",
    "SQLiteCheckpointStore",
    "default_checkpoint_path",
]


@runtime_checkable
class CheckpointStore(Protocol):
    """Checkpoint strings by key, with compare-and-set commits."""

    def get(self, key: str) -> str | None:
        """The stored checkpoint, or ``None`` when none was committed."""
        ...

    def commit(self, key: str, expected: str | None, new: str) -> bool:
        """Store ``new`` if the stored value is ``expected``; whether it was stored."""
        ...


def _check(key: object, new: object, expected: object) -> None:
    if not isinstance(key, str) or not key:
        raise InputError("a checkpoint key is a non-empty string")
    if not isinstance(new, str) or not new:
        raise InputError("a checkpoint is a non-empty string (str(checkpoint))")
    if expected is not None and not isinstance(expected, str):
        raise InputError("expected is the checkpoint string read before, or None")


class MemoryCheckpointStore:
    """Checkpoints in this process only (tests, one-off scripts)."""

    def __init__(self) -> None:
        self._values: dict[str, str] = {}
        self._lock = threading.Lock()

    def get(self, key: str) -> str | None:
        with self._lock:
            return self._values.get(key)

    def commit(self, key: str, expected: str | None, new: str) -> bool:
        _check(key, new, expected)
        with self._lock:
            if self._values.get(key) != expected:
                return False
            self._values[key] = new
            return True

    def __repr__(self) -> str:
        return f"MemoryCheckpointStore({len(self._values)} keys)"


def default_checkpoint_path() -> Path:
    """``checkpoints.sqlite3`` in the user data directory (beside the token file)."""
    import platformdirs

    return platformdirs.user_data_path("engage", appauthor=False) / "checkpoints.sqlite3"


class SQLiteCheckpointStore:
    """Checkpoints in an SQLite file, safe across threads and processes on one machine.

    The file runs in WAL mode; each commit is one conditional statement, which SQLite
    runs atomically under its write lock, so concurrent commits from any number of
    processes serialise and only one of those expecting the same value succeeds.
    Open one store per process (a connection must not cross a ``fork``).
    """

    def __init__(self, path: str | Path | None = None, *, timeout: float = 30.0) -> None:
        self.path = Path(path) if path is not None else default_checkpoint_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(
            self.path, timeout=timeout, isolation_level=None, check_same_thread=False
        )
        self._db.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
        self._db.execute("PRAGMA journal_mode = WAL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS checkpoints (key TEXT PRIMARY KEY, value TEXT NOT NULL)"
        )

    def get(self, key: str) -> str | None:
        with self._lock:
            row = self._db.execute("SELECT value FROM checkpoints WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def commit(self, key: str, expected: str | None, new: str) -> bool:
        _check(key, new, expected)
        with self._lock:
            if expected is None:
                done = self._db.execute(
                    "INSERT INTO checkpoints (key, value) VALUES (?, ?) ON CONFLICT DO NOTHING",
                    (key, new),
                )
            else:
                done = self._db.execute(
                    "UPDATE checkpoints SET value = ? WHERE key = ? AND value = ?",
                    (new, key, expected),
                )
            return done.rowcount == 1

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __repr__(self) -> str:
        return f"SQLiteCheckpointStore({str(self.path)!r})"


# Compare and set in one server-side step: no other client runs between the read and
# the write. ARGV[1] is "1" when nothing may be stored yet.
_COMMIT = """
local current = redis.call('GET', KEYS[1])
if ARGV[1] == '1' then
  if current then return 0 end
elseif current ~= ARGV[2] then
  return 0
end
redis.call('SET', KEYS[1], ARGV[3])
return 1
"""


class RedisCheckpointStore:
    """Checkpoints in Redis, shared by every worker of a product (the ``redis`` extra)."""

    def __init__(self, client: Any, *, prefix: str = "engage:checkpoints:") -> None:
        # Any: a redis.Redis, which is an optional dependency.
        self._redis = client
        self._prefix = prefix
        self._script = client.register_script(_COMMIT)

    @classmethod
    def from_url(cls, url: str, **kwargs: Any) -> RedisCheckpointStore:
        return cls(redis_from_url(url, "a Redis checkpoint store"), **kwargs)

    def get(self, key: str) -> str | None:
        value = self._redis.get(self._prefix + key)
        if value is None:
            return None
        return value.decode() if isinstance(value, bytes) else str(value)

    def commit(self, key: str, expected: str | None, new: str) -> bool:
        _check(key, new, expected)
        flag = "1" if expected is None else "0"
        done = self._script(keys=[self._prefix + key], args=[flag, expected or "", new])
        return bool(int(done))

    def __repr__(self) -> str:
        return f"RedisCheckpointStore(prefix={self._prefix!r})"
